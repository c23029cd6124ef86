"""EnvelopedVerifiableCredential members of VC 2.0 presentations: unwrapped and verified."""

from __future__ import annotations

import base64
import copy
import json
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from verify_support import options

from credwallet.errors import BadInput, CredwalletError, LimitExceeded
from credwallet.formats import parse
from credwallet.formats.enveloped import (
    MAX_ENVELOPED_CHARS,
    UnsupportedEnvelope,
    enveloped_data,
    enveloped_jwt,
    is_enveloped,
)
from credwallet.models import CheckStatus, Credential, ReportStatus, VerificationReport
from credwallet.share.presentation import create_presentation, sign_presentation
from credwallet.verify.engine import verify_presentation
from credwallet.verify.jwt import sign_vc_jwt
from credwallet.verify.keys import SigningKey, b64url_encode

ISSUER = SigningKey.generate("Ed25519")
HOLDER = SigningKey.generate("Ed25519")
OTHER = SigningKey.generate("Ed25519")
SIGNED_AT = datetime(2026, 1, 15, tzinfo=UTC)
V2 = "https://www.w3.org/ns/credentials/v2"
OB3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"


def _badge(issuer: str = ISSUER.did_key) -> dict[str, Any]:
    return {
        "@context": [V2, OB3],
        "id": "urn:uuid:7b0d8c52-3c1e-4f8a-9d2b-5e6f7a8b9c0d",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer, "type": ["Profile"], "name": "Test Issuer"},
        "validFrom": "2026-01-15T00:00:00Z",
        "name": "Enveloped badge",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "https://example.org/achievements/enveloped",
                "type": ["Achievement"],
                "name": "Enveloped",
                "criteria": {"narrative": "Sent inside a presentation."},
                "description": "A badge secured as a VC-JWT.",
            },
        },
    }


def _jwt_credential(*, vc_claim: bool = False, key: SigningKey = ISSUER) -> Credential:
    token = sign_vc_jwt(_badge(), key=key, vc_claim=vc_claim)
    return parse(token.encode("ascii"), name="badge.jwt")


def _signed(credentials: list[Credential]) -> dict[str, Any]:
    return create_presentation(credentials, key=HOLDER, created=SIGNED_AT)


def _with_envelope_id(presentation: dict[str, Any], new_id: str) -> dict[str, Any]:
    """The presentation with its first member's data: URL replaced, re-signed by the holder."""
    changed = copy.deepcopy(presentation)
    changed.pop("proof")
    changed["verifiableCredential"][0]["id"] = new_id
    return sign_presentation(changed, key=HOLDER, created=SIGNED_AT)


def _verify(presentation: dict[str, Any]) -> tuple[VerificationReport, VerificationReport]:
    report, inner = verify_presentation(presentation, source="vp", options=options())
    assert len(inner) == 1
    return report, inner[0]


def _status(report: VerificationReport, name: str) -> CheckStatus:
    found = report.check(name)
    assert found is not None, name
    return found.status


def _detail(report: VerificationReport, name: str) -> str:
    found = report.check(name)
    assert found is not None, name
    return found.detail


class TestEnvelopedJwtVerifies:
    @pytest.mark.parametrize("vc_claim", [False, True], ids=["jose-payload", "vc-claim"])
    def test_enveloped_vc_jwt_is_verified_as_a_vc_jwt(self, vc_claim: bool) -> None:
        """A VC-JWT enveloped by create_presentation gets a valid vc-jwt report."""
        presentation = _signed([_jwt_credential(vc_claim=vc_claim)])
        assert is_enveloped(presentation["verifiableCredential"][0])
        report, inner = _verify(presentation)
        assert report.status is ReportStatus.VALID, report.to_json()
        assert inner.status is ReportStatus.VALID, inner.to_json()
        assert inner.format == "vc-jwt"
        assert _status(inner, "format") is CheckStatus.PASS
        assert _status(inner, "proof") is CheckStatus.PASS

    def test_ld_json_jwt_media_type_is_accepted(self) -> None:
        """The earlier application/vc+ld+json+jwt media type carries a VC-JWT too."""
        presentation = _signed([_jwt_credential()])
        token = presentation["verifiableCredential"][0]["id"].split(",", 1)[1]
        changed = _with_envelope_id(presentation, f"data:application/vc+ld+json+jwt,{token}")
        _report, inner = _verify(changed)
        assert inner.status is ReportStatus.VALID, inner.to_json()

    def test_enveloped_beside_an_embedded_credential(self) -> None:
        """An enveloped JWT and a Data Integrity credential each get their own report."""
        from credwallet.verify.dataintegrity import sign_document

        embedded = sign_document(
            _badge(),
            suite="eddsa-rdfc-2022",
            key=ISSUER,
            verification_method=ISSUER.verification_method,
            created=SIGNED_AT,
        )
        ld_credential = parse(json.dumps(embedded).encode("utf-8"), name="badge.json")
        presentation = _signed([ld_credential, _jwt_credential()])
        report, inner = verify_presentation(presentation, source="vp", options=options())
        assert report.status is ReportStatus.VALID
        assert [r.format for r in inner] == ["ob3", "vc-jwt"]
        assert all(r.status is ReportStatus.VALID for r in inner)


class TestEnvelopedJwtFailures:
    def test_tampered_jwt_fails_its_proof(self) -> None:
        """A JWT changed after signing fails the proof check of its own report."""
        presentation = _signed([_jwt_credential()])
        url = presentation["verifiableCredential"][0]["id"]
        header, payload, signature = url.split(",", 1)[1].split(".")
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        claims["name"] = "Forged badge"
        forged = b64url_encode(json.dumps(claims).encode("utf-8"))
        forged_url = f"data:application/vc+jwt,{header}.{forged}.{signature}"
        report, inner = _verify(_with_envelope_id(presentation, forged_url))
        assert _status(inner, "proof") is CheckStatus.FAIL
        assert inner.status is not ReportStatus.VALID
        # The holder's proof over the forged envelope holds, but a presentation is only as
        # good as what it presents: its own verdict shows the forged credential.
        assert _status(report, "proof") is CheckStatus.PASS
        assert _status(report, "credentials") is CheckStatus.FAIL
        assert report.status is ReportStatus.INVALID

    def test_key_of_someone_else_fails_the_issuer_key(self) -> None:
        """An enveloped JWT signed by a key that is not the issuer's fails issuer-key."""
        token = sign_vc_jwt(_badge(), key=OTHER, vc_claim=False, kid=OTHER.verification_method)
        presentation = _signed([_jwt_credential()])
        _report, inner = _verify(
            _with_envelope_id(presentation, f"data:application/vc+jwt,{token}")
        )
        assert _status(inner, "issuer-key") is CheckStatus.FAIL
        assert inner.status is ReportStatus.INVALID

    def test_enveloped_presentation_jwt_is_refused(self) -> None:
        """A JWT securing a presentation (around some other credential) is no enveloped VC."""
        inner_token = sign_vc_jwt(_badge(), key=ISSUER, vc_claim=False)
        wrapped = {
            "@context": [V2],
            "type": ["VerifiablePresentation"],
            "holder": HOLDER.did_key,
            "verifiableCredential": [inner_token],
        }
        token = sign_vc_jwt(wrapped, key=HOLDER, vc_claim=False)
        presentation = _signed([_jwt_credential()])
        _report, inner = _verify(
            _with_envelope_id(presentation, f"data:application/vc+jwt,{token}")
        )
        assert _status(inner, "format") is CheckStatus.FAIL
        assert "does not secure" in _detail(inner, "format")

    @pytest.mark.parametrize(
        ("prefix", "phrase"),
        [
            ("data:application/vc+jwt;base64,", "base64"),
            ("data:application/vc+jwt;charset=utf-8,", "takes no parameters"),
            ("data:application/vc,", "not a VC media type"),
            ("data:,", "not a VC media type"),
            ("https://example.org/credentials/", "not a data: URL"),
        ],
    )
    def test_malformed_data_url_fails_format(self, prefix: str, phrase: str) -> None:
        """A data: URL with the wrong media type, parameters or scheme fails format."""
        presentation = _signed([_jwt_credential()])
        token = presentation["verifiableCredential"][0]["id"].split(",", 1)[1]
        _report, inner = _verify(_with_envelope_id(presentation, prefix + token))
        assert _status(inner, "format") is CheckStatus.FAIL
        assert phrase in _detail(inner, "format")

    @pytest.mark.parametrize(
        "media_type",
        ["application/vc+sd-jwt", "application/vc+ld+json+sd-jwt", "application/vc+cose"],
    )
    def test_unsupported_securing_mechanism_is_unknown(self, media_type: str) -> None:
        """SD-JWT and COSE envelopes give an unknown format check saying they are unsupported."""
        presentation = _signed([_jwt_credential()])
        token = presentation["verifiableCredential"][0]["id"].split(",", 1)[1]
        _report, inner = _verify(_with_envelope_id(presentation, f"data:{media_type},{token}"))
        assert _status(inner, "format") is CheckStatus.UNKNOWN
        assert "not supported" in _detail(inner, "format")
        assert inner.status is not ReportStatus.VALID


class TestEnvelopeReader:
    def _entry(self, url: object, context: object = V2) -> dict[str, object]:
        return {"@context": context, "id": url, "type": "EnvelopedVerifiableCredential"}

    def test_returns_the_token(self) -> None:
        """The JWS of a well-formed envelope is returned unchanged."""
        token = sign_vc_jwt(_badge(), key=ISSUER, vc_claim=False)
        assert enveloped_jwt(self._entry(f"data:application/vc+jwt,{token}")) == token

    def test_media_type_is_case_insensitive(self) -> None:
        """Media type names compare case-insensitively (RFC 2045)."""
        assert enveloped_jwt(self._entry("data:Application/VC+JWT,a.b.c")) == "a.b.c"

    def test_type_in_a_list_is_recognised(self) -> None:
        """A type array that includes EnvelopedVerifiableCredential is an envelope."""
        assert is_enveloped({"type": ["EnvelopedVerifiableCredential"]})
        assert not is_enveloped({"type": ["VerifiableCredential"]})
        assert not is_enveloped("data:application/vc+jwt,a.b.c")

    def test_missing_base_context_is_refused(self) -> None:
        """An envelope whose @context does not define its type is refused."""
        with pytest.raises(BadInput, match="@context"):
            enveloped_jwt(self._entry("data:application/vc+jwt,a.b.c", context=OB3))

    def test_oversized_envelope_is_refused(self) -> None:
        """A data: URL over the size cap raises LimitExceeded before it is read."""
        huge = "data:application/vc+jwt," + "a" * MAX_ENVELOPED_CHARS + ".b.c"
        with pytest.raises(LimitExceeded):
            enveloped_jwt(self._entry(huge))

    @pytest.mark.parametrize("data", ["a.b", "a.b.c.d", "a%2Eb.c", "a.b.c\n", "a b.c.d", ""])
    def test_data_that_is_no_compact_jws_is_refused(self, data: str) -> None:
        """Anything but three base64url parts is refused (no escapes, no whitespace)."""
        with pytest.raises(BadInput, match="compact JWS"):
            enveloped_jwt(self._entry(f"data:application/vc+jwt,{data}"))

    def test_sd_jwt_is_unsupported(self) -> None:
        """An SD-JWT envelope raises UnsupportedEnvelope naming its media type."""
        with pytest.raises(UnsupportedEnvelope, match="vc\\+sd-jwt"):
            enveloped_jwt(self._entry("data:application/vc+sd-jwt,a.b.c~"))

    def test_sd_jwt_vc_data_is_returned_by_the_general_reader(self) -> None:
        """An application/dc+sd-jwt envelope gives its media type and the SD-JWT unchanged."""
        entry = self._entry("data:application/dc+sd-jwt,a.b.c~d~e~")
        assert enveloped_data(entry) == ("application/dc+sd-jwt", "a.b.c~d~e~")
        with pytest.raises(UnsupportedEnvelope, match="dc\\+sd-jwt"):
            enveloped_jwt(entry)  # the JWT-only reader does not take it

    @pytest.mark.parametrize("data", ["a.b.c", "a.b.c~d", "a.b.c~~", "a.b.c~d%7E", "a.b~c~"])
    def test_sd_jwt_without_the_trailing_tilde_or_with_escapes_is_refused(self, data: str) -> None:
        """An SD-JWT envelope must hold a JWS, ~-separated disclosures and a final ~ or KB-JWT."""
        with pytest.raises(BadInput, match="not an SD-JWT"):
            enveloped_data(self._entry(f"data:application/dc+sd-jwt,{data}"))

    @settings(max_examples=200, deadline=None)
    @given(st.one_of(st.text(max_size=60), st.none(), st.integers()), st.sampled_from([V2, None]))
    def test_any_envelope_gives_a_token_or_credwallet_error(
        self, url: object, context: object
    ) -> None:
        """Whatever the id, the reader returns a compact JWS or raises a CredwalletError."""
        entry = self._entry(url if not isinstance(url, str) else "data:" + url, context)
        try:
            token = enveloped_jwt(entry)
        except CredwalletError:
            return
        assert token.count(".") == 2


class TestHostileEnvelopesInAPresentation:
    @settings(max_examples=50, deadline=None)
    @given(st.text(max_size=80))
    def test_any_envelope_id_gives_a_report(self, url: str) -> None:
        """An unsigned presentation with any envelope id gives reports, never a traceback."""
        presentation = {
            "@context": [V2],
            "type": ["VerifiablePresentation"],
            "verifiableCredential": [
                {"@context": V2, "id": url, "type": "EnvelopedVerifiableCredential"}
            ],
        }
        _report, inner = verify_presentation(presentation, source="vp", options=options())
        assert len(inner) == 1
        assert inner[0].status is not ReportStatus.VALID
