"""Fixtures for the migrate-in tests: a wallet driven through the CLI."""

from __future__ import annotations

from pathlib import Path

import pytest
from migrate_support import PASSPHRASE, Run
from typer.testing import CliRunner, Result

from credwallet.cli._app import app


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "wallet"


@pytest.fixture
def run(home: Path) -> Run:
    """Invoke credwallet with --home set and CREDWALLET_PASSPHRASE set."""

    def invoke(*args: str, env: dict[str, str] | None = None, stdin: str | None = None) -> Result:
        full_env = {"CREDWALLET_PASSPHRASE": PASSPHRASE, **(env or {})}
        return CliRunner().invoke(app, ["--home", str(home), *args], env=full_env, input=stdin)

    return invoke


@pytest.fixture
def wallet(run: Run) -> Run:
    result = run("init")
    assert result.exit_code == 0, result.output
    return run
