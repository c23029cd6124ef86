"""Write a file so that it is either absent (or its old self) or complete, never half written.

The recipe is the one KeePassXC's QSaveFile and age's CLI follow: write a temp file created
with O_EXCL and mode 0600 in the *same directory* (a rename is only atomic within one file
system), fsync it, rename it over the target, then fsync the directory so the rename itself
survives a power cut. On any error, including KeyboardInterrupt, the temp file is deleted and
the target is left as it was.

Used for backups; the temp file only ever holds what the caller writes (ciphertext, for a
backup), so nothing secret reaches the disk in the clear.
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import secrets
import stat
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

if TYPE_CHECKING:
    from typing_extensions import Buffer  # collections.abc.Buffer from Python 3.12 on

from credwallet.errors import StorageError

__all__ = ["atomic_write", "remove_stale_temps", "temp_name_prefix"]

_TEMP_MARK = ".tmp-"
_REASONS = {
    # EDQUOT is missing on some platforms; falling back to ENOSPC here is then overridden below.
    getattr(errno, "EDQUOT", errno.ENOSPC): "disk quota exceeded",
    errno.ENOSPC: "disk full",
    errno.EROFS: "read-only file system",
    errno.EACCES: "permission denied",
    errno.EPERM: "operation not permitted",
    errno.ENOENT: "directory does not exist",
    errno.ENOTDIR: "a parent is not a directory",
    errno.EISDIR: "the target is a directory",
    errno.EEXIST: "the file already exists",
    errno.EFBIG: "file too large",
}


def temp_name_prefix(target: Path) -> str:
    """The prefix of every temp file :func:`atomic_write` makes for ``target`` (hidden)."""
    return f".{target.name}{_TEMP_MARK}"


def _storage_error(target: Path, exc: OSError) -> StorageError:
    reason = _REASONS.get(exc.errno or 0) or (exc.strerror or "input/output error")
    return StorageError(f"could not write {target}: {reason}")


class _TempFile(io.BufferedWriter):
    """The temp file handed to the caller: a write the disk refuses becomes a StorageError."""

    def __init__(self, fd: int, target: Path) -> None:
        super().__init__(io.FileIO(fd, "wb"))
        self._target = target

    def write(self, data: Buffer, /) -> int:
        try:
            return super().write(data)
        except OSError as exc:
            raise _storage_error(self._target, exc) from None

    def flush(self) -> None:
        try:
            super().flush()
        except OSError as exc:
            raise _storage_error(self._target, exc) from None


def _fsync_directory(directory: Path) -> None:
    if os.name != "posix":  # Windows cannot open a directory; NTFS journals the rename itself
        return
    fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def atomic_write(target: Path, *, mode: int = 0o600, overwrite: bool = True) -> Iterator[BinaryIO]:
    """Yield a binary file to write; on a clean exit it replaces ``target`` atomically.

    ``overwrite=False`` refuses an existing target (:class:`~credwallet.errors.StorageError`,
    "already exists"), decided atomically with a hard link rather than a check-then-rename.
    Errors from the file system become a one-line StorageError naming the cause (disk full,
    read-only, permission denied); errors raised by the caller's block pass through unchanged.
    """
    target = Path(target)
    directory = target.parent
    temp = directory / f"{temp_name_prefix(target)}{secrets.token_hex(8)}"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    flags |= getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(temp, flags, mode)
    except OSError as exc:
        raise _storage_error(target, exc) from None
    handle = _TempFile(fd, target)
    committed = False
    try:
        if os.name == "posix":
            os.fchmod(fd, mode)  # exact mode, whatever the umask
        yield handle
        try:
            handle.flush()
            os.fsync(fd)
            handle.close()
            _commit(temp, target, overwrite=overwrite)
            committed = True
            _fsync_directory(directory)
        except OSError as exc:
            raise _storage_error(target, exc) from None
    finally:
        if not handle.closed:
            # On the error path the buffer may still hold data the disk refused; it is going
            # to be deleted anyway, so a second refusal must not hide the first error.
            with contextlib.suppress(OSError, StorageError):
                handle.close()
        if not committed:
            with contextlib.suppress(FileNotFoundError):
                temp.unlink()


def _commit(temp: Path, target: Path, *, overwrite: bool) -> None:
    if overwrite:
        temp.replace(target)
        return
    # link() fails with EEXIST if the target exists, atomically; then drop the temp name.
    os.link(temp, target, follow_symlinks=False)
    temp.unlink()


def remove_stale_temps(target: Path, *, older_than: float = 0.0) -> int:
    """Delete temp files a killed :func:`atomic_write` left next to ``target``; returns the count.

    ``older_than`` (seconds) spares temp files modified more recently, so that a write still
    in progress in another process is not pulled from under it (a live writer touches its temp
    file continuously; a crash leftover never changes again).
    """
    target = Path(target)
    removed = 0
    prefix = temp_name_prefix(target)
    cutoff = time.time() - older_than
    with contextlib.suppress(OSError):
        for entry in target.parent.iterdir():
            if not entry.name.startswith(prefix) or entry.is_symlink():
                continue
            with contextlib.suppress(OSError):
                info = entry.stat()
                if stat.S_ISREG(info.st_mode) and (older_than <= 0 or info.st_mtime < cutoff):
                    entry.unlink()
                    removed += 1
    return removed
