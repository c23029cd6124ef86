"""Public keys from identifiers: multibase, multicodec, did:key, did:jwk, did:web, JWK.

A verification method names a key; this module turns that name into a :class:`PublicKey` and
says where the key came from and which verification relationships list it, so the engine can
decide whether the key belongs to the issuer. Failures follow one rule:

- the identifier or the document is malformed, or the key is definitely not there: BadInput
  (the engine reports a FAIL);
- the document could not be obtained (offline, host down): FetchError (the engine reports
  UNKNOWN, with the URL and the reason).

It also holds :class:`SigningKey`, the private half used by the holder, the tests and the
example issuer; its repr never shows private bytes.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Final, Protocol
from urllib.parse import unquote, urldefrag

from credwallet import _crypto
from credwallet._crypto import PublicKey
from credwallet.errors import BadInput, FetchError
from credwallet.formats.jsonutil import loads_strict

if TYPE_CHECKING:
    from credwallet.net import Fetched


#: W3C DID Core syntax: did:<method-name>:<method-specific-id>; method names are [a-z0-9]+.
_DID_ID_CHAR = r"(?:[A-Za-z0-9._-]|%[0-9A-Fa-f]{2})"
_DID_SYNTAX: Final = re.compile(rf"did:[a-z0-9]+:(?:{_DID_ID_CHAR}*:)*{_DID_ID_CHAR}+")

__all__ = [
    "DocumentFetcher",
    "PublicKey",
    "ResolvedKey",
    "SigningKey",
    "b64url_decode",
    "b64url_encode",
    "base58_decode",
    "base58_encode",
    "did_web_url",
    "jwk_to_public_key",
    "multibase_decode",
    "multikey_decode",
    "multikey_encode",
    "public_key_to_jwk",
    "resolve_verification_method",
    "same_key",
]


class DocumentFetcher(Protocol):
    """What key resolution needs of :class:`credwallet.net.Fetcher` (tests pass fakes)."""

    def fetch(self, url: str, *, accept: str = ...) -> Fetched: ...


# --- base58btc, base64url and multibase --------------------------------------------------------

_B58_ALPHABET: Final = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_B58_INDEX: Final = {c: i for i, c in enumerate(_B58_ALPHABET)}
_MAX_ENCODED: Final = 16 * 1024  # no key or signature is anywhere near this long


def base58_encode(data: bytes) -> str:
    """Bitcoin base58 (the alphabet multibase calls base58btc)."""
    zeros = len(data) - len(data.lstrip(b"\0"))
    number = int.from_bytes(data, "big")
    digits: list[str] = []
    while number:
        number, rest = divmod(number, 58)
        digits.append(_B58_ALPHABET[rest])
    return "1" * zeros + "".join(reversed(digits))


def base58_decode(text: str) -> bytes:
    """Decode base58btc; raises BadInput on any character outside the alphabet."""
    if len(text) > _MAX_ENCODED:
        raise BadInput("base58 value too long")
    number = 0
    for char in text:
        index = _B58_INDEX.get(char)
        if index is None:
            raise BadInput(f"not base58btc: unexpected character {char!r}")
        number = number * 58 + index
    zeros = len(text) - len(text.lstrip("1"))
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * zeros + body


def b64url_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """Unpadded base64url (RFC 7515 section 2); padding and other alphabets are refused."""
    if not isinstance(text, str) or len(text) > 4 * 1024 * 1024:
        raise BadInput("not base64url")
    if "=" in text or "+" in text or "/" in text or len(text) % 4 == 1:
        raise BadInput("not base64url (padding or a non-url-safe character)")
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as exc:
        raise BadInput("not base64url") from exc


def multibase_decode(value: str) -> bytes:
    """Decode a multibase string: ``z`` base58btc or ``u`` base64url (no padding)."""
    if not isinstance(value, str) or not value:
        raise BadInput("empty multibase value")
    prefix, body = value[0], value[1:]
    if prefix == "z":
        return base58_decode(body)
    if prefix == "u":
        return b64url_decode(body)
    raise BadInput(f"unsupported multibase prefix {prefix!r} (expected z or u)")


# --- multicodec public keys ---------------------------------------------------------------------

# multicodec table: ed25519-pub 0xed, p256-pub 0x1200, p384-pub 0x1201 (unsigned varints)
_CODEC_ED25519: Final = b"\xed\x01"
_CODEC_P256: Final = b"\x80\x24"
_CODEC_P384: Final = b"\x81\x24"
_CODEC_BY_CURVE: Final = {"Ed25519": _CODEC_ED25519, "P-256": _CODEC_P256, "P-384": _CODEC_P384}
_EC_COMPRESSED_SIZE: Final = {"P-256": 33, "P-384": 49}


def multikey_decode(value: str) -> PublicKey:
    """A Multikey ``publicKeyMultibase`` (also a did:key identifier) -> PublicKey."""
    data = multibase_decode(value)
    if data.startswith(_CODEC_ED25519):
        raw = data[2:]
        if len(raw) != 32:
            raise BadInput("Ed25519 multikey must hold 32 bytes")
        return PublicKey(kty="OKP", crv="Ed25519", raw=raw)
    for crv, codec in (("P-256", _CODEC_P256), ("P-384", _CODEC_P384)):
        if data.startswith(codec):
            point = data[2:]
            if len(point) != _EC_COMPRESSED_SIZE[crv]:
                raise BadInput(f"{crv} multikey must hold a compressed point")
            try:
                _crypto.ec_xy(crv, point)  # validates that the point is on the curve
            except ValueError as exc:
                raise BadInput(f"{crv} multikey is not a point on the curve") from exc
            return PublicKey(kty="EC", crv=crv, raw=point)
    raise BadInput("unsupported multikey type (supported: Ed25519, P-256, P-384)")


def multikey_encode(key: PublicKey) -> str:
    """PublicKey -> ``z...`` Multikey (EC points are compressed, as did:key requires)."""
    if key.kty == "OKP" and key.crv == "Ed25519":
        return "z" + base58_encode(_CODEC_ED25519 + key.raw)
    if key.kty == "EC" and key.crv in ("P-256", "P-384"):
        point = _crypto.ec_compress(key.crv, key.raw)
        return "z" + base58_encode(_CODEC_BY_CURVE[key.crv] + point)
    raise BadInput(f"no multikey encoding for {key.kty} keys")


# --- JWK ------------------------------------------------------------------------------------------


def _jwk_field(jwk: Mapping[str, Any], name: str) -> bytes:
    value = jwk.get(name)
    if not isinstance(value, str):
        raise BadInput(f"JWK lacks {name!r}")
    return b64url_decode(value)


def jwk_to_public_key(jwk: object) -> PublicKey:
    """A public JWK (OKP Ed25519, EC P-256/P-384, RSA) -> PublicKey; anything else is BadInput."""
    if not isinstance(jwk, Mapping):
        raise BadInput("JWK is not a JSON object")
    kty = jwk.get("kty")
    if kty == "OKP":
        if jwk.get("crv") != "Ed25519":
            raise BadInput(f"unsupported OKP curve {jwk.get('crv')!r}")
        raw = _jwk_field(jwk, "x")
        if len(raw) != 32:
            raise BadInput("Ed25519 JWK x must be 32 bytes")
        return PublicKey(kty="OKP", crv="Ed25519", raw=raw)
    if kty == "EC":
        crv = jwk.get("crv")
        if crv not in ("P-256", "P-384"):
            raise BadInput(f"unsupported EC curve {crv!r}")
        try:
            point = _crypto.ec_point_from_xy(str(crv), _jwk_field(jwk, "x"), _jwk_field(jwk, "y"))
        except ValueError as exc:
            raise BadInput(f"{crv} JWK is not a point on the curve") from exc
        return PublicKey(kty="EC", crv=str(crv), raw=point)
    if kty == "RSA":
        n, e = _jwk_field(jwk, "n"), _jwk_field(jwk, "e")
        if len(n) < 256:
            raise BadInput("RSA keys shorter than 2048 bits are refused")
        return PublicKey(kty="RSA", n=n.lstrip(b"\0"), e=e.lstrip(b"\0"))
    raise BadInput(f"unsupported JWK key type {kty!r}")


def public_key_to_jwk(key: PublicKey) -> dict[str, str]:
    """PublicKey -> public JWK with members in lexicographic order (as did:jwk examples use)."""
    if key.kty == "OKP":
        return {"crv": "Ed25519", "kty": "OKP", "x": b64url_encode(key.raw)}
    if key.kty == "EC" and key.crv:
        x, y = _crypto.ec_xy(key.crv, key.raw)
        return {"crv": key.crv, "kty": "EC", "x": b64url_encode(x), "y": b64url_encode(y)}
    if key.kty == "RSA":
        return {"e": b64url_encode(key.e), "kty": "RSA", "n": b64url_encode(key.n)}
    raise BadInput(f"no JWK form for {key.kty} keys")


def same_key(a: PublicKey, b: PublicKey) -> bool:
    """True when both describe the same public key (EC points compared after compression)."""
    if a.kty != b.kty or a.crv != b.crv:
        return False
    if a.kty == "EC" and a.crv:
        return _crypto.ec_compress(a.crv, a.raw) == _crypto.ec_compress(a.crv, b.raw)
    return a.raw == b.raw and a.n == b.n and a.e == b.e


# --- verification methods -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ResolvedKey:
    """A key found for a verification method, with its provenance.

    ``purposes`` lists the verification relationships (assertionMethod, authentication, ...)
    under which the controller's document lists this method; ``None`` when no document says
    (the key was read from the identifier itself, e.g. a multibase fragment of a URL).
    """

    key: PublicKey
    verification_method: str
    controller: str
    source: str
    purposes: frozenset[str] | None
    as_of: datetime | None = None
    from_cache: bool = False


_RELATIONSHIPS: Final = (
    "assertionMethod",
    "authentication",
    "capabilityInvocation",
    "capabilityDelegation",
    "keyAgreement",
)


def _key_from_method(method: Mapping[str, Any]) -> PublicKey:
    """The public key a verification method object carries, whatever encoding it uses."""
    if "publicKeyMultibase" in method:
        value = method["publicKeyMultibase"]
        if not isinstance(value, str):
            raise BadInput("publicKeyMultibase is not a string")
        # Multikey and Ed25519VerificationKey2020 both carry a multicodec-prefixed key.
        return multikey_decode(value)
    if "publicKeyJwk" in method:
        return jwk_to_public_key(method["publicKeyJwk"])
    if "publicKeyBase58" in method:
        value = method["publicKeyBase58"]
        if not isinstance(value, str):
            raise BadInput("publicKeyBase58 is not a string")
        raw = base58_decode(value)
        if method.get("type") not in (None, "Ed25519VerificationKey2018") or len(raw) != 32:
            raise BadInput("publicKeyBase58 is only understood for Ed25519VerificationKey2018")
        return PublicKey(kty="OKP", crv="Ed25519", raw=raw)
    raise BadInput("verification method carries no public key this wallet can read")


def _absolute(ref: str, base: str) -> str:
    return base + ref if ref.startswith("#") else ref


def _methods_of(
    document: Mapping[str, Any], base: str
) -> dict[str, tuple[Mapping[str, Any], set[str]]]:
    """Every verification method a controller document defines, with the relationships citing it."""
    found: dict[str, tuple[Mapping[str, Any], set[str]]] = {}
    cited: dict[str, set[str]] = {}

    def add(entry: object, relationship: str | None) -> None:
        if isinstance(entry, str):
            if relationship:
                cited.setdefault(_absolute(entry, base), set()).add(relationship)
            return
        if isinstance(entry, Mapping) and isinstance(entry.get("id"), str):
            vm_id = _absolute(entry["id"], base)
            found.setdefault(vm_id, (entry, set()))
            if relationship:
                cited.setdefault(vm_id, set()).add(relationship)

    listed = document.get("verificationMethod", [])
    for entry in listed if isinstance(listed, list) else [listed]:
        add(entry, None)
    for relationship in _RELATIONSHIPS:
        value = document.get(relationship, [])
        for entry in value if isinstance(value, list) else [value]:
            add(entry, relationship)
    # OB 2.0-style and older profiles: "publicKey" entries count as assertion keys.
    legacy = document.get("publicKey", [])
    for entry in legacy if isinstance(legacy, list) else [legacy]:
        add(entry, "assertionMethod")
    for vm_id, purposes in cited.items():
        if vm_id in found:
            found[vm_id][1].update(purposes)
    return found


def _from_document(
    document: object, vm_id: str, *, controller: str, source: str, fetched: Any = None
) -> ResolvedKey:
    if not isinstance(document, Mapping):
        raise BadInput(f"{source} is not a JSON object")
    doc_id = document.get("id")
    if isinstance(doc_id, str) and doc_id != controller:
        raise BadInput(f"{source} describes {doc_id}, not {controller}")
    methods = _methods_of(document, controller)
    if vm_id not in methods:
        raise BadInput(f"{vm_id} is not listed in {source}")
    method, purposes = methods[vm_id]
    method_controller = method.get("controller", controller)
    if method_controller != controller:
        raise BadInput(f"{vm_id} is controlled by {method_controller}, not {controller}")
    return ResolvedKey(
        key=_key_from_method(method),
        verification_method=vm_id,
        controller=controller,
        source=source,
        purposes=frozenset(purposes),
        as_of=getattr(fetched, "fetched_at", None),
        from_cache=bool(getattr(fetched, "from_cache", False)),
    )


def _did_key(did: str, vm_id: str) -> ResolvedKey:
    identifier = did.removeprefix("did:key:")
    key = multikey_decode(identifier)
    _, fragment = urldefrag(vm_id)
    if fragment and fragment != identifier:
        raise BadInput(f"{vm_id}: a did:key method's fragment must repeat the key")
    # did:key documents list their one key under every verification relationship.
    return ResolvedKey(
        key=key,
        verification_method=f"{did}#{identifier}",
        controller=did,
        source="did:key (the key is the identifier)",
        purposes=frozenset(_RELATIONSHIPS),
    )


def _did_jwk(did: str, vm_id: str) -> ResolvedKey:
    try:
        jwk = loads_strict(b64url_decode(did.removeprefix("did:jwk:")))
    except (BadInput, ValueError) as exc:  # the strict reader: no RecursionError on deep JSON
        raise BadInput(f"{did} does not encode a JSON Web Key") from exc
    if isinstance(jwk, Mapping) and "d" in jwk:
        raise BadInput(f"{did} encodes a private key")
    key = jwk_to_public_key(jwk)
    _, fragment = urldefrag(vm_id)
    if fragment not in ("", "0"):
        raise BadInput(f"{vm_id}: a did:jwk has only the method #0")
    use = jwk.get("use") if isinstance(jwk, Mapping) else None
    purposes = (
        frozenset({"keyAgreement"})
        if use == "enc"
        else frozenset(_RELATIONSHIPS) - {"keyAgreement"}
    )
    return ResolvedKey(
        key=key,
        verification_method=f"{did}#0",
        controller=did,
        source="did:jwk (the key is the identifier)",
        purposes=purposes,
    )


def did_web_url(did: str) -> str:
    """The HTTPS URL of a did:web document (did:web spec, section 3.2.1)."""
    rest = did.removeprefix("did:web:")
    if not rest or any(c in rest for c in "/?#") or ".." in rest:
        raise BadInput(f"{did} is not a valid did:web identifier")
    parts = rest.split(":")
    host = unquote(parts[0])
    if not host or any(c in host for c in "/@ "):
        raise BadInput(f"{did} is not a valid did:web identifier")
    path = "/".join(unquote(p) for p in parts[1:])
    if any(not p for p in parts[1:]):
        raise BadInput(f"{did} has an empty path segment")
    return f"https://{host}/{path}/did.json" if path else f"https://{host}/.well-known/did.json"


def _fetch_json(fetcher: DocumentFetcher | None, url: str, what: str) -> tuple[object, Any]:
    from credwallet.net import HttpStatusError

    if fetcher is None:
        raise FetchError(f"{what} could not be resolved: no network and no cache")
    try:
        fetched = fetcher.fetch(url, accept="application/did+json, application/json")
    except HttpStatusError as exc:
        if exc.status in (404, 410):
            raise BadInput(f"{what} does not exist (HTTP {exc.status} from {url})") from exc
        raise FetchError(f"{what} could not be resolved: {exc.message}") from exc
    except FetchError as exc:
        raise FetchError(f"{what} could not be resolved: {exc.message}") from exc
    try:
        return loads_strict(fetched.body), fetched
    except BadInput as exc:
        raise BadInput(f"{what}: {url} did not return JSON ({exc.message})") from exc


def _as_of(fetched: Any) -> str:
    stamp = getattr(fetched, "fetched_at", None)
    if getattr(fetched, "from_cache", False) and isinstance(stamp, datetime):
        return f" (cached copy as of {stamp.isoformat(timespec='seconds')})"
    return ""


def resolve_verification_method(vm_id: str, *, fetcher: DocumentFetcher | None) -> ResolvedKey:
    """Find the key a verification method id names.

    did:key and did:jwk are decoded locally; did:web is fetched from its HTTPS URL; any other
    DID (e.g. did:example in test fixtures) is asked of the fetcher by the DID itself, which
    only a cache or a test double can answer; an HTTPS method is fetched as a controller
    document, and if that fails while the fragment is itself a Multikey, the key is read from
    the fragment with ``purposes=None`` (nothing ties it to the controller).
    """
    if not isinstance(vm_id, str) or not vm_id or len(vm_id) > 4096:
        raise BadInput("verification method is not a string identifier")
    base, fragment = urldefrag(vm_id)
    if base[:4].lower() == "did:":
        did = base.split("/", 1)[0].split("?", 1)[0]
        if not _DID_SYNTAX.fullmatch(did):
            # Malformed (e.g. did:KEY:...: method names are lower case), so the proof fails;
            # "could not resolve" is only for well-formed DIDs.
            raise BadInput(f"{did[:80]!r} is not a valid DID (W3C DID syntax)")
    if base.startswith("did:key:"):
        return _did_key(base, vm_id)
    if base.startswith("did:jwk:"):
        return _did_jwk(base, vm_id)
    if base.startswith("did:web:"):
        url = did_web_url(base)
        document, fetched = _fetch_json(fetcher, url, f"issuer {base}")
        return _from_document(
            document,
            vm_id,
            controller=base,
            source=f"did:web document {url}{_as_of(fetched)}",
            fetched=fetched,
        )
    if base.startswith("did:"):
        document, fetched = _fetch_json(fetcher, base, f"DID {base}")
        return _from_document(
            document,
            vm_id,
            controller=base,
            source=f"DID document of {base}{_as_of(fetched)}",
            fetched=fetched,
        )
    if base.startswith(("https://", "http://")):
        try:
            document, fetched = _fetch_json(fetcher, base, f"key document {base}")
        except FetchError:
            if fragment.startswith("z"):
                return ResolvedKey(
                    key=multikey_decode(fragment),
                    verification_method=vm_id,
                    controller=base,
                    source=f"the multibase fragment of {vm_id} ({base} not fetched)",
                    purposes=None,
                )
            raise
        if isinstance(document, Mapping) and document.get("id") == vm_id:
            # The URL dereferenced to the key object itself (OB 2.0 CryptographicKey style).
            owner = document.get("controller") or document.get("owner")
            return ResolvedKey(
                key=_key_from_method(document),
                verification_method=vm_id,
                controller=str(owner) if owner else base,
                source=f"key document {base}{_as_of(fetched)}",
                purposes=None,
                as_of=fetched.fetched_at,
                from_cache=fetched.from_cache,
            )
        return _from_document(
            document,
            vm_id,
            controller=base,
            source=f"controller document {base}{_as_of(fetched)}",
            fetched=fetched,
        )
    raise BadInput(f"unsupported verification method {vm_id!r}")


# --- signing keys ---------------------------------------------------------------------------------

_ALGORITHMS: Final = ("Ed25519", "P-256", "P-384", "RSA")


@dataclass(frozen=True, slots=True)
class SigningKey:
    """A private key for signing credentials and presentations. Its repr shows only the DID."""

    algorithm: str
    public_key: PublicKey
    _secret: bytes = field(repr=False, compare=False)

    @classmethod
    def generate(cls, algorithm: str = "Ed25519") -> SigningKey:
        """A fresh random key: "Ed25519", "P-256", "P-384" or "RSA" (2048-bit, for RS256)."""
        if algorithm == "Ed25519":
            seed, public = _crypto.ed25519_generate()
            return cls(algorithm, PublicKey(kty="OKP", crv="Ed25519", raw=public), seed)
        if algorithm in ("P-256", "P-384"):
            scalar, point = _crypto.ec_generate(algorithm)
            return cls(algorithm, PublicKey(kty="EC", crv=algorithm, raw=point), scalar)
        if algorithm == "RSA":
            der, rsa_public, _pem = _crypto.rsa_generate(2048)
            return cls(algorithm, rsa_public, der)
        raise BadInput(
            f"unsupported key algorithm {algorithm!r} (choose from {', '.join(_ALGORITHMS)})"
        )

    @classmethod
    def from_seed(cls, seed: bytes, algorithm: str = "Ed25519") -> SigningKey:
        """A key from stored private bytes: an Ed25519 seed or an EC private scalar."""
        try:
            if algorithm == "Ed25519" and len(seed) == 32:
                public = _crypto.ed25519_public_from_private(seed)
                return cls(algorithm, PublicKey(kty="OKP", crv="Ed25519", raw=public), bytes(seed))
            if algorithm in ("P-256", "P-384"):
                point = _crypto.ec_public_from_private(algorithm, seed)
                return cls(algorithm, PublicKey(kty="EC", crv=algorithm, raw=point), bytes(seed))
        except ValueError as exc:
            raise BadInput(f"not a valid {algorithm} private key") from exc
        raise BadInput(f"not a valid {algorithm} private key")

    def private_bytes(self) -> bytes:
        """The private key bytes, for sealed storage only (never log or print them)."""
        return self._secret

    @property
    def did(self) -> str:
        """did:key for Ed25519 and EC keys; did:jwk for RSA (did:key has no RSA codec here)."""
        if self.algorithm == "RSA":
            jwk = json.dumps(public_key_to_jwk(self.public_key), separators=(",", ":"))
            return "did:jwk:" + b64url_encode(jwk.encode())
        return self.did_key

    @property
    def did_key(self) -> str:
        return "did:key:" + multikey_encode(self.public_key)

    @property
    def verification_method(self) -> str:
        if self.algorithm == "RSA":
            return self.did + "#0"
        return f"{self.did_key}#{multikey_encode(self.public_key)}"

    @property
    def multibase(self) -> str:
        return multikey_encode(self.public_key)

    @property
    def jwk(self) -> dict[str, str]:
        return public_key_to_jwk(self.public_key)

    def sign(self, message: bytes) -> bytes:
        """Ed25519, or ECDSA with the curve's hash (raw r||s), or RS256."""
        if self.algorithm == "Ed25519":
            return _crypto.ed25519_sign(self._secret, message)
        if self.algorithm in ("P-256", "P-384"):
            return _crypto.ec_sign(self.algorithm, self._secret, message)
        return _crypto.rsa_sign(self._secret, message)

    def __repr__(self) -> str:
        shown = "did:jwk:..." if self.algorithm == "RSA" else self.did_key
        return f"SigningKey({self.algorithm}, {shown})"
