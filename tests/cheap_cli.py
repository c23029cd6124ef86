"""Run the credwallet CLI with the test-only cheap KDFs (for real-subprocess tests).

``CREDWALLET_TEST_KILL_AT`` (tests only) makes the process SIGKILL itself at a named point of
``init``, so a crash test hits exactly the window it means to, with no timing guesswork:
``schema`` (inside the staging transaction), ``install`` (staging done, before the rename),
``installed`` (after the rename, before the store opens).

``CREDWALLET_TEST_PAUSE_AT`` (tests only) stops it inside or after its N-th write transaction
until the test kills it (see ``tests/pause_points.py``).
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import os
import signal
import sys
from collections.abc import Callable, Sequence
from types import ModuleType
from typing import Any

# What each test-only setting changes, applied as the module is first imported (the values
# match tests/conftest.py: the cheapest KDF for new keyslots, a cheap scrypt for backups).
# Speed: importing them here up front loaded the store, the wallet and the backup code into
# every process, about 0.15 s even for a `verify` that needs none of them.
_CHEAP: dict[str, Callable[[ModuleType], None]] = {
    "credwallet.store.kdf": lambda kdf: setattr(kdf, "CREATION_PROFILE", kdf.CHEAPEST),
    "credwallet.wallet.backup": lambda backup: setattr(backup, "BACKUP_LOG_N", 10),
}


class _CheapOnImport(importlib.abc.MetaPathFinder):
    """Finds the modules in _CHEAP as usual and applies their setting once they have run."""

    def find_spec(
        self, name: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if name not in _CHEAP:
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is None or not isinstance(spec.loader, importlib.abc.Loader):
            return spec
        loader = spec.loader
        run_module = loader.exec_module

        def exec_module(module: ModuleType) -> None:
            run_module(module)
            _CHEAP[name](module)

        loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


sys.meta_path.insert(0, _CheapOnImport())


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
    if os.environ.get("CREDWALLET_TEST_PAUSE_AT"):
        import pause_points

        pause_points.arm_from_env()
    from credwallet.cli import main

    main()
