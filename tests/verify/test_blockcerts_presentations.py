"""Blockcerts presentations through engine.verify_presentation: their MerkleProof2019 is checked."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from verify_support import FakeFetcher

import support
from credwallet.models import CheckStatus, ReportStatus, VerificationReport
from credwallet.net import Fetched
from credwallet.verify.engine import VerifyOptions, verify_presentation

NOW = datetime(2026, 6, 1, tzinfo=UTC)
FIXTURES = "blockcerts-cert-verifier-js/fixtures/v3/"
# The issuer profile names this revocation list; cert-verifier-js's tests mock it as empty and
# the manifest does not bundle it (see test_blockcerts.py).
REVOCATION_LIST = "https://www.blockcerts.org/samples/3.0/revocation-list-blockcerts.json"


class _Fetcher(FakeFetcher):
    """The case's bundled resources, plus the empty revocation list whatever its query."""

    def fetch(self, url: str, *, accept: str = "application/json") -> Fetched:
        if url.split("?", 1)[0] == REVOCATION_LIST:
            url = REVOCATION_LIST
        return super().fetch(url, accept=accept)


def _entry(name: str) -> dict[str, Any]:
    return next(e for e in support.cases("blockcerts") if e["file"] == FIXTURES + name)


def _verify(
    name: str, **overrides: Any
) -> tuple[VerificationReport, list[VerificationReport], dict[str, Any]]:
    entry = _entry(name)
    resources = entry.get("resources") or {}
    fetcher = _Fetcher({u: (support.EXTERNAL / p).read_bytes() for u, p in resources.items()})
    fetcher.add_json(REVOCATION_LIST, {"type": "RevocationList", "revokedAssertions": []})
    values: dict[str, Any] = {"now": NOW, "fetcher": fetcher, "offline": True}
    values.update(overrides)
    document = json.loads((support.EXTERNAL / entry["file"]).read_text("utf-8"))
    report, inner = verify_presentation(document, source=name, options=VerifyOptions(**values))
    return report, inner, entry


def _status(report: VerificationReport, name: str) -> CheckStatus:
    found = report.check(name)
    assert found is not None, name
    return found.status


class TestBlockcertsPresentations:
    def test_valid_presentation_verifies(self) -> None:
        """The mocknet presentation's Merkle proof and its credentials verify (manifest: valid)."""
        report, inner, entry = _verify("mocknet-verifiable-presentation.json")
        assert entry["expect"] == "valid"
        details = {c.name: (str(c.status), c.detail) for c in report.checks}
        assert _status(report, "proof") is CheckStatus.PASS, details
        assert report.status is ReportStatus.VALID, details
        assert inner and all(r.status is ReportStatus.VALID for r in inner)
        assert "not supported" not in json.dumps(report.to_json())

    def test_tampered_presentation_fails_its_proof(self) -> None:
        """A presentation changed after anchoring fails its Merkle proof (manifest: invalid)."""
        report, _inner, entry = _verify("mocknet-verifiable-presentation-tampered.json")
        assert entry["expect"] == "invalid"
        assert _status(report, "proof") is CheckStatus.FAIL
        assert report.status is ReportStatus.INVALID

    def test_failing_credential_makes_the_result_invalid(self) -> None:
        """A credential that breaks its schema is invalid, in its own report and the VP's."""
        report, inner, entry = _verify("mocknet-verifiable-presentation-failing-credential.json")
        assert entry["expect"] == "invalid"
        assert report.status is ReportStatus.INVALID
        assert any(r.status is ReportStatus.INVALID for r in inner)

    @pytest.mark.parametrize("request_field", ["challenge", "domain"])
    def test_requested_challenge_or_domain_cannot_be_met(self, request_field: str) -> None:
        """A Merkle proof binds no challenge or domain, so asking for one makes it invalid."""
        report, _inner, _entry = _verify(
            "mocknet-verifiable-presentation.json", **{request_field: "nonce-1"}
        )
        assert report.status is ReportStatus.INVALID
        assert any(request_field in c.detail for c in report.checks)
