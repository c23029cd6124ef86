"""VC-JWT: JOSE cookbook signatures, algorithm policy, key binding, signing round trips."""

from __future__ import annotations

import json
from typing import Any

import pytest
from verify_support import verify

import support
from credwallet.errors import BadInput
from credwallet.formats.jose import decode_compact_jws
from credwallet.models import CheckStatus, ReportStatus
from credwallet.verify.jwt import (
    ALLOWED_ALGORITHMS,
    sign_vc_jwt,
    verify_jws_signature,
    verify_vc_jwt,
)
from credwallet.verify.keys import (
    ResolvedKey,
    SigningKey,
    b64url_decode,
    b64url_encode,
    jwk_to_public_key,
    resolve_verification_method,
)
from support import EXTERNAL

JOSE_CASES = [c for c in support.cases("jose-vector") if c["expect"] == "valid"]


def resolve(vm: str) -> ResolvedKey:
    return resolve_verification_method(vm, fetcher=None)


def vc(issuer: str, **extra: Any) -> dict[str, Any]:
    document: dict[str, Any] = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": "urn:uuid:7d1c0e3b-2f4a-4b8e-9c6d-1a2b3c4d5e6f",
        "type": ["VerifiableCredential"],
        "issuer": issuer,
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:learner"},
    }
    document.update(extra)
    return document


def _forge(header: dict[str, Any], payload: dict[str, Any], signature: bytes = b"") -> str:
    parts = [b64url_encode(json.dumps(p).encode()) for p in (header, payload)]
    return ".".join([*parts, b64url_encode(signature)])


def _signatures(vector: dict[str, Any]) -> list[tuple[str, bytes, bytes]]:
    """(alg, signing input, signature) for every signature a cookbook vector publishes."""
    found = []
    output = vector["output"]
    payload = vector["input"]["payload"]
    encoded_payload = b64url_encode(payload.encode()) if isinstance(payload, str) else ""
    if isinstance(output.get("compact"), str):
        head, body, sig = output["compact"].split(".")
        body = body or encoded_payload  # detached content
        alg = json.loads(b64url_decode(head))["alg"]
        found.append((alg, f"{head}.{body}".encode(), b64url_decode(sig)))
    for entry in (output.get("json") or {}).get("signatures", []):
        head = entry.get("protected", "")
        body = output["json"].get("payload", encoded_payload)
        alg = json.loads(b64url_decode(head)).get("alg") if head else entry["header"]["alg"]
        found.append((alg, f"{head}.{body}".encode(), b64url_decode(entry["signature"])))
    return found


def _keys(vector: dict[str, Any]) -> list[dict[str, Any]]:
    key = vector["input"]["key"]
    return list(key) if isinstance(key, list) else [key]


class TestJoseCookbook:
    @pytest.mark.parametrize("case", JOSE_CASES, ids=support.case_id)
    def test_published_signatures(self, case: dict[str, Any]) -> None:
        """Each RFC 7520/8037 signature verifies, unless its algorithm is refused by policy."""
        vector = json.loads((EXTERNAL / case["file"]).read_text("utf-8"))
        keys = _keys(vector)
        for alg, signing_input, signature in _signatures(vector):
            if alg.startswith("HS"):
                # HMAC: refused whatever the key (it proves nothing about an issuer).
                assert alg not in ALLOWED_ALGORITHMS
                continue
            usable = []
            for jwk in keys:
                try:
                    usable.append(jwk_to_public_key(jwk))
                except BadInput:
                    # Outside the supported set: P-521 (ES512) and symmetric (oct) keys.
                    assert jwk.get("crv") == "P-521" or jwk.get("kty") == "oct"
            if alg == "ES512":
                assert not any(
                    verify_jws_signature(signing_input, signature, alg, k) for k in usable
                )
                continue
            assert any(verify_jws_signature(signing_input, signature, alg, k) for k in usable)
            flipped = signing_input[:-1] + bytes([signing_input[-1] ^ 1])
            assert not any(verify_jws_signature(flipped, signature, alg, k) for k in usable)


@pytest.mark.parametrize("alg", ["Ed25519", "P-256", "P-384", "RSA"])
class TestSignAndVerify:
    def test_round_trip(self, alg: str) -> None:
        """A VC-JWT signed here verifies, its key bound to the issuer."""
        key = SigningKey.generate(alg)
        token = sign_vc_jwt(vc(key.did), key=key)
        report = verify(token)
        assert report.status is ReportStatus.VALID, report.to_json()
        header = decode_compact_jws(token).header
        assert header["alg"] == {"Ed25519": "EdDSA", "P-256": "ES256", "P-384": "ES384"}.get(
            alg, "RS256"
        )

    def test_changed_payload_fails(self, alg: str) -> None:
        """A token whose payload was swapped after signing fails the proof check."""
        key = SigningKey.generate(alg)
        head, _, sig = sign_vc_jwt(vc(key.did), key=key).split(".")
        other = sign_vc_jwt(vc(key.did, name="changed"), key=key).split(".")[1]
        report = verify(f"{head}.{other}.{sig}")
        assert report.check("proof").status is CheckStatus.FAIL  # type: ignore[union-attr]


class TestAlgorithmPolicy:
    @pytest.mark.parametrize("alg", ["none", "None", "HS256", "HS384", "HS512"])
    def test_unsigned_and_hmac_tokens_are_refused(self, alg: str) -> None:
        """alg none and every HMAC algorithm fail, whatever the signature."""
        key = SigningKey.generate()
        token = _forge(
            {"alg": alg, "kid": key.verification_method}, {"iss": key.did, "vc": vc(key.did)}, b"x"
        )
        outcome = verify_vc_jwt(token, resolve=resolve)
        assert outcome.status is CheckStatus.FAIL
        assert "refused" in outcome.detail

    def test_crit_header_is_refused(self) -> None:
        """A token with critical extensions this verifier does not know fails."""
        key = SigningKey.generate()
        token = sign_vc_jwt(vc(key.did), key=key)
        head, body, sig = token.split(".")
        header = json.loads(b64url_decode(head)) | {"crit": ["exp"]}
        outcome = verify_vc_jwt(
            f"{b64url_encode(json.dumps(header).encode())}.{body}.{sig}", resolve=resolve
        )
        assert outcome.status is CheckStatus.FAIL and "critical" in outcome.detail

    def test_alg_must_fit_the_key(self) -> None:
        """An ES256 header over an Ed25519 key fails."""
        key = SigningKey.generate()
        token = sign_vc_jwt(vc(key.did), key=key)
        _, body, sig = token.split(".")
        head = b64url_encode(json.dumps({"alg": "ES256", "kid": key.verification_method}).encode())
        assert verify_vc_jwt(f"{head}.{body}.{sig}", resolve=resolve).status is CheckStatus.FAIL

    def test_signing_with_a_mismatched_alg_is_refused(self) -> None:
        """sign_vc_jwt refuses an alg the key cannot produce."""
        with pytest.raises(BadInput):
            sign_vc_jwt(vc("did:example:x"), key=SigningKey.generate(), alg="ES256")


class TestKeyBinding:
    def test_kid_of_another_did_is_not_the_issuers(self) -> None:
        """A token signed by someone else's did:key fails the issuer-key check."""
        issuer, signer = SigningKey.generate(), SigningKey.generate()
        report = verify(sign_vc_jwt(vc(issuer.did), key=signer))
        key = report.check("issuer-key")
        assert report.status is ReportStatus.INVALID
        assert key is not None and key.status is CheckStatus.FAIL
        assert issuer.did in key.detail and signer.did in key.detail

    def test_iss_must_match_the_credential_issuer(self) -> None:
        """iss naming a different issuer than the credential fails."""
        key, other = SigningKey.generate(), SigningKey.generate()
        token = sign_vc_jwt(vc(other.did), key=key, claims={"iss": key.did})
        outcome = verify_vc_jwt(token, resolve=resolve)
        assert outcome.status is CheckStatus.FAIL and "differs" in outcome.detail

    def test_relative_kid_resolves_against_the_issuer(self) -> None:
        """kid "#fragment" names a method of the iss DID."""
        key = SigningKey.generate()
        token = sign_vc_jwt(vc(key.did), key=key, kid="#" + key.multibase)
        assert verify(token).status is ReportStatus.VALID

    def test_embedded_jwk_alone_is_not_bound_to_an_https_issuer(self) -> None:
        """A token carrying only its own jwk is unknown for an https issuer."""
        path = EXTERNAL / "1edtech-ob3-spec-examples/sample-openbadgecredential.jwt"
        report = verify(path.read_text("utf-8").strip())
        assert report.check("proof").status is CheckStatus.PASS  # type: ignore[union-attr]
        assert report.check("issuer-key").status is CheckStatus.UNKNOWN  # type: ignore[union-attr]
        assert report.status is ReportStatus.INDETERMINATE

    def test_token_without_any_key_fails(self) -> None:
        """No kid, no jwk and an https issuer: nothing to verify with."""
        key = SigningKey.generate()
        head, body, sig = sign_vc_jwt(vc("https://issuer.example"), key=key).split(".")
        head = b64url_encode(json.dumps({"alg": "EdDSA"}).encode())
        assert verify_vc_jwt(f"{head}.{body}.{sig}", resolve=resolve).status is CheckStatus.FAIL


class TestDates:
    def test_exp_in_the_past_is_expired(self) -> None:
        """JWT exp before now fails validity with the date."""
        key = SigningKey.generate()
        token = sign_vc_jwt(vc(key.did, validUntil="2025-03-01T00:00:00Z"), key=key)
        validity = verify(token).check("validity")
        assert validity is not None and validity.status is CheckStatus.FAIL
        assert validity.detail.startswith("expired on 2025-03-01")

    def test_nbf_in_the_future_is_not_yet_valid(self) -> None:
        """JWT nbf after now fails validity."""
        key = SigningKey.generate()
        token = sign_vc_jwt(vc(key.did), key=key, claims={"nbf": 4102444800})
        validity = verify(token).check("validity")
        assert validity is not None and validity.status is CheckStatus.FAIL
        assert "not valid yet" in validity.detail

    def test_garbage_token_is_bad_input(self) -> None:
        """A string that is not a JWS cannot be verified at all."""
        with pytest.raises(BadInput):
            verify_vc_jwt("not.a.jwt!", resolve=resolve)
