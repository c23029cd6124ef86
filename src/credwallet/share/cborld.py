"""CBOR-LD 1.0 as the Digital Credentials Consortium's apps read it (the "legacy" tagged form).

The Learner Credential Wallet and VerifierPlus decode ``VP1-`` QR codes with
``@digitalcredentials/cborld`` 4.x. That version writes a three-byte header, ``0xd9 0x05 0x0M``
(CBOR tag 0x0500 + M), then one CBOR item:

* M = 1, compressed: every JSON key becomes an integer "term id"; some values become shorter
  binary forms (below). Term ids: the JSON-LD keywords have fixed even ids (``@context`` 0,
  ``@type`` 2, ``@id`` 4, ...); every other term gets the next even id from 100 upward when the
  context defining it is first met (a context's keys in sorted order); a key whose value is a
  JSON array uses its term id + 1. Contexts are met in a fixed walk: an object's own
  ``@context``, then the type-scoped contexts of its types (sorted), then its keys in sorted
  order, each key's property-scoped context before its value. Decoding repeats the same walk.
* M = 0, uncompressed: plain CBOR of the JSON. Every term must be defined by a context for
  compression, so a document that uses an undefined term, or a context this module cannot
  load, is written this way: bigger, but still read by the same decoders.

Value codecs (by the term's ``@type``, or for ``@id``/``@type`` values):

* a ``@context`` URL in the registry (:data:`REGISTERED_CONTEXTS`) -> its number, else the URL;
* URIs: ``https://x`` -> ``[2, "x"]``, ``http://x`` -> ``[1, "x"]``, ``urn:uuid:`` (lower
  case) -> ``[3, 16 bytes]``, ``did:key:`` / ``did:v1:nym:`` with base58 parts -> ``[1025 or
  1024, bytes, fragment bytes]``;
* a ``@type`` value (or ``@vocab``-typed value) that is a term -> its term id;
* ``xsd:dateTime`` ``YYYY-MM-DDThh:mm:ssZ`` -> seconds since 1970, with ``.mmm`` ->
  ``[seconds, milliseconds]``; ``xsd:date`` -> seconds; ``sec:multibase`` ``z``/``M`` strings
  -> bytes with the multibase prefix byte first.

A value is only compressed when decoding gives back exactly the same string. The facts come
from the CBOR-LD specification drafts and the vectors of the digitalbazaar and
digitalcredentials repositories; the walk reproduces that implementation's, quirks included
(an object's own contexts stay active for its later siblings in the same array), because the
decoder on the other side repeats it.
"""

from __future__ import annotations

import base64
import binascii
import re
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from credwallet.errors import BadInput
from credwallet.share import cborld_cbor
from credwallet.verify.keys import base58_decode, base58_encode

__all__ = [
    "COMPRESSED",
    "REGISTERED_CONTEXTS",
    "UNCOMPRESSED",
    "ContextLoader",
    "NotCompressible",
    "decode",
    "encode",
    "encode_compressed",
]

UNCOMPRESSED = b"\xd9\x05\x00"
COMPRESSED = b"\xd9\x05\x01"

# The CBOR-LD term codec registry as @digitalcredentials/cborld 4.3 knows it.
REGISTERED_CONTEXTS: dict[int, str] = {
    0x10: "https://www.w3.org/ns/activitystreams",
    0x11: "https://www.w3.org/2018/credentials/v1",
    0x12: "https://www.w3.org/ns/did/v1",
    0x13: "https://w3id.org/security/suites/ed25519-2018/v1",
    0x14: "https://w3id.org/security/suites/ed25519-2020/v1",
    0x15: "https://w3id.org/cit/v1",
    0x16: "https://w3id.org/age/v1",
    0x17: "https://w3id.org/security/suites/x25519-2020/v1",
    0x18: "https://w3id.org/veres-one/v1",
    0x19: "https://w3id.org/webkms/v1",
    0x1A: "https://w3id.org/zcap/v1",
    0x1B: "https://w3id.org/security/suites/hmac-2019/v1",
    0x1C: "https://w3id.org/security/suites/aes-2019/v1",
    0x1D: "https://w3id.org/vaccination/v1",
    0x1E: "https://w3id.org/vc-revocation-list-2020/v1",
    0x1F: "https://w3id.org/dcc/v1",
    0x20: "https://w3id.org/vc/status-list/v1",
    0x30: "https://w3id.org/security/data-integrity/v1",
    0x31: "https://w3id.org/security/multikey/v1",
    0x32: "https://purl.imsglobal.org/spec/ob/v3p0/context.json",
}
_CONTEXT_IDS = {url: number for number, url in REGISTERED_CONTEXTS.items()}

_KEYWORDS = (
    "@context @type @id @value @direction @graph @included @index @json @language @list @nest "
    "@reverse @base @container @default @embed @explicit @none @omitDefault @prefix @preserve "
    "@protected @requireAll @set @version @vocab"
)
KEYWORD_IDS: dict[str, int] = {name: 2 * i for i, name in enumerate(_KEYWORDS.split(" "))}
FIRST_TERM_ID = 100

_XSD = "http://www.w3.org/2001/XMLSchema#"
_MULTIBASE = "https://w3id.org/security#multibase"
_URI_SCHEMES = {1: "http://", 2: "https://"}
_DID_SCHEMES = {1024: "did:v1:nym:", 1025: "did:key:"}
# Only RFC 4122 versions 1-5 (and the nil UUID) go to bytes: the decoder's uuid library refuses
# to print any other UUID, so those stay text.
_UUID = re.compile(
    r"(?:[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"
    r"|00000000-0000-0000-0000-000000000000)\Z"
)
_DATETIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?Z\Z")
_DATE = re.compile(r"\d{4}-\d\d-\d\d\Z")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

ContextLoader = Callable[[str], Any]
"""Returns the parsed JSON document at a context URL, or None when it is not available."""


class NotCompressible(Exception):
    """The document cannot be compressed (undefined term, context not available, odd shape)."""


# -- value codecs ------------------------------------------------------------------------------


def _b58_bytes(text: str) -> bytes | None:
    """The bytes of a ``z``-multibase string, when they encode back to exactly ``text``."""
    if not text.startswith("z"):
        return None
    try:
        raw = base58_decode(text[1:])
    except BadInput:
        return None
    return raw if base58_encode(raw) == text[1:] else None


def _encode_uri(value: Any) -> Any:
    if not isinstance(value, str) or not re.match(r"[A-Za-z][A-Za-z0-9+.\-]*:", value):
        return None
    scheme = value.rsplit(":", 1)[0]  # everything before the last colon, as the reference does
    if scheme in ("http", "https"):
        for number, prefix in _URI_SCHEMES.items():
            if value.startswith(prefix) and len(value) > len(prefix):
                return [number, value[len(prefix) :]]
        return None
    if scheme == "urn:uuid":
        rest = value[len("urn:uuid:") :]
        return [3, uuid.UUID(rest).bytes if _UUID.match(rest) else rest]
    for number, prefix in _DID_SCHEMES.items():
        if scheme + ":" == prefix:
            parts = value[len(prefix) :].split("#")
            if len(parts) > 2:
                return None  # the reference keeps only one fragment
            return [number, *[_b58_bytes(p) or p for p in parts]]
    return None


def _decode_uri(value: Any) -> str | None:
    if not isinstance(value, list) or not value or not isinstance(value[0], int):
        return None
    scheme = value[0]
    if scheme in _URI_SCHEMES and len(value) == 2 and isinstance(value[1], str):
        return _URI_SCHEMES[scheme] + value[1]
    if scheme == 3 and len(value) == 2:
        if isinstance(value[1], str):
            return "urn:uuid:" + value[1]
        if isinstance(value[1], bytes) and len(value[1]) == 16:
            return "urn:uuid:" + str(uuid.UUID(bytes=value[1]))
    if (
        scheme in _DID_SCHEMES
        and 2 <= len(value) <= 3
        and all(isinstance(p, str | bytes) for p in value[1:])
    ):
        parts = [p if isinstance(p, str) else "z" + base58_encode(p) for p in value[1:]]
        return _DID_SCHEMES[scheme] + "#".join(parts)
    return None


def _encode_datetime(value: str) -> Any:
    if not _DATETIME.match(value):
        return None
    try:
        moment = datetime.strptime(value[:19], "%Y-%m-%dT%H:%M:%S").replace(tzinfo=UTC)
    except ValueError:
        return None
    seconds = int((moment - _EPOCH).total_seconds())
    if seconds < 0:
        return None
    return seconds if len(value) == 20 else [seconds, int(value[20:23])]


def _decode_datetime(value: Any) -> str | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int) and 0 <= value < 253402300800:
        return datetime.fromtimestamp(value, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if (
        isinstance(value, list)
        and len(value) == 2
        and all(isinstance(v, int) and not isinstance(v, bool) for v in value)
        and 0 <= value[0] < 253402300800
        and 0 <= value[1] < 1000
    ):
        moment = datetime.fromtimestamp(value[0], UTC)
        return moment.strftime("%Y-%m-%dT%H:%M:%S") + f".{value[1]:03d}Z"
    return None


def _encode_date(value: str) -> Any:
    if not _DATE.match(value):
        return None
    try:
        moment = datetime.strptime(value, "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError:
        return None
    seconds = int((moment - _EPOCH).total_seconds())
    return seconds if seconds >= 0 else None


def _decode_date(value: Any) -> str | None:
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 253402300800:
        return datetime.fromtimestamp(value, UTC).strftime("%Y-%m-%d")
    return None


def _encode_multibase(value: str) -> bytes | None:
    if value.startswith("z"):
        raw = _b58_bytes(value)
        return None if raw is None else b"z" + raw
    if value.startswith("M"):
        try:
            raw = base64.b64decode(value[1:], validate=True)
        except (binascii.Error, ValueError):
            return None
        return b"M" + raw if base64.b64encode(raw).decode("ascii") == value[1:] else None
    return None


def _decode_multibase(value: Any) -> str | None:
    if not isinstance(value, bytes) or not value:
        return None
    if value[0] == 0x7A:
        return "z" + base58_encode(value[1:])
    if value[0] == 0x4D:
        return "M" + base64.b64encode(value[1:]).decode("ascii")
    return None


# -- contexts ----------------------------------------------------------------------------------


def _truthy(value: Any) -> bool:
    """JavaScript truthiness: the reference skips values that are falsy in JS (not ``{}``)."""
    if value is None or isinstance(value, bool):
        return bool(value)
    if isinstance(value, int | float):
        return value != 0
    if isinstance(value, str):
        return value != ""
    return True


@dataclass
class _Scope:
    """What one context (merged with the ones below it on the stack) defines."""

    source: Any  # the context as written: a URL or an object
    terms: dict[str, Any] = field(default_factory=dict)
    scoped: dict[str, Any] = field(default_factory=dict)
    id_aliases: set[str] = field(default_factory=set)
    type_aliases: set[str] = field(default_factory=set)


_EMPTY = _Scope(source={})


class _Walker:
    """The state both directions share: loaded contexts and the term id tables."""

    def __init__(
        self, loader: ContextLoader, app_contexts: Mapping[str, int] | None = None
    ) -> None:
        self.loader = loader
        # Application context numbers (0x8000 and up) agreed between one encoder and decoder.
        self.context_ids = {**_CONTEXT_IDS, **(app_contexts or {})}
        self.context_urls = {number: url for url, number in self.context_ids.items()}
        self.by_url: dict[str, _Scope] = {}
        self.term_ids: dict[str, int] = dict(KEYWORD_IDS)
        self.id_terms: dict[int, str] = {v: k for k, v in KEYWORD_IDS.items()}
        self.next_id = FIRST_TERM_ID

    def fetch(self, url: str) -> dict[str, Any]:
        document = self.loader(url)
        if not isinstance(document, dict) or not isinstance(document.get("@context"), dict):
            raise NotCompressible(f"context {url} is not available")
        context: dict[str, Any] = document["@context"]
        return context

    def scope_of(self, context: Any) -> _Scope:
        if isinstance(context, str):
            cached = self.by_url.get(context)
            if cached is None:
                cached = self.by_url[context] = self.define(self.fetch(context))
            return cached
        if not isinstance(context, dict):
            raise NotCompressible("a context must be a URL or an object")
        return self.define(context)

    def define(self, context: dict[str, Any]) -> _Scope:
        imported = context.get("@import")
        if isinstance(imported, str):
            context = {**self.scope_of(imported).source, **context}
        scope = _Scope(source=context)
        for key in sorted(context):
            definition = context[key]
            if not _truthy(definition):
                continue
            alias = definition if isinstance(definition, str) else None
            if isinstance(definition, dict):
                alias = definition.get("id")
            if alias == "@id":
                scope.id_aliases.add(key)
            elif alias == "@type":
                scope.type_aliases.add(key)
            if key in KEYWORD_IDS:
                continue
            if key not in self.term_ids:
                self.term_ids[key] = self.next_id
                self.id_terms[self.next_id] = key
                self.next_id += 2
            scope.terms[key] = definition
            if isinstance(definition, dict) and definition.get("@context"):
                scope.scoped[key] = definition["@context"]
        return scope

    def push(self, stack: list[_Scope], contexts: Any) -> None:
        """Put ``contexts`` (one or a list) on the stack, each merged over the one below."""
        if not _truthy(contexts):
            return
        for context in contexts if isinstance(contexts, list) else [contexts]:
            scope = self.scope_of(context)
            below = stack[-1] if stack else None
            merged = _Scope(
                source=context,
                terms=dict(scope.terms),
                scoped=dict(scope.scoped),
                id_aliases=set(scope.id_aliases),
                type_aliases=set(scope.type_aliases),
            )
            if below is not None:
                cleared = context if isinstance(context, dict) else {}

                def kept(key: str, new: dict[str, Any], cleared: dict[str, Any] = cleared) -> bool:
                    return not ((key in cleared and cleared[key] is None) or key in new)

                for alias in below.id_aliases:
                    if kept(alias, merged.terms):
                        merged.id_aliases.add(alias)
                for alias in below.type_aliases:
                    if kept(alias, merged.terms):
                        merged.type_aliases.add(alias)
                for key, value in below.scoped.items():
                    if kept(key, merged.scoped):
                        merged.scoped[key] = value
                for key, value in below.terms.items():
                    if kept(key, merged.terms):
                        merged.terms[key] = value
            stack.append(merged)

    def apply_types(self, stack: list[_Scope], obj: dict[str, Any]) -> _Scope:
        active = stack[-1] if stack else _EMPTY
        types: set[str] = set()
        for term in ["@type", *active.type_aliases]:
            values = obj.get(term)
            for value in values if isinstance(values, list) else [values]:
                if isinstance(value, str):
                    types.add(value)  # anything else has no type-scoped context
        for name in sorted(types):
            contexts = active.scoped.get(name)
            if contexts:
                self.push(stack, contexts)
                active = stack[-1]
        return active

    def value_type(self, active: _Scope, definition: Any) -> str | None:
        """The term's ``@type`` with a CURIE prefix expanded (``xsd:dateTime``)."""
        if not isinstance(definition, dict) or not isinstance(definition.get("@type"), str):
            return None
        declared: str = definition["@type"]
        prefix, _, rest = declared.partition(":")
        prefix_definition = active.terms.get(prefix)
        if prefix_definition is None:
            return declared
        if isinstance(prefix_definition, str):
            return prefix_definition + rest
        if isinstance(prefix_definition, dict) and isinstance(prefix_definition.get("@id"), str):
            expanded: str = prefix_definition["@id"] + rest
            return expanded
        raise NotCompressible("a term definition must be a string or have an @id")

    def check_term(self, active: _Scope, term: str) -> None:
        if term not in active.terms and term not in KEYWORD_IDS:
            raise NotCompressible(f"term {term!r} is not defined by a context")


# -- compressing -------------------------------------------------------------------------------


class _Compressor(_Walker):
    def document(self, obj: Any) -> Any:
        if isinstance(obj, list):
            return [self.document(item) for item in obj]
        if not isinstance(obj, dict):
            raise NotCompressible("a JSON-LD document is an object")
        return self.walk(obj, [])

    def vocab(self, value: Any) -> Any:
        if isinstance(value, str) and value in self.term_ids:
            return self.term_ids[value]
        encoded = _encode_uri(value)
        return value if encoded is None else encoded

    def typed(self, value_type: str | None, value: Any) -> Any:
        if not isinstance(value, str) or value_type is None:
            return None
        if value_type == "@id":
            return _encode_uri(value)
        if value_type == "@vocab":
            return self.vocab(value) if value in self.term_ids or _encode_uri(value) else None
        if value_type == _MULTIBASE:
            return _encode_multibase(value)
        if value_type == _XSD + "dateTime":
            return _encode_datetime(value) if "T" in value else None
        if value_type == _XSD + "date":
            return _encode_date(value) if "T" not in value else None
        return None

    def walk(self, obj: dict[str, Any], stack: list[_Scope]) -> dict[int, Any]:
        out: dict[int, Any] = {}
        self.push(stack, obj.get("@context"))
        contexts = obj.get("@context")
        if _truthy(contexts):
            encoded = [
                self.context_ids.get(c, c) if isinstance(c, str) else c
                for c in (contexts if isinstance(contexts, list) else [contexts])
            ]
            if isinstance(contexts, list):
                out[KEYWORD_IDS["@context"] + 1] = encoded
            else:
                out[KEYWORD_IDS["@context"]] = encoded[0]
        child_stack = list(stack)
        top = len(stack)
        active = self.apply_types(stack, obj)
        for key in sorted(obj):
            if key == "@context":
                continue
            self.check_term(active, key)
            value = obj[key]
            plural = isinstance(value, list)
            term_id = self.term_ids[key] + (1 if plural else 0)
            if key == "@id" or key in active.id_aliases:
                encoded_id = _encode_uri(value)
                out[term_id] = value if encoded_id is None else encoded_id
                continue
            if key == "@type" or key in active.type_aliases:
                values = [self.vocab(v) for v in (value if plural else [value])]
                out[term_id] = values if plural else values[0]
                continue
            values_stack = child_stack
            scoped_top = len(stack)
            scoped = active.scoped.get(key)
            scope_for_type = active
            if scoped:
                self.push(stack, scoped)
                values_stack = list(stack)
                scope_for_type = stack[-1]
            value_type = self.value_type(scope_for_type, active.terms.get(key))
            entries = []
            for item in value if plural else [value]:
                compact = None if item is None else self.typed(value_type, item)
                if compact is not None:
                    entries.append(compact)
                elif isinstance(item, list):
                    entries.append([self.child(child, values_stack) for child in item])
                elif isinstance(item, dict):
                    entries.append(self.walk(item, values_stack))
                else:
                    entries.append(item)
            del stack[scoped_top:]
            out[term_id] = entries if plural else entries[0]
        del stack[top:]
        return out

    def child(self, item: Any, stack: list[_Scope]) -> dict[int, Any]:
        if not isinstance(item, dict):
            raise NotCompressible("a list inside a list must hold objects")
        return self.walk(item, stack)


# -- decompressing -----------------------------------------------------------------------------


class _Decompressor(_Walker):
    def document(self, data: Any) -> Any:
        if isinstance(data, list):
            return [self.document(item) for item in data]
        if not isinstance(data, dict):
            raise BadInput("CBOR-LD: the document is not a map")
        return self.walk(data, [])

    def term_of(self, term_id: Any) -> tuple[str, bool]:
        if not isinstance(term_id, int) or isinstance(term_id, bool):
            raise BadInput("CBOR-LD: a compressed key is not a term id")
        term = self.id_terms.get(term_id & ~1)
        if term is None:
            raise BadInput(f"CBOR-LD: unknown term id {term_id}")
        return term, bool(term_id & 1)

    def vocab_or_none(self, value: Any) -> Any:
        if isinstance(value, list):
            return _decode_uri(value)
        if isinstance(value, int) and not isinstance(value, bool):
            return self.id_terms.get(value)
        return None

    def vocab(self, value: Any) -> Any:
        decoded = self.vocab_or_none(value)
        return value if decoded is None else decoded

    def typed(self, value_type: str | None, value: Any) -> Any:
        decoders: dict[str, Callable[[Any], Any]] = {
            "@id": _decode_uri,
            "@vocab": self.vocab_or_none,
            _MULTIBASE: _decode_multibase,
            _XSD + "dateTime": _decode_datetime,
            _XSD + "date": _decode_date,
        }
        decoder = decoders.get(value_type or "")
        return None if decoder is None else decoder(value)

    def contexts(self, data: dict[Any, Any]) -> Any:
        single, plural = data.get(0), data.get(1)
        if _truthy(plural):
            if _truthy(single):
                raise BadInput("CBOR-LD: both a single and a list @context")
            if not isinstance(plural, list):
                raise BadInput("CBOR-LD: a list @context that is not a list")
            return [self.context(c) for c in plural]
        return self.context(single) if _truthy(single) else None

    def context(self, value: Any) -> Any:
        if isinstance(value, int) and not isinstance(value, bool):
            url = self.context_urls.get(value)
            if url is None:
                raise BadInput(f"CBOR-LD: unknown context number {value}")
            return url
        return value

    def walk(self, data: dict[Any, Any], stack: list[_Scope]) -> dict[str, Any]:
        obj: dict[str, Any] = {}
        contexts = self.contexts(data)
        if contexts is not None:
            obj["@context"] = contexts
        try:
            self.push(stack, contexts)
        except NotCompressible as exc:
            raise BadInput(f"CBOR-LD: {exc}") from exc
        active = stack[-1] if stack else _EMPTY
        child_stack = list(stack)
        top = len(stack)
        for term in ["@type", *active.type_aliases]:
            term_id = self.term_ids[term]
            value = data.get(term_id, data.get(term_id + 1))
            if value is not None:
                obj[term] = (
                    [self.vocab(v) for v in value]
                    if isinstance(value, list)
                    else (self.vocab(value))
                )
        try:
            active = self.apply_types(stack, obj)
        except NotCompressible as exc:
            raise BadInput(f"CBOR-LD: {exc}") from exc
        entries = []
        for term_id, value in data.items():
            if term_id in (0, 1):
                continue
            term, plural = self.term_of(term_id)
            if term not in active.terms and term not in KEYWORD_IDS:
                raise BadInput(f"CBOR-LD: term {term!r} is not defined by the contexts")
            entries.append((term, plural, value))
        for term, plural, value in sorted(entries, key=lambda entry: entry[0]):
            if plural and not isinstance(value, list):
                raise BadInput("CBOR-LD: a list term id holds a single value")
            if term == "@id" or term in active.id_aliases:
                uri = _decode_uri(value)
                obj[term] = value if uri is None else uri
                continue
            if term == "@type" or term in active.type_aliases:
                obj[term] = [self.vocab(v) for v in value] if plural else self.vocab(value)
                continue
            values_stack = child_stack
            scoped_top = len(stack)
            scoped = active.scoped.get(term)
            scope_for_type = active
            try:
                if scoped:
                    self.push(stack, scoped)
                    values_stack = list(stack)
                    scope_for_type = stack[-1]
                value_type = self.value_type(scope_for_type, active.terms.get(term))
            except NotCompressible as exc:
                raise BadInput(f"CBOR-LD: {exc}") from exc
            decoded = []
            for item in value if plural else [value]:
                plain = None if item is None else self.typed(value_type, item)
                if plain is not None:
                    decoded.append(plain)
                elif isinstance(item, list):
                    decoded.append([self.child(child, values_stack) for child in item])
                elif isinstance(item, dict):
                    decoded.append(self.walk(item, values_stack))
                elif isinstance(item, bytes):
                    raise BadInput("CBOR-LD: bytes where no codec produces them")
                else:
                    decoded.append(item)
            del stack[scoped_top:]
            obj[term] = decoded if plural else decoded[0]
        del stack[top:]
        return obj

    def child(self, item: Any, stack: list[_Scope]) -> dict[str, Any]:
        if not isinstance(item, dict):
            raise BadInput("CBOR-LD: a list inside a list must hold maps")
        return self.walk(item, stack)


# -- entry points ------------------------------------------------------------------------------


def encode_compressed(
    document: Any, loader: ContextLoader, *, app_contexts: Mapping[str, int] | None = None
) -> bytes:
    """Compressed CBOR-LD; raises :class:`NotCompressible` when the document does not allow it."""
    try:
        body = _Compressor(loader, app_contexts).document(document)
    except (RecursionError, BadInput) as exc:
        raise NotCompressible(str(exc)) from exc
    return COMPRESSED + cborld_cbor.dumps(body)


def encode(document: Any, loader: ContextLoader) -> tuple[bytes, bool]:
    """CBOR-LD for ``document``: compressed when possible, else uncompressed; and which one.

    The compressed form is kept only when decoding it gives the document back: a value the
    decoder would read differently (a number under a date-typed term, say) means uncompressed.
    """
    try:
        data = encode_compressed(document, loader)
        if decode(data, loader) == document:
            return data, True
    except (NotCompressible, BadInput):
        pass
    return UNCOMPRESSED + cborld_cbor.dumps(document), False


def decode(
    data: bytes, loader: ContextLoader, *, app_contexts: Mapping[str, int] | None = None
) -> Any:
    """The JSON-LD document in CBOR-LD ``data`` (either form); BadInput when it is not one."""
    if data[:2] != b"\xd9\x05" or len(data) < 4 or data[2] not in (0, 1):
        raise BadInput("not CBOR-LD (expected the tag 0x0500 or 0x0501)")
    body = cborld_cbor.loads(data[3:])
    if data[2] == 0:
        _check_json(body, 0)
        return body
    try:
        return _Decompressor(loader, app_contexts).document(body)
    except RecursionError as exc:
        raise BadInput("CBOR-LD nested too deeply") from exc


def _check_json(value: Any, depth: int) -> None:
    """Uncompressed CBOR-LD must be plain JSON: text keys, no byte strings."""
    if isinstance(value, bytes):
        raise BadInput("CBOR-LD: byte strings are not JSON")
    if isinstance(value, list):
        for item in value:
            _check_json(item, depth + 1)
    elif isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise BadInput("CBOR-LD: uncompressed map keys must be text")
            _check_json(item, depth + 1)
