"""The committed examples verify offline with only the pinned contexts, as their README says."""

from __future__ import annotations

from pathlib import Path

import pytest
from verify_support import load_credential, options

from credwallet.models import (
    Check,
    CheckStatus,
    Container,
    Credential,
    CredentialFormat,
    ReportStatus,
    VerificationReport,
)
from credwallet.verify.engine import verify_credential
from support import EXAMPLES

ACHIEVEMENTS = "https://credentials.northbridge.example/achievements/"
EXPECTED = {
    "data-analytics-foundations.json": ("data-foundations", "eddsa-jcs-2022", Container.JSON),
    "sql-for-data-analysis.jwt": ("sql", None, Container.JWT),
    "python-for-data-analysis.png": ("python", "eddsa-jcs-2022", Container.PNG),
    "cloud-practitioner.svg": ("cloud-practitioner", "ecdsa-jcs-2019", Container.SVG),
    "spreadsheet-modelling.json": ("spreadsheet-modelling", "eddsa-jcs-2022", Container.JSON),
}


def _report(name: str) -> tuple[Credential, VerificationReport]:
    credential = load_credential(EXAMPLES / name)
    report = verify_credential(
        credential,
        source=name,
        options=options(fetcher=None, offline=True, identities=("alex.rivera@example.com",)),
    )
    return credential, report


def _check(report: VerificationReport, name: str) -> Check:
    found = report.check(name)
    assert found is not None
    return found


def test_every_example_is_listed() -> None:
    """The examples folder holds exactly the credentials the README describes."""
    files = {p.name for p in Path(EXAMPLES).iterdir() if p.is_file() and p.suffix != ".md"}
    assert files == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(set(EXPECTED) - {"spreadsheet-modelling.json"}))
def test_example_is_valid_and_issued_to_alex(name: str) -> None:
    """Each example verifies offline and names Alex as its (hashed-email) recipient."""
    credential, report = _report(name)
    slug, suite, container = EXPECTED[name]
    assert report.status is ReportStatus.VALID, report.to_json()
    assert credential.container is container
    assert credential.achievement is not None
    assert credential.achievement.id == ACHIEVEMENTS + slug
    assert _check(report, "recipient").status is CheckStatus.PASS
    proof_inputs = dict(_check(report, "proof").inputs)
    if suite is not None:
        assert proof_inputs["cryptosuite"] == suite
    else:
        assert credential.format is CredentialFormat.VC_JWT
        assert proof_inputs["alg"] == "EdDSA"


def test_expired_example_fails_only_on_validity() -> None:
    """The spreadsheet credential is invalid because it expired, and for no other reason."""
    _, report = _report("spreadsheet-modelling.json")
    assert report.status is ReportStatus.INVALID
    failing = [c for c in report.checks if c.status is CheckStatus.FAIL]
    assert [c.name for c in failing] == ["validity"]
    assert failing[0].detail.startswith("expired on 2025-03-01")


def test_demo_achievements_carry_tags_and_credits() -> None:
    """The achievement data pathways rely on is in the credentials."""
    credential, _ = _report("data-analytics-foundations.json")
    achievement = credential.achievement
    assert achievement is not None
    assert achievement.name == "Data Analytics Foundations"
    assert achievement.tags == ("data", "analytics")
    assert achievement.credits_available == 5
    target = achievement.alignments[0].target_url
    assert target is not None
    assert target.startswith("http://data.europa.eu/esco/skill/")


def test_examples_need_no_contexts(monkeypatch: pytest.MonkeyPatch) -> None:
    """On a fresh machine (no CREDWALLET_CONTEXTS) the valid examples still verify offline."""
    monkeypatch.delenv("CREDWALLET_CONTEXTS", raising=False)
    for name in sorted(set(EXPECTED) - {"spreadsheet-modelling.json"}):
        _, report = _report(name)
        assert report.status is ReportStatus.VALID, report.to_json()
