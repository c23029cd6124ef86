"""Strict decoding of JWS compact serialisation (RFC 7515 section 7.1); no signature checking.

Decoding is separate from verification: this module only proves that a token is three well-formed
base64url parts whose header and payload are JSON objects, and hands the verifier the exact
signing input. Strictness matters because a lenient decoder (padding, '+', '/', whitespace,
non-canonical trailing bits) lets two different strings decode to one token.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass, field
from typing import Any

from credwallet.errors import BadInput, LimitExceeded
from credwallet.formats.jsonutil import loads_strict
from credwallet.formats.limits import MAX_INPUT_BYTES, MAX_JWS_HEADER_CHARS
from credwallet.models import JSONObject

__all__ = ["CompactJws", "b64url_decode", "decode_compact_jws", "looks_like_compact_jws"]

_B64URL = re.compile(r"[A-Za-z0-9_-]*")
_COMPACT = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*")


@dataclass(frozen=True, slots=True)
class CompactJws:
    """A decoded compact JWS: what the verifier needs, nothing checked yet."""

    header: JSONObject
    payload: JSONObject
    signing_input: bytes = field(
        repr=False
    )  # ASCII(BASE64URL(header) || '.' || BASE64URL(payload))
    signature: bytes = field(repr=False)
    token: str = field(repr=False)

    @property
    def alg(self) -> str | None:
        value = self.header.get("alg")
        return value if isinstance(value, str) else None


def looks_like_compact_jws(text: str) -> bool:
    """True for three dot-separated base64url parts (the empty signature of alg none allowed)."""
    return _COMPACT.fullmatch(text) is not None


def b64url_decode(part: str, *, what: str) -> bytes:
    """Decode unpadded base64url, refusing padding, other alphabets and non-canonical tails."""
    if not _B64URL.fullmatch(part):
        raise BadInput(f"JWS {what} is not base64url (only A-Z a-z 0-9 - _ without padding)")
    if len(part) % 4 == 1:
        raise BadInput(f"JWS {what} has an impossible base64url length {len(part)}")
    try:
        decoded = base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
    except (binascii.Error, ValueError):
        raise BadInput(f"JWS {what} is not valid base64url") from None
    # Unused low bits of the last character must be zero, or two strings decode alike.
    if base64.urlsafe_b64encode(decoded).rstrip(b"=").decode("ascii") != part:
        raise BadInput(f"JWS {what} is not canonical base64url (non-zero trailing bits)")
    return decoded


def decode_compact_jws(token: str | bytes, *, max_bytes: int = MAX_INPUT_BYTES) -> CompactJws:
    """Split and decode a compact JWS whose header and payload must both be JSON objects."""
    if len(token) > max_bytes:
        raise LimitExceeded(f"JWS of {len(token)} bytes exceeds the {max_bytes}-byte limit")
    if isinstance(token, bytes):
        try:
            token = token.decode("ascii")
        except UnicodeDecodeError:
            raise BadInput("JWS contains non-ASCII bytes") from None
    token = token.strip()
    parts = token.split(".")
    if len(parts) != 3:
        raise BadInput(f"JWS compact serialisation has {len(parts)} parts, expected 3")
    header_part, payload_part, signature_part = parts
    if len(header_part) > MAX_JWS_HEADER_CHARS:
        raise LimitExceeded(
            f"JWS header of {len(header_part)} characters exceeds {MAX_JWS_HEADER_CHARS}"
        )
    if not header_part:
        raise BadInput("JWS header is empty")
    if not payload_part:
        raise BadInput("JWS has a detached (empty) payload; the credential must be inside it")
    header = _json_object(b64url_decode(header_part, what="header"), what="header")
    payload = _json_object(b64url_decode(payload_part, what="payload"), what="payload")
    signature = b64url_decode(signature_part, what="signature")
    if header.get("b64") is False:
        raise BadInput("JWS with unencoded payload (b64: false) is not supported in compact form")
    return CompactJws(
        header=header,
        payload=payload,
        signing_input=f"{header_part}.{payload_part}".encode("ascii"),
        signature=signature,
        token=token,
    )


def _json_object(raw: bytes, *, what: str) -> JSONObject:
    try:
        value: Any = loads_strict(raw)
    except BadInput as exc:
        raise type(exc)(f"JWS {what}: {exc.message}") from None
    if not isinstance(value, dict):
        raise BadInput(f"JWS {what} is JSON but not an object")
    return value
