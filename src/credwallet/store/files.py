"""Files and directories of a wallet home: private modes from creation, atomic small writes, locks.

Everything is created with its final mode in the ``open``/``mkdir`` call itself (then ``chmod``ed
in case the umask took more away), never created world-readable and tightened later. SQLite's
``-wal`` and ``-shm`` files copy the database file's mode, so a 0600 database keeps them 0600.

The ``wallet.lock`` file serialises operations that create or replace the database *file* (init,
restore): an exclusive ``flock`` for those, a shared one while a store opens. It is a separate
file because closing any descriptor of the database itself would drop SQLite's POSIX locks.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from credwallet.errors import StorageError, WalletBusy

__all__ = [
    "DB_NAME",
    "LOCK_NAME",
    "MARKER_NAME",
    "STATE_DIR",
    "atomic_write",
    "create_exclusive",
    "ensure_private_dir",
    "home_lock",
    "storage_error",
]

DB_NAME = "wallet.db"
LOCK_NAME = "wallet.lock"
MARKER_NAME = "last-seen"
STATE_DIR = "state"
# A wallet being created by `init` (store.core): complete, then renamed to DB_NAME.
STAGING_PREFIX = f".{DB_NAME}.init-"

DIR_MODE = 0o700
FILE_MODE = 0o600


def storage_error(path: Path, exc: OSError) -> StorageError:
    """A one-line message for an OS refusal, naming the path but nothing inside it."""
    reason = {
        errno.ENOSPC: "disk full",
        errno.EDQUOT: "disk quota exceeded",
        errno.EROFS: "read-only file system",
        errno.EACCES: "permission denied",
        errno.EPERM: "permission denied",
    }.get(exc.errno or 0, exc.strerror or "I/O error")
    return StorageError(f"cannot write {path}: {reason}")


def ensure_private_dir(path: Path) -> None:
    """Create ``path`` (and parents) if missing; a directory credwallet creates is 0700."""
    if path.is_dir():
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.mkdir(mode=DIR_MODE)
        path.chmod(DIR_MODE)
    except FileExistsError:
        if not path.is_dir():
            raise StorageError(f"cannot create {path}: a file is in the way") from None
    except OSError as exc:
        raise storage_error(path, exc) from None


def create_exclusive(path: Path) -> None:
    """Create an empty 0600 file; :class:`FileExistsError` if anything is already there."""
    fd = os.open(
        path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), FILE_MODE
    )
    try:
        if hasattr(os, "fchmod"):
            os.fchmod(fd, FILE_MODE)
    finally:
        os.close(fd)


def atomic_write(path: Path, data: bytes, *, durable: bool = True) -> None:
    """Write a small file via a 0600 temp file and a rename, so readers see old or new only.

    ``durable=False`` skips the fsync, for files whose loss on power failure costs nothing
    but a warning (the last-seen marker).
    """
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}-{time.monotonic_ns()}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), FILE_MODE)
    try:
        try:
            if hasattr(os, "fchmod"):
                os.fchmod(fd, FILE_MODE)
            os.write(fd, data)
            if durable:
                os.fsync(fd)
        finally:
            os.close(fd)
        tmp.replace(path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_dir(directory: Path) -> None:
    """Make a rename in ``directory`` survive a power cut (no-op where dirs cannot be opened)."""
    if os.name != "posix":
        return
    fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def remove_staging(home: Path) -> int:
    """Delete staging files of an ``init`` that was killed before its rename (call it only
    under the exclusive home lock, which every init holds while it stages)."""
    removed = 0
    with contextlib.suppress(OSError):
        for entry in home.iterdir():
            if entry.name.startswith(STAGING_PREFIX) and not entry.is_symlink():
                with contextlib.suppress(OSError):
                    entry.unlink()
                    removed += 1
    return removed


@contextlib.contextmanager
def home_lock(home: Path, *, exclusive: bool, timeout: float, create: bool) -> Iterator[None]:
    """Hold ``wallet.lock`` (flock) for the block; no-op where flock does not exist.

    A missing lock file is created only when ``create`` is true (init); opening a wallet whose
    lock file is gone simply proceeds without it.
    """
    if sys.platform == "win32":  # pragma: no cover - SQLite's own locking still applies
        yield
        return
    import fcntl

    path = home / LOCK_NAME
    flags = os.O_RDWR | getattr(os, "O_CLOEXEC", 0) | (os.O_CREAT if create else 0)
    try:
        fd = os.open(path, flags, FILE_MODE)
    except FileNotFoundError:
        yield
        return
    except OSError as exc:
        if exc.errno in (errno.EACCES, errno.EROFS, errno.EPERM) and not create:
            yield  # a read-only home can still be read
            return
        raise storage_error(path, exc) from None
    try:
        mode = fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, mode | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise WalletBusy(
                        "wallet busy: another credwallet process is creating or restoring it"
                    ) from None
                time.sleep(0.02)
        yield
    finally:
        os.close(fd)  # releases the flock
