"""Run credwallet for the hardening tests: in-process (fast) or as a real, time-limited process.

Both return a :class:`Ran` with the exit code and the two streams kept apart, so a test can
say exactly where a message went. The real process uses ``tests/cheap_cli.py`` (cheapest KDF).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from typer.testing import CliRunner

from support import REPO

PASSPHRASE = "hardening hostile passphrase"
BOOTSTRAP = REPO / "tests" / "cheap_cli.py"
SUMMARY = re.compile(r"^\d+ imported, \d+ duplicates, \d+ refused, \d+ failed")
# Seconds a command may take before it counts as a hang (generous for a loaded 2-core CI box).
HANG_LIMIT = 60


@dataclass(frozen=True)
class Ran:
    code: int
    out: str
    err: str

    @property
    def all(self) -> str:
        return self.out + self.err

    def err_lines(self) -> list[str]:
        return [line for line in self.err.splitlines() if line.strip()]


def inproc(
    home: Path,
    *args: str,
    passphrase: str | None = PASSPHRASE,
    env: dict[str, str] | None = None,
    stdin: bytes | None = None,
) -> Ran:
    """The CLI through Typer's runner, in this process."""
    from credwallet.cli._app import app

    full_env = dict(env or {})
    if passphrase is not None:
        full_env["CREDWALLET_PASSPHRASE"] = passphrase
    result = CliRunner().invoke(app, ["--home", str(home), *args], env=full_env, input=stdin)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"credwallet {args} raised {result.exception!r}") from (
            result.exception
        )
    return Ran(result.exit_code, result.stdout, result.stderr)


def subproc(
    home: Path,
    *args: str,
    passphrase: str | None = PASSPHRASE,
    env: dict[str, str] | None = None,
    preexec_fn: Callable[[], None] | None = None,
    stdin: int | None = subprocess.DEVNULL,
) -> Ran:
    """The CLI as a real process; a run longer than HANG_LIMIT fails the test (a hang)."""
    full_env = dict(os.environ)
    full_env.pop("CREDWALLET_PASSPHRASE", None)
    full_env.pop("CREDWALLET_SESSION", None)
    full_env.update(env or {})
    if passphrase is not None:
        full_env["CREDWALLET_PASSPHRASE"] = passphrase
    try:
        done = subprocess.run(
            [sys.executable, str(BOOTSTRAP), "--home", str(home), *args],
            env=full_env,
            stdin=stdin,
            capture_output=True,
            text=True,
            timeout=HANG_LIMIT,
            preexec_fn=preexec_fn,
        )
    except subprocess.TimeoutExpired:
        raise AssertionError(f"credwallet {args} hung (over {HANG_LIMIT} s)") from None
    return Ran(done.returncode, done.stdout, done.stderr)


def wallet_ids(home: Path) -> list[str]:
    ran = inproc(home, "show", "--json")
    assert ran.code == 0, ran.err
    return [str(item["id"]) for item in json.loads(ran.out)["credentials"]]


def count(home: Path) -> int:
    return len(wallet_ids(home))


def assert_no_crash(ran: Ran) -> None:
    """No traceback, not the boundary's "this is a bug" line, and never the passphrase."""
    assert "Traceback" not in ran.all, ran.all
    assert PASSPHRASE not in ran.all
    assert "this is a bug in credwallet" not in ran.err, ran.err


def assert_one_line_error(ran: Ran, code: int) -> None:
    """The boundary's single ``credwallet: error: ...`` line and the expected exit code."""
    assert_no_crash(ran)
    assert ran.code == code, (ran.code, ran.all)
    lines = ran.err_lines()
    assert len(lines) == 1 and lines[0].startswith("credwallet: error: "), ran.err


def assert_import_failed(ran: Ran, code: int = 7) -> str:
    """One input failed: its outcome line then the summary line; returns the outcome line."""
    assert_no_crash(ran)
    assert ran.code == code, (ran.code, ran.all)
    lines = ran.err_lines()
    assert len(lines) == 2, ran.err
    assert SUMMARY.match(lines[-1]) and lines[-1].startswith("0 imported"), lines[-1]
    assert lines[0].lstrip().startswith(("failed", "refused")), lines[0]
    return lines[0]


def assert_verify_unreadable(ran: Ran) -> str:
    """Verifying unreadable input: exit 7, a report whose format check fails, stderr empty.

    Returns the report with its whitespace collapsed (the terminal width folds long lines)."""
    assert_no_crash(ran)
    assert ran.code == 7, (ran.code, ran.all)
    assert ran.err.strip() == "", ran.err
    assert re.search(r"^\s+fail\s+format\s+\S", ran.out, re.MULTILINE), ran.out
    return " ".join(ran.out.split())


def make_template_wallet(folder: Path, held: int) -> Path:
    """A wallet holding ``held`` fresh badges, made once per module and copied per test.

    Module fixtures run before the suite's autouse fixtures, so the cheap KDF and the shared
    contexts are set here for the duration of the build only.
    """
    import pytest
    from badges import write_badges

    from credwallet.store import kdf
    from support import CONTEXTS

    home = folder / "wallet"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(kdf, "CREATION_PROFILE", kdf.CHEAPEST)
        patch.setenv("CREDWALLET_CONTEXTS", str(CONTEXTS))
        patch.setenv("CREDWALLET_CACHE_DIR", str(folder / "cache"))
        assert inproc(home, "init").code == 0
        if held:
            imported = inproc(home, "import", str(write_badges(folder / "held", held)[0].parent))
            assert imported.code == 0, imported.err
    return home


def copy_wallet(template: Path, target: Path) -> Path:
    """A private copy of a template wallet (same keys; tests never share one home)."""
    import shutil

    shutil.copytree(template, target, symlinks=True)
    return target
