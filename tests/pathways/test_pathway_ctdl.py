"""CTDL pathway graphs -> pathways, with a report of everything not converted."""

from __future__ import annotations

import contextlib
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pathway_factory import ACH, NOW, held

from credwallet.errors import BadInput, LimitExceeded
from credwallet.models import Alignment
from credwallet.pathways import dump_pathway_toml, evaluate, import_ctdl, load_pathway_toml
from credwallet.pathways.ctdl import MAX_CTDL_BYTES
from credwallet.pathways.model import NodeKind
from support import EXAMPLES

REG = "https://credentialengineregistry.org/resources/"
PATHWAY = REG + "ce-pathway-1"
DEST = REG + "ce-dest"


def comp(ctid: str, kind: str = "CourseComponent", **props: Any) -> dict[str, Any]:
    node = {"@id": REG + ctid, "@type": f"ceterms:{kind}", "ceterms:ctid": ctid}
    node.update({(k if ":" in k else f"ceterms:{k}"): v for k, v in props.items()})
    return node


def graph(dest_props: dict[str, Any], *nodes: dict[str, Any], **pathway_props: Any) -> bytes:
    pathway = {
        "@id": PATHWAY,
        "@type": "ceterms:Pathway",
        "ceterms:ctid": "ce-pathway-1",
        "ceterms:name": {"en-US": "Test Pathway"},
        "ceterms:hasDestinationComponent": [DEST],
        "ceterms:hasPart": [
            DEST,
            *[n["@id"] for n in nodes if n.get("@type") != "ceterms:ComponentCondition"],
        ],
    }
    pathway.update(pathway_props)
    dest = comp("ce-dest", "CredentialComponent", name="Destination", **dest_props)
    doc = {
        "@context": "https://credreg.net/ctdl/schema/context/json",
        "@graph": [pathway, dest, *nodes],
    }
    return json.dumps(doc).encode()


def condition(
    required: int | None, targets: list[str], subs: list[Any] = (), **props: Any
) -> dict[str, Any]:  # type: ignore[assignment]
    cond: dict[str, Any] = {
        "@type": "ceterms:ComponentCondition",
        "ceterms:targetComponent": [REG + t for t in targets],
    }
    if required is not None:
        cond["ceterms:requiredNumber"] = required
    if subs:
        cond["ceterms:hasCondition"] = list(subs)
    cond.update({f"ceterms:{k}": v for k, v in props.items()})
    return cond


class TestTheExample:
    def load(self) -> tuple[Any, list[str]]:
        return import_ctdl((EXAMPLES / "pathways" / "ctdl-data-analytics.json").read_bytes())

    def test_structure(self) -> None:
        """The example graph becomes goal = all of four parts, tools = at-least 2 of 3."""
        p, _ = self.load()
        assert p.id == "ce-5b0f6c1e-8d2a-4e7b-9a31-2f64c0d8e913"
        assert p.source["kind"] == "ctdl"
        assert p.goal.kind is NodeKind.ALL and len(p.goal.of) == 4
        tools = next(n for n in p.components.values() if n.kind is NodeKind.AT_LEAST)
        assert tools.count == 2 and len(tools.of) == 3
        assert p.unit == "ECTS"

    def test_destination_proxy_completes_the_goal(self) -> None:
        """The destination's proxyFor is the goal's completed_by."""
        p, _ = self.load()
        proxy = REG + "ce-a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d"
        assert {m.achievement for m in p.goal.completed_by} >= {proxy}
        assert {m.alignment for m in p.goal.completed_by} >= {
            proxy,
            "ce-a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d",
        }

    def test_components(self) -> None:
        """Leaves match the proxy, carry credits and the designation as a note; work is manual."""
        p, _ = self.load()
        sql = p.components["ce-2a8d3f01-4c5e-4b7f-9d26-e0c18f7b3a52"]
        assert sql.kind is NodeKind.LEAF and sql.credits == 5 and sql.note == "Elective"
        assert [m.achievement for m in sql.match if m.achievement] == [ACH + "sql"]
        assert any(m.name == "SQL for Data Analysis" for m in sql.match)
        placement = p.components["ce-6ec07345-8092-4fb3-916a-2405c3bf7e96"]
        assert placement.kind is NodeKind.MANUAL
        assert placement.after == ("ce-5dbf6234-7f81-4ea2-8059-13f4b2ae6d85",)

    def test_order_from_precedes_and_prerequisite(self) -> None:
        """precedes orders the tools courses; a prerequisite condition orders the capstone."""
        p, report = self.load()
        assert p.components["ce-2a8d3f01-4c5e-4b7f-9d26-e0c18f7b3a52"].after == (
            "ce-1f7c2e90-3b4d-4a6e-8c15-d9b07e6a2f41",
        )
        capstone = p.components["ce-5dbf6234-7f81-4ea2-8059-13f4b2ae6d85"]
        assert (
            len(capstone.after) == 1 and p.components[capstone.after[0]].kind is NodeKind.AT_LEAST
        )
        assert any("prerequisite" in line for line in report)

    def test_report_lists_what_was_not_converted(self) -> None:
        """The progression model and programTerm are reported, not silently dropped."""
        _, report = self.load()
        assert any("hasProgressionModel" in line for line in report)
        assert any("programTerm" in line for line in report)

    def test_progress_with_the_demo_badges(self) -> None:
        """Foundations, SQL and Python held: half the goal, the capstone next."""
        p, _ = self.load()
        creds = [held(w, achievement=ACH + w) for w in ("data-foundations", "sql", "python")]
        result = evaluate(p, creds, now=NOW)
        assert result.progress == 0.5
        assert result.next[0] == "Data Analytics Capstone Project"

    def test_written_toml_reloads(self) -> None:
        """An imported pathway is written by tomli-w and reads back equal."""
        p, _ = self.load()
        assert p.text is None
        assert load_pathway_toml(dump_pathway_toml(p)) == p


class TestConditions:
    def test_required_number_maps_to_all_any_at_least(self) -> None:
        """r = k -> all, r = 1 -> any, otherwise at-least r."""
        parts = [comp(f"ce-c{i}", proxyFor=f"https://x.example/c{i}") for i in range(3)]
        for required, kind in ((3, NodeKind.ALL), (1, NodeKind.ANY), (2, NodeKind.AT_LEAST)):
            data = graph(
                {"hasCondition": [condition(required, ["ce-c0", "ce-c1", "ce-c2"])]}, *parts
            )
            p, _ = import_ctdl(data)
            assert p.goal.kind is kind
            assert p.goal.count == (2 if kind is NodeKind.AT_LEAST else 1)

    def test_nested_embedded_conditions(self) -> None:
        """A condition with a sub-condition nests: all of [c0, any of [c1, c2]]."""
        parts = [comp(f"ce-c{i}", proxyFor=f"https://x.example/c{i}") for i in range(3)]
        inner = condition(1, ["ce-c1", "ce-c2"], name={"en": "Either"})
        p, _ = import_ctdl(graph({"hasCondition": [condition(2, ["ce-c0"], [inner])]}, *parts))
        assert p.goal.kind is NodeKind.ALL
        sub = p.components[p.goal.of[1]]
        assert sub.kind is NodeKind.ANY and sub.name == "Either"
        assert sub.of == ("ce-c1", "ce-c2")

    @pytest.mark.parametrize("ref", ["_:cond-1", {"@id": "_:cond-1"}])
    def test_condition_referenced_by_id(self, ref: object) -> None:
        """A condition given as an @id reference is resolved in the graph."""
        parts = [comp(f"ce-c{i}", proxyFor=f"https://x.example/c{i}") for i in range(2)]
        cond = {"@id": "_:cond-1", **condition(1, ["ce-c0", "ce-c1"])}
        p, _ = import_ctdl(graph({"hasCondition": [ref]}, *parts, cond))
        assert p.goal.kind is NodeKind.ANY and p.goal.of == ("ce-c0", "ce-c1")

    def test_conditions_on_an_inner_component(self) -> None:
        """A component with its own condition becomes a group; its proxyFor completes it."""
        mods = [comp(f"ce-m{i}", proxyFor=f"https://x.example/m{i}") for i in range(2)]
        cert = comp(
            "ce-cert",
            "CredentialComponent",
            proxyFor="https://x.example/cert",
            hasCondition=[condition(2, ["ce-m0", "ce-m1"])],
        )
        p, _ = import_ctdl(graph({"hasCondition": [condition(1, ["ce-cert"])]}, cert, *mods))
        node = p.components["ce-cert"]
        assert node.kind is NodeKind.ALL and node.of == ("ce-m0", "ce-m1")
        assert node.completed_by[0].achievement == "https://x.example/cert"

    def test_missing_or_too_large_required_number(self) -> None:
        """No requiredNumber, or one above the parts, means all, with a report line."""
        parts = [comp(f"ce-c{i}", proxyFor=f"https://x.example/c{i}") for i in range(2)]
        for required, words in ((None, "no ceterms:requiredNumber"), (5, "requires 5 of 2")):
            p, report = import_ctdl(
                graph({"hasCondition": [condition(required, ["ce-c0", "ce-c1"])]}, *parts)
            )
            assert p.goal.kind is NodeKind.ALL
            assert any(words in line for line in report)

    def test_several_conditions_are_all_of_them(self) -> None:
        """Two conditions on one component: all of both, reported."""
        parts = [comp(f"ce-c{i}", proxyFor=f"https://x.example/c{i}") for i in range(3)]
        conds = [condition(1, ["ce-c0", "ce-c1"]), condition(1, ["ce-c2"])]
        p, report = import_ctdl(graph({"hasCondition": conds}, *parts))
        assert p.goal.kind is NodeKind.ALL and len(p.goal.of) == 2
        assert any("2 conditions" in line for line in report)

    def test_a_cycle_is_reported_not_followed(self) -> None:
        """A component whose condition targets its own parent does not loop."""
        a = comp("ce-a", hasCondition=[condition(1, ["ce-b"])])
        b = comp("ce-b", proxyFor="https://x.example/b", hasCondition=[condition(1, ["ce-a"])])
        p, report = import_ctdl(graph({"hasCondition": [condition(1, ["ce-a"])]}, a, b))
        assert any("cycle" in line for line in report)
        assert p.goal.of == ("ce-a",)

    def test_logical_operator_disagreement_is_reported(self) -> None:
        """logicalOperator Or with requiredNumber = all parts keeps requiredNumber and says so."""
        parts = [comp(f"ce-c{i}", proxyFor=f"https://x.example/c{i}") for i in range(2)]
        cond = condition(2, ["ce-c0", "ce-c1"], logicalOperator="logical:Or")
        p, report = import_ctdl(graph({"hasCondition": [cond]}, *parts))
        assert p.goal.kind is NodeKind.ALL
        assert any("logicalOperator" in line for line in report)


class TestComponents:
    def test_proxy_ctid_matches_an_alignment_code(self) -> None:
        """A credential aligned to the proxy's CTID (as OB3 issuers do) fills the leaf."""
        course = comp("ce-course", proxyFor=REG + "ce-real-course", name={"en-US": "Course"})
        p, _ = import_ctdl(graph({"hasCondition": [condition(1, ["ce-course"])]}, course))
        aligned = held(
            "x", alignments=(Alignment(target_code="ce-real-course", target_type="ceterms:Course"),)
        )
        assert evaluate(p, [aligned], now=NOW).complete

    def test_language_maps_pick_the_language(self) -> None:
        """Names come from the language asked for, falling back to any other."""
        course = comp(
            "ce-course",
            proxyFor="https://x.example/c",
            name={"en-US": "Statistics", "de": "Statistik"},
        )
        only_fr = comp("ce-fr", proxyFor="https://x.example/f", name={"fr": "Probabilités"})
        data = graph({"hasCondition": [condition(2, ["ce-course", "ce-fr"])]}, course, only_fr)
        german, _ = import_ctdl(data, lang="de")
        assert german.components["ce-course"].name == "Statistik"
        assert german.components["ce-fr"].name == "Probabilités"
        english, _ = import_ctdl(data)
        assert english.components["ce-course"].name == "Statistics"

    @pytest.mark.parametrize(
        "kind",
        [
            "JobComponent",
            "WorkExperienceComponent",
            "BasicComponent",
            "CocurricularComponent",
            "ExtracurricularComponent",
        ],
    )
    def test_non_credential_steps_are_manual(self, kind: str) -> None:
        """Job, WorkExperience, Basic, Co- and Extracurricular components are manual steps."""
        step = comp("ce-step", kind, name="Step")
        p, _ = import_ctdl(graph({"hasCondition": [condition(1, ["ce-step"])]}, step))
        assert p.components["ce-step"].kind is NodeKind.MANUAL

    def test_credit_value_and_designation(self) -> None:
        """creditValue is kept as credits with its unit; componentDesignation is the note."""
        course = comp(
            "ce-c",
            proxyFor="https://x.example/c",
            creditValue=[
                {
                    "@type": "ceterms:ValueProfile",
                    "schema:value": 3,
                    "ceterms:creditUnitType": [{"ceterms:targetNode": "creditUnit:SemesterHour"}],
                }
            ],
            componentDesignation=["componentDesignation:Core"],
        )
        p, _ = import_ctdl(graph({"hasCondition": [condition(1, ["ce-c"])]}, course))
        assert p.components["ce-c"].credits == 3 and p.unit == "SemesterHour"
        assert p.components["ce-c"].note == "Core"

    def test_children_without_conditions_are_assumed_all(self) -> None:
        """A component with ceasn:hasChild but no condition needs all its children (reported)."""
        kids = [comp(f"ce-k{i}", proxyFor=f"https://x.example/k{i}") for i in range(2)]
        parent = comp(
            "ce-parent", "CollectionComponent", **{"ceasn:hasChild": [k["@id"] for k in kids]}
        )
        p, report = import_ctdl(
            graph({"hasCondition": [condition(1, ["ce-parent"])]}, parent, *kids)
        )
        assert p.components["ce-parent"].kind is NodeKind.ALL
        assert any("assumed all" in line for line in report)

    def test_destination_without_conditions_uses_the_parts(self) -> None:
        """No condition on the destination: the goal is all of the pathway's parts (reported)."""
        parts = [comp(f"ce-c{i}", proxyFor=f"https://x.example/c{i}") for i in range(2)]
        p, report = import_ctdl(graph({"proxyFor": "https://x.example/cert"}, *parts))
        assert p.goal.kind is NodeKind.ALL and p.goal.of == ("ce-c0", "ce-c1")
        assert p.goal.completed_by[0].achievement == "https://x.example/cert"
        assert any("no conditions" in line for line in report)


class TestNotConverted:
    def test_unconvertible_items_are_listed(self) -> None:
        """Unknown types, dangling targets, constraints and point values all reach the report."""
        odd = comp("ce-odd", "MysteryComponent", name="Odd")
        pts = comp("ce-pts", proxyFor="https://x.example/p", pointValue={"schema:value": 4})
        stray = comp("ce-stray", proxyFor="https://x.example/s", name="Stray")
        cond = condition(
            2,
            ["ce-odd", "ce-pts", "ce-gone"],
            hasConstraint=[{"@type": "ceterms:Constraint", "ceterms:name": "GPA over 3"}],
        )
        p, report = import_ctdl(graph({"hasCondition": [cond]}, odd, pts, stray))
        text = "\n".join(report)
        assert "MysteryComponent cannot be converted" in text
        assert "ce-gone" in text and "is not in the graph" in text
        assert "GPA over 3" in text
        assert "pointValue not converted" in text
        assert "'Stray' is in the pathway but in no condition" in text
        assert p.goal.of == ("ce-pts",)

    def test_several_destinations_are_reported(self) -> None:
        """Only the first destination is used; the report says so."""
        other = comp("ce-other", "CredentialComponent", proxyFor="https://x.example/o")
        parts = [comp("ce-c0", proxyFor="https://x.example/c0")]
        data = graph(
            {"hasCondition": [condition(1, ["ce-c0"])]},
            other,
            *parts,
            **{"ceterms:hasDestinationComponent": [DEST, other["@id"]]},
        )
        _, report = import_ctdl(data)
        assert any("2 destination components" in line for line in report)


class TestBadGraphs:
    @pytest.mark.parametrize(
        ("data", "words"),
        [
            (b"not json", "not a CTDL JSON-LD graph"),
            (b'"a string"', "not a CTDL JSON-LD graph"),
            (
                b'{"@graph": [{"@id": "x", "@type": "ceterms:Course"}]}',
                "no node of type ceterms:Pathway",
            ),
            (
                b'{"@graph": [{"@id": "x", "@type": "ceterms:Pathway", "ceterms:ctid": "ce-x"}]}',
                "no destination",
            ),
        ],
    )
    def test_bad_graphs_are_bad_input(self, data: bytes, words: str) -> None:
        """Input that is not a usable pathway graph is one clear BadInput."""
        with pytest.raises(BadInput, match=words):
            import_ctdl(data)

    def test_too_large(self) -> None:
        """A graph over the size cap is refused before parsing."""
        with pytest.raises(LimitExceeded):
            import_ctdl(b" " * (MAX_CTDL_BYTES + 1))

    def test_too_deep(self) -> None:
        """Deeply nested JSON is a LimitExceeded, not a RecursionError."""
        with pytest.raises(LimitExceeded):
            import_ctdl(b'{"@graph": ' + b"[" * 5000 + b"]" * 5000 + b"}")

    @settings(max_examples=200, deadline=None)
    @given(
        doc=st.recursive(
            st.one_of(
                st.none(),
                st.booleans(),
                st.integers(-2, 4),
                st.text(max_size=6),
                st.sampled_from(["ceterms:Pathway", "ceterms:CourseComponent", "_:a", DEST]),
            ),
            lambda inner: st.one_of(
                st.lists(inner, max_size=3),
                st.dictionaries(
                    st.sampled_from(
                        [
                            "@id",
                            "@type",
                            "@graph",
                            "ceterms:ctid",
                            "ceterms:name",
                            "ceterms:hasDestinationComponent",
                            "ceterms:hasCondition",
                            "ceterms:targetComponent",
                            "ceterms:requiredNumber",
                            "ceterms:proxyFor",
                            "ceterms:creditValue",
                            "ceterms:hasPart",
                        ]
                    ),
                    inner,
                    max_size=5,
                ),
            ),
            max_leaves=25,
        )
    )
    def test_any_json_gives_a_pathway_or_bad_input(self, doc: object) -> None:
        """Arbitrary JSON never raises anything but BadInput."""
        with contextlib.suppress(BadInput):
            import_ctdl(json.dumps(doc).encode())
