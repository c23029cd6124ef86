"""JSON-LD to RDF with a document loader that never fetches an arbitrary URL.

Where a context comes from, in order (the first that has it wins):

1. the loader's memo (each URL is read and checked once per loader);
2. the copies shipped inside credwallet (``verify/contexts_data``, every pinned context), so a
   fresh install needs neither the network nor ``CREDWALLET_CONTEXTS``;
3. the directories named in ``CREDWALLET_CONTEXTS`` (``os.pathsep``-separated), each with an
   ``index.json`` mapping URL -> ``{"file": name}``: a pinned URL's file must match its pin;
   an unpinned URL is accepted there, because the user chose that directory;
4. the cache passed in (pinned URLs only, pin re-checked);
5. the network fetcher passed in, only when not offline and only for pinned URLs, checked
   against the pin before it is cached.

A pinned context has one meaning whatever its source (see :mod:`credwallet.verify.contexts`),
so directories and the cache add contexts credwallet does not ship; for a shipped URL they
could only supply the same document again, and a copy that differs is refused.

Anything else raises :class:`ContextUnavailable` carrying the URL; the verifier reports an
``unknown`` check naming it. Only ``https:`` and ``http:`` context URLs are looked up at all,
so a hostile ``file:`` context is never read from disk.

VC Data Integrity requires that a term the contexts do not define makes verification fail
(JSON-LD processors silently drop such terms, so a signature would not cover them).
:func:`to_rdf` therefore reports dropped properties and relative ``@type``/``@id`` values, by
name, as :class:`UndefinedTerm` (pyld has no "safe mode", so this is done with its
property-dropped hook and a walk over the expanded form).

pyld is imported inside the functions that use it: ``import credwallet.verify`` stays light.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from credwallet.errors import BadInput, CredwalletError, LimitExceeded, VerificationIncomplete
from credwallet.verify.contexts import PINNED_CONTEXTS, matches_pin, shipped_context
from credwallet.verify.rdfc import (
    DEFAULT_MAX_WORK,
    Quad,
    canonicalize_quads,
    iri_term,
    literal_term,
    serialize_quad,
)

if TYPE_CHECKING:
    from credwallet.net import DocumentCache, Fetcher

__all__ = [
    "CONTEXTS_ENV",
    "MAX_CONTEXT_BYTES",
    "ContextCache",
    "ContextFetcher",
    "ContextPinMismatch",
    "ContextUnavailable",
    "DocumentLoader",
    "UndefinedTerm",
    "canonical_document",
    "to_quads",
    "to_rdf",
]

#: Environment variable listing user context directories (os.pathsep-separated).
CONTEXTS_ENV = "CREDWALLET_CONTEXTS"
#: A context larger than this is refused (the largest well-known ones are ~40 KB).
MAX_CONTEXT_BYTES = 2 * 1024 * 1024
_ALLOWED_SCHEMES = ("https://", "http://")
_RESOLVED_CACHE_SIZE = 256


class ContextUnavailable(VerificationIncomplete):
    """Raised when: a JSON-LD context could not be obtained from any allowed source."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"JSON-LD context {url} unavailable: {reason}")
        self.url = url
        self.reason = reason


class ContextPinMismatch(ContextUnavailable):
    """Raised when: a pinned context's bytes (from a directory, cache or network) differ."""

    def __init__(self, url: str, source: str, expected: str, actual: str) -> None:
        super().__init__(url, f"the copy from {source} does not match its pinned SHA-256")
        self.source = source
        self.expected = expected
        self.actual = actual


class UndefinedTerm(BadInput):
    """Raised when: a document uses terms its JSON-LD contexts do not define."""

    def __init__(self, terms: Iterable[str]) -> None:
        self.terms = tuple(sorted(set(terms)))
        shown = ", ".join(self.terms[:10])
        if len(self.terms) > 10:
            shown += f" and {len(self.terms) - 10} more"
        super().__init__("JSON-LD: term(s) not defined by the context: " + shown)


class ContextCache(Protocol):
    """Where verified context bytes are kept between runs (keyed by URL)."""

    def get(self, url: str) -> bytes | None: ...

    def put(self, url: str, data: bytes) -> None: ...


#: Fetches the bytes at a URL or raises (a CredwalletError, ideally net.FetchError).
ContextFetcher = Callable[[str], bytes]


class _BoundedDict(dict[Any, Any]):
    """pyld's resolved-context cache for one loader; emptied when full (hostile documents
    with many inline contexts would otherwise grow it without end)."""

    def __setitem__(self, key: Any, value: Any) -> None:
        if len(self) >= _RESOLVED_CACHE_SIZE and key not in self:
            self.clear()
        super().__setitem__(key, value)


class _NetCache:
    """net's timestamped document cache seen as a ContextCache (bytes in, bytes out)."""

    def __init__(self, cache: DocumentCache) -> None:
        self._cache = cache

    def get(self, url: str) -> bytes | None:
        doc = self._cache.get(url)
        return doc.body if doc is not None else None

    def put(self, url: str, data: bytes) -> None:
        """Nothing to do: net.Fetcher already cached the response it returned."""


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class DocumentLoader:
    """Serves JSON-LD contexts from pinned, local and (if allowed) network sources only.

    ``context_dirs`` None means "read ``CREDWALLET_CONTEXTS``"; ``fetcher`` None or
    ``offline=True`` means the network is never used; ``shipped=False`` leaves out the copies
    that ship with credwallet (tests of the other sources use it). One loader memoises what it
    has read and the contexts pyld has processed, so reuse one loader for a batch of
    credentials.
    """

    def __init__(
        self,
        *,
        context_dirs: Sequence[str | os.PathLike[str]] | None = None,
        cache: ContextCache | None = None,
        fetcher: ContextFetcher | None = None,
        offline: bool = False,
        shipped: bool = True,
    ) -> None:
        if context_dirs is None:
            raw = os.environ.get(CONTEXTS_ENV, "")
            context_dirs = [part for part in raw.split(os.pathsep) if part]
        self._dirs = [Path(d) for d in context_dirs]
        self._dir_index: dict[str, Path] | None = None
        self._cache = cache
        self._fetcher = fetcher
        self.offline = offline
        self._pins = PINNED_CONTEXTS
        self._shipped = shipped
        self._bytes: dict[str, bytes] = {}
        # Shared with pyld's ContextResolver: resolved contexts survive between documents.
        self.resolved_contexts: dict[str, Any] = _BoundedDict()
        # (active context, local context) -> processed active context; see _processor_class.
        self.processed_contexts: dict[Any, Any] = _BoundedDict()

    @classmethod
    def from_net(
        cls,
        fetcher: Fetcher | None,
        *,
        context_dirs: Sequence[str | os.PathLike[str]] | None = None,
        shipped: bool = True,
    ) -> DocumentLoader:
        """A loader over :class:`credwallet.net.Fetcher`: its cache and offline flag are used.

        ``fetcher`` None means no network and no cache (shipped copies and user directories).
        """
        if fetcher is None:
            return cls(context_dirs=context_dirs, offline=True, shipped=shipped)
        net = fetcher

        def fetch(url: str) -> bytes:
            return net.fetch(url, accept="application/ld+json, application/json").body

        cache = _NetCache(net.cache) if net.cache is not None else None
        return cls(
            context_dirs=context_dirs,
            cache=cache,
            fetcher=fetch,
            offline=net.offline,
            shipped=shipped,
        )

    # -- the sources -----------------------------------------------------------------------

    def _directory_index(self) -> dict[str, Path]:
        """URL -> file over every user directory; earlier directories win."""
        if self._dir_index is not None:
            return self._dir_index
        index: dict[str, Path] = {}
        for directory in self._dirs:
            index_file = directory / "index.json"
            try:
                entries = json.loads(index_file.read_bytes())
            except FileNotFoundError:
                continue
            except (OSError, ValueError) as exc:
                raise BadInput(
                    f"context directory index {index_file} is unreadable: {exc}"
                ) from None
            if not isinstance(entries, dict):
                raise BadInput(f"context directory index {index_file} is not a JSON object")
            for url, entry in entries.items():
                name = entry.get("file") if isinstance(entry, dict) else None
                # A bare file name only: an index must not point outside its own directory.
                if not isinstance(name, str) or Path(name).name != name or name in ("", ".", ".."):
                    continue
                index.setdefault(str(url), directory / name)
        self._dir_index = index
        return index

    def _check_pin(self, url: str, data: bytes, source: str) -> None:
        expected = self._pins.get(url)
        if expected is None or matches_pin(url, data):
            return
        raise ContextPinMismatch(url, source, expected, _sha256(data))

    def _from_package(self, url: str) -> bytes | None:
        if not self._shipped:
            return None
        data = shipped_context(url)
        if data is not None:
            # Cheap (once per URL per loader) and catches a damaged installation.
            self._check_pin(url, data, "the copy shipped with credwallet")
        return data

    def _from_directory(self, url: str) -> bytes | None:
        path = self._directory_index().get(url)
        if path is None:
            return None
        try:
            with path.open("rb") as handle:
                data = handle.read(MAX_CONTEXT_BYTES + 1)
        except OSError as exc:
            raise ContextUnavailable(url, f"cannot read {path}: {exc.strerror}") from None
        if len(data) > MAX_CONTEXT_BYTES:
            raise ContextUnavailable(url, f"{path} is larger than {MAX_CONTEXT_BYTES} bytes")
        self._check_pin(url, data, str(path))
        return data

    def _from_cache(self, url: str) -> bytes | None:
        if self._cache is None:
            return None
        data = self._cache.get(url)
        if data is None:
            return None
        self._check_pin(url, data, "the cache")
        return data

    def _from_network(self, url: str) -> bytes | None:
        if self._fetcher is None or self.offline:
            return None
        try:
            data = self._fetcher(url)
        except CredwalletError as exc:
            raise ContextUnavailable(url, exc.message) from None
        except OSError as exc:  # a fetcher that is not net.Fetcher may let these through
            raise ContextUnavailable(url, exc.strerror or type(exc).__name__) from None
        if len(data) > MAX_CONTEXT_BYTES:
            raise ContextUnavailable(url, f"response larger than {MAX_CONTEXT_BYTES} bytes")
        self._check_pin(url, data, "the network")
        if self._cache is not None:
            self._cache.put(url, data)
        return data

    # -- public ------------------------------------------------------------------------------

    def load_bytes(self, url: str) -> bytes:
        """The verified bytes of the context at ``url``; ContextUnavailable if none."""
        known = self._bytes.get(url)
        if known is not None:
            return known
        if not url.startswith(_ALLOWED_SCHEMES):
            raise ContextUnavailable(url, "only https: (and http:) context URLs are allowed")
        data = self._from_package(url)
        if data is None:
            data = self._from_directory(url)
        if data is None and url in self._pins:
            data = self._from_cache(url) or self._from_network(url)
        if data is None:
            if url in self._pins:
                why = "offline" if self.offline or self._fetcher is None else "not found"
                raise ContextUnavailable(url, f"pinned context not available locally ({why})")
            raise ContextUnavailable(url, "unknown context (not pinned, not in a context dir)")
        self._bytes[url] = data
        return data

    def load(self, url: str) -> dict[str, Any]:
        """The context at ``url`` parsed as a JSON object."""
        try:
            parsed = json.loads(self.load_bytes(url))
        except ValueError:
            raise ContextUnavailable(url, "the context is not valid JSON") from None
        if not isinstance(parsed, dict):
            raise ContextUnavailable(url, "the context is not a JSON object")
        return parsed

    def __call__(self, url: str, options: object = None) -> dict[str, Any]:
        """pyld's document-loader interface: a RemoteDocument dict for ``url``."""
        return {
            "contextUrl": None,
            "documentUrl": url,
            "document": self.load(url),
            # "static" lets pyld keep the processed context for the next document.
            "tag": "static",
        }


# ---------------------------------------------------------------------------------------------
# JSON-LD -> RDF
# ---------------------------------------------------------------------------------------------


def _find_credwallet_error(exc: BaseException) -> CredwalletError | None:
    """pyld wraps a loader's exception in JsonLdErrors; dig ours out of the chain."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, CredwalletError):
            return current
        seen.add(id(current))
        details = getattr(current, "details", None)
        cause = details.get("cause") if isinstance(details, dict) else None
        if isinstance(cause, BaseException) and id(cause) not in seen:
            current = cause
            continue
        current = current.__cause__ or current.__context__
    return None


@functools.cache
def _processor_class() -> type[Any]:
    """A pyld processor that memoises context processing per loader.

    pyld caches a processed context keyed by the active context's identity, but clones the
    active context (with a fresh identity) each time it enters a type-scoped context, so with
    OB 3.0's many scoped contexts it re-creates the same ~100 term definitions for every
    document. Processing is a pure function of (active context, local context, flags) for a
    given loader and base, and pyld's processed contexts are immutable frozendicts, so the
    result can be memoised on the loader.

    Keys: a context URL (or list of URLs) as itself; an inline context from the document by
    its JSON text, so equal inline contexts hit across documents and a caller's later edits
    can never meet a stale entry; any other dict (a scoped context inside an already processed,
    never mutated context) by identity. Active contexts must be frozendicts, keyed by identity.
    The memo keeps a reference to each keyed object so its id() cannot be reused while the
    entry lives.
    """
    from frozendict import frozendict
    from pyld import jsonld

    class MemoisingProcessor(jsonld.JsonLdProcessor):  # type: ignore[misc]  # pyld is untyped
        def __init__(
            self, memo: dict[Any, Any], document: object, on_property_dropped: Any
        ) -> None:
            super().__init__(on_property_dropped=on_property_dropped)
            self._memo = memo
            self._document_dicts = {id(d) for d in _dicts_in(document)}

        def _local_key(self, local_ctx: object) -> object:
            if isinstance(local_ctx, str):
                return local_ctx
            if isinstance(local_ctx, (list, tuple)) and all(isinstance(c, str) for c in local_ctx):
                return tuple(local_ctx)
            if isinstance(local_ctx, (dict, frozendict)):
                if id(local_ctx) in self._document_dicts:
                    return ("json", json.dumps(local_ctx, sort_keys=True))
                return ("id", id(local_ctx))
            return None

        def _process_context(
            self,
            active_ctx: Any,
            local_ctx: Any,
            options: Any,
            override_protected: bool = False,
            propagate: bool = True,
            validate_scoped: bool = True,
            cycles: Any = None,
        ) -> Any:
            lkey = self._local_key(local_ctx) if cycles is None else None
            key = None
            if lkey is not None and isinstance(active_ctx, frozendict):
                key = (id(active_ctx), lkey, override_protected, propagate, validate_scoped)
                hit = self._memo.get(key)
                if hit is not None:
                    return hit[0]
            result = super()._process_context(
                active_ctx,
                local_ctx,
                options,
                override_protected,
                propagate,
                validate_scoped,
                cycles,
            )
            if key is not None and isinstance(result, frozendict):
                self._memo[key] = (result, active_ctx, local_ctx)
            return result

    return MemoisingProcessor


def _dicts_in(value: object) -> Iterator[dict[str, Any]]:
    """Every JSON object inside a parsed JSON value (the value itself included)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            yield item
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def _relative_references(expanded: object) -> list[str]:
    """@type, datatype and @id values that expanded to neither an absolute IRI nor a blank node.

    Keywords (``@json``, ``@id`` used as a type) are not references; the contents of a JSON
    literal (``@value`` of type ``@json``) are data, not JSON-LD, and are not walked.
    """
    found: list[str] = []
    stack = [expanded]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            for key, value in item.items():
                if key in ("@type", "@id"):
                    for reference in value if isinstance(value, list) else [value]:
                        if (
                            isinstance(reference, str)
                            and ":" not in reference
                            and not reference.startswith("@")
                        ):
                            found.append(reference)
                elif key != "@value" and isinstance(value, (list, dict)):
                    stack.append(value)
    return found


def _term(node: Mapping[str, Any]) -> str:
    kind = node["type"]
    if kind == "IRI":
        return iri_term(node["value"])
    if kind == "blank node":
        return str(node["value"])
    return literal_term(node["value"], node.get("datatype"), node.get("language"))


def to_quads(
    document: Mapping[str, Any], loader: DocumentLoader, *, strict: bool = True
) -> list[Quad]:
    """The RDF dataset of a JSON-LD document as quads (see :mod:`credwallet.verify.rdfc`).

    Raises UndefinedTerm for terms the contexts do not define (unless ``strict`` is False,
    for formats whose reference verifiers drop them silently), ContextUnavailable for a
    context the loader cannot serve, BadInput for invalid JSON-LD.
    """
    from pyld import jsonld  # heavy: imported only when a document is processed
    from pyld.context_resolver import ContextResolver

    if not isinstance(document, Mapping):
        raise BadInput("JSON-LD: the document must be a JSON object")
    dropped: list[str] = []

    def on_dropped(name: str | None) -> None:
        if name is not None:
            dropped.append(name)

    options: dict[str, Any] = {
        # No base IRI (as jsonld.js with base null): relative references stay relative, so
        # they can be reported, instead of pyld's "" base resolving them against a made-up
        # http://example.org/base/ and signing that.
        "base": None,
        "documentLoader": loader,
        "contextResolver": ContextResolver(loader.resolved_contexts, loader),
        "extractAllScripts": False,
        "processingMode": "json-ld-1.1",
    }
    try:
        # A private deep copy: pyld never sees (or memoises) objects the caller can still
        # mutate, and non-JSON values (NaN, sets) are rejected here.
        private = json.loads(json.dumps(document, allow_nan=False))
        processor = _processor_class()(loader.processed_contexts, private, on_dropped)
        expanded = processor.expand(private, options)
        undefined = dropped + _relative_references(expanded) if strict else []
        if undefined:
            raise UndefinedTerm(undefined)
        # pyld's public to_rdf would expand again; its node-map and graph-to-RDF steps are
        # private but stable, and the W3C vector and pyld-agreement tests pin their output.
        issuer = jsonld.IdentifierIssuer("_:b")
        node_map: dict[str, Any] = {"@default": {}}
        processor._create_node_map(expanded, node_map, "@default", issuer)
        quads: list[Quad] = []
        for graph_name, graph in sorted(node_map.items()):
            if graph_name == "@default":
                graph_term = ""
            elif graph_name.startswith("_:"):
                graph_term = graph_name
            elif ":" in graph_name:
                graph_term = iri_term(graph_name)
            else:
                continue  # relative graph names are not RDF (already reported above)
            rdf_options = {**options, "produceGeneralizedRdf": False, "rdfDirection": None}
            for triple in processor._graph_to_rdf(graph, issuer, rdf_options):
                quads.append(
                    (
                        _term(triple["subject"]),
                        _term(triple["predicate"]),
                        _term(triple["object"]),
                        graph_term,
                    )
                )
    except CredwalletError:
        raise
    except RecursionError:
        raise LimitExceeded("JSON-LD: document nested too deeply") from None
    except Exception as exc:  # pyld raises JsonLdError and, on odd input, plain TypeErrors
        ours = _find_credwallet_error(exc)
        if ours is not None:
            raise ours from None
        raise BadInput(f"JSON-LD: {_describe(exc)}") from None
    return list(dict.fromkeys(quads))


def _describe(exc: BaseException) -> str:
    """One line for a pyld error: the innermost cause's message and its JSON-LD error code."""
    while exc.__cause__ is not None:
        exc = exc.__cause__
    first = exc.args[0] if exc.args and isinstance(exc.args[0], str) else type(exc).__name__
    message = first.split("\n", 1)[0]
    code = getattr(exc, "code", None)
    return f"{message} ({code})" if code else message


def to_rdf(document: Mapping[str, Any], loader: DocumentLoader, *, strict: bool = True) -> str:
    """The RDF dataset of a JSON-LD document as N-Quads (one line per quad, sorted)."""
    quads = to_quads(document, loader, strict=strict)
    return "".join(sorted(serialize_quad(quad) for quad in quads))


def canonical_document(
    document: Mapping[str, Any],
    loader: DocumentLoader,
    hash_algorithm: str = "sha256",
    *,
    max_work: int = DEFAULT_MAX_WORK,
    strict: bool = True,
) -> str:
    """RDFC-1.0 canonical N-Quads of a JSON-LD document (what RDFC cryptosuites hash)."""
    quads = to_quads(document, loader, strict=strict)
    return canonicalize_quads(quads, hash_algorithm=hash_algorithm, max_work=max_work)
