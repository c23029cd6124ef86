"""A completely full disk: reading still works, every write says "disk full" (issue 16).

A really full file system is needed (a size limit on the process is not the same: SQLite's
shared-memory file is what fails), so this mounts a 2 MiB tmpfs and is skipped where mounting
is not allowed.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from clirun import assert_one_line_error, copy_wallet, make_template_wallet, subproc


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_template_wallet(tmp_path_factory.mktemp("full-disk"), 2)


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    mount = tmp_path / "small"
    mount.mkdir()
    if shutil.which("mount") is None:
        pytest.skip("no mount command")
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=2m,mode=0700", "tmpfs", str(mount)],
        capture_output=True,
        timeout=30,
    )
    if done.returncode != 0:
        pytest.skip("mounting a tmpfs is not allowed here")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], capture_output=True, timeout=30)


def _fill(disk: Path) -> None:
    with (disk / "filler").open("wb") as out:
        try:
            while True:
                out.write(b"\0" * 65536)
                out.flush()
        except OSError:
            pass


class TestFullDisk:
    def test_show_works_and_writes_say_disk_full(self, template: Path, small_disk: Path) -> None:
        home = copy_wallet(template, small_disk / "wallet")
        before = subproc(home, "show", "--json")
        assert before.code == 0, before.all
        ids = [c["id"] for c in json.loads(before.out)["credentials"]]
        for suffix in ("-wal", "-shm"):  # as after a clean close: nothing left to grow into
            (home / f"wallet.db{suffix}").unlink(missing_ok=True)
        _fill(small_disk)
        shown = subproc(home, "show", "--json")
        assert shown.code == 0, shown.all
        assert [c["id"] for c in json.loads(shown.out)["credentials"]] == ids
        tagged = subproc(home, "tag", ids[0][:8], "new")
        assert_one_line_error(tagged, 1)
        assert "disk full" in tagged.err
