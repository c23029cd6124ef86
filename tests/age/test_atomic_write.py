"""atomic_write: the target is its old self or complete, never partial; no temp file survives."""

from __future__ import annotations

import errno
import os
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from credwallet.errors import StorageError
from credwallet.store.atomic import atomic_write, remove_stale_temps, temp_name_prefix

posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX file modes and signals")


def _leftovers(target: Path) -> list[str]:
    return [p.name for p in target.parent.iterdir() if p.name.startswith(temp_name_prefix(target))]


class TestSuccess:
    def test_content_is_written_and_no_temp_remains(self, tmp_path: Path) -> None:
        """After a clean block the target holds exactly what was written."""
        target = tmp_path / "backup.age"
        with atomic_write(target) as handle:
            handle.write(b"part one, ")
            handle.write(b"part two")
        assert target.read_bytes() == b"part one, part two"
        assert _leftovers(target) == []

    @posix_only
    def test_file_is_0600_under_a_permissive_umask(self, tmp_path: Path) -> None:
        """The file is created 0600 whatever the umask."""
        old = os.umask(0o000)
        try:
            with atomic_write(tmp_path / "f") as handle:
                handle.write(b"x")
        finally:
            os.umask(old)
        assert stat.S_IMODE((tmp_path / "f").stat().st_mode) == 0o600

    def test_existing_target_is_replaced(self, tmp_path: Path) -> None:
        """By default a finished write replaces an existing file."""
        target = tmp_path / "f"
        target.write_bytes(b"old")
        with atomic_write(target) as handle:
            handle.write(b"new")
        assert target.read_bytes() == b"new"

    def test_temp_file_lives_next_to_the_target(self, tmp_path: Path) -> None:
        """While writing, the data is in a hidden temp file in the same directory."""
        target = tmp_path / "f"
        with atomic_write(target) as handle:
            handle.write(b"x")
            assert not target.exists()
            assert len(_leftovers(target)) == 1


class TestFailure:
    def test_exception_in_block_keeps_the_old_file(self, tmp_path: Path) -> None:
        """An error inside the block leaves the previous content and no temp file."""
        target = tmp_path / "f"
        target.write_bytes(b"previous")
        with pytest.raises(RuntimeError), atomic_write(target) as handle:
            handle.write(b"half")
            raise RuntimeError("boom")
        assert target.read_bytes() == b"previous"
        assert _leftovers(target) == []

    def test_interrupt_in_block_leaves_no_file(self, tmp_path: Path) -> None:
        """KeyboardInterrupt mid-write leaves no target and no temp file."""
        target = tmp_path / "f"
        with pytest.raises(KeyboardInterrupt), atomic_write(target) as handle:
            handle.write(b"half")
            raise KeyboardInterrupt
        assert not target.exists()
        assert _leftovers(target) == []

    def test_no_overwrite_refuses_an_existing_file(self, tmp_path: Path) -> None:
        """overwrite=False refuses an existing target and leaves it untouched."""
        target = tmp_path / "f"
        target.write_bytes(b"keep me")
        with (
            pytest.raises(StorageError, match="already exists"),
            atomic_write(target, overwrite=False) as handle,
        ):
            handle.write(b"other")
        assert target.read_bytes() == b"keep me"
        assert _leftovers(target) == []

    def test_missing_directory_is_a_storage_error(self, tmp_path: Path) -> None:
        """Writing into a directory that does not exist is a clean StorageError."""
        with (
            pytest.raises(StorageError, match="directory does not exist"),
            atomic_write(tmp_path / "nope" / "f"),
        ):
            pass

    def test_disk_full_at_fsync_keeps_the_old_file(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """ENOSPC while syncing becomes "disk full"; the old file survives, the temp is gone."""
        target = tmp_path / "f"
        target.write_bytes(b"previous")

        def full(fd: int) -> None:
            raise OSError(errno.ENOSPC, "No space left on device")

        monkeypatch.setattr(os, "fsync", full)
        with pytest.raises(StorageError, match="disk full"), atomic_write(target) as handle:
            handle.write(b"new")
        assert target.read_bytes() == b"previous"
        assert _leftovers(target) == []

    @posix_only
    def test_file_size_limit_while_writing_is_a_storage_error(self, tmp_path: Path) -> None:
        """A real write refused by the kernel (RLIMIT_FSIZE) is a StorageError, nothing left."""
        target = tmp_path / "f"
        target.write_bytes(b"previous")
        script = (
            "import resource, signal, sys\n"
            "from pathlib import Path\n"
            "from credwallet.errors import StorageError\n"
            "from credwallet.store.atomic import atomic_write\n"
            "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
            "resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))\n"
            "try:\n"
            "    with atomic_write(Path(sys.argv[1])) as f:\n"
            "        for _ in range(64):\n"
            "            f.write(b'x' * 1024)\n"
            "except StorageError as e:\n"
            "    print(e); sys.exit(1)\n"
        )
        done = subprocess.run(
            [sys.executable, "-c", script, str(target)], capture_output=True, text=True, check=False
        )
        assert done.returncode == 1, done.stderr
        assert "file too large" in done.stdout
        assert target.read_bytes() == b"previous"
        assert _leftovers(target) == []


class TestKilled:
    @posix_only
    def test_kill_9_mid_write_leaves_the_old_file_and_a_removable_temp(
        self, tmp_path: Path
    ) -> None:
        """kill -9 during a write: the target is untouched; remove_stale_temps cleans up."""
        target = tmp_path / "backup.age"
        target.write_bytes(b"previous")
        script = (
            "import sys, time\n"
            "from pathlib import Path\n"
            "from credwallet.store.atomic import atomic_write\n"
            "with atomic_write(Path(sys.argv[1])) as f:\n"
            "    f.write(b'partial'); f.flush(); print('writing', flush=True)\n"
            "    time.sleep(60)\n"
        )
        child = subprocess.Popen(
            [sys.executable, "-c", script, str(target)], stdout=subprocess.PIPE, text=True
        )
        try:
            assert child.stdout is not None
            assert child.stdout.readline().strip() == "writing"
            os.kill(child.pid, signal.SIGKILL)
        finally:
            child.wait(timeout=30)
            if child.stdout is not None:
                child.stdout.close()
        assert target.read_bytes() == b"previous"
        assert len(_leftovers(target)) == 1
        (tmp_path / "unrelated.tmp-1").write_bytes(b"not ours")
        assert remove_stale_temps(target) == 1
        assert _leftovers(target) == []
        assert (tmp_path / "unrelated.tmp-1").exists()


class TestStaleTemps:
    def test_cleanup_tolerates_a_missing_directory(self, tmp_path: Path) -> None:
        """remove_stale_temps where the directory is gone removes nothing and does not fail."""
        assert remove_stale_temps(tmp_path / "gone" / "f") == 0

    def test_cleanup_leaves_the_target_and_other_files(self, tmp_path: Path) -> None:
        """Only this target's temp files are removed, never the target or its neighbours."""
        target = tmp_path / "b.age"
        target.write_bytes(b"keep")
        (tmp_path / f"{temp_name_prefix(target)}abc").write_bytes(b"stale")
        (tmp_path / ".other.age.tmp-abc").write_bytes(b"someone else's")
        assert remove_stale_temps(target) == 1
        assert sorted(p.name for p in tmp_path.iterdir()) == [".other.age.tmp-abc", "b.age"]
