"""Helpers for the sharing tests: real credentials from the shared fixtures, reports."""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from credwallet.cli._app import app
from credwallet.formats import parse
from credwallet.models import Check, CheckStatus, Credential, ReportStatus, VerificationReport
from credwallet.share.items import SharedItem
from support import EXTERNAL

NOW = datetime(2026, 12, 2, 9, 30, tzinfo=UTC)
PASSPHRASE = "correct horse battery staple"


def offline_cli(home: Path) -> Callable[..., Result]:
    """Run credwallet in-process on the wallet at ``home``, offline, with the test passphrase."""

    def invoke(*args: str) -> Result:
        return CliRunner().invoke(
            app,
            ["--home", str(home), "--offline", *args],
            env={"CREDWALLET_PASSPHRASE": PASSPHRASE},
        )

    return invoke


# Real credentials of each shape the sharing layer meets.
OB3_DEGREE = "1edtech-ob3-spec-examples/complete-openbadgecredential.json"  # 16 KB, https images
OB3_SMALL = "dcc-vc-test-fixtures/verifiableCredentials/v2/dataIntegrityProof/didKey/legacyRegistry-noStatus-noExpiry-alignments.json"  # noqa: E501
OB3_SKILL = "1edtech-ob3-spec-examples/skill-assertion-case.json"
OB3_EXPIRED = "dcc-verifier-core/v2/v2Expired.json"
OB3_REVOKED = "dcc-verifier-core/v2/v2Revoked.json"
VC2_EDDSA = "w3c-vc-di-eddsa/TestVectors/eddsa-rdfc-2022/signedDataInt.json"
VC1_OB3 = "dcc-verifier-core/v1/v1Expired.json"
JWT_VC2 = "1edtech-ob3-spec-examples/sample-openbadgecredential.jwt"
JWT_VC1 = "spruceid-ssi/vc.jwt"
OB2_HOSTED = "1edtech-ob2-spec-examples/assertion-hosted.json"
BAKED_PNG = "concentricsky-openbadges-bakery/baked_heart.png"
BAKED_SVG = "concentricsky-openbadges-bakery/baked_example.svg"


def load(relative: str) -> Credential:
    """Parse one shared fixture with the real format reader."""
    path = EXTERNAL / relative
    if not path.is_file():
        pytest.skip(f"shared fixture {relative} not found")
    return parse(path.read_bytes(), name=path.name)


def report(**checks: str) -> VerificationReport:
    """A report with the given check outcomes, e.g. report(proof="pass", revocation="fail")."""
    return VerificationReport(
        source="test",
        format="ob3",
        checks=tuple(
            Check(name=n.replace("_", "-"), status=CheckStatus(s)) for n, s in checks.items()
        ),
        checked_at=NOW,
    )


VALID = {"format": "pass", "proof": "pass", "issuer_key": "pass", "validity": "pass"}


def item(
    relative: str, wallet_id: str = "w1", *, pathways: tuple[str, ...] = (), **checks: str
) -> SharedItem:
    return SharedItem(
        wallet_id=wallet_id,
        credential=load(relative),
        report=report(**(checks or VALID)),
        pathway_names=pathways,
    )


def noisy_png(width: int, height: int, seed: int = 7) -> bytes:
    """A PNG of random pixels: it does not compress, like a real photo-like badge image."""
    from PIL import Image

    rng = random.Random(seed)
    image = Image.frombytes("RGB", (width, height), rng.randbytes(width * height * 3))
    out = BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def ids(run) -> dict[str, str]:  # type: ignore[no-untyped-def]  # the `run` fixture
    result = run("show", "--json")
    assert result.exit_code == 0, result.output
    listing = json.loads(result.stdout)
    rows = listing if isinstance(listing, list) else listing.get("credentials", [])
    return {row["name"]: row["id"] for row in rows}


def holder_verdict(presentation_report: VerificationReport) -> ReportStatus:
    """A presentation's verdict on its own checks (format, holder proof, challenge, domain),
    leaving out the ``credentials`` check that sums up the credentials inside: shared
    fixtures include credentials that are expired or not checkable offline on purpose."""
    own = tuple(c for c in presentation_report.checks if c.name != "credentials")
    return VerificationReport(
        presentation_report.source, presentation_report.format, own, presentation_report.checked_at
    ).status
