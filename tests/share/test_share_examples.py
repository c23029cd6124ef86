"""The project's own examples/ shared end to end, with real verification reports."""

from __future__ import annotations

from pathlib import Path

import pytest
from share_helpers import NOW, holder_verdict

from credwallet.formats import parse
from credwallet.models import ReportStatus
from credwallet.share import bundle, qr
from credwallet.share.items import SharedItem, ShareStatus, share_status
from credwallet.share.page import render_index
from credwallet.verify.engine import VerifyOptions, verify_credential
from credwallet.verify.keys import SigningKey
from support import EXAMPLES

FILES = [
    "data-analytics-foundations.json",
    "sql-for-data-analysis.jwt",
    "python-for-data-analysis.png",
    "cloud-practitioner.svg",
    "spreadsheet-modelling.json",
]
OPTIONS = VerifyOptions(now=NOW, offline=True)


@pytest.fixture
def examples() -> list[SharedItem]:
    items = []
    for number, name in enumerate(FILES, start=1):
        path = EXAMPLES / name
        if not path.is_file():
            pytest.skip(f"examples/{name} not generated yet")
        credential = parse(path.read_bytes(), name=name)
        report = verify_credential(credential, source=name, options=OPTIONS)
        items.append(SharedItem(f"e{number}", credential, report, ("Data analytics",)))
    return items


class TestExamples:
    def test_statuses_at_share_time(self, examples: list[SharedItem]) -> None:
        """Four examples share as verified, the expired one as expired."""
        assert [share_status(i, NOW) for i in examples] == [ShareStatus.VALID] * 4 + [
            ShareStatus.EXPIRED
        ]

    def test_bundle_of_examples_verifies(self, examples: list[SharedItem], tmp_path: Path) -> None:
        """A bundle of every example verifies with no wallet; statuses match the table."""
        target = tmp_path / "examples.zip"
        bundle.create_bundle(target, examples, key=SigningKey.generate(), now=NOW)
        result = bundle.verify_bundle(target.read_bytes(), source="examples.zip", options=OPTIONS)
        assert result.bundle.status is ReportStatus.VALID, result.bundle.to_json()
        assert all(holder_verdict(p) is ReportStatus.VALID for p in result.presentations)
        # The expired example is visible in its presentation's own verdict too.
        assert ReportStatus.INVALID in [p.status for p in result.presentations]
        assert [r.status for r in result.credentials] == [ReportStatus.VALID] * 4 + [
            ReportStatus.INVALID
        ]

    def test_every_example_round_trips_as_a_qr_code(self, examples: list[SharedItem]) -> None:
        """Each example, drawn as QR codes and scanned, parses to the same credential."""
        for shared in examples:
            texts = bundle.qr_texts(shared.credential, link=False)
            (content,) = qr.scan([qr.render_png(t) for t in texts])
            assert content.data is not None
            assert parse(content.data).document == shared.credential.document

    def test_page_shows_baked_images(self, examples: list[SharedItem]) -> None:
        """The baked PNG and SVG examples appear as their own images on the page."""
        page = render_index(examples, holder_did="did:key:z6Mk", generated_at=NOW)
        assert page.count("data:image/png;base64,") >= 1
        assert page.count("data:image/svg+xml;base64,") >= 1
        assert 'class="card st-expired"' in page
