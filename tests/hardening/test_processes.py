"""Real processes: kill -9 in the middle of an import, and two imports at once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from badges import write_badges
from clirun import inproc

from pause_points import kill_when_paused
from support import REPO

PASSPHRASE = "processes test passphrase"
BOOTSTRAP = REPO / "tests" / "cheap_cli.py"


def _cli(home: Path, *args: str) -> list[str]:
    return [sys.executable, str(BOOTSTRAP), "--home", str(home), *args]


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["CREDWALLET_PASSPHRASE"] = PASSPHRASE
    return env


def _count(home: Path) -> int:
    """Read back in this process: the state on disk is what is being checked."""
    result = inproc(home, "show", "--json", passphrase=PASSPHRASE)
    assert result.code == 0, result.err
    return len(json.loads(result.out)["credentials"])


@pytest.fixture
def home(tmp_path: Path) -> Path:
    home = tmp_path / "wallet"
    assert inproc(home, "init", passphrase=PASSPHRASE).code == 0
    return home


class TestKilledImport:
    def test_kill_9_leaves_whole_records_and_rerun_finishes_exactly(
        self, home: Path, tmp_path: Path
    ) -> None:
        """After kill -9 mid-import the wallet opens; re-running ends with each badge once.

        The import writes its 250 badges in transactions of 100 (IMPORT_CHUNK). Each kill lands
        at an exact point (tests/pause_points.py): inside a transaction before its COMMIT, or
        just after one. Badges already held are skipped before any write on a re-run.
        """
        badges = tmp_path / "badges"
        write_badges(badges, 250)
        # (pause point, records held afterwards): a killed transaction adds nothing.
        for point, held in (("inside:1", 0), ("after:1", 100), ("inside:2", 200)):
            kill_when_paused(_cli(home, "import", str(badges)), _env(), point)
            assert _count(home) == held, point  # the wallet opens and is readable after a kill
        check = inproc(home, "check", "--json", "--offline", passphrase=PASSPHRASE)
        assert json.loads(check.out)["store_problems"] == []
        final = inproc(home, "import", str(badges), "--json", passphrase=PASSPHRASE)
        assert final.code == 0, final.err
        assert _count(home) == 250


class TestConcurrentImports:
    def test_two_imports_at_once_both_succeed(self, home: Path, tmp_path: Path) -> None:
        """Two processes importing different badges at once keep every record."""
        first, second = tmp_path / "a", tmp_path / "b"
        write_badges(first, 150, start=0)
        write_badges(second, 150, start=1000)
        procs = [
            subprocess.Popen(
                _cli(home, "import", str(folder)),
                env=_env(),
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for folder in (first, second)
        ]
        for proc in procs:
            _, err = proc.communicate(timeout=300)
            assert proc.returncode == 0, err
        assert _count(home) == 300
