"""Pathway TOML: validation with line-referencing errors, byte-exact export, tomli-w round trip."""

from __future__ import annotations

import contextlib
import textwrap
from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from credwallet.errors import BadInput, LimitExceeded
from credwallet.pathways import dump_pathway_toml, load_pathway_toml
from credwallet.pathways.model import NodeKind
from credwallet.pathways.toml_io import MAX_NODES, pathway_from_dict, pathway_to_dict
from support import EXAMPLES

GOOD = """\
# A comment that export must keep.
id = "data-analytics"
name = "Data Analytics Professional"
unit = "ECTS"

[goal]
require = "all"
of = ["tools", "ects"]

[components.tools]
require = "at-least"
count = 2
of = ["sql", "python", "tableau"]

[components.sql]
match = [
  { achievement = "https://example.org/achievements/sql" },
  { name = "SQL", issuer = "did:web:example.org" },
]

[components.python]
match = { achievement = "https://example.org/achievements/python", earned_after = 2024-01-01 }

[components.tableau]
match = { tag = "tableau" }

[components.ects]
require = "credits"
min = 15
from = { tag = "data" }
"""


def error_of(text: str) -> str:
    with pytest.raises(BadInput) as info:
        load_pathway_toml(textwrap.dedent(text), source="bad.toml")
    return str(info.value)


class TestLoading:
    def test_a_good_file_loads(self) -> None:
        """The issue's example shape loads into the model."""
        p = load_pathway_toml(GOOD)
        assert p.id == "data-analytics" and p.unit == "ECTS"
        assert p.goal.kind is NodeKind.ALL and p.goal.of == ("tools", "ects")
        assert p.components["tools"].count == 2
        assert len(p.components["sql"].match) == 2
        assert p.components["python"].match[0].earned_after == date(2024, 1, 1)
        assert p.components["ects"].min == 15

    def test_the_examples_load(self) -> None:
        """examples/pathways/data-analytics.toml is a valid pathway."""
        text = (EXAMPLES / "pathways" / "data-analytics.toml").read_text("utf-8")
        p = load_pathway_toml(text, source="data-analytics.toml")
        assert p.id == "data-analytics"

    def test_name_defaults_to_id(self) -> None:
        """A pathway without a name is called by its id."""
        assert load_pathway_toml('id = "x"\n[goal]\nmanual = true\n').name == "x"


class TestErrorsNameTheLine:
    def test_not_toml(self) -> None:
        """A syntax error reports tomllib's line and column."""
        message = error_of('id = "x"\n[goal\n')
        assert message.startswith("bad.toml: not valid TOML") and "line 2" in message

    def test_unknown_key(self) -> None:
        """An unknown key in a component names its line and the key."""
        message = error_of(
            GOOD.replace("[components.tableau]\n", '[components.tableau]\ncolour = "red"\n')
        )
        line = GOOD.splitlines().index("[components.tableau]") + 2
        assert message.startswith(f"bad.toml:{line}: components.tableau.colour: unknown key")

    def test_unknown_key_inside_an_inline_match(self) -> None:
        """An unknown match key inside an inline table is found on its line."""
        message = error_of(
            GOOD.replace('{ tag = "tableau" }', '{ tag = "tableau", colour = "red" }')
        )
        line = next(i for i, s in enumerate(GOOD.splitlines(), 1) if 'tag = "tableau"' in s)
        assert message.startswith(f"bad.toml:{line}: components.tableau.match.colour: unknown key")

    def test_unknown_top_level_key(self) -> None:
        """A misspelt top-level key is reported with its line."""
        message = error_of('id = "x"\ndescripton = "typo"\n[goal]\nmanual = true\n')
        assert message.startswith("bad.toml:2: descripton: unknown key")

    def test_missing_component(self) -> None:
        """`of` naming a component that does not exist points at the `of` line."""
        message = error_of(GOOD.replace('"tableau"]', '"tablaeu"]'))
        line = next(i for i, s in enumerate(GOOD.splitlines(), 1) if '"tableau"]' in s)
        assert message.startswith(
            f"bad.toml:{line}: components.tools.of[2]: refers to a missing component 'tablaeu'"
        )

    def test_cycle(self) -> None:
        """A cycle is named along its path, at the `of` that closes it."""
        text = """\
            id = "x"
            [goal]
            require = "all"
            of = ["a"]
            [components.a]
            require = "any"
            of = ["b"]
            [components.b]
            require = "all"
            of = ["a"]
        """
        message = error_of(text)
        assert "cycle: a -> b -> a" in message
        assert message.startswith("bad.toml:10: components.b.of")

    def test_count_larger_than_its_parts(self) -> None:
        """at-least 4 of 3 is refused at the count line."""
        message = error_of(GOOD.replace("count = 2", "count = 4"))
        line = next(i for i, s in enumerate(GOOD.splitlines(), 1) if s == "count = 2")
        assert (
            message
            == f"bad.toml:{line}: components.tools.count: count 4 is larger than its 3 parts"
        )

    @pytest.mark.parametrize(
        ("body", "expected"),
        [
            ('[goal]\nrequire = "some"\nof = ["a"]\n', "unknown value 'some'"),
            ('[goal]\nrequire = "at-least"\nof = ["a"]\n', "'at-least' needs a count"),
            ('[goal]\nrequire = "all"\n', "needs 'of'"),
            ('[goal]\nrequire = "credits"\nfrom = { tag = "x" }\n', "needs 'min'"),
            ('[goal]\nrequire = "credits"\nmin = 0\nfrom = { tag = "x" }\n', "greater than 0"),
            ("[goal]\nmatch = {}\n", "at least one key"),
            ("[goal]\nmatch = { tag = 3 }\n", "must be a string"),
            ('[goal]\nmatch = { tag = "x", earned_within = "3 years" }\n', "d, w, m or y"),
            ('[goal]\nmatch = { earned_after = "2024" }\n', "TOML date"),
            ('[goal]\nmatch = { tag = "x" }\nrequire = "all"\n', "both 'match' and 'require'"),
            ('[goal]\nname = "x"\n', "needs 'match', 'require' or 'manual = true'"),
            ("[goal]\nmanual = false\n", "must be true"),
            ('[goal]\nmatch = { tag = "x" }\nallow = ["revoked"]\n', "unknown value 'revoked'"),
            ('[goal]\nmatch = { tag = "x" }\ncount = 0\n', "at least 1"),
            ('[goal]\nmatch = { tag = "x" }\nafter = ["nope"]\n', "missing component 'nope'"),
            ("[goal]\nmanual = true\n[components.goal]\nmanual = true\n", "not 'goal'"),
        ],
    )
    def test_structural_errors(self, body: str, expected: str) -> None:
        """Each malformed node gives one clear BadInput."""
        message = error_of('id = "x"\n' + body)
        assert expected in message and message.startswith("bad.toml:")

    def test_missing_id_and_goal(self) -> None:
        """A file without id or goal says which is missing."""
        assert "missing 'id'" in error_of("[goal]\nmanual = true\n")
        assert "missing [goal]" in error_of('id = "x"\n')

    def test_bad_id(self) -> None:
        """An id with spaces is refused."""
        assert "id: must be letters" in error_of('id = "my pathway"\n[goal]\nmanual = true\n')

    def test_too_many_components(self) -> None:
        """More than MAX_NODES components is a LimitExceeded."""
        body = 'id = "x"\n[goal]\nmanual = true\n' + "".join(
            f"[components.c{i}]\nmanual = true\n" for i in range(MAX_NODES)
        )
        with pytest.raises(LimitExceeded):
            load_pathway_toml(body)


class TestExport:
    def test_export_is_byte_for_byte(self) -> None:
        """A pathway loaded from TOML dumps to exactly the same text, comments included."""
        assert dump_pathway_toml(load_pathway_toml(GOOD)) == GOOD

    def test_example_export_is_byte_for_byte(self) -> None:
        """The example file survives a load and export unchanged."""
        text = (EXAMPLES / "pathways" / "data-analytics.toml").read_text("utf-8")
        assert dump_pathway_toml(load_pathway_toml(text)) == text

    def test_a_pathway_without_text_is_written_by_tomli_w(self) -> None:
        """Written TOML reloads to an equal pathway."""
        original = load_pathway_toml(GOOD)
        rebuilt = pathway_from_dict(pathway_to_dict(original))
        assert rebuilt.text is None
        again = load_pathway_toml(dump_pathway_toml(rebuilt))
        assert again == original


_keys = st.from_regex(r"[a-z][a-z0-9-]{0,8}", fullmatch=True).filter(lambda k: k != "goal")
_text = st.text(
    st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), min_size=1, max_size=12
).filter(str.strip)
_match = st.fixed_dictionaries(
    {},
    optional={
        "achievement": _text,
        "name": _text,
        "tag": _text,
        "alignment": _text,
        "earned_after": st.dates(min_value=date(2000, 1, 1), max_value=date(2030, 1, 1)),
        "earned_within": st.sampled_from(["3y", "18m", "6w", "90d"]),
    },
).filter(bool)


@st.composite
def documents(draw: st.DrawFn) -> dict[str, Any]:
    keys = draw(st.lists(_keys, min_size=1, max_size=5, unique=True))
    components: dict[str, Any] = {}
    for key in keys:
        kind = draw(st.sampled_from(["leaf", "credits", "manual"]))
        if kind == "leaf":
            node: dict[str, Any] = {
                "match": draw(st.one_of(_match, st.lists(_match, min_size=2, max_size=3)))
            }
            if draw(st.booleans()):
                node["count"] = draw(st.integers(2, 5))
        elif kind == "credits":
            node = {"require": "credits", "min": draw(st.integers(1, 60)), "from": draw(_match)}
        else:
            node = {"manual": True}
        if draw(st.booleans()):
            node["name"] = draw(_text)
        if draw(st.booleans()):
            node["note"] = draw(_text)
        if kind != "manual" and draw(st.booleans()):
            node["allow"] = ["expired"]
            node["shared"] = True
        components[key] = node
    goal: dict[str, Any] = {
        "require": draw(st.sampled_from(["all", "any", "at-least"])),
        "of": keys,
    }
    if goal["require"] == "at-least":
        goal["count"] = draw(st.integers(1, len(keys)))
    if draw(st.booleans()):
        goal["completed_by"] = draw(_match)
    return {"id": "p", "name": draw(_text), "goal": goal, "components": components}


class TestRoundTrip:
    @settings(max_examples=100, deadline=None)
    @given(doc=documents())
    def test_tomli_w_round_trip(self, doc: dict[str, Any]) -> None:
        """Any valid pathway written with tomli-w reads back equal."""
        pathway = pathway_from_dict(doc)
        assert load_pathway_toml(dump_pathway_toml(pathway)) == pathway

    @settings(max_examples=200, deadline=None)
    @given(text=st.text(max_size=300))
    def test_any_text_gives_a_pathway_or_bad_input(self, text: str) -> None:
        """Arbitrary text never raises anything but BadInput."""
        with contextlib.suppress(BadInput):
            load_pathway_toml(text)

    @settings(max_examples=300, deadline=None)
    @given(
        doc=st.recursive(
            st.one_of(st.none(), st.booleans(), st.integers(-3, 5), st.floats(), _text, st.dates()),
            lambda inner: st.one_of(
                st.lists(inner, max_size=3),
                st.dictionaries(
                    st.sampled_from(
                        [
                            "id",
                            "goal",
                            "components",
                            "require",
                            "of",
                            "count",
                            "match",
                            "min",
                            "from",
                            "manual",
                            "tag",
                            "a",
                            "b",
                            "after",
                            "allow",
                            "completed_by",
                            "earned_within",
                            "earned_after",
                            "shared",
                            "credits",
                            "source",
                        ]
                    ),
                    inner,
                    max_size=5,
                ),
            ),
            max_leaves=20,
        )
    )
    def test_any_structure_gives_a_pathway_or_bad_input(self, doc: object) -> None:
        """Arbitrary nested data never raises anything but BadInput."""
        if not isinstance(doc, dict):
            doc = {"goal": doc}
        doc.setdefault("id", "x")
        with contextlib.suppress(BadInput):
            pathway_from_dict(doc)
