"""Writing a shared file safely: every ``share ... -o FILE`` goes through :func:`write_private`.

What we share holds personal data (names, e-mail addresses, grades), so the file is created
0600 whatever the umask, an existing target is refused unless the user passed ``--force``, and a
symlink is never followed: a link planted at the target (``bundle.zip -> ~/.bashrc``) is refused
like any existing file, and with ``--force`` the link itself is replaced, not what it points to.
The bytes go to a temp file in the same directory that is renamed into place, so an interrupted
write leaves the old file (or nothing), never half a PDF.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from credwallet.errors import StorageError, UsageError
from credwallet.store.atomic import atomic_write

__all__ = ["SHARE_FILE_MODE", "check_target", "write_private"]

SHARE_FILE_MODE = 0o600


def _shown(path: Path) -> str:
    # A file name is user input: keep control characters out of the one-line error.
    return str(path).encode("unicode_escape").decode("ascii")


def check_target(path: Path, *, force: bool) -> None:
    """Refuse ``path`` before any work is done: an existing file without ``force``, a directory,
    or a symlink (followed never, replaced only with ``force``)."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise StorageError(f"cannot write {_shown(path)}: {exc.strerror or exc}") from None
    if stat.S_ISDIR(info.st_mode):
        raise UsageError(f"{_shown(path)} is a directory; give a file name")
    if force:
        if not (stat.S_ISREG(info.st_mode) or stat.S_ISLNK(info.st_mode)):
            raise UsageError(f"{_shown(path)} is not a regular file; not replacing it")
        return
    what = "is a symbolic link" if stat.S_ISLNK(info.st_mode) else "already exists"
    raise UsageError(f"{_shown(path)} {what}; --force replaces it")


def write_private(path: Path, data: bytes, *, force: bool = False) -> None:
    """Write ``data`` to ``path`` as a new 0600 file, atomically, never through a symlink.

    Without ``force`` an existing target is refused, decided atomically (a hard link that fails
    if the name exists), so a file appearing between the check and the write is not clobbered.
    """
    check_target(path, force=force)
    try:
        with atomic_write(path, mode=SHARE_FILE_MODE, overwrite=force) as handle:
            handle.write(data)
    except StorageError as exc:
        if not force and os.path.lexists(path):
            raise UsageError(f"{_shown(path)} already exists; --force replaces it") from None
        raise exc from None
