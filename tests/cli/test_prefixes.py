"""Credential ids and pathway ids: a unique prefix names one; an ambiguous one lists candidates."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_support import Run

from credwallet.errors import ExitCode
from support import EXAMPLES

TOML = EXAMPLES / "pathways" / "data-analytics.toml"


@pytest.fixture
def pathways(wallet: Run, tmp_path: Path) -> Run:
    """Two pathways whose ids share the prefix "data-analytics"."""
    text = TOML.read_text("utf-8")
    second = tmp_path / "second.toml"
    second.write_text(text.replace('id = "data-analytics"', 'id = "data-analytics-advanced"'))
    assert wallet("pathway", "add", str(TOML)).exit_code == 0
    assert wallet("pathway", "add", str(second)).exit_code == 0
    return wallet


class TestPathwayPrefixes:
    def test_an_exact_id_wins_over_longer_ids_it_prefixes(self, pathways: Run) -> None:
        """ "data-analytics" is a whole id, so it names that pathway, not an ambiguity."""
        result = pathways("pathway", "show", "data-analytics", "--json")
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout)["id"] == "data-analytics"

    def test_a_unique_prefix_names_the_pathway_in_every_command(self, pathways: Run) -> None:
        """show, export, tick and remove all accept a unique prefix and name the full id."""
        shown = pathways("pathway", "show", "data-analytics-a", "--json")
        assert json.loads(shown.stdout)["id"] == "data-analytics-advanced"
        exported = pathways("pathway", "export", "data-analytics-adv")
        assert 'id = "data-analytics-advanced"' in exported.stdout
        ticked = pathways("pathway", "tick", "data-analytics-ad", "internship")
        assert ticked.exit_code == 0, ticked.output
        assert "data-analytics-advanced: internship done" in ticked.stderr
        removed = pathways("pathway", "remove", "data-analytics-a")
        assert removed.exit_code == 0, removed.output
        assert "removed pathway data-analytics-advanced" in removed.stderr
        listed = json.loads(pathways("pathway", "list", "--json").stdout)
        assert [p["id"] for p in listed] == ["data-analytics"]

    def test_an_ambiguous_prefix_is_a_usage_error_listing_candidates(self, pathways: Run) -> None:
        """One line, exit 2, naming both pathways."""
        for command in (("show", "data"), ("export", "dat"), ("remove", "d"), ("tick", "d", "x")):
            result = pathways("pathway", *command)
            assert result.exit_code == ExitCode.USAGE, result.output
            assert result.stderr == (
                f"credwallet: error: pathway id prefix {command[1]!r} matches 2 pathways: "
                "data-analytics, data-analytics-advanced\n"
            )
        assert len(json.loads(pathways("pathway", "list", "--json").stdout)) == 2

    def test_an_unknown_prefix_is_not_found(self, pathways: Run) -> None:
        result = pathways("pathway", "show", "zzz")
        assert result.exit_code == ExitCode.NOT_FOUND


class TestCredentialPrefixes:
    def test_an_ambiguous_prefix_lists_candidates_on_one_line(
        self, wallet: Run, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Ids that share a prefix: that prefix is a usage error naming each candidate."""
        import os

        from credwallet.store import core as store_core

        # New records get ids starting "abcd" (the store's choice of id, nothing else, is
        # steered; the rest of each id is random as usual).
        monkeypatch.setattr(
            store_core,
            "_wanted_id",
            lambda value: b"\xab\xcd" + os.urandom(store_core.RECORD_ID_SIZE - 2),
        )
        wallet("import", str(EXAMPLES), "--offline")
        monkeypatch.undo()
        ids = [c["id"] for c in json.loads(wallet("show", "--json").stdout)["credentials"]]
        assert len(ids) == 5 and all(i.startswith("abcd") for i in ids)
        for command in (("show", "abc"), ("tag", "ABCD", "x"), ("remove", "ab")):
            result = wallet(*command)
            assert result.exit_code == ExitCode.USAGE, result.output
            assert result.stderr.count("\n") == 1
            assert f"matches 5 credentials: {', '.join(sorted(i[:12] for i in ids))}" in (
                result.stderr
            )
        assert len(json.loads(wallet("show", "--json").stdout)["credentials"]) == 5

    def test_a_unique_prefix_shows_the_credential(self, wallet: Run) -> None:
        wallet("import", str(EXAMPLES), "--offline")
        first = json.loads(wallet("show", "--json").stdout)["credentials"][0]["id"]
        result = wallet("show", first[:10], "--json")
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout)["id"] == first
