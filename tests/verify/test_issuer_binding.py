"""One issuer-binding rule for every format (issue 11: a did:key signer on a credential whose
issuer is a urn:uuid).

The rule (engine._binding): the signing key must belong to the issuer. A DID issuer lists its
keys, so a key of another DID is a proven mismatch: ``fail``. An issuer that is not a DID (an
https address, a urn:uuid, a mailto:) publishes no key list a verifier can read, so a key of
some DID is neither proven theirs nor a forgery: ``unknown``, and the credential is never
``valid`` on that key alone.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from verify_support import statuses, verify

from credwallet.models import CheckStatus, ReportStatus
from credwallet.verify.dataintegrity import sign_document
from credwallet.verify.jwt import sign_vc_jwt
from credwallet.verify.keys import SigningKey
from support import welding_badge

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "exchange"))
from sdjwt_maker import make_sd_jwt_vc

SIGNER = SigningKey.generate("Ed25519")
URN = "urn:uuid:11111111-2222-4333-8444-555555555555"
NOT_DIDS = [URN, "mailto:registrar@college.example", "https://college.example/issuer"]


def badge(issuer: str) -> dict[str, Any]:
    return welding_badge(issuer)


def secured(issuer: str, how: str) -> dict[str, Any] | str:
    if how in ("eddsa-jcs-2022", "eddsa-rdfc-2022"):
        return sign_document(badge(issuer), suite=how, key=SIGNER)
    return sign_vc_jwt(badge(issuer), key=SIGNER, vc_claim=how == "vc-jwt 1.1")


HOW = ["eddsa-jcs-2022", "eddsa-rdfc-2022", "vc-jwt 1.1", "vc-jwt 2.0"]


class TestNotADidIssuer:
    @pytest.mark.parametrize("how", HOW)
    @pytest.mark.parametrize("issuer", NOT_DIDS)
    def test_a_did_key_signature_is_unknown_never_valid(self, issuer: str, how: str) -> None:
        """The signature verifies, but nothing ties the did:key to the issuer."""
        report = verify(secured(issuer, how))
        assert statuses(report)["proof"] == "pass"
        key = report.check("issuer-key")
        assert key is not None and key.status is CheckStatus.UNKNOWN and key.required
        assert issuer in key.detail and "confirms that this key is theirs" in key.detail
        assert report.status is ReportStatus.INDETERMINATE

    def test_a_urn_uuid_is_not_called_a_web_address(self) -> None:
        key = verify(secured(URN, "eddsa-jcs-2022")).check("issuer-key")
        assert key is not None
        assert "web address" not in key.detail and "publishes no keys" in key.detail

    def test_an_sd_jwt_from_a_urn_uuid_issuer_is_unknown_not_failed(self) -> None:
        token = make_sd_jwt_vc(
            issuer=URN, key=SigningKey.generate("P-256"), holder_jwk=None, claims={"name": "x"}
        )
        report = verify(token)
        assert statuses(report)["issuer-key"] == "unknown"
        assert report.status is ReportStatus.INDETERMINATE


class TestDidIssuer:
    @pytest.mark.parametrize("how", HOW)
    def test_a_key_of_another_did_fails(self, how: str) -> None:
        other = SigningKey.generate("Ed25519").did_key
        report = verify(secured(other, how))
        assert statuses(report)["issuer-key"] == "fail"
        assert report.status is ReportStatus.INVALID

    @pytest.mark.parametrize("how", HOW)
    def test_the_issuers_own_key_passes(self, how: str) -> None:
        report = verify(secured(SIGNER.did_key, how))
        assert statuses(report)["issuer-key"] == "pass"
        assert report.status is ReportStatus.VALID
