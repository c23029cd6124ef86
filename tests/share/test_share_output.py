"""Shared files hold personal data: new 0600 files, no silent overwrite, never through a symlink."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from share_helpers import ids

from credwallet.errors import UsageError
from credwallet.share.output import write_private

pytestmark = pytest.mark.skipif(os.name != "posix", reason="file modes and symlinks are POSIX")


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


class TestWritePrivate:
    def test_new_file_is_0600_whatever_the_umask(self, tmp_path: Path) -> None:
        """A new file is created 0600 even under a permissive umask."""
        old = os.umask(0)
        try:
            write_private(tmp_path / "out.zip", b"data")
        finally:
            os.umask(old)
        assert mode_of(tmp_path / "out.zip") == 0o600
        assert (tmp_path / "out.zip").read_bytes() == b"data"

    def test_existing_file_is_refused_and_kept(self, tmp_path: Path) -> None:
        """Without force an existing file is refused and left as it was."""
        target = tmp_path / "out.zip"
        target.write_bytes(b"old")
        with pytest.raises(UsageError, match="already exists; --force"):
            write_private(target, b"new")
        assert target.read_bytes() == b"old"

    def test_force_replaces_with_a_0600_file(self, tmp_path: Path) -> None:
        """With force an existing 0644 file is replaced by a 0600 one."""
        target = tmp_path / "out.zip"
        target.write_bytes(b"old")
        target.chmod(0o644)
        write_private(target, b"new", force=True)
        assert target.read_bytes() == b"new"
        assert mode_of(target) == 0o600

    def test_symlink_is_refused(self, tmp_path: Path) -> None:
        """A symlink at the target is refused, and what it points to is untouched."""
        victim = tmp_path / "victim"
        victim.write_bytes(b"precious")
        (tmp_path / "out.zip").symlink_to(victim)
        with pytest.raises(UsageError, match="symbolic link"):
            write_private(tmp_path / "out.zip", b"new")
        assert victim.read_bytes() == b"precious"

    def test_dangling_symlink_is_refused(self, tmp_path: Path) -> None:
        """A dangling symlink is not followed to create the file it names."""
        (tmp_path / "out.zip").symlink_to(tmp_path / "elsewhere")
        with pytest.raises(UsageError, match="symbolic link"):
            write_private(tmp_path / "out.zip", b"new")
        assert not (tmp_path / "elsewhere").exists()

    def test_force_replaces_the_link_not_its_target(self, tmp_path: Path) -> None:
        """With force the symlink itself is replaced by a regular file."""
        victim = tmp_path / "victim"
        victim.write_bytes(b"precious")
        link = tmp_path / "out.zip"
        link.symlink_to(victim)
        write_private(link, b"new", force=True)
        assert victim.read_bytes() == b"precious"
        assert not link.is_symlink()
        assert link.read_bytes() == b"new"

    def test_directory_is_refused(self, tmp_path: Path) -> None:
        """A directory is never a target, even with force."""
        with pytest.raises(UsageError, match="is a directory"):
            write_private(tmp_path, b"new", force=True)


class TestShareCommandsWriteSafely:
    @pytest.mark.parametrize("command", ["presentation", "bundle", "qr"])
    def test_refuses_existing_then_force_replaces(  # type: ignore[no-untyped-def]
        self, run, tmp_path: Path, command: str
    ) -> None:
        """Every share writer refuses an existing file (exit 2), and --force replaces it 0600."""
        known = ids(run)
        name = {"presentation": "vp.json", "bundle": "b.zip", "qr": "q.png"}[command]
        target = tmp_path / name
        target.write_bytes(b"keep me")
        refused = run("share", command, known["Text analysis"], "-o", str(target))
        assert refused.exit_code == 2, refused.output
        assert "--force" in refused.output
        assert target.read_bytes() == b"keep me"
        made = run("share", command, known["Text analysis"], "-o", str(target), "--force")
        assert made.exit_code == 0, made.output
        assert target.read_bytes() != b"keep me"
        assert mode_of(target) == 0o600

    def test_bundle_never_writes_through_a_symlink(  # type: ignore[no-untyped-def]
        self, run, tmp_path: Path
    ) -> None:
        """share bundle -o LINK is refused and the link's target keeps its bytes."""
        victim = tmp_path / "bashrc"
        victim.write_text(json.dumps({"keep": True}))
        (tmp_path / "b.zip").symlink_to(victim)
        result = run("share", "bundle", ids(run)["Text analysis"], "-o", str(tmp_path / "b.zip"))
        assert result.exit_code == 2
        assert json.loads(victim.read_text()) == {"keep": True}
