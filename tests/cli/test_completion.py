"""Shell completion for bash, zsh and fish: commands, options, and ids inside a session only.

Completion is driven as the shells' scripts drive it: ``_CREDWALLET_COMPLETE`` names the shell,
bash passes ``COMP_WORDS``/``COMP_CWORD``, zsh and fish pass ``_TYPER_COMPLETE_ARGS``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from cli_support import PASSPHRASE, Run
from typer.testing import CliRunner, Result

from credwallet.cli._app import app
from support import EXAMPLES


def _complete(shell: str, words: str, env: dict[str, str] | None = None) -> Result:
    """What `credwallet` answers when ``shell`` asks to complete the command line ``words``."""
    full = {"_CREDWALLET_COMPLETE": f"complete_{shell}", "CREDWALLET_PASSPHRASE": "", **(env or {})}
    if shell == "bash":
        parts = words.split(" ")
        full |= {"COMP_WORDS": words, "COMP_CWORD": str(len(parts) - 1)}
    else:
        full |= {"_TYPER_COMPLETE_ARGS": words, "_TYPER_COMPLETE_FISH_ACTION": "get-args"}
    # CREDWALLET_PASSPHRASE is emptied: completion must not use it even when it is there.
    full.pop("CREDWALLET_PASSPHRASE")
    return CliRunner().invoke(app, [], env=full, prog_name="credwallet")


@pytest.fixture
def filled(wallet: Run, home: Path) -> tuple[dict[str, str], str]:
    """A wallet with the example badges and pathway; returns (name -> id, session token)."""
    assert wallet("import", str(EXAMPLES), "--offline").exit_code == 0
    pathway = EXAMPLES / "pathways" / "data-analytics.toml"
    assert wallet("pathway", "add", str(pathway)).exit_code == 0
    listing = json.loads(wallet("show", "--json").stdout)["credentials"]
    token = json.loads(wallet("unlock", "--json").stdout)["session"]
    return {c["name"]: c["id"] for c in listing}, token


class TestCommandsAndOptions:
    def test_command_names(self) -> None:
        """`credwallet sh<Tab>` offers every command starting with "sh" (show, share, ...)."""
        from credwallet.cli._commands import COMMANDS

        result = _complete("bash", "credwallet sh")
        assert result.exit_code == 0, result.output
        assert result.stdout.split() == [name for name in COMMANDS if name.startswith("sh")]
        assert {"show", "share"} <= set(result.stdout.split())

    def test_options_of_a_command(self) -> None:
        """`credwallet show --st<Tab>` offers --status."""
        assert _complete("bash", "credwallet show --st").stdout.split() == ["--status"]

    def test_root_options_include_completion_setup(self) -> None:
        offered = _complete("bash", "credwallet --").stdout.split()
        assert {"--home", "--json", "--install-completion", "--show-completion"} <= set(offered)

    def test_command_names_import_no_command_module(self) -> None:
        """Completing a command name reads the command table only (commands stay lazy)."""
        code = (
            "import os, sys\n"
            "os.environ.update(_CREDWALLET_COMPLETE='complete_bash', COMP_WORDS='credwallet s',"
            " COMP_CWORD='1')\n"
            "from credwallet.cli import main\n"
            "sys.argv = ['credwallet']\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "print('MODULES', ' '.join(sorted(sys.modules)))\n"
        )
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
        offered, modules = out.stdout.split("MODULES", 1)
        assert {"show", "share", "status"} <= set(offered.split())
        loaded = set(modules.split())
        assert not {m for m in loaded if m.startswith("credwallet.cli._cmd_")}
        assert not {m for m in loaded if m.startswith(("credwallet.wallet", "credwallet.store"))}


class TestIds:
    def test_credential_ids_with_a_session(
        self, filled: tuple[dict[str, str], str], home: Path
    ) -> None:
        """Inside an unlock session, `show <Tab>` offers every wallet id."""
        ids, token = filled
        result = _complete(
            "bash", f"credwallet --home {home} show ", env={"CREDWALLET_SESSION": token}
        )
        assert result.exit_code == 0, result.output
        assert sorted(result.stdout.split()) == sorted(ids.values())
        assert result.stderr == ""

    def test_a_prefix_narrows_the_ids(self, filled: tuple[dict[str, str], str], home: Path) -> None:
        ids, token = filled
        wanted = ids["SQL for Data Analysis"]
        for command in ("show", "explain", "tag", "remove", "verify"):
            result = _complete(
                "bash",
                f"credwallet --home {home} {command} {wanted[:6]}",
                env={"CREDWALLET_SESSION": token},
            )
            assert wanted in result.stdout.split(), command

    def test_no_session_no_ids_and_no_prompt(
        self, filled: tuple[dict[str, str], str], home: Path
    ) -> None:
        """Without a session nothing is offered, silently (a passphrase is never used)."""
        result = _complete(
            "bash",
            f"credwallet --home {home} show ",
            env={"CREDWALLET_PASSPHRASE": PASSPHRASE},
        )
        assert result.exit_code == 0
        assert result.stdout.strip() == "" and result.stderr == ""

    def test_an_ended_session_offers_nothing(
        self, filled: tuple[dict[str, str], str], wallet: Run, home: Path
    ) -> None:
        _, token = filled
        assert wallet("lock", passphrase=None, env={"CREDWALLET_SESSION": token}).exit_code == 0
        result = _complete(
            "bash", f"credwallet --home {home} show ", env={"CREDWALLET_SESSION": token}
        )
        assert result.exit_code == 0
        assert result.stdout.strip() == "" and result.stderr == ""

    def test_pathway_ids(self, filled: tuple[dict[str, str], str], home: Path) -> None:
        """`pathway show d<Tab>` offers data-analytics inside a session, nothing outside."""
        _, token = filled
        for command in ("show", "export", "remove", "tick"):
            words = f"credwallet --home {home} pathway {command} d"
            inside = _complete("bash", words, env={"CREDWALLET_SESSION": token})
            assert inside.stdout.split() == ["data-analytics"], command
            assert _complete("bash", words).stdout.strip() == ""

    def test_zsh_and_fish_show_the_names(
        self, filled: tuple[dict[str, str], str], home: Path
    ) -> None:
        """zsh and fish get each id with the credential's name as its description."""
        ids, token = filled
        wanted = ids["Cloud Practitioner"]
        env = {"CREDWALLET_SESSION": token}
        zsh = _complete("zsh", f"credwallet --home {home} show {wanted[:8]}", env=env)
        assert f'"{wanted}":"Cloud Practitioner"' in zsh.stdout
        fish = _complete("fish", f"credwallet --home {home} show {wanted[:8]}", env=env)
        assert fish.stdout.strip() == f"{wanted}\tCloud Practitioner"
        outside = _complete("zsh", f"credwallet --home {home} show {wanted[:8]}")
        assert outside.stdout.strip() == "_files"  # zsh falls back to file names

    def test_clicks_instruction_spelling_works_too(
        self, filled: tuple[dict[str, str], str], home: Path
    ) -> None:
        """`_CREDWALLET_COMPLETE=bash_complete` (click's order) answers like complete_bash."""
        ids, token = filled
        words = f"credwallet --home {home} show "
        result = CliRunner().invoke(
            app,
            [],
            env={
                "_CREDWALLET_COMPLETE": "bash_complete",
                "COMP_WORDS": words,
                "COMP_CWORD": "4",
                "CREDWALLET_SESSION": token,
            },
            prog_name="credwallet",
        )
        assert sorted(result.stdout.split()) == sorted(ids.values())


class TestScripts:
    @pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
    def test_show_completion_prints_the_script(
        self, shell: str, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION", "1")
        result = CliRunner().invoke(app, ["--show-completion", shell], prog_name="credwallet")
        assert result.exit_code == 0, result.output
        assert f"_CREDWALLET_COMPLETE=complete_{shell}" in result.stdout

    def test_install_completion_writes_the_bash_script(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION", "1")
        monkeypatch.setenv("HOME", str(tmp_path))
        result = CliRunner().invoke(app, ["--install-completion", "bash"], prog_name="credwallet")
        assert result.exit_code == 0, result.output
        script = tmp_path / ".bash_completions" / "credwallet.sh"
        assert "complete_bash" in script.read_text()
        assert str(script) in (tmp_path / ".bashrc").read_text()
