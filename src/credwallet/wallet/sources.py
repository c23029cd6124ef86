"""Turn what the user named (files, folders, ``-``, URLs) into bytes to parse, safely.

Reading is bounded: only regular files are opened (a FIFO or ``/dev/zero`` is refused before it
is opened, so nothing blocks), and no read goes past the size cap, whatever the file claims.
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from credwallet.errors import BadInput, CredwalletError, LimitExceeded
from credwallet.formats import MAX_INPUT_BYTES

__all__ = [
    "CREDENTIAL_SUFFIXES",
    "Source",
    "SourceFailure",
    "expand_sources",
    "open_regular_file",
    "read_file_limited",
]

# When walking a folder only these are tried; a file named explicitly is always tried.
CREDENTIAL_SUFFIXES = frozenset(
    {".json", ".jsonld", ".jwt", ".jws", ".sd-jwt", ".png", ".svg", ".txt"}
)


@dataclass(frozen=True, slots=True)
class Source:
    """One input to parse: a display name and its bytes."""

    name: str
    data: bytes
    found_in_folder: bool = False  # not named by the user: a non-credential file is skipped


@dataclass(frozen=True, slots=True)
class SourceFailure:
    """An input that could not even be read, with the one-line reason."""

    name: str
    error: CredwalletError


def open_regular_file(path: Path, *, limit: int | None = None) -> BinaryIO:
    """Open a regular file (of at most ``limit`` bytes) for reading; never blocks on a FIFO.

    A FIFO, a device (``/dev/zero``) or a directory is refused before it is opened; the check is
    repeated on the open descriptor in case the path was swapped in between.
    """
    try:
        info = path.stat()
    except FileNotFoundError:
        raise BadInput(f"{path}: no such file") from None
    except OSError as exc:
        raise BadInput(f"{path}: cannot read ({exc.strerror})") from None
    if not stat.S_ISREG(info.st_mode):
        raise BadInput(f"{path}: not a regular file")
    if limit is not None and info.st_size > limit:
        raise LimitExceeded(f"{path}: {info.st_size:,} bytes is over the {limit:,}-byte limit")
    try:
        # O_NONBLOCK: if the path was swapped for a FIFO after the stat, open still returns.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise BadInput(f"{path}: cannot read ({exc.strerror})") from None
    handle = os.fdopen(fd, "rb")
    if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
        handle.close()
        raise BadInput(f"{path}: not a regular file")
    return handle


def read_file_limited(path: Path, *, limit: int = MAX_INPUT_BYTES) -> bytes:
    """Read a regular file of at most ``limit`` bytes; BadInput/LimitExceeded otherwise."""
    with open_regular_file(path, limit=limit) as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise LimitExceeded(f"{path}: over the {limit:,}-byte limit")
    return data


def read_stdin_limited(*, limit: int = MAX_INPUT_BYTES) -> bytes:
    data = sys.stdin.buffer.read(limit + 1)
    if len(data) > limit:
        raise LimitExceeded(f"standard input is over the {limit:,}-byte limit")
    return data


def _walk(folder: Path) -> Iterator[Path]:
    # Sorted for a stable order; symlinks are not followed (a link could lead anywhere).
    for root, dirs, files in os.walk(folder, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.startswith("."):
                continue
            path = Path(root) / name
            if path.suffix.lower() in CREDENTIAL_SUFFIXES and not path.is_symlink():
                yield path


def count_sources(names: list[str]) -> int:
    """How many inputs :func:`expand_sources` will yield (folders walked, nothing read)."""
    total = 0
    for name in names:
        path = Path(name)
        if name != "-" and not name.startswith(("https://", "http://")) and path.is_dir():
            total += sum(1 for _ in _walk(path))
        else:
            total += 1
    return total


def expand_sources(names: list[str]) -> Iterator[Source | SourceFailure | str]:
    """Yield a Source or SourceFailure per input file; a str item is a URL left to the caller."""
    for name in names:
        if name == "-":
            try:
                yield Source("-", read_stdin_limited())
            except CredwalletError as exc:
                yield SourceFailure("-", exc)
            continue
        if name.startswith(("https://", "http://")):
            yield name
            continue
        path = Path(name)
        if path.is_dir():
            for child in _walk(path):
                try:
                    yield Source(str(child), read_file_limited(child), found_in_folder=True)
                except CredwalletError as exc:
                    yield SourceFailure(str(child), exc)
            continue
        try:
            yield Source(str(path), read_file_limited(path))
        except CredwalletError as exc:
            yield SourceFailure(str(path), exc)
