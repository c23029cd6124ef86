"""Random damage and sudden death: never a silent change, never a half-written chunk."""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from storehelp import PASSPHRASE

from credwallet.errors import CredwalletError, DamagedWallet, NotFound
from credwallet.store import Store
from pause_points import kill_when_paused
from support import REPO

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
    sys.path.insert(0, sys.argv[3])
    import pause_points
    from credwallet.store import Store
    pause_points.arm_from_env()
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
        """After kill -9 mid-import the store opens, verifies, and holds only whole chunks.

        Each writer is killed at an exact point (tests/pause_points.py): inside its N-th chunk
        transaction before the COMMIT (that chunk is lost whole), or just after a COMMIT.
        """
        Store.create(home, PASSPHRASE).close()
        argv = [sys.executable, "-c", IMPORTER, str(home), PASSPHRASE, str(REPO / "tests")]
        held = 0
        for point in ("inside:1", "after:1", "inside:3", "after:4", "inside:7"):
            kill_when_paused(argv, dict(os.environ), point)
            where, _, nth = point.partition(":")
            held += 50 * (int(nth) - (where == "inside"))
            with Store.open(home, PASSPHRASE) as store:
                assert store.count() == held, point
                assert store.check() == []
                assert not store.rollback_suspected
