"""Suite-wide fixtures: every test gets its own wallet home and the cheapest KDF."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from support import CONTEXTS, EXTERNAL


@pytest.fixture(autouse=True)
def _isolated_environment(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    """Point every credwallet location at a fresh temp dir; never touch the real user's."""
    base = tmp_path_factory.mktemp("env")
    monkeypatch.setenv("CREDWALLET_HOME", str(base / "home"))
    monkeypatch.setenv("CREDWALLET_CACHE_DIR", str(base / "cache"))
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(base / "runtime"))
    monkeypatch.setenv("CREDWALLET_CONTEXTS", str(CONTEXTS))
    (base / "runtime").mkdir(mode=0o700)
    for name in ("CREDWALLET_PASSPHRASE", "CREDWALLET_SESSION", "NO_COLOR"):
        monkeypatch.delenv(name, raising=False)
    yield


@pytest.fixture
def external() -> Path:
    if not EXTERNAL.is_dir():
        pytest.skip(f"shared fixtures not found at {EXTERNAL}")
    return EXTERNAL


@pytest.fixture(autouse=True)
def _cheap_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    """New keyslots use the test-only CHEAPEST KDF profile, so creating a wallet takes ms."""
    from credwallet.store import kdf

    monkeypatch.setattr(kdf, "CREATION_PROFILE", kdf.CHEAPEST)
