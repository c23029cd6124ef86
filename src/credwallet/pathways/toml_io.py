"""Read and write pathway TOML files, validating every key.

``load_pathway_toml`` parses with tomllib and checks the structure strictly: an unknown key, a
reference to a missing component, a cycle, or an ``at-least`` count larger than its parts is a
:class:`~credwallet.errors.BadInput` whose message names the file, the line and the key. The
original text is kept in the returned :class:`Pathway` so that export gives it back unchanged.
``dump_pathway_toml`` writes a pathway that has no original text (an imported one) with tomli-w.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from credwallet.errors import BadInput, LimitExceeded
from credwallet.pathways.model import GOAL_KEY, Match, Node, NodeKind, Pathway

__all__ = [
    "MAX_NODES",
    "MAX_TEXT_BYTES",
    "dump_pathway_toml",
    "load_pathway_toml",
    "pathway_from_dict",
    "pathway_to_dict",
]

MAX_TEXT_BYTES = 256 * 1024  # a pathway is a small hand-written file
# Format (Cf: bidi overrides, zero-width characters) and line/paragraph separators.
_INVISIBLE = frozenset({"Cf", "Zl", "Zp"})
MAX_NODES = 200  # keeps the exact assignment search small (see evaluate.py)

_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")
_WITHIN_RE = re.compile(r"^[1-9][0-9]{0,3}[dwmy]$")

_TOP_KEYS = ("id", "name", "description", "url", "unit", "source", "goal", "components")
_COMMON_NODE_KEYS = ("name", "note", "completed_by", "allow", "shared", "after", "credits")
_KIND_KEYS = {
    NodeKind.LEAF: ("match", "count"),
    NodeKind.MANUAL: ("manual",),
    NodeKind.CREDITS: ("require", "min", "from"),
    NodeKind.ALL: ("require", "of"),
    NodeKind.ANY: ("require", "of"),
    NodeKind.AT_LEAST: ("require", "of", "count"),
}
_MATCH_STRING_KEYS = ("achievement", "name", "issuer", "tag", "alignment", "framework", "type")
_MATCH_DATE_KEYS = ("earned_after", "earned_before")
_MATCH_KEYS = (*_MATCH_STRING_KEYS, *_MATCH_DATE_KEYS, "earned_within")
_SOURCE_KEYS = ("kind", "ctid", "url")
_ALLOW_VALUES = ("expired",)
_REQUIRE_VALUES = {"all": NodeKind.ALL, "any": NodeKind.ANY, "at-least": NodeKind.AT_LEAST}

Path = tuple[str | int, ...]


class _Locator:
    """Maps a key path (("components", "sql", "match", 0, "tag")) to a 1-based line number.

    tomllib does not report positions for valid documents, so this scans the text: table
    headers and ``key =`` lines give exact lines; keys inside inline tables and arrays are
    found by searching forward from their parent's line.
    """

    _HEADER = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
    _ASSIGN = re.compile(r"^\s*(\"[^\"]*\"|'[^']*'|[A-Za-z0-9_.-]+)\s*=")

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        self.index: dict[tuple[str, ...], int] = {}
        table: tuple[str, ...] = ()
        for number, line in enumerate(self.lines, start=1):
            header = self._HEADER.match(line)
            if header and "=" not in header.group(1):
                table = self._split(header.group(1))
                self.index.setdefault(table, number)
                continue
            assign = self._ASSIGN.match(line)
            if assign:
                self.index.setdefault(table + self._split(assign.group(1)), number)

    @staticmethod
    def _split(dotted: str) -> tuple[str, ...]:
        return tuple(part.strip().strip("\"'") for part in dotted.split("."))

    def line(self, path: Path) -> int | None:
        keys = tuple(p for p in path if isinstance(p, str))
        for cut in range(len(keys), 0, -1):
            found = self.index.get(keys[:cut])
            if found is None:
                continue
            if cut == len(keys):
                return found
            # The rest sits inside an inline table or array: look forward for the next key.
            wanted = re.compile(rf"(^|[{{,\s])\"?{re.escape(keys[cut])}\"?\s*=")
            for number in range(found, min(found + 60, len(self.lines)) + 1):
                if wanted.search(self.lines[number - 1]):
                    return number
            return found
        return None


class _Validator:
    def __init__(self, source: str, locator: _Locator | None) -> None:
        self.source = source
        self.locator = locator

    def fail(self, path: Path, message: str) -> BadInput:
        where = self.source
        line = self.locator.line(path) if self.locator else None
        if line is not None:
            where = f"{where}:{line}"
        return BadInput(f"{where}: {_dotted(path)}: {message}")

    # -- scalars -------------------------------------------------------------------------
    def string(self, value: object, path: Path, *, empty: bool = False) -> str:
        if not isinstance(value, str):
            raise self.fail(path, f"must be a string, not {_type_name(value)}")
        if not empty and not value.strip():
            raise self.fail(path, "must not be empty")
        return value

    def optional_string(self, table: Mapping[str, Any], key: str, path: Path) -> str | None:
        if key not in table:
            return None
        return self.string(table[key], (*path, key))

    def boolean(self, value: object, path: Path) -> bool:
        if not isinstance(value, bool):
            raise self.fail(path, f"must be true or false, not {_type_name(value)}")
        return value

    def number(self, value: object, path: Path, *, positive: bool) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(path, f"must be a number, not {_type_name(value)}")
        if value != value or value in (float("inf"), float("-inf")):
            raise self.fail(path, "must be a finite number")
        if (positive and value <= 0) or value < 0:
            raise self.fail(path, "must be greater than 0" if positive else "must not be negative")
        return float(value)

    def integer(self, value: object, path: Path) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(path, f"must be a whole number, not {_type_name(value)}")
        if value < 1:
            raise self.fail(path, "must be at least 1")
        return value

    def table(self, value: object, path: Path) -> Mapping[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(path, f"must be a table, not {_type_name(value)}")
        return value

    def keys(self, table: Mapping[str, Any], allowed: Sequence[str], path: Path, what: str) -> None:
        for key in table:
            if key not in allowed:
                raise self.fail(
                    (*path, key), f"unknown key in {what} (allowed: {', '.join(allowed)})"
                )

    def key_list(self, value: object, path: Path) -> tuple[str, ...]:
        if not isinstance(value, list) or not value:
            raise self.fail(path, "must be a non-empty array of component keys")
        out = tuple(self.string(item, (*path, i)) for i, item in enumerate(value))
        if len(set(out)) != len(out):
            raise self.fail(path, "lists a component twice")
        return out

    # -- match tables --------------------------------------------------------------------
    def matches(self, value: object, path: Path) -> tuple[Match, ...]:
        if isinstance(value, dict):
            return (self.match(value, path),)
        if isinstance(value, list) and value:
            return tuple(self.match(item, (*path, i)) for i, item in enumerate(value))
        raise self.fail(path, "must be a table of match keys or a non-empty array of them")

    def match(self, value: object, path: Path) -> Match:
        table = self.table(value, path)
        self.keys(table, _MATCH_KEYS, path, "a match table")
        if not table:
            raise self.fail(path, "a match table needs at least one key")
        strings = {k: self.string(table[k], (*path, k)) for k in _MATCH_STRING_KEYS if k in table}
        dates: dict[str, date | datetime] = {}
        for key in _MATCH_DATE_KEYS:
            if key in table:
                raw = table[key]
                if not isinstance(raw, date):
                    raise self.fail((*path, key), "must be a TOML date (2025-01-31) or datetime")
                dates[key] = raw
        within = None
        if "earned_within" in table:
            within = self.string(table["earned_within"], (*path, "earned_within"))
            if not _WITHIN_RE.match(within):
                raise self.fail(
                    (*path, "earned_within"), "must be a number and d, w, m or y (e.g. '3y')"
                )
        return Match(
            achievement=strings.get("achievement"),
            name=strings.get("name"),
            issuer=strings.get("issuer"),
            tag=strings.get("tag"),
            alignment=strings.get("alignment"),
            framework=strings.get("framework"),
            type=strings.get("type"),
            earned_after=dates.get("earned_after"),
            earned_before=dates.get("earned_before"),
            earned_within=within,
        )

    # -- nodes ---------------------------------------------------------------------------
    def node(self, key: str, value: object, path: Path) -> Node:
        table = self.table(value, path)
        kind = self.kind(table, path)
        self.keys(table, (*_COMMON_NODE_KEYS, *_KIND_KEYS[kind]), path, f"a {kind} node")
        allow: tuple[str, ...] = ()
        if "allow" in table:
            raw = table["allow"]
            if not isinstance(raw, list):
                raise self.fail((*path, "allow"), 'must be an array, e.g. ["expired"]')
            allow = tuple(self.string(v, (*path, "allow", i)) for i, v in enumerate(raw))
            for i, item in enumerate(allow):
                if item not in _ALLOW_VALUES:
                    raise self.fail(
                        (*path, "allow", i),
                        f"unknown value {item!r} (allowed: {', '.join(_ALLOW_VALUES)})",
                    )
        count = 1
        if "count" in table:
            count = self.integer(table["count"], (*path, "count"))
        elif kind is NodeKind.AT_LEAST:
            raise self.fail((*path, "require"), "'at-least' needs a count")
        of: tuple[str, ...] = ()
        if kind.is_group:
            if "of" not in table:
                raise self.fail((*path, "require"), f"'{kind}' needs 'of', the list of its parts")
            of = self.key_list(table["of"], (*path, "of"))
            if kind is NodeKind.AT_LEAST and count > len(of):
                raise self.fail(
                    (*path, "count"),
                    f"count {count} is larger than its {len(of)} parts",
                )
        minimum = 0.0
        credits_from: tuple[Match, ...] = ()
        if kind is NodeKind.CREDITS:
            if "min" not in table:
                raise self.fail((*path, "require"), "'credits' needs 'min', the credit threshold")
            minimum = self.number(table["min"], (*path, "min"), positive=True)
            if "from" not in table:
                raise self.fail((*path, "require"), "'credits' needs 'from', a match table")
            credits_from = self.matches(table["from"], (*path, "from"))
        if kind is NodeKind.MANUAL and table["manual"] is not True:
            raise self.fail((*path, "manual"), "must be true (leave it out otherwise)")
        after: tuple[str, ...] = ()
        if "after" in table:
            after = self.key_list(table["after"], (*path, "after"))
        return Node(
            key=key,
            kind=kind,
            name=self.optional_string(table, "name", path),
            note=self.optional_string(table, "note", path),
            of=of,
            count=count,
            match=self.matches(table["match"], (*path, "match")) if "match" in table else (),
            min=minimum,
            credits_from=credits_from,
            completed_by=(
                self.matches(table["completed_by"], (*path, "completed_by"))
                if "completed_by" in table
                else ()
            ),
            allow_expired="expired" in allow,
            shared=self.boolean(table["shared"], (*path, "shared")) if "shared" in table else False,
            after=after,
            credits=(
                self.number(table["credits"], (*path, "credits"), positive=False)
                if "credits" in table
                else None
            ),
        )

    def kind(self, table: Mapping[str, Any], path: Path) -> NodeKind:
        present = [k for k in ("match", "require", "manual") if k in table]
        if len(present) > 1:
            raise self.fail(
                (*path, present[1]),
                f"a node is one of: a leaf (match), a group or sum (require), a manual step; "
                f"this one has both {present[0]!r} and {present[1]!r}",
            )
        if not present:
            raise self.fail(path, "a node needs 'match', 'require' or 'manual = true'")
        if present[0] == "match":
            return NodeKind.LEAF
        if present[0] == "manual":
            return NodeKind.MANUAL
        require = self.string(table["require"], (*path, "require"))
        if require == "credits":
            return NodeKind.CREDITS
        if require not in _REQUIRE_VALUES:
            raise self.fail(
                (*path, "require"),
                f"unknown value {require!r} (allowed: all, any, at-least, credits)",
            )
        return _REQUIRE_VALUES[require]

    # -- the whole document --------------------------------------------------------------
    def pathway(self, doc: Mapping[str, Any], text: str | None) -> Pathway:
        self.keys(doc, _TOP_KEYS, (), "the pathway")
        if "id" not in doc:
            raise self.fail((), "missing 'id'")
        pathway_id = self.string(doc["id"], ("id",))
        if not _ID_RE.match(pathway_id):
            raise self.fail(("id",), "must be letters, digits, '.', '_' or '-' (at most 128)")
        if "goal" not in doc:
            raise self.fail((), "missing [goal], the root requirement")
        raw_components = self.table(doc.get("components", {}), ("components",))
        if len(raw_components) + 1 > MAX_NODES:
            raise LimitExceeded(f"{self.source}: more than {MAX_NODES} components")
        components: dict[str, Node] = {}
        for key, value in raw_components.items():
            if key == GOAL_KEY or not _ID_RE.match(key):
                raise self.fail(
                    ("components", key),
                    "a component key is letters, digits, '.', '_' or '-', and not 'goal'",
                )
            components[key] = self.node(key, value, ("components", key))
        goal = self.node(GOAL_KEY, doc["goal"], ("goal",))
        source: dict[str, str] = {}
        if "source" in doc:
            raw_source = self.table(doc["source"], ("source",))
            self.keys(raw_source, _SOURCE_KEYS, ("source",), "[source]")
            source = {k: self.string(v, ("source", k)) for k, v in raw_source.items()}
        self.references(goal, components)
        return Pathway(
            id=pathway_id,
            name=self.optional_string(doc, "name", ()) or pathway_id,
            goal=goal,
            components=components,
            description=self.optional_string(doc, "description", ()),
            url=self.optional_string(doc, "url", ()),
            unit=self.optional_string(doc, "unit", ()),
            source=source,
            text=text,
        )

    def references(self, goal: Node, components: Mapping[str, Node]) -> None:
        def where(node: Node) -> Path:
            return ("goal",) if node.key == GOAL_KEY else ("components", node.key)

        for node in (goal, *components.values()):
            for field_name, keys in (("of", node.of), ("after", node.after)):
                for i, key in enumerate(keys):
                    if key not in components:
                        raise self.fail(
                            (*where(node), field_name, i),
                            f"refers to a missing component {key!r}",
                        )
        # Depth-first search over `of` from every node: an edge back to a node on the
        # current path is a cycle, reported at the `of` that closes it.
        state: dict[str, int] = {}  # 1 = on the current path, 2 = done

        def visit(node: Node, trail: list[str]) -> None:
            state[node.key] = 1
            for child in node.of:
                if state.get(child) == 1:
                    cycle = " -> ".join([*trail[trail.index(child) :], child])
                    raise self.fail((*where(node), "of"), f"cycle: {cycle}")
                if child not in state:
                    visit(components[child], [*trail, child])
            state[node.key] = 2

        for node in (goal, *components.values()):
            if node.key not in state:
                visit(node, [node.key])


def load_pathway_toml(text: str, *, source: str = "<file>") -> Pathway:
    """Parse and validate a pathway file; the result keeps ``text`` for a byte-exact export."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_TEXT_BYTES:
        raise LimitExceeded(f"{source}: a pathway file is limited to {MAX_TEXT_BYTES} bytes")
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise BadInput(f"{source}: not valid TOML: {exc}") from None
    except RecursionError:  # tomllib recurses once per level of nested arrays/inline tables
        raise LimitExceeded(f"{source}: arrays or tables nested too deeply") from None
    except ValueError as exc:  # a 5,000-digit integer passes the grammar, then int() refuses it
        raise BadInput(f"{source}: not valid TOML: {str(exc)[:80]}") from None
    return _Validator(source, _Locator(text)).pathway(doc, text)


def pathway_from_dict(doc: Mapping[str, Any], *, source: str = "<pathway>") -> Pathway:
    """Validate a pathway given as plain data (the shape of the TOML file); no original text."""
    return _Validator(source, None).pathway(doc, None)


def pathway_to_dict(pathway: Pathway) -> dict[str, Any]:
    """The TOML document for a pathway, in the file's shape, omitting defaults."""
    doc: dict[str, Any] = {"id": pathway.id, "name": pathway.name}
    for key in ("description", "url", "unit"):
        value = getattr(pathway, key)
        if value is not None:
            doc[key] = value
    if pathway.source:
        doc["source"] = dict(pathway.source)
    doc["goal"] = _node_to_dict(pathway.goal)
    if pathway.components:
        doc["components"] = {k: _node_to_dict(n) for k, n in pathway.components.items()}
    return doc


def dump_pathway_toml(pathway: Pathway) -> str:
    """The pathway as TOML: its original text when it has one, else written by tomli-w."""
    if pathway.text is not None:
        return pathway.text
    import tomli_w  # lazily: only export and suggest write TOML

    # tomli_w escapes control characters but writes format characters (U+202E RIGHT-TO-LEFT
    # OVERRIDE, zero-width ones) raw; as \uXXXX escapes the data is the same and no terminal
    # reorders the text. Every string tomli_w writes is a basic string, where escapes are valid.
    return "".join(_escaped(c) for c in tomli_w.dumps(pathway_to_dict(pathway)))


def _escaped(char: str) -> str:
    if char.isascii() or unicodedata.category(char) not in _INVISIBLE:
        return char
    code = ord(char)
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def _node_to_dict(node: Node) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if node.name is not None:
        out["name"] = node.name
    if node.kind is NodeKind.LEAF:
        out["match"] = _matches_to_toml(node.match)
        if node.count != 1:
            out["count"] = node.count
    elif node.kind is NodeKind.MANUAL:
        out["manual"] = True
    elif node.kind is NodeKind.CREDITS:
        out["require"] = "credits"
        out["min"] = _number(node.min)
        out["from"] = _matches_to_toml(node.credits_from)
    else:
        out["require"] = str(node.kind)
        if node.kind is NodeKind.AT_LEAST:
            out["count"] = node.count
        out["of"] = list(node.of)
    if node.completed_by:
        out["completed_by"] = _matches_to_toml(node.completed_by)
    if node.allow_expired:
        out["allow"] = ["expired"]
    if node.shared:
        out["shared"] = True
    if node.after:
        out["after"] = list(node.after)
    if node.credits is not None:
        out["credits"] = _number(node.credits)
    if node.note is not None:
        out["note"] = node.note
    return out


def _matches_to_toml(matches: tuple[Match, ...]) -> dict[str, Any] | list[dict[str, Any]]:
    tables = [{k: getattr(m, k) for k in _MATCH_KEYS if getattr(m, k) is not None} for m in matches]
    return tables[0] if len(tables) == 1 else tables


def _number(value: float) -> int | float:
    return int(value) if value.is_integer() else value


def _dotted(path: Path) -> str:
    if not path:
        return "top level"
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def _type_name(value: object) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, datetime | date):
        return "a date"
    if isinstance(value, str):
        return "a string"
    return "a number" if isinstance(value, int | float) else type(value).__name__
