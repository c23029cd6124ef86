"""A presentation's own verdict: never "valid" without a holder proof, and never hiding a bad
credential inside it (issue 11: an unsigned presentation of a damaged VC-JWT was reported
"valid (vp)").

Credentials are signed here with credwallet's own signing code; SD-JWT VCs with the hand-made
maker of the exchange tests.
"""

from __future__ import annotations

import copy
import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from verify_support import options, statuses

from credwallet.formats import parse_all
from credwallet.models import CheckStatus, CredentialFormat, ReportStatus, VerificationReport
from credwallet.share.presentation import sign_presentation
from credwallet.verify.dataintegrity import sign_document
from credwallet.verify.engine import verify_presentation, verify_presentation_jwt
from credwallet.verify.jwt import sign_vc_jwt
from credwallet.verify.keys import SigningKey
from credwallet.wallet.verifying import verify_data

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "exchange"))
from sdjwt_maker import make_sd_jwt_vc

V2 = "https://www.w3.org/ns/credentials/v2"
OB3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
CLR = "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json"
SIGNED_AT = datetime(2026, 1, 15, tzinfo=UTC)
ISSUER = SigningKey.generate("Ed25519")
HOLDER = SigningKey.generate("Ed25519")


def badge(issuer: str = ISSUER.did_key, name: str = "Welding Level 1") -> dict[str, Any]:
    return {
        "@context": [V2, OB3],
        "id": "urn:uuid:2f0d1c8e-7a55-4c61-b3a2-7e0b6a1f9d44",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer, "type": ["Profile"], "name": "Test College"},
        "validFrom": "2026-01-01T00:00:00Z",
        "name": name,
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "https://issuer.example/achievements/welding-1",
                "type": ["Achievement"],
                "name": name,
                "criteria": {"narrative": "Passed the practical."},
            },
        },
    }


def good_jwt() -> str:
    return sign_vc_jwt(badge(), key=ISSUER)


def damaged_jwt() -> str:
    """A VC-JWT whose signature no longer matches (one character of it changed)."""
    header, payload, signature = good_jwt().split(".")
    first = "B" if signature[0] == "A" else "A"
    return f"{header}.{payload}.{first}{signature[1:]}"


def envelope(token: str) -> dict[str, Any]:
    return {
        "@context": V2,
        "id": f"data:application/vc+jwt,{token}",
        "type": "EnvelopedVerifiableCredential",
    }


def presentation(*entries: object) -> dict[str, Any]:
    return {
        "@context": [V2],
        "type": ["VerifiablePresentation"],
        "verifiableCredential": list(entries),
    }


def verify_vp(document: dict[str, Any]) -> tuple[VerificationReport, list[VerificationReport]]:
    return verify_presentation(copy.deepcopy(document), source="vp.json", options=options())


class TestUnsignedPresentation:
    @pytest.mark.parametrize(
        "entry", [damaged_jwt(), envelope(damaged_jwt())], ids=["jwt", "enveloped"]
    )
    def test_a_damaged_credential_makes_the_presentation_invalid(self, entry: object) -> None:
        """The reported case: an unsigned presentation of a damaged VC-JWT is invalid as a
        presentation, and its verdict names the credential's own failure."""
        report, inner = verify_vp(presentation(entry))
        assert [r.status for r in inner] == [ReportStatus.INVALID]
        assert report.status is ReportStatus.INVALID
        check = report.check("credentials")
        assert check is not None and check.status is CheckStatus.FAIL and check.required
        assert "credential 1 (proof: signature does not match" in check.detail

    def test_good_credentials_do_not_make_an_unsigned_presentation_valid(self) -> None:
        """Without a holder proof the presentation proves nothing of its own: indeterminate,
        with its credentials still each judged valid."""
        report, inner = verify_vp(presentation(good_jwt(), envelope(good_jwt())))
        assert [r.status for r in inner] == [ReportStatus.VALID, ReportStatus.VALID]
        assert statuses(report)["proof"] == "unknown"
        assert statuses(report)["credentials"] == "pass"
        assert report.status is ReportStatus.INDETERMINATE

    def test_one_bad_among_good_is_named(self) -> None:
        report, _inner = verify_vp(presentation(good_jwt(), damaged_jwt(), good_jwt()))
        check = report.check("credentials")
        assert check is not None and check.status is CheckStatus.FAIL
        assert check.detail.startswith("1 of 3 credentials did not verify: credential 2 (proof:")
        assert dict(check.inputs)["credential 1"].startswith("valid")

    def test_verify_data_and_its_worst_verdict(self) -> None:
        """What `credwallet verify FILE` runs: the presentation's own report is invalid."""
        data = json.dumps(presentation(damaged_jwt())).encode()
        results = verify_data(
            "vp.json",
            data,
            fetcher=None,
            offline=True,
            now=options().now,  # type: ignore[arg-type]
        )
        assert [r.status for r, _ in results] == [ReportStatus.INVALID, ReportStatus.INVALID]
        assert results[0][0].format == "vp"


class TestSignedPresentation:
    def test_a_holder_signed_presentation_of_good_credentials_is_valid(self) -> None:
        signed = sign_presentation(
            {
                **presentation(sign_document(badge(), suite="eddsa-jcs-2022", key=ISSUER)),
                "holder": HOLDER.did_key,
            },
            key=HOLDER,
            created=SIGNED_AT,
        )
        report, _inner = verify_vp(signed)
        assert report.status is ReportStatus.VALID, report.checks
        assert statuses(report)["credentials"] == "pass"

    def test_a_holder_proof_does_not_hide_a_forged_credential(self) -> None:
        forged = sign_document(badge(), suite="eddsa-jcs-2022", key=ISSUER)
        forged["name"] = "Welding Master"
        signed = sign_presentation(
            {**presentation(forged), "holder": HOLDER.did_key}, key=HOLDER, created=SIGNED_AT
        )
        report, _inner = verify_vp(signed)
        assert statuses(report)["proof"] == "pass"
        assert report.status is ReportStatus.INVALID

    def test_a_vp_jwt_of_a_damaged_credential_is_invalid(self) -> None:
        claims = {**presentation(damaged_jwt()), "holder": HOLDER.did_key}
        token = sign_vc_jwt(claims, key=HOLDER, vc_claim=False)
        report, inner = verify_presentation_jwt(token, source="vp.jwt", options=options())
        assert [r.status for r in inner] == [ReportStatus.INVALID]
        assert statuses(report)["credentials"] == "fail"
        assert report.status is ReportStatus.INVALID


class TestOtherFormatsInAPresentation:
    def test_an_sd_jwt_that_cannot_be_checked_is_not_valid(self) -> None:
        sd = make_sd_jwt_vc(
            issuer="https://issuer.example",
            key=SigningKey.generate("P-256"),
            holder_jwk=None,
            claims={"name": "x"},
        )
        report, inner = verify_vp(presentation(sd))
        assert inner[0].status is not ReportStatus.VALID
        assert statuses(report)["credentials"] != "pass"
        assert report.status is not ReportStatus.VALID

    def test_an_ob2_assertion_that_cannot_be_checked_is_not_valid(self) -> None:
        assertion = {
            "@context": "https://w3id.org/openbadges/v2",
            "type": "Assertion",
            "id": "https://issuer.example/assertions/1",
            "recipient": {"type": "email", "identity": "a@example.org", "hashed": False},
            "badge": "https://issuer.example/badges/1",
            "verification": {"type": "hosted"},
            "issuedOn": "2026-01-01T00:00:00Z",
        }
        report, inner = verify_vp(presentation(assertion))
        assert inner[0].format == "ob2"
        assert statuses(report)["credentials"] == "unknown"
        assert report.status is ReportStatus.INDETERMINATE

    def test_a_clr_holding_a_forged_credential_is_invalid_in_the_presentation(self) -> None:
        school = SigningKey.generate("Ed25519")
        forged = sign_document(badge(school.did_key), suite="eddsa-jcs-2022", key=school)
        forged["name"] = "Welding Master"
        clr = sign_document(
            {
                "@context": [V2, CLR, OB3],
                "id": "urn:uuid:0e5e6c4a-6f52-4d24-9a5e-1c1d9b2a0c34",
                "type": ["VerifiableCredential", "ClrCredential"],
                "issuer": {"id": ISSUER.did_key, "type": ["Profile"], "name": "Registrar"},
                "validFrom": "2026-01-01T00:00:00Z",
                "name": "Transcript",
                "credentialSubject": {"type": ["ClrSubject"], "verifiableCredential": [forged]},
            },
            suite="eddsa-jcs-2022",
            key=ISSUER,
        )
        report, inner = verify_vp(presentation(clr))
        assert statuses(inner[0])["proof"] == "pass"
        assert "credential 1 (proof:" in (inner[0].check("credentials") or report.checks[0]).detail
        assert statuses(report)["credentials"] == "fail"
        assert report.status is ReportStatus.INVALID

    def test_an_entry_that_is_no_credential_fails_the_presentation(self) -> None:
        report, _inner = verify_vp(presentation(42))
        assert statuses(report)["credentials"] == "fail"


class TestImportingAPresentation:
    def test_an_enveloped_credential_is_read_for_import(self) -> None:
        """`import` reads an EnvelopedVerifiableCredential as the VC-JWT it carries."""
        token = good_jwt()
        found = parse_all(json.dumps(presentation(envelope(token))).encode())
        assert [c.format for c in found] == [CredentialFormat.VC_JWT]
        assert found[0].jws == token

    def test_an_envelope_around_a_presentation_is_refused(self) -> None:
        from credwallet.errors import BadInput

        inner = sign_vc_jwt(
            {**presentation(good_jwt()), "holder": HOLDER.did_key}, key=HOLDER, vc_claim=False
        )
        with pytest.raises(BadInput):
            parse_all(json.dumps(presentation(envelope(inner))).encode())
