"""RDF Dataset Canonicalization (RDFC-1.0, W3C Recommendation) over N-Quads.

Terms are kept as their canonical N-Quads text (``<iri>``, ``_:label``, ``"lexical"^^<dt>``,
``"lexical"@lang``); a quad is a 4-tuple whose graph is ``""`` for the default graph. Keeping
the serialised form means hashing and output need no re-serialisation, which is where most of
the time of a canonicalisation goes for the small graphs credentials make.

The algorithm (spec section 4.4): hash every blank node's first-degree quads; nodes whose hash
is unique get canonical labels in hash order; the rest are told apart by Hash N-Degree Quads,
which explores permutations of related blank nodes. That exploration is exponential on
purpose-built graphs, so every call and permutation is counted against ``max_work`` and
:class:`~credwallet.errors.LimitExceeded` ends it (spec section 4.4.1 asks implementations to
guard against such "poison" datasets).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from credwallet.errors import BadInput, LimitExceeded

__all__ = [
    "DEFAULT_MAX_WORK",
    "HASH_ALGORITHMS",
    "Quad",
    "canonical_issued_map",
    "canonicalize_nquads",
    "canonicalize_quads",
    "iri_term",
    "literal_term",
    "parse_nquads",
    "serialize_quad",
    "serialize_quads",
]

Quad = tuple[str, str, str, str]
"""(subject, predicate, object, graph) as canonical N-Quads terms; graph "" = default graph."""

HASH_ALGORITHMS: dict[str, Callable[[bytes], str]] = {
    "sha256": lambda data: hashlib.sha256(data).hexdigest(),
    "sha384": lambda data: hashlib.sha384(data).hexdigest(),
}

#: Hash N-Degree Quads calls plus permutations explored before giving up. The hardest positive
#: case of the W3C suite needs a few thousand; a credential needs tens, a presentation holding
#: two copies of the 16 KB OB 3.0 example (every node of each a blank node) about 700.
DEFAULT_MAX_WORK = 100_000

_WORK_LIMIT_MESSAGE = "RDFC work limit exceeded: poisoned graph?"
_XSD_STRING = "<http://www.w3.org/2001/XMLSchema#string>"

# ---------------------------------------------------------------------------------------------
# N-Quads: parsing and canonical serialisation
# ---------------------------------------------------------------------------------------------

_IRI = r"<(?:[^\x00-\x20<>\"{}|^`\\]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>"
_BNODE = r"_:[^\s<>\"#.]+(?:\.+[^\s<>\"#.]+)*"
_LITERAL = (
    r"\"(?:[^\"\\\n\r]|\\[tbnrf\"'\\]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*\""
    r"(?:@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*|\^\^" + _IRI + r")?"
)
_LINE = re.compile(
    rf"[ \t]*(?P<s>{_IRI}|{_BNODE})[ \t]*(?P<p>{_IRI})[ \t]*"
    rf"(?P<o>{_IRI}|{_BNODE}|{_LITERAL})[ \t]*(?P<g>{_IRI}|{_BNODE})?[ \t]*\.[ \t]*(?:#.*)?"
)
_EOL = re.compile(r"\r\n|\r|\n")
_BLANK_OR_COMMENT = re.compile(r"[ \t]*(?:#.*)?")
_UCHAR = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_STRING_ESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))", re.DOTALL)
_ECHAR = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}

# Canonical N-Quads escaping of literal text: the short ECHARs for \b \t \n \f \r " \, UCHAR
# (upper-case hex) for the other C0 controls and DEL, every other character as itself.
_LITERAL_ESCAPES: dict[int, str] = {c: f"\\u{c:04X}" for c in (*range(0x20), 0x7F)}
_LITERAL_ESCAPES.update(
    {0x08: "\\b", 0x09: "\\t", 0x0A: "\\n", 0x0C: "\\f", 0x0D: "\\r", 0x22: '\\"', 0x5C: "\\\\"}
)


def _code_point(hex4: str | None, hex8: str | None) -> str:
    value = int(hex4 or hex8 or "0", 16)
    if value > 0x10FFFF or 0xD800 <= value <= 0xDFFF:
        raise BadInput(f"N-Quads: escape \\u{value:X} is not a Unicode scalar value")
    return chr(value)


def _unescape_iri(body: str) -> str:
    if "\\" not in body:
        return body
    return _UCHAR.sub(lambda m: _code_point(m.group(1), m.group(2)), body)


def _unescape_string(body: str) -> str:
    if "\\" not in body:
        return body

    def replace(match: re.Match[str]) -> str:
        if match.group(3) is not None:
            return _ECHAR[match.group(3)]
        return _code_point(match.group(1), match.group(2))

    return _STRING_ESCAPE.sub(replace, body)


def iri_term(iri: str) -> str:
    """The canonical N-Quads term for an IRI (no escaping: N-Quads IRIs are written as-is)."""
    return "<" + iri + ">"


def literal_term(lexical: str, datatype: str | None = None, language: str | None = None) -> str:
    """The canonical N-Quads term for a literal; xsd:string is the implicit datatype."""
    text = '"' + lexical.translate(_LITERAL_ESCAPES) + '"'
    if language:
        return text + "@" + language
    if datatype and datatype != _XSD_STRING[1:-1]:
        return text + "^^<" + datatype + ">"
    return text


def _canonical_term(token: str) -> str:
    """Rewrite one parsed N-Quads token into its canonical spelling."""
    if token[0] == "<":
        return "<" + _unescape_iri(token[1:-1]) + ">"
    if token[0] == "_":
        return token
    closing = token.rindex('"')
    lexical = _unescape_string(token[1:closing])
    suffix = token[closing + 1 :]
    if suffix.startswith("^^"):
        datatype = _unescape_iri(suffix[3:-1])
        return literal_term(lexical, datatype=datatype)
    if suffix.startswith("@"):
        return literal_term(lexical, language=suffix[1:])
    return literal_term(lexical)


def parse_nquads(text: str) -> list[Quad]:
    """Parse an N-Quads document into distinct quads (an RDF dataset is a set), in input order.

    Raises BadInput naming the first line that is not a valid N-Quads statement.
    """
    quads: dict[Quad, None] = {}
    # Only CR and LF end a line (str.splitlines would also split on NEL, U+2028 and others,
    # which may appear raw inside literals).
    for number, line in enumerate(_EOL.split(text), start=1):
        match = _LINE.fullmatch(line)
        if match is None:
            if _BLANK_OR_COMMENT.fullmatch(line):
                continue
            raise BadInput(f"N-Quads: line {number} is not a valid statement")
        graph = match.group("g")
        quad = (
            _canonical_term(match.group("s")),
            _canonical_term(match.group("p")),
            _canonical_term(match.group("o")),
            _canonical_term(graph) if graph else "",
        )
        quads[quad] = None
    return list(quads)


def serialize_quad(quad: Quad) -> str:
    """One quad as a canonical N-Quads line, newline included."""
    subject, predicate, obj, graph = quad
    if graph:
        return f"{subject} {predicate} {obj} {graph} .\n"
    return f"{subject} {predicate} {obj} .\n"


def serialize_quads(quads: Iterable[Quad]) -> str:
    """Canonical N-Quads of the quads, sorted in code point order (RDFC-1.0 section 4.4.3)."""
    return "".join(sorted({serialize_quad(q) for q in quads}))


# ---------------------------------------------------------------------------------------------
# The canonicalization algorithm
# ---------------------------------------------------------------------------------------------


@dataclass
class _IdentifierIssuer:
    """Issues ``prefix + counter`` labels, remembering the order (spec section 4.5)."""

    prefix: str
    counter: int = 0
    issued: dict[str, str] = field(default_factory=dict)

    def issue(self, existing: str) -> str:
        label = self.issued.get(existing)
        if label is None:
            label = f"{self.prefix}{self.counter}"
            self.counter += 1
            self.issued[existing] = label
        return label

    def copy(self) -> _IdentifierIssuer:
        return _IdentifierIssuer(self.prefix, self.counter, dict(self.issued))


def _is_blank(term: str) -> bool:
    return term.startswith("_:")


class _Canonicalizer:
    """State of one run of RDFC-1.0 (spec section 4.2, "canonicalization state")."""

    def __init__(self, quads: Sequence[Quad], hash_algorithm: str, max_work: int) -> None:
        try:
            self._hash = HASH_ALGORITHMS[hash_algorithm.lower().replace("-", "")]
        except KeyError:
            raise BadInput(f"RDFC: unsupported hash algorithm {hash_algorithm!r}") from None
        self._quads = quads
        self._work_left = max_work
        self.canonical = _IdentifierIssuer("_:c14n")
        self._blank_to_quads: dict[str, list[Quad]] = {}
        self._first_degree: dict[str, str] = {}
        for quad in quads:
            for position in (0, 2, 3):
                term = quad[position]
                if _is_blank(term):
                    quad_list = self._blank_to_quads.setdefault(term, [])
                    if not quad_list or quad_list[-1] is not quad:
                        quad_list.append(quad)

    def _spend(self, units: int = 1) -> None:
        self._work_left -= units
        if self._work_left < 0:
            raise LimitExceeded(_WORK_LIMIT_MESSAGE)

    def run(self) -> None:
        """Issue a canonical label to every blank node (spec section 4.4.3, steps 2-5)."""
        hash_to_blanks: dict[str, list[str]] = {}
        for blank in self._blank_to_quads:
            hash_to_blanks.setdefault(self._hash_first_degree(blank), []).append(blank)
        shared: list[tuple[str, list[str]]] = []
        for hash_value in sorted(hash_to_blanks):
            blanks = hash_to_blanks[hash_value]
            if len(blanks) == 1:
                self.canonical.issue(blanks[0])
            else:
                shared.append((hash_value, blanks))
        for _hash_value, blanks in shared:
            results: list[tuple[str, _IdentifierIssuer]] = []
            for blank in blanks:
                if blank in self.canonical.issued:
                    continue
                temporary = _IdentifierIssuer("_:b")
                temporary.issue(blank)
                results.append(self._hash_n_degree(blank, temporary))
            results.sort(key=lambda result: result[0])
            for _result_hash, issuer in results:
                for existing in issuer.issued:
                    self.canonical.issue(existing)

    def _hash_first_degree(self, reference: str) -> str:
        """Hash First Degree Quads (spec section 4.6)."""
        cached = self._first_degree.get(reference)
        if cached is not None:
            return cached
        lines = []
        for subject, predicate, obj, graph in self._blank_to_quads[reference]:
            lines.append(
                serialize_quad(
                    (
                        _mask(subject, reference),
                        predicate,
                        _mask(obj, reference),
                        _mask(graph, reference),
                    )
                )
            )
        lines.sort()
        digest = self._hash("".join(lines).encode("utf-8"))
        self._first_degree[reference] = digest
        return digest

    def _hash_related(
        self, related: str, quad: Quad, issuer: _IdentifierIssuer, position: str
    ) -> str:
        """Hash Related Blank Node (spec section 4.7)."""
        identifier = self.canonical.issued.get(related) or issuer.issued.get(related)
        if identifier is None:
            identifier = self._hash_first_degree(related)
        data = position
        if position != "g":
            data += quad[1]
        data += identifier
        return self._hash(data.encode("utf-8"))

    def _hash_n_degree(
        self, identifier: str, issuer: _IdentifierIssuer
    ) -> tuple[str, _IdentifierIssuer]:
        """Hash N-Degree Quads (spec section 4.8); returns the hash and the issuer it used."""
        self._spend()
        related_by_hash: dict[str, list[str]] = {}
        for quad in self._blank_to_quads[identifier]:
            for position, label in ((0, "s"), (2, "o"), (3, "g")):
                component = quad[position]
                if _is_blank(component) and component != identifier:
                    related_hash = self._hash_related(component, quad, issuer, label)
                    related_by_hash.setdefault(related_hash, []).append(component)
        data_to_hash: list[str] = []
        for related_hash in sorted(related_by_hash):
            data_to_hash.append(related_hash)
            chosen_path = ""
            chosen_issuer: _IdentifierIssuer | None = None
            for permutation in _distinct_permutations(related_by_hash[related_hash]):
                self._spend()
                path = self._explore_permutation(permutation, issuer, chosen_path)
                if path is None:
                    continue
                candidate_path, candidate_issuer = path
                if not chosen_path or candidate_path < chosen_path:
                    chosen_path, chosen_issuer = candidate_path, candidate_issuer
            data_to_hash.append(chosen_path)
            if chosen_issuer is not None:
                issuer = chosen_issuer
        return self._hash("".join(data_to_hash).encode("utf-8")), issuer

    def _explore_permutation(
        self, permutation: Sequence[str], issuer: _IdentifierIssuer, chosen_path: str
    ) -> tuple[str, _IdentifierIssuer] | None:
        """Steps 5.4.4-5.4.5 of Hash N-Degree Quads; None when the path cannot win."""
        issuer_copy = issuer.copy()
        path = ""
        recursion: list[str] = []
        for related in permutation:
            canonical = self.canonical.issued.get(related)
            if canonical is not None:
                path += canonical
            else:
                if related not in issuer_copy.issued:
                    recursion.append(related)
                path += issuer_copy.issue(related)
            if chosen_path and len(path) >= len(chosen_path) and path > chosen_path:
                return None
        for related in recursion:
            result_hash, result_issuer = self._hash_n_degree(related, issuer_copy)
            path += issuer_copy.issue(related)
            path += "<" + result_hash + ">"
            issuer_copy = result_issuer
            if chosen_path and len(path) >= len(chosen_path) and path > chosen_path:
                return None
        return path, issuer_copy

    def relabel(self) -> list[Quad]:
        """The input quads with every blank node replaced by its canonical label."""
        issued = self.canonical.issued
        return [
            (
                issued.get(s, s),
                p,
                issued.get(o, o),
                issued.get(g, g),
            )
            for s, p, o, g in self._quads
        ]


def _distinct_permutations(items: Sequence[str]) -> Iterator[tuple[str, ...]]:
    """Every distinct ordering of ``items`` once, in lexicographic order.

    The related-node list of Hash N-Degree Quads repeats a node once per quad that links it
    the same way; inside a named graph every quad of a node links it to the graph name, so a
    node with ten quads lists the graph's blank node ten times. Orderings that only swap equal
    entries give the same path and issuer, so visiting them again (10! times here) changes
    nothing but the cost. (pyld's permuter never swaps equal entries either, but it also misses
    some distinct orderings when two or more nodes repeat; every one is visited here, as the
    spec's "for each permutation" asks.)
    """
    current = sorted(items)
    yield tuple(current)
    last = len(current) - 1
    while True:
        # Narayana's next permutation: the rightmost ascent, swapped with the rightmost larger
        # entry after it, then the tail reversed. Equal entries never count as an ascent.
        pivot = last - 1
        while pivot >= 0 and current[pivot] >= current[pivot + 1]:
            pivot -= 1
        if pivot < 0:
            return
        successor = last
        while current[successor] <= current[pivot]:
            successor -= 1
        current[pivot], current[successor] = current[successor], current[pivot]
        current[pivot + 1 :] = reversed(current[pivot + 1 :])
        yield tuple(current)


def _mask(term: str, reference: str) -> str:
    if term.startswith("_:"):
        return "_:a" if term == reference else "_:z"
    return term


def canonicalize_quads(
    quads: Sequence[Quad],
    *,
    hash_algorithm: str = "sha256",
    max_work: int = DEFAULT_MAX_WORK,
) -> str:
    """Canonical N-Quads (RDFC-1.0) of a dataset given as quads; duplicates are dropped."""
    unique = list(dict.fromkeys(quads))
    state = _Canonicalizer(unique, hash_algorithm, max_work)
    state.run()
    return serialize_quads(state.relabel())


def canonicalize_nquads(
    nquads: str,
    *,
    hash_algorithm: str = "sha256",
    max_work: int = DEFAULT_MAX_WORK,
) -> str:
    """Canonical N-Quads (RDFC-1.0) of an N-Quads document.

    ``hash_algorithm`` is "sha256" (the default) or "sha384"; ``max_work`` caps Hash N-Degree
    Quads calls plus permutations. Raises BadInput for unparsable input and LimitExceeded
    ("RDFC work limit exceeded: poisoned graph?") when the cap is reached.
    """
    return canonicalize_quads(
        parse_nquads(nquads), hash_algorithm=hash_algorithm, max_work=max_work
    )


def canonical_issued_map(
    nquads: str,
    *,
    hash_algorithm: str = "sha256",
    max_work: int = DEFAULT_MAX_WORK,
) -> dict[str, str]:
    """The issued identifiers map: input blank node label -> canonical label (no ``_:``)."""
    state = _Canonicalizer(parse_nquads(nquads), hash_algorithm, max_work)
    state.run()
    return {source[2:]: label[2:] for source, label in state.canonical.issued.items()}
