"""The issuer's registered name (from a trust registry) is what the page and the PDF show."""

from __future__ import annotations

import dataclasses
import io

import pytest
from share_helpers import NOW, OB3_SMALL, item

from credwallet.models import Check, CheckStatus
from credwallet.share.page import render_index
from credwallet.share.pdf import render_pdf
from credwallet.share.qrchoice import choose_qr
from credwallet.verify.trust import CHECK_NAME

pypdf = pytest.importorskip("pypdf")


def registered():  # type: ignore[no-untyped-def]
    shared = item(OB3_SMALL)
    assert shared.report is not None
    trust = Check(
        name=CHECK_NAME,
        status=CheckStatus.PASS,
        inputs=(("registered name", "Example State University"), ("label", "registered")),
        required=False,
    )
    report = dataclasses.replace(shared.report, checks=(*shared.report.checks, trust))
    return dataclasses.replace(shared, report=report)


class TestRegisteredName:
    def test_page_shows_the_registered_name_and_the_claim(self) -> None:
        """The page leads with the registry's name and shows the credential's own as a claim."""
        page = render_index([registered()], holder_did="did:key:z6Mk", generated_at=NOW)
        assert "Example State University (calls itself Example University)" in page

    def test_pdf_shows_the_registered_name(self) -> None:
        """The PDF's credential page names the registered issuer."""
        shared = registered()
        result = render_pdf(
            [shared], holder_did="did:key:z6Mk", generated_at=NOW,
            qr_choices={shared.wallet_id: choose_qr(shared.credential)}, font_dirs=[],
        )  # fmt: skip
        text = pypdf.PdfReader(io.BytesIO(result.data)).pages[1].extract_text()
        assert "registered as Example State University" in " ".join(text.split())
