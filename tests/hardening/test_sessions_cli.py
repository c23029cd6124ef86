"""Sessions through the CLI with real processes: revocation does not depend on the environment."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from clirun import assert_one_line_error, inproc, subproc


@pytest.fixture
def desktop(tmp_path: Path) -> Path:
    runtime = tmp_path / "desktop-runtime"
    runtime.mkdir(mode=0o700)
    return runtime


def _unlock_on_desktop(home: Path, desktop: Path) -> str:
    ran = subproc(home, "unlock", env={"XDG_RUNTIME_DIR": str(desktop)})
    assert ran.code == 0, ran.all
    match = re.fullmatch(r"export CREDWALLET_SESSION=(\S+)\n", ran.out)
    assert match is not None, ran.out
    return match.group(1)


def _show_on_desktop(home: Path, desktop: Path, token: str) -> int:
    env = {"XDG_RUNTIME_DIR": str(desktop), "CREDWALLET_SESSION": token}
    ran = subproc(home, "show", "--json", passphrase=None, env=env)
    if ran.code:
        assert_one_line_error(ran, 5)
    return ran.code


class TestRevocationOverSsh:
    @pytest.mark.parametrize("command", [["lock", "--all"], ["passwd"]])
    def test_a_desktop_session_ends_when_ended_from_ssh(
        self, tmp_path: Path, desktop: Path, command: list[str]
    ) -> None:
        """`lock --all` or `passwd` run with no runtime dir (ssh) ends the desktop's session."""
        home = tmp_path / "wallet"
        assert inproc(home, "init").code == 0
        token = _unlock_on_desktop(home, desktop)
        assert _show_on_desktop(home, desktop, token) == 0
        env = {"XDG_RUNTIME_DIR": ""}
        if command == ["passwd"]:
            new = tmp_path / "new-passphrase"
            new.write_text("a brand new passphrase\n")
            new.chmod(0o600)
            command = ["passwd", "--new-passphrase-file", str(new)]
        ran = subproc(home, *command, env=env)
        assert ran.code == 0, ran.all
        assert _show_on_desktop(home, desktop, token) == 5
