"""Run the credwallet CLI with the test-only cheap KDFs (for real-subprocess tests).

``CREDWALLET_TEST_KILL_AT`` (tests only) makes the process SIGKILL itself at a named point of
``init``, so a crash test hits exactly the window it means to, with no timing guesswork:
``schema`` (inside the staging transaction), ``install`` (staging done, before the rename),
``installed`` (after the rename, before the store opens).

``CREDWALLET_TEST_PAUSE_AT`` (tests only) stops it inside or after its N-th write transaction
until the test kills it (see ``tests/pause_points.py``).
"""

from __future__ import annotations

import os
import signal
from collections.abc import Callable
from typing import Any

import credwallet.store.kdf as kdf
import pause_points
from credwallet.cli import main
from credwallet.wallet import backup

kdf.CREATION_PROFILE = kdf.CHEAPEST
backup.BACKUP_LOG_N = 10  # as tests/conftest.py: backups with a cheap scrypt work factor


def _die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def _kill_around(func: Callable[..., Any], *, before: bool) -> Callable[..., Any]:
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if before:
            _die()
        result = func(*args, **kwargs)
        _die()
        return result

    return wrapped


def _arm(point: str) -> None:
    from credwallet.store import core
    from credwallet.store import db as store_db

    if point == "schema":
        store_db.create_schema = _kill_around(store_db.create_schema, before=False)
    elif point == "install":
        core._install = _kill_around(core._install, before=True)
    elif point == "installed":
        core._install = _kill_around(core._install, before=False)
    else:
        raise SystemExit(f"unknown CREDWALLET_TEST_KILL_AT {point!r}")


if __name__ == "__main__":
    if kill_at := os.environ.get("CREDWALLET_TEST_KILL_AT"):
        _arm(kill_at)
    pause_points.arm_from_env()
    main()
