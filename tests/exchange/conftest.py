"""The receive tests talk to servers on 127.0.0.1 only."""

from __future__ import annotations

from pathlib import Path

import pytest
from exchange_support import Run
from typer.testing import CliRunner, Result

from credwallet.cli._app import app

PASSPHRASE = "correct horse battery staple"


@pytest.fixture(autouse=True)
def _loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CREDWALLET_ALLOW_LOOPBACK", "1")


@pytest.fixture
def run(tmp_path: Path) -> Run:
    """Invoke credwallet on a fresh wallet (initialised) with the passphrase in the env."""
    home = tmp_path / "wallet"

    def invoke(
        *args: str, stdin: bytes | str | None = None, env: dict[str, str] | None = None
    ) -> Result:
        full_env = {"CREDWALLET_PASSPHRASE": PASSPHRASE, **(env or {})}
        return CliRunner().invoke(app, ["--home", str(home), *args], env=full_env, input=stdin)

    result = invoke("init")
    assert result.exit_code == 0, result.output
    return invoke
