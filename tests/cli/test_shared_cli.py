"""`credwallet shared`: every `share` command leaves one entry in the sealed sharing log."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from cli_support import PASSPHRASE, Run
from typer.testing import CliRunner

from credwallet.cli._app import app
from support import EXAMPLES, EXTERNAL

OB3_DEGREE = "1edtech-ob3-spec-examples/complete-openbadgecredential.json"  # 16 KB


def _log(run: Run, *args: str) -> list[dict[str, Any]]:
    result = run("shared", "--json", *args)
    assert result.exit_code == 0, result.output
    entries: list[dict[str, Any]] = json.loads(result.stdout)
    return entries


@pytest.fixture
def filled(wallet: Run) -> Run:
    assert wallet("import", str(EXAMPLES / "spreadsheet-modelling.json")).exit_code == 0
    assert wallet("import", str(EXAMPLES / "data-analytics-foundations.json")).exit_code == 0
    return wallet


def _ids(run: Run) -> dict[str, str]:
    listing = json.loads(run("show", "--json").stdout)["credentials"]
    return {c["name"]: c["id"] for c in listing}


class TestSharedLog:
    def test_a_new_wallet_has_shared_nothing(self, wallet: Run) -> None:
        assert _log(wallet) == []
        result = wallet("shared")
        assert result.exit_code == 0
        assert "nothing shared yet" in result.stderr

    def test_a_presentation_file_is_logged_with_its_domain_and_path(
        self, filled: Run, tmp_path: Path
    ) -> None:
        ids = list(_ids(filled).values())
        out = tmp_path / "vp.json"
        result = filled(
            "share", "presentation", ids[0], "-o", str(out), "--challenge", "c-123",
            "--domain", "jobs.example",
        )  # fmt: skip
        assert result.exit_code == 0, result.output
        (entry,) = _log(filled)
        assert entry["kind"] == "presentation-file" and entry["how"] == "file"
        assert entry["recipient"] == "jobs.example"
        assert entry["output"] == str(out)
        assert entry["credentials"] == [ids[0]]
        assert entry["credential_names"][0]
        assert "c-123" not in json.dumps(entry)  # the challenge is not kept

    def test_qr_and_resume_are_logged_in_order(self, filled: Run, tmp_path: Path) -> None:
        ids = _ids(filled)
        first = next(iter(ids.values()))
        assert filled("share", "qr", first, "-o", str(tmp_path / "qr.png")).exit_code == 0
        assert filled("share", "resume", "--format", "markdown").exit_code == 0
        qr, resume = _log(filled)
        assert (qr["kind"], qr["how"], qr["credentials"]) == ("qr", "file", [first])
        assert (resume["kind"], resume["how"], resume["detail"]) == (
            "resume", "terminal", "markdown",
        )  # fmt: skip
        assert sorted(resume["credentials"]) == sorted(ids.values())
        assert qr["at"] <= resume["at"]

    def test_filter_by_credential_and_plain_listing(self, filled: Run, tmp_path: Path) -> None:
        one, two = _ids(filled).values()
        assert filled("share", "qr", one, "-o", str(tmp_path / "a.png")).exit_code == 0
        assert filled("share", "qr", two, "-o", str(tmp_path / "b.png")).exit_code == 0
        (entry,) = _log(filled, "--credential", two[:8])
        assert entry["credentials"] == [two]
        text = filled("shared").stdout
        assert text.count("qr by file") == 2
        assert str(tmp_path / "a.png") in text and one[:8] in text

    def test_a_failed_share_is_not_logged(self, filled: Run, tmp_path: Path) -> None:
        result = filled("share", "qr", "ffffffff", "-o", str(tmp_path / "x.png"))
        assert result.exit_code != 0
        assert _log(filled) == []

    def test_a_qr_too_big_for_the_terminal_is_not_logged(self, wallet: Run) -> None:
        """`share qr -o -` refuses a credential needing more than four terminal codes."""
        assert wallet("import", str(EXTERNAL / OB3_DEGREE)).exit_code in (0, 3, 4)
        (only,) = _ids(wallet).values()
        result = wallet("share", "qr", only, "--no-link", "-o", "-")
        assert result.exit_code == 7
        assert _log(wallet) == []

    def test_the_log_travels_with_a_backup(self, filled: Run, tmp_path: Path) -> None:
        first = next(iter(_ids(filled).values()))
        assert filled("share", "qr", first, "-o", str(tmp_path / "qr.png")).exit_code == 0
        backup = tmp_path / "w.age"
        assert filled("backup", "-o", str(backup)).exit_code == 0
        other = tmp_path / "restored"
        env = {"CREDWALLET_PASSPHRASE": PASSPHRASE}
        restored = CliRunner().invoke(app, ["--home", str(other), "restore", str(backup)], env=env)
        assert restored.exit_code == 0, restored.output
        listed = CliRunner().invoke(app, ["--home", str(other), "shared", "--json"], env=env)
        assert [e["kind"] for e in json.loads(listed.stdout)] == ["qr"]
        merged = filled("restore", str(backup), "--merge")
        assert merged.exit_code == 0, merged.output
        assert len(_log(filled)) == 1  # merging the same backup does not double the log
