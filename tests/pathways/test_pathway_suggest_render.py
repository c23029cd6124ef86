"""Suggestions from held credentials, and the plain-data tree the CLI draws."""

from __future__ import annotations

from pathway_factory import ACH, NOW, expired, held, revoked

from credwallet.models import Alignment
from credwallet.pathways import evaluate, load_pathway_toml, render_pathway, suggest_pathways
from support import EXAMPLES


def demo_wallet() -> list:  # type: ignore[type-arg]
    return [
        held(
            "w1",
            achievement=ACH + "data-foundations",
            name="Data Analytics Foundations",
            tags=("data", "analytics"),
            credits=5,
        ),
        held(
            "w2",
            achievement=ACH + "sql",
            name="SQL for Data Analysis",
            tags=("data", "programming"),
            credits=5,
        ),
        held(
            "w3",
            achievement=ACH + "python",
            name="Python for Data Analysis",
            tags=("data", "programming"),
            credits=5,
        ),
        held(
            "w4", achievement=ACH + "cloud-practitioner", name="Cloud Practitioner", tags=("cloud",)
        ),
        expired(
            "w5",
            achievement=ACH + "spreadsheet-modelling",
            name="Spreadsheet Modelling",
            tags=("data",),
            credits=5,
        ),
    ]


class TestSuggest:
    def test_suggestions_are_valid_pathways_that_the_wallet_completes(self) -> None:
        """Every suggestion loads, and describes what is held: each is complete today."""
        wallet = demo_wallet()
        texts = suggest_pathways(wallet)
        assert texts
        for text in texts:
            assert text.startswith("# Suggested by credwallet")
            pathway = load_pathway_toml(text)
            assert evaluate(pathway, wallet, now=NOW).complete, pathway.id

    def test_shared_tag_with_credits(self) -> None:
        """The 'data' tag gives a pathway with a leaf per achievement and a credit total."""
        texts = suggest_pathways(demo_wallet())
        data = load_pathway_toml(next(t for t in texts if 'id = "tag-data"' in t))
        assert len(data.goal.of) == 5  # four achievements and the credit total
        assert data.components["credits"].min == 20

    def test_issuer_series(self) -> None:
        """One issuer's five achievements give an issuer series."""
        texts = suggest_pathways(demo_wallet())
        series = load_pathway_toml(next(t for t in texts if "issuer-northbridge" in t))
        assert len(series.goal.of) == 5

    def test_shared_framework(self) -> None:
        """Two credentials aligned to one framework give a pathway over its targets."""
        esco = "ESCO"
        a = held(
            "a", alignments=(Alignment(target_code="S1", target_name="SQL", target_framework=esco),)
        )
        b = held(
            "b",
            issuer="did:web:other.example",
            issuer_name="Other",
            alignments=(Alignment(target_code="S2", target_name="Python", target_framework=esco),),
        )
        texts = suggest_pathways([a, b])
        framework = load_pathway_toml(next(t for t in texts if "framework-esco" in t))
        assert sorted(
            m.alignment or "" for n in framework.components.values() for m in n.match
        ) == ["S1", "S2"]

    def test_revoked_credentials_are_not_suggested(self) -> None:
        """A revoked credential adds nothing: one valid credential alone suggests nothing."""
        assert suggest_pathways([held("a", tags=("x",)), revoked("b", tags=("x",))]) == []

    def test_nothing_shared_nothing_suggested(self) -> None:
        """Credentials with nothing in common give no suggestion."""
        one = held("a", tags=("x",))
        other = held("b", tags=("y",), issuer="did:web:o.example", issuer_name="O")
        assert suggest_pathways([one, other]) == []


class TestRender:
    def test_tree_states_and_details(self) -> None:
        """The example shows earned, missing and credit details in plain data."""
        text = (EXAMPLES / "pathways" / "data-analytics.toml").read_text("utf-8")
        progress = evaluate(load_pathway_toml(text), demo_wallet(), now=NOW)
        tree = render_pathway(progress)
        by_key = {c.key: c for c in tree.root.children}
        assert tree.root.name == "Data Analytics Professional"
        assert by_key["foundations"].state == "earned"
        assert by_key["foundations"].credential_ids == ("w1",)
        assert by_key["tools"].detail == "2 of 2 needed (3 options)"
        assert by_key["capstone"].state == "missing"
        assert by_key["ects"].detail == "20/20 ECTS"
        assert by_key["internship"].detail == "manual step"
        assert tree.next[0] == "Data Analytics Capstone Project"

    def test_pending_and_ticked(self) -> None:
        """A ticked manual step is pending and marked as the holder's own word."""
        pathway = load_pathway_toml('id = "p"\n[goal]\nmanual = true\nname = "Internship"\n')
        tree = render_pathway(evaluate(pathway, [], now=NOW, ticks=frozenset({"goal"})))
        assert tree.root.state == "pending" and tree.root.attested
        assert tree.root.detail == "done (self-attested)"
        assert not tree.complete
