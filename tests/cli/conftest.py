"""Helpers for driving the CLI through Typer's runner."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_support import PASSPHRASE, Run
from typer.testing import CliRunner, Result

from credwallet.cli._app import app


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "wallet"


@pytest.fixture
def run(home: Path) -> Run:
    """Invoke credwallet with --home set; CREDWALLET_PASSPHRASE set unless passphrase=None."""

    def invoke(
        *args: str,
        passphrase: str | None = PASSPHRASE,
        env: dict[str, str] | None = None,
        stdin: bytes | str | None = None,
    ) -> Result:
        full_env = dict(env or {})
        if passphrase is not None:
            full_env["CREDWALLET_PASSPHRASE"] = passphrase
        return CliRunner().invoke(app, ["--home", str(home), *args], env=full_env, input=stdin)

    return invoke


@pytest.fixture
def wallet(run: Run) -> Run:
    """A freshly initialised wallet; returns the runner."""
    result = run("init")
    assert result.exit_code == 0, result.output
    return run
