"""The `pathway` commands end to end: a real wallet, the example badges, the error boundary."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner, Result

from credwallet.cli import _cmd_import, _cmd_setup
from credwallet.cli import pathway as pathway_cli
from credwallet.cli._app import root as root_options
from credwallet.cli._errors import ErrorBoundary
from credwallet.errors import ExitCode
from credwallet.pathways import load_pathway_toml
from support import EXAMPLES

TOML = EXAMPLES / "pathways" / "data-analytics.toml"
CTDL = EXAMPLES / "pathways" / "ctdl-data-analytics.json"
CTDL_ID = "ce-5b0f6c1e-8d2a-4e7b-9a31-2f64c0d8e913"
BADGES = [
    EXAMPLES / name
    for name in (
        "data-analytics-foundations.json",
        "sql-for-data-analysis.jwt",
        "python-for-data-analysis.png",
        "cloud-practitioner.svg",
        "spreadsheet-modelling.json",
    )
]


def _app() -> typer.Typer:
    # The same root options and error boundary as `credwallet`, with the commands used here.
    app = typer.Typer(cls=ErrorBoundary, no_args_is_help=True)
    app.callback()(root_options)
    _cmd_setup.register(app)
    _cmd_import.register(app)
    pathway_cli.register(app)
    return app


@pytest.fixture
def run(tmp_path: Path) -> Any:
    app = _app()
    home = tmp_path / "wallet"

    def invoke(*args: str) -> Result:
        env = {"CREDWALLET_PASSPHRASE": "correct horse battery staple"}
        return CliRunner().invoke(app, ["--home", str(home), "--offline", *args], env=env)

    assert invoke("init").exit_code == 0
    result = invoke("import", *map(str, BADGES))
    assert result.exit_code in (0, ExitCode.INVALID), result.output  # the expired one
    return invoke


def show(run: Any, pathway_id: str = "data-analytics") -> dict[str, Any]:
    result = run("pathway", "show", pathway_id, "--json")
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def children(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["key"]: c for c in data["components"][0]["children"]}


class TestAddShowExport:
    def test_the_example_shows_partial_progress_and_a_next_step(self, run: Any) -> None:
        """With the example badges: foundations and tools earned, the capstone next."""
        assert run("pathway", "add", str(TOML)).exit_code == 0
        data = show(run)
        assert set(data) == {
            "id", "name", "progress", "progress_pending", "complete",
            "components", "missing", "next", "expiring",
        }  # fmt: skip
        parts = children(data)
        assert parts["foundations"]["complete"] and parts["tools"]["complete"]
        assert not parts["capstone"]["complete"]
        assert 0 < data["progress"] < 1 and not data["complete"]
        assert data["next"][0] == "Data Analytics Capstone Project"

    def test_show_draws_a_tree(self, run: Any) -> None:
        """Without --json, show draws the tree and the next steps."""
        run("pathway", "add", str(TOML))
        result = run("pathway", "show", "data-analytics")
        assert result.exit_code == 0, result.output
        assert "Data Analytics Foundations" in result.stdout
        assert "next: Data Analytics Capstone Project" in result.stdout

    def test_export_is_byte_for_byte(self, run: Any, tmp_path: Path) -> None:
        """export gives the added file back exactly, on stdout and with -o."""
        run("pathway", "add", str(TOML))
        assert run("pathway", "export", "data-analytics").stdout == TOML.read_text("utf-8")
        target = tmp_path / "out.toml"
        assert run("pathway", "export", "data-analytics", "-o", str(target)).exit_code == 0
        assert target.read_bytes() == TOML.read_bytes()

    def test_list(self, run: Any) -> None:
        """list --json gives each pathway's id and progress."""
        run("pathway", "add", str(TOML))
        data = json.loads(run("pathway", "list", "--json").stdout)
        assert [d["id"] for d in data] == ["data-analytics"]
        assert set(data[0]) == {"id", "name", "progress", "progress_pending", "complete"}

    def test_adding_twice_needs_replace(self, run: Any) -> None:
        """The same id twice is refused unless --replace."""
        run("pathway", "add", str(TOML))
        assert run("pathway", "add", str(TOML)).exit_code != 0
        assert run("pathway", "add", str(TOML), "--replace").exit_code == 0

    def test_tick_counts_as_pending_only(self, run: Any) -> None:
        """Ticking the internship adds a fifth of pending progress and nothing verified."""
        run("pathway", "add", str(TOML))
        before = show(run)
        assert run("pathway", "tick", "data-analytics", "internship").exit_code == 0
        after = show(run)
        assert after["progress"] == before["progress"]
        assert after["progress_pending"] == pytest.approx(before["progress_pending"] + 0.2)
        assert children(after)["internship"]["ticked"] is True
        assert run("pathway", "tick", "data-analytics", "internship", "--undo").exit_code == 0
        assert show(run)["progress_pending"] == before["progress_pending"]

    def test_tick_refuses_a_credential_step(self, run: Any) -> None:
        """Only manual steps can be ticked."""
        run("pathway", "add", str(TOML))
        assert run("pathway", "tick", "data-analytics", "capstone").exit_code == ExitCode.USAGE
        assert run("pathway", "tick", "data-analytics", "nope").exit_code == ExitCode.NOT_FOUND

    def test_remove(self, run: Any) -> None:
        """remove deletes the pathway; showing it then is not found."""
        run("pathway", "add", str(TOML))
        assert run("pathway", "remove", "data-analytics").exit_code == 0
        assert run("pathway", "show", "data-analytics").exit_code == ExitCode.NOT_FOUND


class TestBadFiles:
    def test_unknown_key_exits_7_naming_the_line(self, run: Any, tmp_path: Path) -> None:
        """An unknown key: exit 7, one line with the file, the line and the key."""
        bad = tmp_path / "bad.toml"
        bad.write_text(
            TOML.read_text("utf-8").replace('unit = "ECTS"', 'unit = "ECTS"\ncolour = "red"')
        )
        result = run("pathway", "add", str(bad))
        assert result.exit_code == ExitCode.BAD_INPUT
        line = bad.read_text().splitlines().index('colour = "red"') + 1
        assert f"bad.toml:{line}: colour: unknown key" in result.stderr
        assert "Traceback" not in result.output

    @pytest.mark.parametrize(
        ("old", "new", "words"),
        [
            ('"python", "tableau"]', '"python", "tabluea"]', "missing component 'tabluea'"),
            ("count = 2", "count = 5", "count 5 is larger than its 3 parts"),
            ('of = ["sql", "python", "tableau"]', 'of = ["sql", "tools"]', "cycle: tools -> tools"),
        ],
    )
    def test_structural_errors_exit_7(
        self, run: Any, tmp_path: Path, old: str, new: str, words: str
    ) -> None:
        """A missing component, an impossible count or a cycle: exit 7 and the reason."""
        bad = tmp_path / "bad.toml"
        bad.write_text(TOML.read_text("utf-8").replace(old, new))
        result = run("pathway", "add", str(bad))
        assert result.exit_code == ExitCode.BAD_INPUT
        assert words in result.stderr and "bad.toml:" in result.stderr

    def test_unreadable_and_binary_files(self, run: Any, tmp_path: Path) -> None:
        """A missing file or a non-UTF-8 file is exit 7, not a traceback."""
        assert run("pathway", "add", str(tmp_path / "nope.toml")).exit_code == ExitCode.BAD_INPUT
        binary = tmp_path / "bin.toml"
        binary.write_bytes(b"\xff\xfe\x00")
        assert run("pathway", "add", str(binary)).exit_code == ExitCode.BAD_INPUT

    def test_a_bad_ctdl_file_exits_7(self, run: Any, tmp_path: Path) -> None:
        """A JSON file that is no pathway graph is refused with exit 7."""
        bad = tmp_path / "bad.json"
        bad.write_text('{"@graph": []}')
        assert run("pathway", "import", str(bad)).exit_code == ExitCode.BAD_INPUT


class TestImportAndSuggest:
    def test_import_lists_what_was_not_converted(self, run: Any) -> None:
        """import stores the CTDL pathway and reports the items it could not convert."""
        result = run("pathway", "import", str(CTDL))
        assert result.exit_code == 0, result.output
        assert "hasProgressionModel" in result.stderr
        data = json.loads(run("pathway", "import", str(CTDL), "--replace", "--json").stdout)
        assert data["id"] == CTDL_ID and data["not_converted"]
        assert show(run, CTDL_ID)["next"][0] == "Data Analytics Capstone Project"

    def test_an_imported_pathway_exports_as_valid_toml(self, run: Any) -> None:
        """export of an imported pathway is TOML that loads."""
        run("pathway", "import", str(CTDL))
        text = run("pathway", "export", CTDL_ID).stdout
        assert load_pathway_toml(text).id == CTDL_ID

    def test_suggest_writes_loadable_files(self, run: Any, tmp_path: Path) -> None:
        """suggest --dir writes one TOML file per suggestion, each a valid pathway."""
        result = run("pathway", "suggest", "--dir", str(tmp_path / "s"))
        assert result.exit_code == 0, result.output
        files = sorted((tmp_path / "s").glob("*.toml"))
        assert "tag-data.toml" in [f.name for f in files]
        for path in files:
            load_pathway_toml(path.read_text("utf-8"))
