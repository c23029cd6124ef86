"""decode_compact_jws: strict splitting and decoding, no signature checks."""

from __future__ import annotations

import base64
import json

import pytest
from fmt_samples import fixture_bytes

from credwallet.errors import BadInput, LimitExceeded
from credwallet.formats.jose import b64url_decode, decode_compact_jws


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def token(header: object, payload: object, signature: bytes = b"sig") -> str:
    return ".".join(
        (b64(json.dumps(header).encode()), b64(json.dumps(payload).encode()), b64(signature))
    )


class TestDecodes:
    def test_ob3_spec_jwt(self) -> None:
        """The OB 3.0 spec VC-JWT decodes to its RS256 header and credential payload."""
        raw = fixture_bytes("1edtech-ob3-spec-examples/sample-openbadgecredential.jwt")
        jws = decode_compact_jws(raw)
        assert jws.alg == "RS256"
        assert jws.header["jwk"]["kty"] == "RSA"
        assert "OpenBadgeCredential" in jws.payload["type"]
        header_part, payload_part, _ = raw.decode().strip().split(".")
        assert jws.signing_input == f"{header_part}.{payload_part}".encode()
        assert len(jws.signature) == 256  # RSA-2048

    def test_ob2_signed_assertion_payload(self) -> None:
        """The OB 2.0 spec JWS payload is an Assertion (decoded, never verified here)."""
        jws = decode_compact_jws(fixture_bytes("1edtech-ob2-spec-examples/signed-assertion.jws"))
        assert jws.payload["type"] == "Assertion"
        assert jws.payload["recipient"]["identity"].startswith("sha256$")

    def test_empty_signature_is_decoded(self) -> None:
        """alg none decodes (with an empty signature); refusing it is the verifier's job."""
        jws = decode_compact_jws(token({"alg": "none"}, {"a": 1})[: -len(b64(b"sig"))])
        assert jws.signature == b""
        assert jws.alg == "none"

    def test_surrounding_whitespace(self) -> None:
        """A trailing newline from a file is not part of the token."""
        assert decode_compact_jws(token({"alg": "EdDSA"}, {"a": 1}) + "\n").payload == {"a": 1}


class TestRefuses:
    @pytest.mark.parametrize(
        ("text", "fragment"),
        [
            ("abc", "1 parts"),
            ("a.b.c.d", "4 parts"),
            (".e30.", "header is empty"),
            ("e30..", "detached"),
            ("e30=.e30.", "not base64url"),
            ("e3+0.e30.", "not base64url"),
            ("e30.e3 0.", "not base64url"),
            ("e30.e.", "impossible base64url length"),
            ("e31.e30.", "not canonical"),
        ],
    )
    def test_bad_structure_or_base64(self, text: str, fragment: str) -> None:
        """Wrong part counts and non-strict base64url are BadInput."""
        with pytest.raises(BadInput, match=fragment):
            decode_compact_jws(text)

    @pytest.mark.parametrize(
        ("header", "fragment"),
        [([1, 2], "header is JSON but not an object"), ("x", "not an object")],
    )
    def test_non_object_header(self, header: object, fragment: str) -> None:
        """A header that is JSON but not an object is refused."""
        with pytest.raises(BadInput, match=fragment):
            decode_compact_jws(token(header, {"a": 1}))

    def test_non_json_header(self) -> None:
        """A header that is not JSON names the header in the message."""
        with pytest.raises(BadInput, match="JWS header"):
            decode_compact_jws(b64(b"not json") + "." + b64(b"{}") + ".")

    def test_non_object_payload(self) -> None:
        """A payload that is a JSON array is refused."""
        with pytest.raises(BadInput, match="payload is JSON but not an object"):
            decode_compact_jws(token({"alg": "ES256"}, [1]))

    def test_giant_header(self) -> None:
        """A megabyte header is LimitExceeded before it is decoded."""
        with pytest.raises(LimitExceeded, match="header"):
            decode_compact_jws(token({"alg": "ES256", "x": "a" * 1_000_000}, {"a": 1}))

    def test_deep_header(self) -> None:
        """A deeply nested header is refused by the strict JSON reader."""
        deep = b64(b'{"a":' + b"[" * 5000 + b"]" * 5000 + b"}")
        with pytest.raises(LimitExceeded):
            decode_compact_jws(deep + "." + b64(b"{}") + ".")

    def test_duplicate_header_member(self) -> None:
        """Duplicate header members (an alg confusion vector) are refused."""
        header = b64(b'{"alg":"ES256","alg":"none"}')
        with pytest.raises(BadInput, match="duplicate key"):
            decode_compact_jws(header + "." + b64(b"{}") + ".")

    def test_non_ascii_bytes(self) -> None:
        """Bytes outside ASCII cannot be a compact JWS."""
        with pytest.raises(BadInput, match="non-ASCII"):
            decode_compact_jws("e30.e30.é".encode())

    def test_unencoded_payload_option(self) -> None:
        """b64:false tokens are refused in compact form."""
        with pytest.raises(BadInput, match="b64"):
            decode_compact_jws(token({"alg": "EdDSA", "b64": False, "crit": ["b64"]}, {"a": 1}))

    def test_b64url_decode_rejects_padding(self) -> None:
        """Padding characters are not part of base64url in JOSE."""
        with pytest.raises(BadInput):
            b64url_decode("YQ==", what="x")
        assert b64url_decode("YQ", what="x") == b"a"


def test_fixture_claims_match_decoded_payload() -> None:
    """The VC 1.1 JWT from spruceid decodes to the claims the manifest describes."""
    jws = decode_compact_jws(fixture_bytes("spruceid-ssi/vc.jwt"))
    assert jws.payload["iss"] == "did:example:foo"
    assert jws.payload["vc"]["type"] == "VerifiableCredential"
    assert jws.payload["sub"] == jws.payload["vc"]["credentialSubject"]["id"]
