"""JWE compact encryption to a verifier's key, for OpenID4VP ``direct_post.jwt`` responses.

Only what OpenID4VP 1.0 and HAIP ask of a wallet: key agreement ``ECDH-ES`` (direct, RFC 7518
section 4.6) with the verifier's P-256 (or P-384) key from ``client_metadata.jwks``, content
encryption ``A128GCM`` or ``A256GCM``. The Concat KDF (NIST SP 800-56A, as RFC 7518 4.6.2 lays
it out) derives the content key from the shared secret; the protected header is the AAD.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from credwallet import _crypto
from credwallet.errors import BadInput
from credwallet.verify.keys import PublicKey, b64url_encode, jwk_to_public_key, public_key_to_jwk

__all__ = ["ENCRYPTIONS", "choose_encryption", "choose_key", "concat_kdf", "encrypt"]

ENCRYPTIONS = {"A128GCM": 16, "A256GCM": 32}
_CURVES = ("P-256", "P-384")


def _length_prefixed(data: bytes) -> bytes:
    return len(data).to_bytes(4, "big") + data


def concat_kdf(
    shared: bytes, algorithm: str, size: int, apu: bytes = b"", apv: bytes = b""
) -> bytes:
    """The ``size``-byte key RFC 7518 4.6.2 derives (one SHA-256 round covers 32 bytes)."""
    if size > 32:
        raise BadInput("a content key longer than 256 bits is not supported")
    other = (
        _length_prefixed(algorithm.encode("ascii"))
        + _length_prefixed(apu)
        + _length_prefixed(apv)
        + (size * 8).to_bytes(4, "big")
    )
    return hashlib.sha256(b"\x00\x00\x00\x01" + shared + other).digest()[:size]


def choose_key(jwks: Any) -> dict[str, Any]:
    """The verifier's first key usable for ECDH-ES (EC P-256/P-384, for encryption)."""
    keys = jwks.get("keys") if isinstance(jwks, Mapping) else None
    for key in keys if isinstance(keys, list) else []:
        if not isinstance(key, dict) or key.get("kty") != "EC" or key.get("crv") not in _CURVES:
            continue
        if key.get("use") not in (None, "enc") or key.get("alg") not in (None, "ECDH-ES"):
            continue
        return key
    raise BadInput("the verifier publishes no EC key to encrypt the response to (ECDH-ES)")


def choose_encryption(supported: Any) -> str:
    if not isinstance(supported, list) or not supported:
        return "A128GCM"  # the default OpenID4VP 1.0 names
    for enc in supported:
        if enc in ENCRYPTIONS:
            return str(enc)
    shown = ", ".join(str(e) for e in supported[:5])
    raise BadInput(f"the verifier wants a content encryption credwallet lacks ({shown})")


def encrypt(plaintext: bytes, jwk: Mapping[str, Any], *, enc: str = "A128GCM") -> str:
    """``<protected>..<iv>.<ciphertext>.<tag>``: ECDH-ES direct agreement, AES-GCM content."""
    if enc not in ENCRYPTIONS:
        raise BadInput(f"unsupported content encryption {enc!r}")
    recipient = jwk_to_public_key(jwk)
    curve = str(recipient.crv)
    if recipient.kty != "EC" or curve not in _CURVES:
        raise BadInput("the verifier's encryption key is not an EC P-256/P-384 key")
    scalar, ephemeral = _crypto.ec_generate(curve)
    try:
        shared = _crypto.ecdh_shared_secret(curve, scalar, recipient.raw)
    except ValueError:
        raise BadInput("the verifier's encryption key is not a usable point") from None
    cek = concat_kdf(shared, enc, ENCRYPTIONS[enc])
    header: dict[str, Any] = {
        "alg": "ECDH-ES",
        "enc": enc,
        "epk": public_key_to_jwk(PublicKey(kty="EC", crv=curve, raw=ephemeral)),
    }
    if isinstance(jwk.get("kid"), str):
        header["kid"] = jwk["kid"]
    protected = b64url_encode(json.dumps(header, separators=(",", ":")).encode("utf-8"))
    iv = _crypto.random_bytes(12)
    sealed = _crypto.aesgcm_encrypt(cek, iv, plaintext, protected.encode("ascii"))
    ciphertext, tag = sealed[:-16], sealed[-16:]
    parts = (protected, "", b64url_encode(iv), b64url_encode(ciphertext), b64url_encode(tag))
    return ".".join(parts)
