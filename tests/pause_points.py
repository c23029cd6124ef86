"""Stop a child process at an exact point of its N-th write transaction, then kill it there.

Crash tests used to kill a child after a random sleep, which on a loaded machine could land
before the work started (testing nothing) and always cost the sleep. Here the child says when
it has reached the point and waits; the test kills it at once.

Child side: :func:`arm_from_env` (``tests/cheap_cli.py`` calls it) reads
``CREDWALLET_TEST_PAUSE_AT``: ``inside:N`` stops in the N-th ``Store`` write transaction after
its rows are written, before the catalog update and COMMIT; ``after:N`` stops once it has
committed. On reaching the point the child writes one byte to the inherited pipe
``CREDWALLET_TEST_PAUSE_FD`` and waits for a signal.

Test side: :func:`kill_when_paused` starts the child with that pipe, waits for the byte and
SIGKILLs it; it fails the test if the child ends without reaching the point.
"""

from __future__ import annotations

import contextlib
import os
import select
import signal
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from typing import Any

PAUSE_AT = "CREDWALLET_TEST_PAUSE_AT"
PAUSE_FD = "CREDWALLET_TEST_PAUSE_FD"


def arm_from_env() -> None:
    spec = os.environ.get(PAUSE_AT)
    if not spec:
        return
    from credwallet.store.core import Store

    where, _, nth = spec.partition(":")
    if where not in ("inside", "after") or not nth.isdigit() or int(nth) < 1:
        raise SystemExit(f"bad {PAUSE_AT} {spec!r}")
    target, fd = int(nth), int(os.environ[PAUSE_FD])
    original = Store._write
    seen = 0

    def stop_here() -> None:
        os.write(fd, b"!")
        while True:  # until the test's SIGKILL
            signal.pause()

    @contextlib.contextmanager
    def write(self: Store) -> Iterator[Any]:
        nonlocal seen
        with original(self) as txn:
            yield txn
            seen += 1
            if where == "inside" and seen == target:
                stop_here()
        if where == "after" and seen == target:
            stop_here()

    Store._write = write  # type: ignore[method-assign]


def kill_when_paused(
    argv: Sequence[str], env: dict[str, str], point: str, *, timeout: float = 120
) -> None:
    """Run ``argv`` until it pauses at ``point`` (``inside:N``/``after:N``), then SIGKILL it."""
    read_end, write_end = os.pipe()
    # stderr goes to a file: a child blocked on a full pipe would never reach the point.
    with tempfile.TemporaryFile() as errors:
        try:
            proc = subprocess.Popen(
                list(argv),
                env={**env, PAUSE_AT: point, PAUSE_FD: str(write_end)},
                pass_fds=(write_end,),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=errors,
            )
        finally:
            os.close(write_end)  # the child holds its copy: EOF here means the child ended
        try:
            # The byte or EOF; the timeout only bounds a hang.
            ready, _, _ = select.select([read_end], [], [], timeout)
            reached = bool(ready) and os.read(read_end, 1) == b"!"
        finally:
            os.close(read_end)
            proc.kill()
            proc.wait()
        errors.seek(0)
        err = errors.read()[-2000:].decode(errors="replace")
    assert reached, f"the child ended (exit {proc.returncode}) before {point}: {err}"
    assert proc.returncode == -signal.SIGKILL, proc.returncode
