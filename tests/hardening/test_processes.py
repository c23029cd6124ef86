"""Real processes: kill -9 in the middle of an import, and two imports at once."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from badges import write_badges

from support import REPO

PASSPHRASE = "processes test passphrase"
BOOTSTRAP = REPO / "tests" / "cheap_cli.py"


def _cli(home: Path, *args: str) -> list[str]:
    return [sys.executable, str(BOOTSTRAP), "--home", str(home), *args]


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["CREDWALLET_PASSPHRASE"] = PASSPHRASE
    return env


def _run(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        _cli(home, *args), env=_env(), capture_output=True, text=True, timeout=300
    )


def _count(home: Path) -> int:
    result = _run(home, "show", "--json")
    assert result.returncode == 0, result.stderr
    return len(json.loads(result.stdout)["credentials"])


@pytest.fixture
def home(tmp_path: Path) -> Path:
    home = tmp_path / "wallet"
    assert _run(home, "init").returncode == 0
    return home


class TestKilledImport:
    def test_kill_9_leaves_whole_records_and_rerun_finishes_exactly(
        self, home: Path, tmp_path: Path
    ) -> None:
        """After kill -9 mid-import the wallet opens; re-running ends with each badge once."""
        badges = tmp_path / "badges"
        write_badges(badges, 400)
        rng = random.Random(20261202)
        for _trial in range(3):
            proc = subprocess.Popen(
                _cli(home, "import", str(badges)),
                env=_env(),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            time.sleep(rng.uniform(0.3, 1.5))
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            count = _count(home)  # the wallet opens and is readable after every kill
            assert 0 <= count <= 400
        check = _run(home, "check", "--json", "--offline")
        assert json.loads(check.stdout)["store_problems"] == []
        final = _run(home, "import", str(badges), "--json")
        assert final.returncode == 0, final.stderr
        assert _count(home) == 400


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
