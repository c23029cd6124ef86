"""Hypothesis properties of evaluation, checked against a brute-force oracle on small cases."""

from __future__ import annotations

import itertools
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pathway_factory import NOW, held, pending, revoked

from credwallet.pathways import evaluate
from credwallet.pathways.model import HeldCredential
from credwallet.pathways.toml_io import pathway_from_dict

TAGS = ("a", "b", "c")


@st.composite
def pathways(draw: st.DrawFn) -> dict[str, Any]:
    """A small pathway: a goal group over leaves, credit pools, manual steps and subgroups."""
    components: dict[str, Any] = {}

    def simple() -> str:
        key = f"n{len(components)}"
        kind = draw(st.sampled_from(["leaf", "leaf", "credits", "manual"]))
        if kind == "leaf":
            components[key] = {"match": {"tag": draw(st.sampled_from(TAGS))}}
            count = draw(st.integers(1, 2))
            if count > 1:
                components[key]["count"] = count
        elif kind == "credits":
            components[key] = {
                "require": "credits",
                "min": draw(st.integers(1, 8)),
                "from": {"tag": draw(st.sampled_from(TAGS))},
            }
        else:
            components[key] = {"manual": True}
        if kind != "manual" and draw(st.booleans()) and draw(st.booleans()):
            components[key]["shared"] = True
        return key

    def group(depth: int) -> dict[str, Any]:
        parts = []
        for _ in range(draw(st.integers(1, 3))):
            if depth > 0 and draw(st.booleans()):
                key = f"g{len(components)}"
                components[key] = {}
                components[key] = group(depth - 1)
                parts.append(key)
            else:
                parts.append(simple())
        kind = draw(st.sampled_from(["all", "any", "at-least"]))
        out: dict[str, Any] = {"require": kind, "of": parts}
        if kind == "at-least":
            out["count"] = draw(st.integers(1, len(parts)))
        return out

    goal = group(1)
    if draw(st.booleans()) and draw(st.booleans()):
        goal["completed_by"] = {"tag": "z"}
    return {"id": "prop", "goal": goal, "components": components}


@st.composite
def credentials(draw: st.DrawFn) -> list[HeldCredential]:
    out = []
    for i in range(draw(st.integers(0, 4))):
        tags = tuple(draw(st.sets(st.sampled_from((*TAGS, "z")), max_size=3)))
        credits = draw(st.sampled_from([None, 2, 5]))
        make = draw(st.sampled_from([held, held, pending, revoked]))
        out.append(make(f"w{i}", tags=tuple(sorted(tags)), credits=credits))
    return out


# -- the oracle: every assignment, progress by the rules ---------------------------


def level(cred: HeldCredential) -> str | None:
    return {"valid": "v", "indeterminate": "p"}.get(str(cred.status))


def oracle(
    doc: dict[str, Any], creds: list[HeldCredential], ticks: frozenset[str]
) -> tuple[float, float]:
    """Max verified progress over all assignments, and max pending-inclusive progress."""
    comps = doc["components"]
    nodes = {"goal": doc["goal"], **comps}
    consumers = [k for k, n in comps.items() if ("match" in n or n.get("require") == "credits")]

    def feeds(key: str, cred: HeldCredential) -> bool:
        node = nodes[key]
        table = node.get("match") or node.get("from")
        if node.get("require") == "credits" and not cred.credential.achievement.credits_available:
            return False
        return level(cred) is not None and table["tag"] in cred.tags

    exclusive = [k for k in consumers if not comps[k].get("shared")]
    shared = [k for k in consumers if comps[k].get("shared")]
    choices = [[None, *[k for k in exclusive if feeds(k, c)]] for c in creds]
    best_v = best_p = 0.0
    for assignment in itertools.product(*choices):
        held_by: dict[str, list[HeldCredential]] = {k: [] for k in consumers}
        for cred, key in zip(creds, assignment, strict=True):
            if key is not None:
                held_by[key].append(cred)
        for key in shared:
            held_by[key] = [c for c in creds if feeds(key, c)]

        def progress(
            key: str, with_pending: bool, held_by: dict[str, list[HeldCredential]] = held_by
        ) -> float:
            node = nodes[key]
            done = [c for c in creds if "z" in c.tags and level(c) is not None]
            completes = any(level(c) == "v" for c in done) or (with_pending and bool(done))
            if key == "goal" and "completed_by" in node and completes:
                return 1.0
            ok = [c for c in held_by.get(key, []) if with_pending or level(c) == "v"]
            if "match" in node:
                return min(1.0, len(ok) / node.get("count", 1))
            if node.get("manual"):
                return 1.0 if with_pending and key in ticks else 0.0
            if node["require"] == "credits":
                total = sum(c.credential.achievement.credits_available or 0 for c in ok)
                return min(1.0, total / node["min"])
            parts = [progress(k, with_pending, held_by) for k in node["of"]]
            if node["require"] == "all":
                return sum(parts) / len(parts)
            if node["require"] == "any":
                return max(parts)
            top = sorted(parts, reverse=True)[: node["count"]]
            return sum(top) / node["count"]

        best_v = max(best_v, progress("goal", False))
        best_p = max(best_p, progress("goal", True))
    return best_v, best_p


class TestProgressProperties:
    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(doc=pathways(), creds=credentials(), tick=st.booleans())
    def test_progress_equals_the_best_assignment(
        self, doc: dict[str, Any], creds: list[HeldCredential], tick: bool
    ) -> None:
        """progress is the best over every assignment; complete iff a completing one exists."""
        ticks = frozenset(k for k, n in doc["components"].items() if n.get("manual") and tick)
        result = evaluate(pathway_from_dict(doc), creds, now=NOW, ticks=ticks)
        best_v, best_p = oracle(doc, creds, ticks)
        assert abs(result.progress - best_v) < 1e-9
        assert result.complete == (best_v >= 1 - 1e-9)
        assert result.progress - 1e-9 <= result.progress_pending <= best_p + 1e-9

    @settings(max_examples=150, deadline=None)
    @given(doc=pathways(), creds=credentials())
    def test_progress_is_within_bounds(
        self, doc: dict[str, Any], creds: list[HeldCredential]
    ) -> None:
        """0 <= progress <= progress_pending <= 1, at every node."""
        result = evaluate(pathway_from_dict(doc), creds, now=NOW)
        stack = [result.root]
        while stack:
            node = stack.pop()
            assert 0.0 <= node.progress <= node.progress_pending + 1e-9 <= 1.0 + 1e-9
            stack.extend(node.children)

    @settings(max_examples=150, deadline=None)
    @given(
        doc=pathways(),
        creds=credentials(),
        tags=st.sets(st.sampled_from((*TAGS, "z")), max_size=3),
        credits=st.sampled_from([None, 2, 5]),
    )
    def test_adding_a_valid_credential_never_lowers_progress(
        self,
        doc: dict[str, Any],
        creds: list[HeldCredential],
        tags: set[str],
        credits: int | None,
    ) -> None:
        """One more valid credential: progress stays or rises."""
        pathway = pathway_from_dict(doc)
        before = evaluate(pathway, creds, now=NOW).progress
        extra = held("new", tags=tuple(sorted(tags)), credits=credits)
        after = evaluate(pathway, [*creds, extra], now=NOW).progress
        assert after >= before - 1e-9
