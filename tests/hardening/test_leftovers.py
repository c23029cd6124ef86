"""Crash leftovers of backup and restore are cleaned when it is safe (issue 16)."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from clirun import copy_wallet, inproc, make_template_wallet

HOURS_AGO = time.time() - 2 * 3600


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_template_wallet(tmp_path_factory.mktemp("leftovers"), 1)


def _aged(path: Path) -> Path:
    os.utime(path, (HOURS_AGO, HOURS_AGO))
    return path


class TestLeftovers:
    def test_backup_removes_old_temp_files_of_its_target_only(
        self, template: Path, tmp_path: Path
    ) -> None:
        """An hour-old `.NAME.age.tmp-*` goes; a fresh one (a live writer) and others stay."""
        home = copy_wallet(template, tmp_path / "wallet")
        out = tmp_path / "out"
        out.mkdir()
        stale = out / ".w.age.tmp-0123456789abcdef"
        stale.write_bytes(b"ciphertext of a killed backup")
        _aged(stale)
        fresh = out / ".w.age.tmp-fedcba9876543210"
        fresh.write_bytes(b"a backup still being written")
        other = out / ".other.age.tmp-0123456789abcdef"
        other.write_bytes(b"not ours")
        _aged(other)
        ran = inproc(home, "backup", "-o", str(out / "w.age"))
        assert ran.code == 0, ran.all
        assert sorted(p.name for p in out.iterdir()) == sorted(["w.age", fresh.name, other.name])

    def test_restore_removes_old_staging_dirs(self, template: Path, tmp_path: Path) -> None:
        """A killed restore's `.credwallet-restore-*` dir is removed by the next restore."""
        home = copy_wallet(template, tmp_path / "wallet")
        backup = tmp_path / "w.age"
        assert inproc(home, "backup", "-o", str(backup)).code == 0
        parent = tmp_path / "homes"
        parent.mkdir()
        stale = parent / ".credwallet-restore-abc123"
        (stale / "wallet").mkdir(parents=True)
        (stale / "wallet" / "wallet.db").write_bytes(b"half a wallet")
        _aged(stale)
        fresh = parent / ".credwallet-restore-def456"
        fresh.mkdir()
        ran = inproc(parent / "restored", "restore", str(backup))
        assert ran.code == 0, ran.all
        assert sorted(p.name for p in parent.iterdir()) == sorted([fresh.name, "restored"])
