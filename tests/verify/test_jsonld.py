"""JSON-LD to RDF and the context loader: W3C vectors, pins, sources, undefined terms."""

from __future__ import annotations

import copy
import hashlib
import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from credwallet.errors import BadInput, CredwalletError, FetchError, VerificationIncomplete
from credwallet.net import Fetched, Fetcher, MemoryCache
from credwallet.verify.contexts import matches_pin, pin_for, pins_for
from credwallet.verify.jsonld import (
    MAX_CONTEXT_BYTES,
    ContextPinMismatch,
    ContextUnavailable,
    DocumentLoader,
    UndefinedTerm,
    canonical_document,
    to_quads,
    to_rdf,
)
from credwallet.verify.rdfc import canonicalize_nquads
from support import CONTEXTS, EXTERNAL, REPO, case_id, cases, manifest

V2 = "https://www.w3.org/ns/credentials/v2"
V1 = "https://www.w3.org/2018/credentials/v1"
UNKNOWN = "https://contexts.example/unknown/v1"
EDDSA = EXTERNAL / "w3c-vc-di-eddsa" / "TestVectors"
INDEX: dict[str, dict[str, Any]] = json.loads((CONTEXTS / "index.json").read_text("utf-8"))


#: The shared fixtures' ed25519-2020 copy is w3c/vc-di-eddsa's draft, not what w3id.org serves.
_SHARED_COPY_IS_NOT_SERVED = frozenset({"https://w3id.org/security/suites/ed25519-2020/v1"})


def _context_bytes(url: str) -> bytes:
    return (CONTEXTS / str(INDEX[url]["file"])).read_bytes()


def _load_json(path: Path) -> dict[str, Any]:
    value: dict[str, Any] = json.loads(path.read_text("utf-8"))
    return value


def _unsigned() -> dict[str, Any]:
    return _load_json(EDDSA / "unsigned.json")


def _without_vocab() -> dict[str, Any]:
    """A VC 2.0 credential whose contexts have no @vocab, so undefined terms stay undefined."""
    return {
        "@context": [V2],
        "id": "urn:uuid:00000000-0000-4000-8000-000000000001",
        "type": ["VerifiableCredential"],
        "issuer": "did:example:issuer",
        "credentialSubject": {"id": "did:example:subject", "name": "Sam"},
    }


def _write_context_dir(directory: Path, entries: dict[str, bytes]) -> Path:
    """A user context directory: one file per URL plus its index.json."""
    directory.mkdir(parents=True, exist_ok=True)
    index = {}
    for number, (url, data) in enumerate(entries.items()):
        name = f"context-{number}.jsonld"
        (directory / name).write_bytes(data)
        index[url] = {"file": name}
    (directory / "index.json").write_text(json.dumps(index), "utf-8")
    return directory


class RecordingFetcher:
    """A network stand-in that records every URL it is asked for."""

    def __init__(self, responses: dict[str, bytes] | None = None) -> None:
        self.responses = responses or {}
        self.asked: list[str] = []

    def __call__(self, url: str) -> bytes:
        self.asked.append(url)
        if url not in self.responses:
            raise FetchError(f"{url}: 404")
        return self.responses[url]


def _forbidden_fetcher(url: str) -> bytes:
    pytest.fail(f"the network was used for {url}")


class MemoryContextCache:
    def __init__(self, entries: dict[str, bytes] | None = None) -> None:
        self.entries = dict(entries or {})
        self.puts: list[str] = []

    def get(self, url: str) -> bytes | None:
        return self.entries.get(url)

    def put(self, url: str, data: bytes) -> None:
        self.puts.append(url)
        self.entries[url] = data


@pytest.fixture
def no_sockets(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Fail the test if anything tries to open a network socket."""

    def refuse(*args: object, **kwargs: object) -> None:
        pytest.fail("a socket was opened")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    yield


# ---------------------------------------------------------------------------------------------
# Canonical intermediates of the W3C and 1EdTech test vectors
# ---------------------------------------------------------------------------------------------


def _rdfc_intermediates() -> list[dict[str, Any]]:
    chosen = []
    for entry in cases("di-intermediate"):
        name = Path(entry["file"]).name
        if name.startswith(("canonDoc", "proofCanon")) and "JCS" not in name:
            chosen.append(entry)
    return chosen


RDFC_INTERMEDIATES = _rdfc_intermediates()


class TestVectorIntermediates:
    def test_vectors_found(self) -> None:
        """The manifest yields the eddsa, Ed25519Signature2020 and ecdsa RDFC intermediates."""
        proofs = {e["proof"] for e in RDFC_INTERMEDIATES}
        assert {"eddsa-rdfc-2022", "Ed25519Signature2020", "ecdsa-rdfc-2019"} <= proofs
        assert len(RDFC_INTERMEDIATES) >= 12

    @pytest.mark.parametrize(
        "entry", RDFC_INTERMEDIATES, ids=[case_id(e) for e in RDFC_INTERMEDIATES]
    )
    def test_canonical_intermediate_reproduced(self, entry: dict[str, Any]) -> None:
        """to_rdf + RDFC of the vector's document (or proof config) gives its canonical form."""
        expected_path = EXTERNAL / entry["file"]
        directory = expected_path.parent
        if expected_path.name.startswith("canonDoc"):
            (signed,) = directory.glob("signed*.json")
            document = _load_json(signed)
            document.pop("proof")
        else:
            (config,) = directory.glob("proofConfig*.json")
            document = _load_json(config)
        algorithm = "sha384" if "P384" in expected_path.name else "sha256"
        result = canonical_document(document, DocumentLoader(), algorithm)
        assert result == expected_path.read_text("utf-8")

    def test_eddsa_unsigned_document(self) -> None:
        """The eddsa-rdfc-2022 unsigned credential canonicalises to canonDocDataInt.txt."""
        expected = (EDDSA / "eddsa-rdfc-2022" / "canonDocDataInt.txt").read_text("utf-8")
        assert canonical_document(_unsigned(), DocumentLoader()) == expected

    def test_open_badges_ldp_vector(self) -> None:
        """The OB 3.0 implementation guide vector's document and proof canonicalise as published."""
        base = EXTERNAL / "1edtech-ob3-ldp-vector"
        credential = _load_json(base / "credential-unsigned.json")
        loader = DocumentLoader()
        expected_doc = (base / "document-canon.nq").read_text("utf-8")
        assert canonical_document(credential, loader) == expected_doc
        proof = _load_json(base / "proof-options.json")
        proof.pop("proofValue")
        proof["@context"] = credential["@context"]
        assert canonical_document(proof, loader) == (base / "proof-canon.nq").read_text("utf-8")

    def test_to_rdf_is_nquads_of_the_same_dataset(self) -> None:
        """to_rdf gives N-Quads whose RDFC equals canonical_document (same dataset)."""
        loader = DocumentLoader()
        nquads = to_rdf(_unsigned(), loader)
        assert nquads.endswith(" .\n")
        assert canonicalize_nquads(nquads) == canonical_document(_unsigned(), loader)


# ---------------------------------------------------------------------------------------------
# Where contexts come from
# ---------------------------------------------------------------------------------------------


class TestPinnedTable:
    def test_pins_match_reference_copies(self) -> None:
        """Every reference copy in the shared fixtures is a pinned document for its URL.

        Except where the shared copy is known to be a different document from the one the URL
        serves (tests/verify/test_ed25519_2020_context.py): that copy must then be refused.
        """
        for url in INDEX:
            assert pin_for(url) is not None, url
            expected = url not in _SHARED_COPY_IS_NOT_SERVED
            assert matches_pin(url, _context_bytes(url)) is expected, url

    @pytest.mark.parametrize(
        "url",
        [
            V1,
            V2,
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
            "https://w3id.org/security/data-integrity/v1",
            "https://w3id.org/security/data-integrity/v2",
            "https://w3id.org/security/suites/ed25519-2020/v1",
            "https://w3id.org/security/multikey/v1",
            "https://w3id.org/vc/status-list/2021/v1",
            "https://w3id.org/blockcerts/v2",
            "https://w3id.org/blockcerts/v3",
            "https://w3id.org/openbadges/v2",
        ],
    )
    def test_well_known_contexts_pinned(self, url: str) -> None:
        """The contexts credentials in the wild use are in the pin table."""
        assert pin_for(url) is not None

    def test_transcribed_context_matches_1edtech_copy(self) -> None:
        """The OB 3.0 extensions context is pinned to 1EdTech's validator copy; the copy found
        earlier in third-party code is the same JSON, laid out differently."""
        url = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"
        transcribed = _context_bytes(url)
        assert hashlib.sha256(transcribed).hexdigest() not in pins_for(url)
        assert matches_pin(url, transcribed)


class TestUnknownContexts:
    def test_unknown_context_raises_with_url(self, no_sockets: None) -> None:
        """An unknown context raises ContextUnavailable carrying its URL; no socket is opened."""
        document = {"@context": [V2, UNKNOWN], "type": ["VerifiableCredential"]}
        with pytest.raises(ContextUnavailable) as raised:
            to_rdf(document, DocumentLoader(fetcher=_forbidden_fetcher, offline=True))
        assert raised.value.url == UNKNOWN
        assert isinstance(raised.value, VerificationIncomplete)
        assert UNKNOWN in str(raised.value)

    def test_unknown_url_never_given_to_the_fetcher(self) -> None:
        """Even online, an unpinned URL is never fetched."""
        fetcher = RecordingFetcher({UNKNOWN: b'{"@context": {}}'})
        loader = DocumentLoader(context_dirs=[], fetcher=fetcher, offline=False)
        with pytest.raises(ContextUnavailable):
            loader.load(UNKNOWN)
        assert fetcher.asked == []

    def test_offline_never_fetches_pinned(self) -> None:
        """Offline, a pinned context missing locally is unavailable and the network is not used."""
        loader = DocumentLoader(
            context_dirs=[], shipped=False, fetcher=_forbidden_fetcher, offline=True
        )
        with pytest.raises(ContextUnavailable, match="offline") as raised:
            loader.load(V2)
        assert raised.value.url == V2

    @pytest.mark.parametrize("url", ["file:///etc/passwd", "data:application/json,{}", "ftp://h/c"])
    def test_other_schemes_never_read(self, url: str, tmp_path: Path) -> None:
        """file:, data: and ftp: context URLs are refused even if a user directory lists them."""
        target = tmp_path / "secret.json"
        target.write_text('{"@context": {"x": "urn:x"}}', "utf-8")
        directory = _write_context_dir(tmp_path / "ctx", {url: target.read_bytes()})
        fetcher = RecordingFetcher()
        loader = DocumentLoader(context_dirs=[directory], fetcher=fetcher)
        with pytest.raises(ContextUnavailable) as raised:
            to_rdf({"@context": url, "x": "value"}, loader)
        assert raised.value.url == url
        assert fetcher.asked == []

    def test_relative_context_url_refused(self, tmp_path: Path) -> None:
        """A relative context URL is refused (there is no base to resolve it against)."""
        directory = _write_context_dir(tmp_path / "ctx", {"ctx.json": b'{"@context": {}}'})
        fetcher = RecordingFetcher()
        loader = DocumentLoader(context_dirs=[directory], fetcher=fetcher)
        with pytest.raises(BadInput, match=r"ctx\.json"):
            to_rdf({"@context": "ctx.json", "x": "value"}, loader)
        assert fetcher.asked == []

    def test_index_cannot_point_outside_its_directory(self, tmp_path: Path) -> None:
        """An index entry naming ../ or an absolute path is ignored."""
        outside = tmp_path / "outside.jsonld"
        outside.write_bytes(b'{"@context": {}}')
        directory = tmp_path / "ctx"
        directory.mkdir()
        index = {UNKNOWN: {"file": "../outside.jsonld"}, UNKNOWN + "2": {"file": str(outside)}}
        (directory / "index.json").write_text(json.dumps(index), "utf-8")
        loader = DocumentLoader(context_dirs=[directory])
        for url in index:
            with pytest.raises(ContextUnavailable):
                loader.load(url)


class TestPins:
    def test_tampered_directory_copy_rejected(self, tmp_path: Path) -> None:
        """A user directory's copy of a pinned context must match the pin."""
        tampered = _context_bytes(V2).replace(b"https://schema.org/name", b"urn:evil:name")
        directory = _write_context_dir(tmp_path / "ctx", {V2: tampered})
        with pytest.raises(ContextPinMismatch) as raised:
            DocumentLoader(context_dirs=[directory], shipped=False).load(V2)
        assert raised.value.url == V2
        assert raised.value.expected == pin_for(V2)
        assert isinstance(raised.value, ContextUnavailable)

    def test_network_copy_checked_before_caching(self) -> None:
        """A fetched pinned context with the wrong bytes is refused and not cached."""
        cache = MemoryContextCache()
        fetcher = RecordingFetcher(
            {V2: _context_bytes(V2).replace(b"https://schema.org/name", b"urn:evil:name")}
        )
        loader = DocumentLoader(context_dirs=[], shipped=False, cache=cache, fetcher=fetcher)
        with pytest.raises(ContextPinMismatch, match="network"):
            loader.load(V2)
        assert cache.puts == []

    def test_network_copy_that_matches_is_cached(self) -> None:
        """A fetched pinned context with the right bytes is served and cached."""
        cache = MemoryContextCache()
        fetcher = RecordingFetcher({V2: _context_bytes(V2)})
        loader = DocumentLoader(context_dirs=[], shipped=False, cache=cache, fetcher=fetcher)
        assert loader.load_bytes(V2) == _context_bytes(V2)
        assert cache.entries[V2] == _context_bytes(V2)
        assert fetcher.asked == [V2]

    def test_cache_served_offline(self) -> None:
        """A cached pinned context is used without the network."""
        cache = MemoryContextCache({V2: _context_bytes(V2)})
        loader = DocumentLoader(
            context_dirs=[], shipped=False, cache=cache, fetcher=_forbidden_fetcher
        )
        assert loader.load(V2)["@context"]["VerifiableCredential"]

    def test_tampered_cache_entry_rejected(self) -> None:
        """A cache entry that does not match the pin is refused."""
        cache = MemoryContextCache({V2: b'{"@context": {}}'})
        with pytest.raises(ContextPinMismatch, match="cache"):
            DocumentLoader(context_dirs=[], shipped=False, cache=cache).load(V2)

    def test_fetch_failure_is_context_unavailable(self) -> None:
        """A network error becomes ContextUnavailable naming the URL."""
        loader = DocumentLoader(context_dirs=[], shipped=False, fetcher=RecordingFetcher())
        with pytest.raises(ContextUnavailable, match="404") as raised:
            loader.load(V2)
        assert raised.value.url == V2

    def test_oversized_context_refused(self, tmp_path: Path) -> None:
        """A context file larger than MAX_CONTEXT_BYTES is refused."""
        huge = b'{"@context": {}, "pad": "' + b"x" * MAX_CONTEXT_BYTES + b'"}'
        directory = _write_context_dir(tmp_path / "ctx", {UNKNOWN: huge})
        with pytest.raises(ContextUnavailable, match="larger"):
            DocumentLoader(context_dirs=[directory]).load(UNKNOWN)


class TestNetFetcher:
    def test_offline_net_cache_serves_pinned(self) -> None:
        """Through net.Fetcher offline, a pinned context in its cache is served."""
        cached = Fetched(
            url=V2, body=_context_bytes(V2), fetched_at=datetime(2026, 1, 1, tzinfo=UTC)
        )
        fetcher = Fetcher(cache=MemoryCache([cached]), offline=True)
        loader = DocumentLoader.from_net(fetcher, context_dirs=[], shipped=False)
        assert loader.load_bytes(V2) == _context_bytes(V2)

    def test_offline_net_without_cache_is_unavailable(self, no_sockets: None) -> None:
        """Through net.Fetcher offline with an empty cache, the context is unavailable."""
        offline = Fetcher(cache=None, offline=True)
        loader = DocumentLoader.from_net(offline, context_dirs=[], shipped=False)
        with pytest.raises(ContextUnavailable) as raised:
            loader.load(V2)
        assert raised.value.url == V2

    def test_no_fetcher_means_local_sources_only(self) -> None:
        """from_net(None) uses the shipped copies and user directories, and nothing else."""
        assert DocumentLoader.from_net(None, context_dirs=[]).load(V2)
        assert DocumentLoader.from_net(None, context_dirs=[CONTEXTS]).load(V2)
        with pytest.raises(ContextUnavailable):
            DocumentLoader.from_net(None, context_dirs=[], shipped=False).load(V2)


class TestUserDirectories:
    def test_env_lists_several_directories(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """CREDWALLET_CONTEXTS may name several directories, separated by os.pathsep."""
        extra = _write_context_dir(tmp_path / "mine", {UNKNOWN: b'{"@context": {"x": "urn:x"}}'})
        monkeypatch.setenv("CREDWALLET_CONTEXTS", os.pathsep.join([str(CONTEXTS), str(extra)]))
        loader = DocumentLoader()
        assert loader.load(UNKNOWN) == {"@context": {"x": "urn:x"}}
        assert loader.load(V2)["@context"]

    def test_unpinned_context_from_user_dir_used(self, tmp_path: Path) -> None:
        """An unpinned context the user supplied is accepted and used for expansion."""
        context = b'{"@context": {"colour": "urn:ex:colour"}}'
        directory = _write_context_dir(tmp_path / "mine", {UNKNOWN: context})
        nquads = to_rdf(
            {"@context": UNKNOWN, "@id": "urn:ex:thing", "colour": "blue"},
            DocumentLoader(context_dirs=[directory]),
        )
        assert nquads == '<urn:ex:thing> <urn:ex:colour> "blue" .\n'

    def test_earlier_directory_wins(self, tmp_path: Path) -> None:
        """When two directories list a URL, the first one in the list is used."""
        first = _write_context_dir(tmp_path / "a", {UNKNOWN: b'{"@context": {"n": "urn:a"}}'})
        second = _write_context_dir(tmp_path / "b", {UNKNOWN: b'{"@context": {"n": "urn:b"}}'})
        loader = DocumentLoader(context_dirs=[first, second])
        assert loader.load(UNKNOWN) == {"@context": {"n": "urn:a"}}

    def test_missing_directory_ignored(self, tmp_path: Path) -> None:
        """A listed directory without an index.json contributes nothing and breaks nothing."""
        loader = DocumentLoader(context_dirs=[tmp_path / "absent", CONTEXTS])
        assert loader.load(V2)

    def test_broken_index_is_bad_input(self, tmp_path: Path) -> None:
        """An index.json that is not JSON is reported as BadInput naming the file."""
        directory = tmp_path / "broken"
        directory.mkdir()
        (directory / "index.json").write_text("{not json", "utf-8")
        with pytest.raises(BadInput, match=r"index\.json"):
            DocumentLoader(context_dirs=[directory], shipped=False).load(V2)

    def test_each_context_read_once(self, tmp_path: Path) -> None:
        """A loader memoises contexts: once read, the file is no longer needed."""
        directory = _write_context_dir(tmp_path / "mine", {UNKNOWN: b'{"@context": {}}'})
        loader = DocumentLoader(context_dirs=[directory])
        first = loader.load_bytes(UNKNOWN)
        for path in directory.iterdir():
            path.unlink()
        assert loader.load_bytes(UNKNOWN) == first

    def test_context_not_json_is_unavailable(self, tmp_path: Path) -> None:
        """A context file that is not a JSON object is unavailable, not a crash."""
        directory = _write_context_dir(tmp_path / "mine", {UNKNOWN: b"[1, 2]"})
        with pytest.raises(ContextUnavailable, match="not a JSON object"):
            DocumentLoader(context_dirs=[directory]).load(UNKNOWN)


# ---------------------------------------------------------------------------------------------
# Undefined terms and bad documents
# ---------------------------------------------------------------------------------------------


class TestUndefinedTerms:
    def test_undefined_property_reported_by_name(self) -> None:
        """A property the contexts do not define is reported by its name."""
        document = _without_vocab()
        document["credentialSubject"]["favouriteColour"] = "green"
        with pytest.raises(UndefinedTerm) as raised:
            to_rdf(document, DocumentLoader())
        assert raised.value.terms == ("favouriteColour",)
        assert "favouriteColour" in str(raised.value)
        assert isinstance(raised.value, BadInput)

    def test_many_undefined_terms_summarised(self) -> None:
        """Every undefined term is listed on the error; the message shows the first ten."""
        document = _without_vocab()
        document["credentialSubject"].update({f"extra{n:02d}": n for n in range(15)})
        with pytest.raises(UndefinedTerm, match="and 5 more") as raised:
            to_rdf(document, DocumentLoader())
        assert len(raised.value.terms) == 15

    def test_undefined_type_reported_by_name(self) -> None:
        """A type the contexts do not define (a relative @type) is reported by its name."""
        document = {
            "@context": [V1],
            "id": "urn:uuid:1",
            "type": ["VerifiableCredential", "MysteryCredential"],
            "issuer": "did:example:issuer",
            "issuanceDate": "2024-01-01T00:00:00Z",
            "credentialSubject": {"id": "did:example:subject"},
        }
        with pytest.raises(UndefinedTerm, match="MysteryCredential"):
            canonical_document(document, DocumentLoader())

    def test_relative_id_reported(self) -> None:
        """An @id that is not an absolute IRI is reported."""
        document = {"@context": [V2], "id": "not-absolute", "type": ["VerifiableCredential"]}
        with pytest.raises(UndefinedTerm, match="not-absolute"):
            to_rdf(document, DocumentLoader())

    def test_relative_datatype_reported(self) -> None:
        """A literal whose datatype is not an absolute IRI is reported."""
        document = {"@context": {"p": "urn:ex:p"}, "p": {"@value": "21", "@type": "Celsius"}}
        with pytest.raises(BadInput, match="absolute IRI"):
            to_rdf(document, DocumentLoader())

    def test_json_literal_contents_not_checked(self) -> None:
        """The inside of an @json literal is data: relative-looking values there are fine."""
        document = {
            "@context": {"p": {"@id": "urn:ex:p", "@type": "@json"}},
            "@id": "urn:ex:s",
            "p": {"@id": "relative", "type": "Thing"},
        }
        assert "rdf-syntax-ns#JSON" in to_rdf(document, DocumentLoader())

    def test_safe_mode_breaker_fixture_rejected(self) -> None:
        """The DCC safe-mode breaker fixture is rejected, naming the undefined term.

        (Its ``endorsementJwt`` is defined by the current OB 3.0.3 context, which credwallet
        ships; the status entry type is defined by none of its contexts.)"""
        document = _load_json(EXTERNAL / "dcc-verifier-core/v2/safeModeBreaker.json")
        document.pop("proof")
        with pytest.raises(UndefinedTerm) as raised:
            canonical_document(document, DocumentLoader())
        assert raised.value.terms == ("StatusList2021Entry",)

    def test_lenient_mode_drops_undefined_terms(self) -> None:
        """With strict=False an undefined term is dropped, as plain JSON-LD processors do."""
        document = _without_vocab()
        document["credentialSubject"]["favouriteColour"] = "green"
        lenient = canonical_document(document, DocumentLoader(), strict=False)
        assert lenient == canonical_document(_without_vocab(), DocumentLoader())

    def test_vocab_defines_every_term(self) -> None:
        """Under a context with @vocab (examples v2) an extra term is defined, not an error."""
        document = _unsigned()
        document["credentialSubject"]["favouriteColour"] = "green"
        assert "examples#favouriteColour" in to_rdf(document, DocumentLoader())


class TestBadDocuments:
    @pytest.mark.parametrize(
        "document",
        [
            {"@context": 5},
            {"@context": {"@version": 2.0}},
            {"@context": [V2], "@id": 7},
            {"@context": {"p": {"@id": "urn:p", "@type": "@id"}}, "p": {"@value": 1, "x": 2}},
        ],
    )
    def test_invalid_json_ld_is_bad_input(self, document: dict[str, Any]) -> None:
        """Invalid JSON-LD raises BadInput, not a pyld exception."""
        with pytest.raises(BadInput):
            to_rdf(document, DocumentLoader())

    def test_not_an_object(self) -> None:
        """A document that is not a JSON object is BadInput."""
        with pytest.raises(BadInput):
            to_rdf([1, 2], DocumentLoader())  # type: ignore[arg-type]  # deliberately wrong

    def test_non_json_values_rejected(self) -> None:
        """Python values JSON cannot hold (NaN, sets) are BadInput."""
        for bad in (float("nan"), {1, 2}):
            with pytest.raises(BadInput):
                to_rdf({"@context": [V2], "name": bad}, DocumentLoader())

    def test_deep_nesting_is_bad_input(self) -> None:
        """A hostile, deeply nested document is refused with a CredwalletError."""
        node: dict[str, Any] = {"@id": "urn:leaf"}
        for _ in range(5000):
            node = {"urn:ex:p": node}
        with pytest.raises(BadInput):
            to_rdf(node, DocumentLoader())

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.text(max_size=10),
            lambda children: (
                st.lists(children, max_size=3)
                | st.dictionaries(
                    st.sampled_from(["id", "type", "name", "@id", "@type", "@value", "x", "@list"]),
                    children,
                    max_size=3,
                )
            ),
            max_leaves=12,
        )
    )
    def test_any_document_gives_nquads_or_credwallet_error(self, body: Any) -> None:
        """Arbitrary JSON under the VC v2 context gives N-Quads or a CredwalletError."""
        document = {"@context": [V2], "credentialSubject": body}
        try:
            result = to_rdf(document, DocumentLoader())
        except CredwalletError:
            return
        assert isinstance(result, str)


# ---------------------------------------------------------------------------------------------
# Agreement with pyld's own canonicaliser, and the loader memo
# ---------------------------------------------------------------------------------------------


def _credentials_for_agreement() -> list[dict[str, Any]]:
    chosen = []
    for entry in manifest():
        if entry["kind"] in ("di-vc", "ob3-vc", "vc", "vp") and entry["file"].endswith(".json"):
            chosen.append(entry)
    return chosen


AGREEMENT = _credentials_for_agreement()


class TestAgreementAndMemo:
    def test_matches_pyld_and_fresh_loaders(self) -> None:
        """On every fixture credential, a shared (memoised) loader, a fresh loader and pyld's
        own URDNA2015 give the same canonical form, or the same error."""
        from pyld import jsonld as pyld_jsonld

        shared = DocumentLoader()
        compared = 0
        for entry in AGREEMENT:
            document = json.loads((EXTERNAL / entry["file"]).read_text("utf-8"))
            if not isinstance(document, dict):
                continue
            document.pop("proof", None)
            try:
                ours = canonical_document(document, shared)
            except CredwalletError as exc:
                with pytest.raises(type(exc)):
                    canonical_document(document, DocumentLoader())
                continue
            assert canonical_document(document, DocumentLoader()) == ours, entry["file"]
            reference = pyld_jsonld.normalize(
                copy.deepcopy(document),
                {
                    "algorithm": "URDNA2015",
                    "format": "application/n-quads",
                    "documentLoader": DocumentLoader(),
                },
            )
            assert ours == reference, entry["file"]
            compared += 1
        assert compared >= 100

    def test_caller_mutation_after_a_run_is_seen(self) -> None:
        """Changing an inline context after canonicalising gives the new meaning (no stale memo)."""
        loader = DocumentLoader()
        document: dict[str, Any] = {
            "@context": {"name": "urn:ex:first"},
            "@id": "urn:ex:s",
            "name": "n",
        }
        first = to_rdf(document, loader)
        document["@context"]["name"] = "urn:ex:second"
        assert to_rdf(document, loader) != first
        assert "urn:ex:second" in to_rdf(document, loader)

    def test_to_quads_are_distinct(self) -> None:
        """to_quads returns each statement once."""
        quads = to_quads(_unsigned(), DocumentLoader())
        assert len(quads) == len(set(quads))


class TestImports:
    def test_import_does_not_load_pyld(self) -> None:
        """Importing credwallet and its verify modules does not import pyld."""
        code = (
            "import sys, credwallet, credwallet.verify, credwallet.verify.jsonld, "
            "credwallet.verify.rdfc, credwallet.verify.jcs, credwallet.verify.contexts\n"
            "print(any(m == 'pyld' or m.startswith('pyld.') for m in sys.modules))"
        )
        result = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            cwd=REPO,
            env={**os.environ, "PYTHONPATH": str(REPO / "src")},
        )
        assert result.stdout.strip() == "False"
