"""Keys: multibase/multicodec, did:key, did:jwk, did:web through the fetcher, JWK, signing keys."""

from __future__ import annotations

import contextlib
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st
from verify_support import FakeFetcher

from credwallet.errors import BadInput, FetchError
from credwallet.verify.keys import (
    SigningKey,
    base58_decode,
    base58_encode,
    did_web_url,
    jwk_to_public_key,
    multibase_decode,
    multikey_decode,
    multikey_encode,
    public_key_to_jwk,
    resolve_verification_method,
    same_key,
)
from support import EXTERNAL

LEGACY_DID = "did:web:digitalcredentials.github.io:vc-test-fixtures:dids:legacy"
LEGACY_URL = "https://digitalcredentials.github.io/vc-test-fixtures/dids/legacy/did.json"
LEGACY_KEY = "z6MkjXe1vZvPRqFuc9nRBtZ3e1Y9XKDFSbjFAfzLfW2bD6cZ"


class TestEncodings:
    @given(st.binary(max_size=80))
    def test_base58_round_trip(self, data: bytes) -> None:
        """base58btc decodes back to the same bytes, leading zeros included."""
        assert base58_decode(base58_encode(data)) == data

    def test_base58_known_value(self) -> None:
        """The base58 draft's examples; leading zero bytes become '1's."""
        assert base58_encode(b"Hello World!") == "2NEpo7TZRRrLZSi2U"
        assert base58_encode(bytes.fromhex("0000287fb4cd")) == "11233QC4"

    @given(st.text(max_size=60))
    def test_any_multibase_text_decodes_or_is_bad_input(self, text: str) -> None:
        """Any string is either valid multibase or a BadInput."""
        with contextlib.suppress(BadInput):
            multibase_decode(text)

    def test_unknown_multibase_prefix_is_refused(self) -> None:
        """Only z (base58btc) and u (base64url) prefixes are read."""
        with pytest.raises(BadInput, match="prefix"):
            multibase_decode("mAAAA")


class TestMultikeys:
    @pytest.mark.parametrize(
        ("file", "curve"),
        [
            ("w3c-vc-di-eddsa/TestVectors/keyPair.json", "Ed25519"),
            ("w3c-vc-di-ecdsa/TestVectors/p256KeyPair.json", "P-256"),
            ("w3c-vc-di-ecdsa/TestVectors/p384KeyPair.json", "P-384"),
        ],
    )
    def test_published_multikeys_decode_and_re_encode(self, file: str, curve: str) -> None:
        """The W3C vectors' public multikeys decode to their curve and encode back identically."""
        multibase = json.loads((EXTERNAL / file).read_text("utf-8"))["publicKeyMultibase"]
        key = multikey_decode(multibase)
        assert (key.crv or key.kty) == curve
        assert multikey_encode(key) == multibase

    def test_wrong_length_multikey_is_refused(self) -> None:
        """An Ed25519 multikey must hold exactly 32 bytes."""
        with pytest.raises(BadInput, match="32 bytes"):
            multikey_decode("z" + base58_encode(b"\xed\x01" + b"\1" * 31))

    def test_ec_point_off_the_curve_is_refused(self) -> None:
        """A P-256 multikey that is not a curve point is refused."""
        with pytest.raises(BadInput):
            multikey_decode("z" + base58_encode(b"\x80\x24\x02" + b"\xff" * 32))

    def test_unsupported_codec_is_refused(self) -> None:
        """secp256k1 and other codecs are not read."""
        with pytest.raises(BadInput, match="unsupported multikey"):
            multikey_decode("z" + base58_encode(b"\xe7\x01" + b"\2" * 33))


class TestDidKeyAndDidJwk:
    @pytest.mark.parametrize("alg", ["Ed25519", "P-256", "P-384"])
    def test_did_key_resolves_to_its_own_key(self, alg: str) -> None:
        """A did:key method resolves locally to the key it encodes, for every relationship."""
        key = SigningKey.generate(alg)
        resolved = resolve_verification_method(key.verification_method, fetcher=None)
        assert same_key(resolved.key, key.public_key)
        assert resolved.controller == key.did_key
        assert resolved.purposes is not None and "assertionMethod" in resolved.purposes

    def test_did_key_with_a_foreign_fragment_is_refused(self) -> None:
        """The fragment of a did:key method must repeat its key."""
        key, other = SigningKey.generate(), SigningKey.generate()
        with pytest.raises(BadInput, match="fragment"):
            resolve_verification_method(f"{key.did_key}#{other.multibase}", fetcher=None)

    def test_did_jwk_resolves(self) -> None:
        """An RSA key's did:jwk resolves to the same key under #0."""
        key = SigningKey.generate("RSA")
        resolved = resolve_verification_method(key.verification_method, fetcher=None)
        assert same_key(resolved.key, key.public_key)
        assert resolved.verification_method == key.did + "#0"

    def test_did_jwk_holding_a_private_key_is_refused(self) -> None:
        """A did:jwk whose JWK has a private part is refused."""
        from credwallet.verify.keys import b64url_encode

        jwk = {"kty": "OKP", "crv": "Ed25519", "x": "A" * 43, "d": "B" * 43}
        did = "did:jwk:" + b64url_encode(json.dumps(jwk).encode())
        with pytest.raises(BadInput, match="private"):
            resolve_verification_method(did + "#0", fetcher=None)


class TestDidWeb:
    @pytest.mark.parametrize(
        ("did", "url"),
        [
            ("did:web:example.com", "https://example.com/.well-known/did.json"),
            (
                "did:web:w3c-ccg.github.io:user:alice",
                "https://w3c-ccg.github.io/user/alice/did.json",
            ),
            ("did:web:example.com%3A3000:user", "https://example.com:3000/user/did.json"),
        ],
    )
    def test_url_mapping(self, did: str, url: str) -> None:
        """did:web identifiers map to the URLs the did:web method specifies."""
        assert did_web_url(did) == url

    @pytest.mark.parametrize(
        "did", ["did:web:", "did:web:a/b", "did:web:ex.com::x", "did:web:a..b"]
    )
    def test_malformed_did_web_is_refused(self, did: str) -> None:
        """Paths, empty segments and traversal are not valid did:web identifiers."""
        with pytest.raises(BadInput):
            did_web_url(did)

    def test_listed_key_resolves_with_its_source(self) -> None:
        """A method listed under assertionMethod resolves, naming the document it came from."""
        fetcher = FakeFetcher(
            {LEGACY_URL: (EXTERNAL / "dcc-vc-test-fixtures/dids/legacy/did.json").read_bytes()}
        )
        resolved = resolve_verification_method(f"{LEGACY_DID}#{LEGACY_KEY}", fetcher=fetcher)
        assert resolved.purposes == frozenset({"assertionMethod"})
        assert LEGACY_URL in resolved.source and "as of 2026-11-30" in resolved.source
        assert fetcher.requested == [LEGACY_URL]

    def test_unlisted_method_is_refused(self) -> None:
        """A method the DID document does not define is not the DID's key."""
        fetcher = FakeFetcher(
            {LEGACY_URL: (EXTERNAL / "dcc-vc-test-fixtures/dids/legacy/did.json").read_bytes()}
        )
        with pytest.raises(BadInput, match="not listed"):
            resolve_verification_method(f"{LEGACY_DID}#other", fetcher=fetcher)

    def test_document_for_another_did_is_refused(self) -> None:
        """A did.json describing a different DID is refused."""
        fetcher = FakeFetcher()
        fetcher.add_json("https://example.com/.well-known/did.json", {"id": "did:web:evil.example"})
        with pytest.raises(BadInput, match="describes"):
            resolve_verification_method("did:web:example.com#k", fetcher=fetcher)

    def test_offline_is_fetch_error_with_the_url(self) -> None:
        """Without the document, resolution is incomplete and says which URL was needed."""
        with pytest.raises(FetchError, match=r"example\.com/\.well-known/did\.json"):
            resolve_verification_method("did:web:example.com#k", fetcher=FakeFetcher())

    def test_no_fetcher_is_fetch_error(self) -> None:
        """With no network and no cache at all, did:web cannot be resolved."""
        with pytest.raises(FetchError, match="no network"):
            resolve_verification_method("did:web:example.com#k", fetcher=None)

    def test_http_404_means_the_did_does_not_exist(self) -> None:
        """A host answering 404 for the DID document makes the DID unresolvable: BadInput."""
        gone = FakeFetcher(gone=("https://example.com/.well-known/did.json",))
        with pytest.raises(BadInput, match="HTTP 404"):
            resolve_verification_method("did:web:example.com#k", fetcher=gone)


class TestJwk:
    def test_cookbook_rsa_key(self) -> None:
        """RFC 7520's RSA public key converts to a key and back to the same members."""
        jwk = json.loads(
            (EXTERNAL / "ietf-jose-cookbook/jwk/3_3.rsa_public_key.json").read_text("utf-8")
        )
        key = jwk_to_public_key(jwk)
        assert key.kty == "RSA"
        assert public_key_to_jwk(key)["n"] == jwk["n"]

    def test_p521_is_not_supported(self) -> None:
        """RFC 7520's P-521 key is outside the supported curves."""
        jwk = json.loads(
            (EXTERNAL / "ietf-jose-cookbook/jwk/3_1.ec_public_key.json").read_text("utf-8")
        )
        with pytest.raises(BadInput, match="unsupported EC curve"):
            jwk_to_public_key(jwk)

    @pytest.mark.parametrize("alg", ["Ed25519", "P-256", "P-384"])
    def test_round_trip(self, alg: str) -> None:
        """A key's JWK reads back as the same key."""
        key = SigningKey.generate(alg)
        assert same_key(jwk_to_public_key(key.jwk), key.public_key)

    @pytest.mark.parametrize(
        "jwk",
        [
            {"kty": "oct", "k": "AAAA"},
            {"kty": "RSA", "n": "AQAB", "e": "AQAB"},
            {"kty": "EC", "crv": "P-256", "x": "AAAA", "y": "AAAA"},
            {"kty": "OKP", "crv": "X25519", "x": "A" * 43},
            "not an object",
        ],
    )
    def test_unusable_jwks_are_refused(self, jwk: object) -> None:
        """Symmetric, short RSA, off-curve and unknown keys are refused."""
        with pytest.raises(BadInput):
            jwk_to_public_key(jwk)


class TestSigningKey:
    @pytest.mark.parametrize("alg", ["Ed25519", "P-256", "P-384"])
    def test_repr_never_shows_private_bytes(self, alg: str) -> None:
        """The repr names the DID, not the secret."""
        key = SigningKey.generate(alg)
        shown = repr(key)
        assert key.did_key in shown
        assert key.private_bytes().hex() not in shown
        assert base58_encode(key.private_bytes()) not in shown

    @pytest.mark.parametrize("alg", ["Ed25519", "P-256", "P-384"])
    def test_from_seed_gives_the_same_key(self, alg: str) -> None:
        """A key restored from its private bytes has the same DID."""
        key = SigningKey.generate(alg)
        assert SigningKey.from_seed(key.private_bytes(), alg).did_key == key.did_key

    def test_bad_seed_is_refused(self) -> None:
        """A seed of the wrong length is a BadInput."""
        with pytest.raises(BadInput):
            SigningKey.from_seed(b"short")

    def test_unknown_algorithm_is_refused(self) -> None:
        """Only the supported algorithms generate keys."""
        with pytest.raises(BadInput):
            SigningKey.generate("secp256k1")
