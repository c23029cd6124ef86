"""Listing pauses Python's cyclic garbage collector while it builds its objects (wallet.gcpause).

Full collections that walked every record already read cost `show --json` on 10,000
credentials more than reading them did; the collector must resume as it was afterwards.
"""

from __future__ import annotations

import gc
import json
import weakref
from pathlib import Path
from typing import Any

import pytest
from badges import write_badges
from clirun import PASSPHRASE, inproc

from credwallet.cli import _cmd_show
from credwallet.cli._output import Output
from credwallet.wallet import Unlock, Wallet
from credwallet.wallet import core as wallet_core
from credwallet.wallet.gcpause import paused_gc


@pytest.fixture
def home(tmp_path: Path) -> Path:
    with Wallet.create(tmp_path / "home", PASSPHRASE) as created:
        write_badges(tmp_path / "badges", 3)
        created.import_sources([str(tmp_path / "badges")], offline=True)
    return tmp_path / "home"


def test_the_collector_resumes_as_it_was() -> None:
    assert gc.isenabled()
    with paused_gc():
        assert not gc.isenabled()
        with paused_gc():
            assert not gc.isenabled()
        assert not gc.isenabled()  # an inner block does not resume it early
    assert gc.isenabled()
    with pytest.raises(RuntimeError), paused_gc():
        raise RuntimeError("boom")
    assert gc.isenabled()
    gc.disable()
    try:
        with paused_gc():
            pass
        assert not gc.isenabled()  # a caller's own disabled collector stays disabled
    finally:
        gc.enable()


def test_cycles_made_while_paused_are_collected_afterwards() -> None:
    class Node:
        other: Any = None

    with paused_gc():
        node = Node()
        node.other = node
        alive = weakref.ref(node)
        del node
        gc.collect()  # an explicit collection still works; only automatic ones pause
        assert alive() is None
        again = Node()
        again.other = again
        alive = weakref.ref(again)
        del again
    gc.collect()
    assert alive() is None


def test_every_record_is_read_with_the_collector_paused(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[bool] = []
    real = wallet_core.read_held

    def spy(*args: Any, **kwargs: Any) -> Any:
        seen.append(gc.isenabled())
        return real(*args, **kwargs)

    monkeypatch.setattr(wallet_core, "read_held", spy)
    with Wallet.open(home, Unlock(passphrase=lambda: PASSPHRASE)) as wallet:
        assert len(wallet.credentials()) == 3
    assert seen == [False, False, False]
    assert gc.isenabled()


def test_show_json_lists_and_writes_with_the_collector_paused(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[tuple[str, bool]] = []
    real_filter, real_data = _cmd_show.apply_filter, Output.data

    def spy_filter(*args: Any, **kwargs: Any) -> Any:
        seen.append(("read", gc.isenabled()))
        return real_filter(*args, **kwargs)

    def spy_data(self: Output, payload: Any) -> None:
        seen.append(("write", gc.isenabled()))
        real_data(self, payload)

    monkeypatch.setattr(_cmd_show, "apply_filter", spy_filter)
    monkeypatch.setattr(Output, "data", spy_data)
    ran = inproc(home, "show", "--json")
    assert ran.code == 0, ran.all
    assert len(json.loads(ran.out)["credentials"]) == 3
    assert seen == [("read", False), ("write", False)]
    assert gc.isenabled()
