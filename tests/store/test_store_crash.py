"""Random damage and sudden death: never a silent change, never a half-written chunk."""

from __future__ import annotations

import contextlib
import random
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from storehelp import PASSPHRASE

from credwallet.errors import CredwalletError, DamagedWallet, NotFound
from credwallet.store import Store

ORIGINALS = {f"payload {i}".encode() * (i + 1) for i in range(60)}


def _pristine(base: Path) -> tuple[Path, dict[str, bytes]]:
    """A 60-record wallet made once per test, and its record ids with their payloads."""
    home = base / "pristine"
    if not home.exists():
        with Store.create(home, PASSPHRASE) as store:
            store.put_many([("credential", p, None) for p in sorted(ORIGINALS)], chunk=16)
    with Store.open(home, PASSPHRASE) as store:
        return home, {r.id: r.payload for r in store.records()}


class TestBitFlips:
    @settings(
        max_examples=40,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )
    @given(offset=st.floats(0, 1, exclude_max=True), bit=st.integers(0, 7))
    def test_single_bit_flip_is_never_silent(self, tmp_path: Path, offset: float, bit: int) -> None:
        """One flipped bit anywhere: an error, named damaged records or no effect; no new bytes."""
        pristine, ids = _pristine(tmp_path)
        home = Path(tempfile.mkdtemp(dir=tmp_path)) / "home"
        home.mkdir()
        for name in ("wallet.db", "last-seen"):
            (home / name).write_bytes((pristine / name).read_bytes())
        db = home / "wallet.db"
        data = bytearray(db.read_bytes())
        data[int(offset * len(data))] ^= 1 << bit
        db.write_bytes(bytes(data))
        try:
            store = Store.open(home, PASSPHRASE)
        except CredwalletError:
            return
        with store:
            for rid, original in ids.items():
                with contextlib.suppress(DamagedWallet, NotFound):
                    assert store.get(rid).payload == original
            with contextlib.suppress(CredwalletError):
                assert {r.payload for r in store.records()} <= ORIGINALS


IMPORTER = textwrap.dedent(
    """
    import os, sys
    from pathlib import Path
    from credwallet.store import Store
    with Store.open(Path(sys.argv[1]), sys.argv[2]) as store:
        tag = os.urandom(4).hex().encode()
        store.put_many(
            [("credential", os.urandom(1500), tag + b"-%d" % i) for i in range(2000)], chunk=50
        )
    """
)


class TestKilledWriter:
    @pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
    def test_kill_9_leaves_whole_chunks(self, home: Path) -> None:
        """After kill -9 mid-import the store opens, verifies, and holds only whole chunks."""
        Store.create(home, PASSPHRASE).close()
        rng = random.Random(20261202)
        for _trial in range(5):
            proc = subprocess.Popen([sys.executable, "-c", IMPORTER, str(home), PASSPHRASE])
            time.sleep(rng.uniform(0.2, 0.8))
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            with Store.open(home, PASSPHRASE) as store:
                assert store.count() % 50 == 0
                assert store.check() == []
                assert not store.rollback_suspected
