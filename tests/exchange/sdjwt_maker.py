"""SD-JWT VCs made by hand for the tests (RFC 9901 section 4), independent of credwallet's reader.

Signing uses a credwallet SigningKey (what is under test is reading and verifying, not signing).
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import time
import zlib
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec

from credwallet.verify.keys import SigningKey


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def disclosure(name: str | None, value: Any) -> tuple[str, str]:
    """(the disclosure, its digest) for an object property (name) or an array element."""
    salt = b64(secrets.token_bytes(16))
    body = [salt, name, value] if name is not None else [salt, value]
    text = b64(json.dumps(body).encode())
    return text, b64(hashlib.sha256(text.encode()).digest())


def jws(header: dict[str, Any], payload: dict[str, Any], key: SigningKey) -> str:
    signing_input = b64(json.dumps(header).encode()) + "." + b64(json.dumps(payload).encode())
    return signing_input + "." + b64(key.sign(signing_input.encode()))


def holder_jwk_from_did(did: str) -> dict[str, str]:
    alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
    number = 0
    for char in did[len("did:key:z") :]:
        number = number * 58 + alphabet.index(char)
    data = number.to_bytes((number.bit_length() + 7) // 8, "big")
    if data[:2] == b"\xed\x01":
        return {"kty": "OKP", "crv": "Ed25519", "x": b64(data[2:])}
    point = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), data[2:])
    nums = point.public_numbers()
    return {
        "kty": "EC",
        "crv": "P-256",
        "x": b64(nums.x.to_bytes(32, "big")),
        "y": b64(nums.y.to_bytes(32, "big")),
    }


def make_sd_jwt_vc(
    *,
    issuer: str,
    key: SigningKey,
    holder_jwk: dict[str, str] | None,
    claims: dict[str, Any],
    vct: str = "urn:eu.europa.ec.eudi:learning:credential:1",
    status: tuple[str, int] | None = None,
    exp: int | None = None,
    kid: str = "k1",
    header: dict[str, Any] | None = None,
) -> str:
    disclosures = []
    digests = []
    for name, value in claims.items():
        text, digest = disclosure(name, value)
        disclosures.append(text)
        digests.append(digest)
    digests.append(b64(secrets.token_bytes(32)))  # a decoy
    payload: dict[str, Any] = {
        "iss": issuer,
        "vct": vct,
        "iat": int(time.time()),
        "_sd_alg": "sha-256",
        "_sd": sorted(digests),
    }
    if holder_jwk is not None:
        payload["cnf"] = {"jwk": holder_jwk}
    if status is not None:
        payload["status"] = {"status_list": {"uri": status[0], "idx": status[1]}}
    if exp is not None:
        payload["exp"] = exp
    token = jws({"alg": "ES256", "typ": "dc+sd-jwt", "kid": kid, **(header or {})}, payload, key)
    return token + "~" + "".join(d + "~" for d in disclosures)


def status_list_token(uri: str, key: SigningKey, revoked: set[int], size: int = 64) -> str:
    bits = bytearray(size // 8)
    for index in revoked:
        bits[index // 8] |= 1 << (index % 8)
    payload = {
        "sub": uri,
        "iat": int(time.time()),
        "status_list": {"bits": 1, "lst": b64(zlib.compress(bytes(bits)))},
    }
    return jws({"alg": "ES256", "typ": "statuslist+jwt", "kid": "k1"}, payload, key)
