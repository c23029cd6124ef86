"""Suite-wide fixtures: every test gets its own wallet home and the cheapest KDF."""

from __future__ import annotations

import sys

# Speed: keep compiled bytecode even where PYTHONDONTWRITEBYTECODE is set (as on the shared CI
# box). Without it every xdist worker re-rewrites and recompiles all test modules (about 8 s of
# collection each) and every CLI subprocess recompiles the modules it imports. It comes before
# every other import: pytest rewrites the asserts of Hypothesis (a plugin's package) too, and
# the rewritten modules, imported just below, are cached only if this is already off (else each
# pytest process spent about a second rewriting them again). The caches go to the gitignored
# __pycache__ folders and are written atomically, so workers can share them.
sys.dont_write_bytecode = False

import gc
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import HealthCheck, settings

from support import CONTEXTS, EXTERNAL

if TYPE_CHECKING:
    from credwallet.share.qr import ErrorLevel


def _temp_root_in_memory() -> None:
    """Speed: test temp dirs on /dev/shm (a tmpfs) when it is usable and nothing else was chosen.

    Nearly every test writes a wallet, and credwallet fsyncs (SQLite synchronous=FULL, atomic
    renames): on the shared CI disk each fsync waits ~8 ms, which made the suite wait more
    than it computed. On tmpfs an fsync returns at once; what the tests check is unchanged
    (none can observe durability across a power cut). TMPDIR, PYTEST_DEBUG_TEMPROOT or
    --basetemp still choose the place; pytest numbers and prunes the runs there as usual.
    """
    if os.environ.get("TMPDIR") or os.environ.get("PYTEST_DEBUG_TEMPROOT"):
        return
    shm = Path("/dev/shm")
    try:
        flags = os.statvfs(shm).f_flag
        free = shutil.disk_usage(shm).free
    except OSError:
        return
    unusable = getattr(os, "ST_NOEXEC", 0) | os.ST_RDONLY  # a test runs a fresh venv there
    if flags & unusable or free < 2 << 30 or not os.access(shm, os.W_OK | os.X_OK):
        return
    os.environ["PYTEST_DEBUG_TEMPROOT"] = str(shm)


_temp_root_in_memory()

# Properties must not fail because a shared 2-core machine was slow for a moment (deadline,
# too_slow), and CI runs the same examples every time (derandomize) so that a red run is a
# real regression that can be reproduced, not luck.
settings.register_profile("default", deadline=None)
settings.register_profile(
    "ci", deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("ci" if os.environ.get("CI") else "default")

# scrypt work factor of the backups the suite writes: 2^10 instead of age's 2^18 (a second and
# 256 MiB per backup and per restore). tests/age checks the real default.
TEST_BACKUP_LOG_N = 10


def _point_at(patch: pytest.MonkeyPatch, base: Path) -> None:
    """Every credwallet location under ``base``; no passphrase, session, colour or width setting."""
    patch.setenv("CREDWALLET_HOME", str(base / "home"))
    patch.setenv("CREDWALLET_CACHE_DIR", str(base / "cache"))
    patch.setenv("XDG_RUNTIME_DIR", str(base / "runtime"))
    patch.setenv("XDG_STATE_HOME", str(base / "state"))  # the session-file fallback
    patch.setenv("CREDWALLET_CONTEXTS", str(CONTEXTS))
    (base / "runtime").mkdir(mode=0o700)
    # COLUMNS/LINES too: a width exported by the developer's shell (or leaked by a tool) would
    # make output fit that width; tests that are about a width pass COLUMNS themselves.
    for name in ("CREDWALLET_PASSPHRASE", "CREDWALLET_SESSION", "NO_COLOR", "COLUMNS", "LINES"):
        patch.delenv(name, raising=False)
    patch.delenv("PYTHONDONTWRITEBYTECODE", raising=False)  # see sys.dont_write_bytecode


@pytest.fixture(scope="session", autouse=True)
def _suite_defaults(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The cheap KDFs and a private environment before any fixture runs, including module- and
    class-scoped ones (they run before the function-scoped fixtures below: a wallet a module
    fixture made used to get the real Argon2id, and every later unlock paid for it)."""
    from credwallet.share import qr
    from credwallet.store import kdf
    from credwallet.wallet import backup

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(kdf, "CREATION_PROFILE", kdf.CHEAPEST)
        patch.setattr(backup, "BACKUP_LOG_N", TEST_BACKUP_LOG_N)
        patch.setattr(qr, "qr_matrix", _remembered(qr.qr_matrix))
        _point_at(patch, tmp_path_factory.mktemp("suite-env"))
        yield


def _remembered(qr_matrix: Callable[[str, ErrorLevel], list[list[bool]]]) -> Any:
    """``qr_matrix`` that encodes each (text, level) once per test process.

    Speed: encoding a large symbol takes about 0.3 s of pure Python (the `qrcode` library
    builds all eight masks to pick one), and the share tests encode the same few credentials
    again and again (three calls in four were repeats). The function is pure, each distinct
    text is still encoded for real, and every caller gets its own copy to change.
    """
    seen: dict[tuple[str, ErrorLevel], tuple[tuple[bool, ...], ...]] = {}

    def remembered(text: str, level: ErrorLevel = "M") -> list[list[bool]]:
        key = (text, level)
        if key not in seen:
            seen[key] = tuple(tuple(row) for row in qr_matrix(text, level))
        return [list(row) for row in seen[key]]

    return remembered


@pytest.fixture(scope="session")
def _per_test_dirs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder under this run's pytest temp root that holds every test's own folders."""
    return tmp_path_factory.mktemp("tests")


@pytest.fixture
def tmp_path(request: pytest.FixtureRequest, _per_test_dirs: Path) -> Path:
    """A new empty folder for this test (0700), like pytest's own ``tmp_path``.

    Speed: pytest numbers each such folder by listing every folder made before it in the same
    place, so a worker's 2,000th test listed 4,000 entries, twice (its folder and its
    environment's); the suite spent seconds per worker on it, growing with every test added.
    ``mkdtemp`` picks a random unique name at once. The folders still live under pytest's temp
    root, which pytest prunes to its last few runs.
    """
    name = re.sub(r"\W", "_", request.node.name)[:30]
    return Path(tempfile.mkdtemp(prefix=f"{name}-", dir=_per_test_dirs))


@pytest.fixture(autouse=True)
def _isolated_environment(_per_test_dirs: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Point every credwallet location at a fresh temp dir; never touch the real user's."""
    _point_at(monkeypatch, Path(tempfile.mkdtemp(prefix="env-", dir=_per_test_dirs)))
    yield


@pytest.hookimpl(wrapper=True)
def pytest_collection(session: pytest.Session) -> Iterator[object]:
    """Speed: no cyclic collections while the test modules load (each full one walked the
    whole growing heap of modules again, about a second per worker); one at the end instead,
    in pytest_collection_finish below."""
    gc.disable()
    try:
        return (yield)
    finally:
        gc.enable()


class _FullCollections:
    """Counts the cyclic collector's full (oldest-generation) collections, and freezes."""

    def __init__(self) -> None:
        self.count = 0
        self.frozen_at = 0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "stop" and info["generation"] == 2:
            self.count += 1

    def collect_and_freeze(self) -> None:
        """Collect what is garbage now; move what survives out of the collector's sight."""
        gc.collect()
        gc.freeze()
        self.frozen_at = self.count


_full_collections = _FullCollections()
gc.callbacks.append(_full_collections)


def pytest_collection_finish(session: pytest.Session) -> None:
    """Speed: move what collection built (every test module, its imports and Hypothesis's
    strategies, a few hundred thousand objects) out of the cyclic collector's sight. Each full
    collection during the run would otherwise walk all of it again: about 15 s of CPU over the
    suite. Reference counting still frees everything a test makes; only those modules stay."""
    _full_collections.collect_and_freeze()


def pytest_runtest_logfinish(nodeid: str, location: tuple[str, int | None, str]) -> None:
    """Speed: after a test during which a full collection ran, collect and freeze again, as
    after collection. What earlier tests left alive (caches of Hypothesis and of the code
    under test) then is not walked again by every later full collection: about 3 s of CPU over
    the suite. Between tests only, so a test that watches the collector sees it as usual; the
    collection here walks only what is not frozen yet."""
    if _full_collections.count != _full_collections.frozen_at:
        _full_collections.collect_and_freeze()


def pytest_configure(config: pytest.Config) -> None:
    """The suite checks credwallet against real, published test vectors: without them it
    would prove little, so it stops at once and says where it looked."""
    if not EXTERNAL.is_dir():
        pytest.exit(
            f"the shared test vectors are not at {EXTERNAL}: clone the project next to "
            "its shared/ folder, or set CREDWALLET_SHARED to that folder",
            returncode=4,
        )


@pytest.fixture
def external() -> Path:
    if not EXTERNAL.is_dir():
        pytest.skip(f"shared fixtures not found at {EXTERNAL}")
    return EXTERNAL


@pytest.fixture(autouse=True)
def _cheap_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    """New keyslots use the test-only CHEAPEST KDF profile, so creating a wallet takes ms;
    new backups the cheap TEST_BACKUP_LOG_N."""
    from credwallet.store import kdf
    from credwallet.wallet import backup

    monkeypatch.setattr(kdf, "CREATION_PROFILE", kdf.CHEAPEST)
    monkeypatch.setattr(backup, "BACKUP_LOG_N", TEST_BACKUP_LOG_N)
