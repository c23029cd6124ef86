"""The engine: one report of named checks, key binding, dates, recipient, trust, presentations."""

from __future__ import annotations

import base64
import copy
import gzip
import hashlib
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from verify_support import FakeFetcher, credential_from, options, statuses, verify

from credwallet.errors import CredwalletError
from credwallet.models import CheckStatus, ReportStatus
from credwallet.verify import (
    SigningKey,
    sign_document,
    sign_vc_jwt,
    verify_credential,
    verify_presentation,
)

ISSUER = SigningKey.generate("Ed25519")
HOLDER = SigningKey.generate("Ed25519")
SIGNED_AT = datetime(2026, 1, 15, tzinfo=UTC)
V2 = "https://www.w3.org/ns/credentials/v2"
OB3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"


def badge(issuer: str = ISSUER.did_key, **extra: Any) -> dict[str, Any]:
    document: dict[str, Any] = {
        "@context": [V2, OB3],
        "id": "urn:uuid:2e0c6a4d-1b7f-4f3e-8a9b-0c1d2e3f4a5b",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer, "type": ["Profile"], "name": "Test Issuer"},
        "validFrom": "2026-01-15T00:00:00Z",
        "name": "Badge",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "https://example.org/achievements/a",
                "type": ["Achievement"],
                "name": "Achievement A",
                "criteria": {"narrative": "Done."},
                "description": "A.",
            },
        },
    }
    document.update(extra)
    return document


def signed(document: dict[str, Any], key: SigningKey = ISSUER, **kwargs: Any) -> dict[str, Any]:
    kwargs.setdefault("suite", "eddsa-rdfc-2022")
    return sign_document(document, key=key, created=SIGNED_AT, **kwargs)


def check(report: Any, name: str) -> Any:
    found = report.check(name)
    assert found is not None, name
    return found


class TestReportShape:
    def test_valid_credential_has_every_check_in_order(self) -> None:
        """A good credential is valid, with the seven checks in the documented order."""
        report = verify(signed(badge()))
        assert report.status is ReportStatus.VALID
        assert [c.name for c in report.checks] == [
            "format",
            "proof",
            "issuer-key",
            "validity",
            "revocation",
            "recipient",
            "trust",
        ]
        assert not check(report, "recipient").required and not check(report, "trust").required

    def test_explain_inputs_name_suite_key_and_hashes(self) -> None:
        """The proof check's inputs carry what `explain` shows."""
        inputs = dict(check(verify(signed(badge())), "proof").inputs)
        assert inputs["cryptosuite"] == "eddsa-rdfc-2022"
        assert inputs["verification method"] == ISSUER.verification_method
        assert len(inputs["document hash"]) == 64
        assert "did:key" in inputs["key source"]

    def test_no_proof_is_invalid(self) -> None:
        """An unsigned credential is invalid: nothing shows who issued it."""
        report = verify(badge())
        assert report.status is ReportStatus.INVALID
        assert "no proof" in check(report, "proof").detail

    def test_tampered_credential_says_why(self) -> None:
        """A changed credential fails with the honest sentence."""
        document = signed(badge())
        document["name"] = "Better Badge"
        proof = check(verify(document), "proof")
        assert proof.status is CheckStatus.FAIL
        assert proof.detail.startswith("signature does not match")

    def test_one_broken_proof_in_a_set_makes_the_credential_invalid(self) -> None:
        """All proofs of a set must verify: one broken proof fails the proof check."""
        document = signed(signed(badge()), suite="ecdsa-jcs-2019", key=SigningKey.generate("P-256"))
        document = signed(document, suite="eddsa-jcs-2022")
        document["proof"][2]["proofValue"] = document["proof"][0]["proofValue"]
        proof = check(verify(document), "proof")
        assert proof.status is CheckStatus.FAIL
        assert proof.detail.startswith("proof 3 of 3 (eddsa-jcs-2022): signature does not match")

    def test_missing_context_is_unknown_naming_the_url(self) -> None:
        """A context that is not available offline gives unknown, with its URL."""
        document = signed(badge())
        document["@context"] = [*document["@context"], "https://example.org/unknown-context.json"]
        report = verify(document)
        assert report.status is ReportStatus.INDETERMINATE
        assert "https://example.org/unknown-context.json" in check(report, "proof").detail

    def test_non_uri_credential_id_fails_format(self) -> None:
        """A credential id that is not a URI fails format even when the JCS proof verifies."""
        report = verify(signed(badge(id="not a uri"), suite="eddsa-jcs-2022"))
        assert check(report, "proof").status is CheckStatus.PASS
        assert check(report, "format").status is CheckStatus.FAIL
        assert report.status is ReportStatus.INVALID


class TestIssuerKeyBinding:
    def test_did_key_of_someone_else_fails(self) -> None:
        """A proof by a did:key that is not the issuer's DID fails issuer-key."""
        impostor = SigningKey.generate()
        report = verify(signed(badge(), key=impostor))
        assert check(report, "proof").status is CheckStatus.PASS
        key = check(report, "issuer-key")
        assert key.status is CheckStatus.FAIL
        assert ISSUER.did_key in key.detail and impostor.did_key in key.detail
        assert report.status is ReportStatus.INVALID

    def test_one_foreign_proof_in_a_set_fails(self) -> None:
        """A proof set where one proof is by another key fails issuer-key."""
        document = signed(signed(badge()), key=SigningKey.generate(), suite="eddsa-jcs-2022")
        report = verify(document)
        assert check(report, "proof").status is CheckStatus.PASS
        assert check(report, "issuer-key").status is CheckStatus.FAIL

    def _did_web(self, relationship: str) -> tuple[dict[str, Any], FakeFetcher]:
        did = "did:web:issuer.example"
        vm = f"{did}#key-1"
        fetcher = FakeFetcher()
        fetcher.add_json(
            "https://issuer.example/.well-known/did.json",
            {
                "@context": ["https://www.w3.org/ns/did/v1"],
                "id": did,
                "verificationMethod": [
                    {
                        "id": vm,
                        "type": "Multikey",
                        "controller": did,
                        "publicKeyMultibase": ISSUER.multibase,
                    }
                ],
                relationship: [vm],
            },
        )
        return signed(badge(issuer=did), verification_method=vm), fetcher

    def test_did_web_assertion_key_passes(self) -> None:
        """A did:web key listed under assertionMethod is the issuer's key."""
        document, fetcher = self._did_web("assertionMethod")
        report = verify(document, fetcher=fetcher)
        assert report.status is ReportStatus.VALID, report.to_json()
        assert "as of 2026-11-30" in check(report, "issuer-key").detail

    def test_did_web_key_not_under_assertion_method_fails(self) -> None:
        """A did:web key listed only for authentication does not sign credentials."""
        document, fetcher = self._did_web("authentication")
        key = check(verify(document, fetcher=fetcher), "issuer-key")
        assert key.status is CheckStatus.FAIL
        assert "not listed under assertionMethod" in key.detail

    def test_unreachable_did_web_is_unknown_with_the_url(self) -> None:
        """Offline, a did:web issuer is unknown and the detail names the document URL."""
        document, _ = self._did_web("assertionMethod")
        report = verify(document, fetcher=FakeFetcher())
        assert report.status is ReportStatus.INDETERMINATE
        key = check(report, "issuer-key")
        assert key.status is CheckStatus.UNKNOWN
        assert "did:web:issuer.example could not be resolved: offline" in key.detail
        assert "https://issuer.example/.well-known/did.json" in key.detail

    def test_key_named_only_by_fragment_of_https_issuer_is_unknown(self) -> None:
        """issuer-URL#multikey cannot be confirmed without the issuer's profile."""
        issuer = "https://issuer.example/profile"
        vm = f"{issuer}#{ISSUER.multibase}"
        report = verify(signed(badge(issuer=issuer), verification_method=vm), fetcher=FakeFetcher())
        assert check(report, "proof").status is CheckStatus.PASS
        assert check(report, "issuer-key").status is CheckStatus.UNKNOWN


class TestValidity:
    def test_expired_is_invalid_only_on_validity(self) -> None:
        """An expired credential fails validity alone, saying when."""
        report = verify(signed(badge(validUntil="2025-03-01T00:00:00Z")))
        assert report.status is ReportStatus.INVALID
        failing = [c.name for c in report.checks if c.status is CheckStatus.FAIL]
        assert failing == ["validity"]
        assert check(report, "validity").detail == "expired on 2025-03-01 (validUntil)"

    def test_not_yet_valid_fails(self) -> None:
        """validFrom after now fails."""
        report = verify(signed(badge(validFrom="2027-06-01T12:00:00Z")))
        assert check(report, "validity").detail.startswith("not valid yet")

    def test_now_is_the_callers(self) -> None:
        """The same credential is valid before its expiry date and invalid after."""
        document = signed(badge(validUntil="2027-01-01T00:00:00Z"))
        assert verify(document).status is ReportStatus.VALID
        late = datetime(2027, 1, 2, tzinfo=UTC)
        assert verify(document, now=late).status is ReportStatus.INVALID

    def test_unreadable_date_fails(self) -> None:
        """A validUntil that is not a date fails validity rather than being ignored."""
        document = signed(badge(validUntil="soon"))
        # The JSON-LD datatype is xsd:dateTime; canonicalisation may reject it first.
        report = verify(document)
        assert report.status is ReportStatus.INVALID
        assert check(report, "validity").status is CheckStatus.FAIL


def _identifier(
    identity: str, *, salt: str = "pepper", algorithm: str = "sha256"
) -> dict[str, Any]:
    digest = hashlib.new(algorithm, (identity + salt).encode()).hexdigest()
    return {
        "type": "IdentityObject",
        "identityHash": f"{algorithm}${digest}",
        "identityType": "emailAddress",
        "hashed": True,
        "salt": salt,
    }


class TestRecipient:
    def _with_identifier(self, identifier: dict[str, Any]) -> dict[str, Any]:
        document = badge()
        document["credentialSubject"]["identifier"] = [identifier]
        return signed(document)

    @pytest.mark.parametrize("algorithm", ["sha256", "sha512"])
    def test_hashed_identity_match_names_the_identity(self, algorithm: str) -> None:
        """A salted hash of one of the user's emails matches, and the check says which."""
        document = self._with_identifier(_identifier("alex@example.org", algorithm=algorithm))
        recipient = check(
            verify(document, identities=("old@example.org", "alex@example.org")), "recipient"
        )
        assert recipient.status is CheckStatus.PASS
        assert "alex@example.org" in recipient.detail
        assert ("matched identity", "alex@example.org") in recipient.inputs

    def test_plain_identity_matches_case_insensitively(self) -> None:
        """A plain email recipient matches whatever the case."""
        document = self._with_identifier(
            {
                "type": "IdentityObject",
                "identityHash": "Alex@Example.org",
                "hashed": False,
                "identityType": "emailAddress",
            }
        )
        assert (
            check(verify(document, identities=("alex@example.org",)), "recipient").status
            is CheckStatus.PASS
        )

    def test_no_match_fails_a_check_that_is_not_required(self) -> None:
        """A credential for someone else fails the recipient check; the report stays valid."""
        document = self._with_identifier(_identifier("someone@example.org"))
        report = verify(document, identities=("alex@example.org",))
        recipient = check(report, "recipient")
        assert recipient.status is CheckStatus.FAIL and not recipient.required
        assert report.status is ReportStatus.VALID

    def test_wrong_salt_does_not_match(self) -> None:
        """The salt is part of the hash."""
        identifier = _identifier("alex@example.org")
        identifier["salt"] = "other"
        document = self._with_identifier(identifier)
        assert (
            check(verify(document, identities=("alex@example.org",)), "recipient").status
            is CheckStatus.FAIL
        )


class TestTrust:
    def test_trusted_issuer_passes(self) -> None:
        """An issuer in the user's list passes trust."""
        report = verify(signed(badge()), trusted_issuers=(ISSUER.did_key,))
        assert check(report, "trust").status is CheckStatus.PASS

    def test_unknown_issuer_is_unknown_but_stays_valid(self) -> None:
        """An issuer outside the list is unknown to the user, never a failure."""
        report = verify(signed(badge()), trusted_issuers=("did:example:someone",))
        trust = check(report, "trust")
        assert trust.status is CheckStatus.UNKNOWN and not trust.required
        assert report.status is ReportStatus.VALID


def _status_list(issuer: SigningKey, revoked: set[int]) -> dict[str, Any]:
    bits = bytearray(16 * 1024)
    for index in revoked:
        bits[index // 8] |= 0x80 >> (index % 8)
    encoded = "u" + base64.urlsafe_b64encode(gzip.compress(bytes(bits))).rstrip(b"=").decode()
    document = {
        "@context": [V2],
        "id": "https://issuer.example/status/1",
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer.did_key,
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {
            "id": "https://issuer.example/status/1#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encoded,
        },
    }
    return sign_document(document, suite="eddsa-jcs-2022", key=issuer, created=SIGNED_AT)


class TestRevocationThroughTheEngine:
    def _badge_with_status(self, index: int) -> dict[str, Any]:
        return signed(
            badge(
                credentialStatus={
                    "id": f"https://issuer.example/status/1#{index}",
                    "type": "BitstringStatusListEntry",
                    "statusPurpose": "revocation",
                    "statusListIndex": str(index),
                    "statusListCredential": "https://issuer.example/status/1",
                }
            )
        )

    def test_status_list_credential_is_verified_and_read(self) -> None:
        """The engine verifies the status list credential and reads the bit."""
        fetcher = FakeFetcher()
        fetcher.add_json("https://issuer.example/status/1", _status_list(ISSUER, {5}))
        assert (
            check(verify(self._badge_with_status(4), fetcher=fetcher), "revocation").status
            is CheckStatus.PASS
        )
        revoked = verify(self._badge_with_status(5), fetcher=fetcher)
        assert check(revoked, "revocation").status is CheckStatus.FAIL
        assert revoked.status is ReportStatus.INVALID

    def test_forged_status_list_is_not_trusted(self) -> None:
        """A status list whose proof fails does not count as 'not revoked'."""
        forged = _status_list(ISSUER, set())
        forged["credentialSubject"]["encodedList"] = _status_list(ISSUER, {1})["credentialSubject"][
            "encodedList"
        ]
        fetcher = FakeFetcher()
        fetcher.add_json("https://issuer.example/status/1", forged)
        assert (
            check(verify(self._badge_with_status(4), fetcher=fetcher), "revocation").status
            is not CheckStatus.PASS
        )


class TestPresentations:
    def _vp(self, **kwargs: Any) -> dict[str, Any]:
        presentation = {
            "@context": [V2],
            "type": ["VerifiablePresentation"],
            "holder": HOLDER.did_key,
            "verifiableCredential": [signed(badge()), sign_vc_jwt(badge(), key=ISSUER)],
        }
        kwargs.setdefault("proof_purpose", "authentication")
        return signed(presentation, key=kwargs.pop("key", HOLDER), **kwargs)

    def test_holder_signed_presentation_with_challenge_is_valid(self) -> None:
        """A VP signed for authentication with the expected challenge and domain is valid."""
        vp = self._vp(challenge="nonce-1", domain="verifier.example")
        report, inner = verify_presentation(
            vp, source="vp", options=options(challenge="nonce-1", domain="verifier.example")
        )
        assert report.status is ReportStatus.VALID, report.to_json()
        assert [r.status for r in inner] == [ReportStatus.VALID, ReportStatus.VALID]

    def test_presentation_proof_with_assertion_purpose_fails(self) -> None:
        """A VP proof made for assertionMethod is not an authentication."""
        report, _ = verify_presentation(
            self._vp(proof_purpose="assertionMethod"), source="vp", options=options()
        )
        assert check(report, "proof").status is CheckStatus.FAIL

    def test_presentation_signed_by_someone_else_fails(self) -> None:
        """A VP whose proof is not by the holder fails the key check."""
        report, _ = verify_presentation(self._vp(key=ISSUER), source="vp", options=options())
        assert check(report, "issuer-key").status is CheckStatus.FAIL

    def test_replayed_presentation_fails_the_challenge(self) -> None:
        """A VP made for one challenge fails another."""
        report, _ = verify_presentation(
            self._vp(challenge="nonce-1"), source="vp", options=options(challenge="nonce-2")
        )
        assert report.status is ReportStatus.INVALID


JSON = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=12)),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=12,
)


class TestHostileInput:
    @settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        field=st.sampled_from(
            [
                "@context",
                "type",
                "issuer",
                "validFrom",
                "validUntil",
                "credentialSubject",
                "proof",
                "credentialStatus",
                "id",
            ]
        ),
        value=JSON,
    )
    def test_any_field_value_gives_a_report_or_credwallet_error(
        self, field: str, value: Any
    ) -> None:
        """Whatever a field holds, the engine answers with a report or a CredwalletError."""
        document = copy.deepcopy(signed(badge()))
        document[field] = value
        try:
            report = verify_credential(credential_from(document), source="x", options=options())
        except CredwalletError:
            return
        # JSON-LD drops null members, so a null adds nothing to what was signed; a status of
        # the wrong shape is for status.py to judge (an absent-like value is "no status").
        if value is not None and field != "credentialStatus":
            assert report.status is not ReportStatus.VALID
        assert all(c.detail for c in report.checks)
        statuses(report)


class TestEmptyPresentation:
    def test_unsigned_empty_presentation_is_invalid(self) -> None:
        """A presentation with neither a holder proof nor credentials is never valid."""
        from credwallet.verify.engine import verify_presentation

        document = {
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiablePresentation"],
        }
        report, inner = verify_presentation(document, source="vp.json", options=options())
        assert inner == []
        assert report.status is ReportStatus.INVALID
        assert report.check("contents") is not None
