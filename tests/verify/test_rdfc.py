"""RDFC-1.0: the complete W3C test suite, the N-Quads reader/writer and the work limit."""

from __future__ import annotations

import contextlib
import json
import random
import re
from functools import cache
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from credwallet.errors import BadInput, CredwalletError, LimitExceeded
from credwallet.verify.rdfc import (
    canonical_issued_map,
    canonicalize_nquads,
    canonicalize_quads,
    literal_term,
    parse_nquads,
    serialize_quads,
)
from support import EXTERNAL

SUITE = EXTERNAL / "w3c-rdf-canon"


@cache
def _entries() -> list[dict[str, Any]]:
    manifest = json.loads((SUITE / "manifest.jsonld").read_text("utf-8"))
    entries: list[dict[str, Any]] = manifest["entries"]
    return entries


def _of_type(kind: str) -> list[dict[str, Any]]:
    return [e for e in _entries() if e["type"] == kind]


def _ids(entries: list[dict[str, Any]]) -> list[str]:
    return [f"{e['id'].lstrip('#')}-{e['name']}" for e in entries]


def _algorithm(entry: dict[str, Any]) -> str:
    return str(entry.get("hashAlgorithm", "SHA256"))


def _input(entry: dict[str, Any]) -> str:
    return (SUITE / str(entry["action"])).read_text("utf-8")


EVAL = _of_type("rdfc:RDFC10EvalTest")
MAP = _of_type("rdfc:RDFC10MapTest")
NEGATIVE = _of_type("rdfc:RDFC10NegativeEvalTest")


class TestW3CSuite:
    def test_suite_is_complete(self) -> None:
        """All 86 manifest entries are of a type this module runs (none skipped)."""
        assert len(EVAL) + len(MAP) + len(NEGATIVE) == len(_entries()) == 86
        assert {_algorithm(e) for e in _entries()} == {"SHA256", "SHA384"}

    @pytest.mark.parametrize("entry", EVAL, ids=_ids(EVAL))
    def test_eval(self, entry: dict[str, Any]) -> None:
        """The canonical N-Quads equal the expected result byte for byte."""
        expected = (SUITE / entry["result"]).read_text("utf-8")
        assert canonicalize_nquads(_input(entry), hash_algorithm=_algorithm(entry)) == expected

    @pytest.mark.parametrize("entry", MAP, ids=_ids(MAP))
    def test_issued_identifiers_map(self, entry: dict[str, Any]) -> None:
        """The issued blank node identifiers equal the expected map."""
        expected = json.loads((SUITE / entry["result"]).read_text("utf-8"))
        assert canonical_issued_map(_input(entry), hash_algorithm=_algorithm(entry)) == expected

    @pytest.mark.parametrize("entry", NEGATIVE, ids=_ids(NEGATIVE))
    def test_poison_graph_aborts(self, entry: dict[str, Any]) -> None:
        """A poison graph raises LimitExceeded under the default work limit instead of hanging."""
        with pytest.raises(LimitExceeded, match=r"RDFC work limit exceeded: poisoned graph\?"):
            canonicalize_nquads(_input(entry), hash_algorithm=_algorithm(entry))

    def test_sha384_changes_the_labelling_hashes(self) -> None:
        """The SHA-384 tests really depend on the hash: SHA-256 gives a different map."""
        (entry,) = [e for e in MAP if _algorithm(e) == "SHA384"]
        expected = json.loads((SUITE / entry["result"]).read_text("utf-8"))
        assert canonical_issued_map(_input(entry), hash_algorithm="sha256") != expected


class TestWorkLimit:
    def test_limit_is_configurable(self) -> None:
        """A graph needing N-degree hashing fails with a small max_work and passes with more."""
        (entry,) = [e for e in EVAL if e["id"] == "#test044c"]
        with pytest.raises(LimitExceeded):
            canonicalize_nquads(_input(entry), max_work=100)
        assert canonicalize_nquads(_input(entry), max_work=10_000)

    def test_unique_first_degree_hashes_need_no_work(self) -> None:
        """Blank nodes told apart by their own quads are labelled without N-degree hashing."""
        text = (
            '_:x <urn:ex:name> "alice" .\n_:y <urn:ex:name> "bob" .\n'
            "_:x <urn:ex:knows> _:y .\n_:x <urn:ex:p> _:z _:g .\n"
        )
        labels = set(re.findall(r"_:\w+", canonicalize_nquads(text, max_work=0)))
        assert labels == {"_:c14n0", "_:c14n1", "_:c14n2", "_:c14n3"}

    def test_symmetric_graph_needs_work(self) -> None:
        """Blank nodes with equal first-degree hashes do need N-degree work."""
        text = "_:a <urn:ex:p> _:b .\n_:b <urn:ex:p> _:a .\n"
        with pytest.raises(LimitExceeded):
            canonicalize_nquads(text, max_work=0)


class TestHashAlgorithm:
    @pytest.mark.parametrize("name", ["sha256", "SHA256", "SHA-384", "sha384"])
    def test_spellings_accepted(self, name: str) -> None:
        """SHA-256 and SHA-384 are accepted under their common spellings."""
        assert canonicalize_nquads("_:a <urn:ex:p> _:b .\n", hash_algorithm=name)

    def test_unsupported_algorithm_rejected(self) -> None:
        """An unknown hash algorithm is BadInput, not a KeyError."""
        with pytest.raises(BadInput, match="md5"):
            canonicalize_nquads("<urn:ex:s> <urn:ex:p> <urn:ex:o> .\n", hash_algorithm="md5")


class TestNQuads:
    def test_comments_and_blank_lines_ignored(self) -> None:
        """Comment lines, trailing comments and empty lines carry no statements."""
        text = "# heading\n\n<urn:ex:s> <urn:ex:p> <urn:ex:o> . # note\n   \n"
        assert parse_nquads(text) == [("<urn:ex:s>", "<urn:ex:p>", "<urn:ex:o>", "")]

    def test_duplicates_removed(self) -> None:
        """A dataset is a set: a repeated statement appears once in the output."""
        line = '<urn:ex:s> <urn:ex:p> "v" <urn:ex:g> .\n'
        assert canonicalize_nquads(line * 3) == line

    def test_xsd_string_is_implicit(self) -> None:
        """A literal typed xsd:string is written as a simple literal."""
        text = '<urn:ex:s> <urn:ex:p> "v"^^<http://www.w3.org/2001/XMLSchema#string> .\n'
        assert canonicalize_nquads(text) == '<urn:ex:s> <urn:ex:p> "v" .\n'

    def test_language_and_datatype_kept(self) -> None:
        """Language tags and datatypes other than xsd:string survive unchanged."""
        text = '<urn:ex:s> <urn:ex:p> "1"^^<urn:ex:int> .\n<urn:ex:s> <urn:ex:p> "v"@en-GB .\n'
        assert canonicalize_nquads(text) == text

    @pytest.mark.parametrize(
        "line",
        [
            "<urn:ex:s> <urn:ex:p> .",
            "<urn:ex:s> <urn:ex:p> <urn:ex:o>",
            '"literal" <urn:ex:p> <urn:ex:o> .',
            "<urn:ex:s> _:p <urn:ex:o> .",
            '<urn:ex:s> <urn:ex:p> "bad \\q escape" .',
            "<urn:ex:s> <urn:ex:p> <urn:ex:o> <urn:ex:g> <urn:ex:extra> .",
            "<urn:ex:has space> <urn:ex:p> <urn:ex:o> .",
        ],
    )
    def test_malformed_lines_rejected(self, line: str) -> None:
        """A line that is not an N-Quads statement raises BadInput naming its line number."""
        with pytest.raises(BadInput, match="line 2"):
            parse_nquads("<urn:ex:s> <urn:ex:p> <urn:ex:o> .\n" + line + "\n")

    def test_surrogate_escape_rejected(self) -> None:
        """An escape naming a surrogate code point is not a character and is refused."""
        with pytest.raises(BadInput):
            parse_nquads('<urn:ex:s> <urn:ex:p> "\\uD800" .\n')

    @given(st.text(alphabet=st.characters(exclude_categories=["Cs"])))
    def test_literal_round_trip(self, text: str) -> None:
        """Any string written as a canonical literal reads back as the same term."""
        term = literal_term(text)
        line = f"<urn:ex:s> <urn:ex:p> {term} .\n"
        assert parse_nquads(line) == [("<urn:ex:s>", "<urn:ex:p>", term, "")]
        assert serialize_quads(parse_nquads(line)) == line

    @settings(max_examples=200)
    @given(st.text(max_size=60))
    def test_any_text_gives_quads_or_bad_input(self, text: str) -> None:
        """Arbitrary text parses or raises BadInput; nothing else escapes."""
        with contextlib.suppress(BadInput):
            parse_nquads(text)


# Small random datasets over a few blank nodes, for invariance properties.
_labels = st.sampled_from(["a", "b", "c", "d", "e"])
_objects = st.one_of(
    _labels.map(lambda label: "_:" + label),
    st.sampled_from(['"x"', '"y"@en', "<urn:ex:o>"]),
)
_quads = st.lists(
    st.tuples(
        _labels.map(lambda label: "_:" + label) | st.just("<urn:ex:s>"),
        st.sampled_from(["<urn:ex:p>", "<urn:ex:q>"]),
        _objects,
        st.sampled_from(["", "<urn:ex:g>", "_:g"]),
    ),
    min_size=1,
    max_size=8,
)


def _relabel(quads: list[tuple[str, str, str, str]], rng: random.Random) -> list[Any]:
    names = sorted({t for q in quads for t in q if t.startswith("_:")})
    fresh = [f"_:n{i}" for i in range(len(names))]
    rng.shuffle(fresh)
    mapping = dict(zip(names, fresh, strict=True))
    relabelled = [tuple(mapping.get(t, t) for t in q) for q in quads]
    rng.shuffle(relabelled)
    return relabelled


class TestProperties:
    @settings(max_examples=150, deadline=None)
    @given(_quads, st.randoms(use_true_random=False))
    def test_blank_node_names_and_order_do_not_matter(
        self, quads: list[tuple[str, str, str, str]], rng: random.Random
    ) -> None:
        """Renaming blank nodes and reordering statements gives the same canonical form."""
        assert canonicalize_quads(_relabel(quads, rng)) == canonicalize_quads(quads)

    @settings(max_examples=100, deadline=None)
    @given(_quads)
    def test_idempotent(self, quads: list[tuple[str, str, str, str]]) -> None:
        """The canonical form of a canonical form is itself."""
        once = canonicalize_quads(quads)
        assert canonicalize_nquads(once) == once

    @settings(max_examples=100, deadline=None)
    @given(_quads)
    def test_result_or_credwallet_error(self, quads: list[tuple[str, str, str, str]]) -> None:
        """With a tiny work budget the result is canonical N-Quads or a CredwalletError."""
        try:
            output = canonicalize_quads(quads, max_work=3)
        except CredwalletError:
            return
        assert output.endswith(" .\n")
