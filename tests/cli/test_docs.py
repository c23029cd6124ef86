"""Every command explains itself and is documented in the README."""

from __future__ import annotations

import re

import pytest

from credwallet.cli._commands import COMMANDS as TABLE
from credwallet.cli._lazy import load_command
from support import REPO


def _commands() -> list[tuple[str, object]]:
    found: list[tuple[str, object]] = []

    def walk(prefix: str, command: object) -> None:
        subcommands = getattr(command, "commands", None)
        if subcommands:
            for name, sub in subcommands.items():
                walk(f"{prefix} {name}".strip(), sub)
        else:
            found.append((prefix, command))

    for name in TABLE:  # each command as it really is, not its start-up placeholder
        walk(name, load_command(name))
    return found


COMMANDS = _commands()


@pytest.mark.parametrize(("name", "command"), COMMANDS, ids=[n for n, _ in COMMANDS])
def test_command_has_help(name: str, command: object) -> None:
    """Each command has a one-line help text that says what it does."""
    text = (getattr(command, "help", None) or "").strip()
    assert text, f"`credwallet {name}` has no help text"
    assert len(text.splitlines()[0]) <= 100


@pytest.mark.parametrize(("name", "command"), COMMANDS, ids=[n for n, _ in COMMANDS])
def test_command_is_in_the_readme(name: str, command: object) -> None:
    """The README's command table names every command."""
    readme = (REPO / "README.md").read_text("utf-8")
    assert re.search(rf"`credwallet {re.escape(name)}\b", readme), f"README lacks `{name}`"


def test_readme_lists_every_exit_code() -> None:
    """The README's exit code table matches the ExitCode enum."""
    from credwallet.errors import ExitCode

    readme = (REPO / "README.md").read_text("utf-8")
    for code in ExitCode:
        assert re.search(rf"^\| {int(code)} \|", readme, re.MULTILINE), code
