"""SD-JWT VC (IETF draft-ietf-oauth-sd-jwt-vc over RFC 9901 SD-JWT) -> Credential.

An SD-JWT is ``<issuer JWS>~<disclosure>~...~[<key binding JWT>]``. Reading it is strict, as the
RFC asks of a holder: every disclosure is base64url JSON ``[salt, name, value]`` (object
property) or ``[salt, value]`` (array element), its digest (``_sd_alg``, SHA-256 only) must occur
exactly once in the signed payload, no disclosure may be used twice or repeat a name the payload
already has, and the reserved names ``_sd`` and ``...`` never come from a disclosure. The
credential's claims are the payload with the disclosed values put back. No signature is checked
here (see :mod:`credwallet.verify.sdjwt`).
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from credwallet.errors import BadInput, NotACredential
from credwallet.formats.jose import CompactJws, decode_compact_jws, looks_like_compact_jws
from credwallet.formats.jsonutil import loads_strict
from credwallet.models import Container, Credential, CredentialFormat, JSONObject, Party

__all__ = [
    "SD_JWT_TYPES",
    "SdJwt",
    "decode_sd_jwt",
    "from_sd_jwt",
    "looks_like_sd_jwt",
]

SD_JWT_TYPES = ("dc+sd-jwt", "vc+sd-jwt")
_MAX_DISCLOSURES = 1000
_MAX_DEPTH = 32


@dataclass(frozen=True, slots=True)
class SdJwt:
    """A decoded SD-JWT: the issuer's JWS, the disclosures, and the claims they rebuild."""

    issuer_jws: CompactJws
    disclosures: tuple[str, ...]
    claims: JSONObject
    key_binding: str | None = field(default=None, repr=False)

    @property
    def compact(self) -> str:
        """The issued form (no key binding): what is stored and verified."""
        return "~".join((self.issuer_jws.token, *self.disclosures)) + "~"


def looks_like_sd_jwt(text: str) -> bool:
    head, sep, _rest = text.strip().partition("~")
    return bool(sep) and looks_like_compact_jws(head)


def _b64url(part: str) -> bytes:
    from credwallet.formats.jose import b64url_decode

    return b64url_decode(part, what="disclosure")


def _digest(disclosure: str) -> str:
    raw = hashlib.sha256(disclosure.encode("ascii")).digest()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _parse_disclosure(text: str) -> list[Any]:
    value = loads_strict(_b64url(text))
    if not isinstance(value, list) or len(value) not in (2, 3):
        raise BadInput("an SD-JWT disclosure is not a JSON array of 2 or 3 elements")
    if not isinstance(value[0], str):
        raise BadInput("an SD-JWT disclosure's salt is not a string")
    if len(value) == 3:
        name = value[1]
        if not isinstance(name, str) or name in ("_sd", "..."):
            raise BadInput("an SD-JWT disclosure names a claim it may not name")
    return value


class _Rebuild:
    def __init__(self, disclosures: dict[str, list[Any]]) -> None:
        self.available = disclosures
        self.used: set[str] = set()

    def take(self, digest: Any) -> list[Any] | None:
        if not isinstance(digest, str):
            raise BadInput("an SD-JWT digest is not a string")
        if digest in self.used:
            raise BadInput("an SD-JWT digest occurs more than once")
        self.used.add(digest)
        return self.available.get(digest)

    def value(self, node: Any, depth: int = 0) -> Any:
        if depth > _MAX_DEPTH:
            raise BadInput("an SD-JWT payload is nested too deeply")
        if isinstance(node, dict):
            return self.obj(node, depth)
        if isinstance(node, list):
            return self.array(node, depth)
        return node

    def obj(self, node: JSONObject, depth: int) -> JSONObject:
        out: JSONObject = {}
        for key, item in node.items():
            if key not in ("_sd", "_sd_alg"):
                out[key] = self.value(item, depth + 1)
        digests = node.get("_sd", [])
        if not isinstance(digests, list):
            raise BadInput("an SD-JWT _sd is not an array")
        for digest in digests:
            found = self.take(digest)
            if found is None:
                continue  # a decoy, or a claim the holder did not disclose
            if len(found) != 3:
                raise BadInput("an array-element disclosure is referenced from an object's _sd")
            _salt, name, value = found
            if name in out:
                raise BadInput(f"an SD-JWT disclosure repeats the claim {name!r}")
            out[name] = self.value(value, depth + 1)
        return out

    def array(self, node: list[Any], depth: int) -> list[Any]:
        out = []
        for item in node:
            if isinstance(item, dict) and "..." in item:
                if len(item) != 1:
                    raise BadInput("an SD-JWT array element digest has other keys")
                found = self.take(item["..."])
                if found is None:
                    continue
                if len(found) != 2:
                    raise BadInput("an object-property disclosure is referenced from an array")
                out.append(self.value(found[1], depth + 1))
            else:
                out.append(self.value(item, depth + 1))
        return out


def decode_sd_jwt(text: str) -> SdJwt:
    """Split, decode and rebuild an SD-JWT strictly (no signature check)."""
    parts = text.strip().split("~")
    if len(parts) < 2:
        raise BadInput("not an SD-JWT: no '~' separator")
    issuer_part, *disclosure_parts, last = parts
    if len(disclosure_parts) > _MAX_DISCLOSURES:
        raise BadInput("an SD-JWT with too many disclosures")
    jws = decode_compact_jws(issuer_part)
    if any(not d for d in disclosure_parts):
        raise BadInput("an SD-JWT has an empty disclosure")
    key_binding = last or None
    if key_binding is not None and not looks_like_compact_jws(key_binding):
        raise BadInput("an SD-JWT does not end with '~' or a key binding JWT")
    alg = jws.payload.get("_sd_alg", "sha-256")
    if alg != "sha-256":
        raise BadInput(f"an SD-JWT digest algorithm {alg!r} is not supported (only sha-256)")
    disclosures: dict[str, list[Any]] = {}
    for item in disclosure_parts:
        digest = _digest(item)
        if digest in disclosures:
            raise BadInput("an SD-JWT holds the same disclosure twice")
        disclosures[digest] = _parse_disclosure(item)
    rebuild = _Rebuild(disclosures)
    claims = rebuild.obj(jws.payload, 0)
    unused = set(disclosures) - rebuild.used
    if unused:
        raise BadInput("an SD-JWT holds a disclosure its payload does not reference")
    return SdJwt(jws, tuple(disclosure_parts), claims, key_binding)


def _date(value: Any) -> datetime | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        return datetime.fromtimestamp(value, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def from_sd_jwt(text: str, *, original: bytes) -> Credential:
    """The Credential an SD-JWT VC describes; NotACredential for an SD-JWT that is no VC."""
    sd = decode_sd_jwt(text)
    typ = sd.issuer_jws.header.get("typ")
    claims = sd.claims
    if typ not in SD_JWT_TYPES:
        raise NotACredential(
            f"not a credential: an SD-JWT of type {typ!r} (SD-JWT VCs are typed dc+sd-jwt)"
        )
    vct = _text(claims.get("vct"))
    issuer = _text(claims.get("iss"))
    if vct is None or issuer is None:
        raise BadInput("an SD-JWT VC must carry vct and iss")
    name = _text(claims.get("name")) or _text(claims.get("title")) or vct
    issuer_name = None
    if isinstance(claims.get("issuing_authority"), str):
        issuer_name = claims["issuing_authority"]
    return Credential(
        format=CredentialFormat.SD_JWT_VC,
        container=Container.JWT,
        original=original,
        document=claims,
        credential_id=_text(claims.get("jti")),
        name=name,
        description=_text(claims.get("description")),
        issuer=Party(id=issuer, name=issuer_name),
        subject=Party(id=_text(claims.get("sub"))),
        issued=_date(claims.get("iat")),
        valid_from=_date(claims.get("nbf")),
        valid_until=_date(claims.get("exp")),
        jws=sd.compact,
        types=(vct,),
    )


# --- display: SD-JWT VC Type Metadata ("display" and "claims" labels) ---------------------------

REGISTERED_CLAIMS = frozenset(
    {"iss", "vct", "vct#integrity", "iat", "nbf", "exp", "cnf", "status", "sub", "jti"}
)


def _localized(entries: Any, key: str, locale: str = "en") -> str | None:
    """The ``key`` of the display entry for ``locale`` (``lang`` or ``locale``), else the first."""
    if not isinstance(entries, list):
        return None
    usable = [e for e in entries if isinstance(e, dict) and isinstance(e.get(key), str)]
    for entry in usable:
        tag = entry.get("lang") or entry.get("locale")
        if isinstance(tag, str) and tag.lower().startswith(locale):
            return str(entry[key])
    return str(usable[0][key]) if usable else None


def type_name(metadata: Any) -> str | None:
    """The credential type's display name from its Type Metadata, if it has one."""
    if not isinstance(metadata, dict):
        return None
    return _localized(metadata.get("display"), "name") or _text(metadata.get("name"))


def claim_rows(claims: JSONObject, metadata: Any = None) -> list[tuple[str, str, Any]]:
    """(claim name, label, value) for each disclosed or plain claim that is not registered."""
    labels: dict[str, str] = {}
    entries = metadata.get("claims") if isinstance(metadata, dict) else None
    for entry in entries if isinstance(entries, list) else []:
        if not isinstance(entry, dict):
            continue
        path = entry.get("path")
        label = _localized(entry.get("display"), "label")
        if isinstance(path, list) and len(path) == 1 and isinstance(path[0], str) and label:
            labels[path[0]] = label
    return [
        (name, labels.get(name, name), value)
        for name, value in claims.items()
        if name not in REGISTERED_CLAIMS
    ]
