"""Pause Python's cyclic garbage collector while a listing builds many small objects.

Reading 10,000 credentials makes about half a million container objects (records, reports,
checks, parties) that are all still alive when the next full collection runs; each full
collection walks every one of them, and as the heap grows CPython runs several: they cost
`show --json` more than reading the records did. Reference counting still frees these
objects as soon as they are dropped; only cycles wait, and the collector finds those once it
resumes (as it was) after the block.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["paused_gc"]


@contextmanager
def paused_gc() -> Iterator[None]:
    """No cyclic collection inside the block (nested blocks and a disabled collector are
    left as they are)."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
