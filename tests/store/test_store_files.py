"""What lands on disk: private modes from creation, no plaintext, snapshots, rollback warning."""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from storehelp import PASSPHRASE

from credwallet.errors import StorageError
from credwallet.store import Store

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")


@pytest.fixture
def umask_022() -> Iterator[None]:
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def _everything_under(path: Path) -> list[Path]:
    return [path, *sorted(path.rglob("*"))]


class TestModes:
    def test_files_0600_dirs_0700_under_umask_022(self, home: Path, umask_022: None) -> None:
        """Every file the store creates is 0600 and every directory 0700, -wal and -shm included."""
        with Store.create(home, PASSPHRASE) as store:
            store.put_many([("credential", b"x" * 5000, None)] * 20)
            store.create_session(600)
            names = {p.name for p in home.iterdir()}
            assert {
                "wallet.db",
                "wallet.db-wal",
                "wallet.db-shm",
                "wallet.lock",
                "last-seen",
            } <= names
            for path in _everything_under(home):
                expected = 0o700 if path.is_dir() else 0o600
                assert stat.S_IMODE(path.stat().st_mode) == expected, path

    def test_check_reports_loose_modes(self, store: Store, home: Path) -> None:
        """check() names a database file that other users can read."""
        assert store.check() == []
        (home / "wallet.db").chmod(0o644)
        problems = store.check()
        assert any("wallet.db" in p and "0644" in p for p in problems)

    def test_parent_dirs_created(self, tmp_path: Path, umask_022: None) -> None:
        """A home whose parents do not exist yet is created, and the home itself is 0700."""
        home = tmp_path / "a" / "b" / "home"
        Store.create(home, PASSPHRASE).close()
        assert stat.S_IMODE(home.stat().st_mode) == 0o700

    def test_snapshot_is_private_and_complete(
        self, store: Store, tmp_path: Path, umask_022: None
    ) -> None:
        """snapshot_to writes a 0600 copy that opens as the same wallet with the same records."""
        ids = [
            rid
            for rid, _ in store.put_many([("credential", f"{i}".encode(), None) for i in range(30)])
        ]
        target = tmp_path / "snap.db"
        store.snapshot_to(target)
        assert stat.S_IMODE(target.stat().st_mode) == 0o600
        copy_home = tmp_path / "copy"
        copy_home.mkdir(mode=0o700)
        shutil.copy(target, copy_home / "wallet.db")
        with Store.open(copy_home, PASSPHRASE) as copy:
            assert [r.id for r in copy.records()] == ids
            assert copy.wallet_id == store.wallet_id

    def test_snapshot_is_one_file(self, store: Store, tmp_path: Path) -> None:
        """A snapshot is a plain SQLite file in rollback-journal mode (self-contained)."""
        store.snapshot_to(tmp_path / "snap.db")
        with closing(sqlite3.connect(tmp_path / "snap.db")) as conn:
            assert conn.execute("PRAGMA journal_mode").fetchone() == ("delete",)

    def test_snapshot_never_overwrites(self, store: Store, tmp_path: Path) -> None:
        """snapshot_to refuses an existing target and leaves it alone."""
        target = tmp_path / "exists.db"
        target.write_bytes(b"keep me")
        with pytest.raises(StorageError, match="exists"):
            store.snapshot_to(target)
        assert target.read_bytes() == b"keep me"


class TestNothingReadableAtRest:
    def test_no_plaintext_under_the_home(self, home: Path) -> None:
        """Names, ids, dedup content, the passphrase and the keys appear nowhere under the home."""
        canaries = [
            b"Xylophone Mastery Certificate",
            b"urn:uuid:5e2c7a4e-canary-4242",
            b"Zanzibar Institute of Percussion",
            b"did:key:z6MkCanaryCanaryCanary",
        ]
        passphrase = "Canary-Passphrase-Q9"
        with Store.create(home, passphrase) as store:
            for i, canary in enumerate(canaries):
                store.put(
                    "credential", b'{"name": "' + canary + b'"}', dedup_key=canary + b"-dedup"
                )
                store.put("holder-key", canary + bytes([i]))
            rid, _ = store.put("identity", b"jane.canary@example.org")
            store.update(rid, b"jane.canary2@example.org")
            store.create_session(600)
            secrets = [
                store._keys.data_key.reveal(),
                *(
                    store._keys.subkey(p).reveal()
                    for p in ("records", "holder-key", "dedup", "catalog")
                ),
            ]
            blobs_open = [p.read_bytes() for p in home.rglob("*") if p.is_file()]
        blobs_closed = [p.read_bytes() for p in home.rglob("*") if p.is_file()]
        runtime = Path(os.environ["XDG_RUNTIME_DIR"])
        blobs_runtime = [p.read_bytes() for p in runtime.rglob("*") if p.is_file()]
        everything = b"\x00".join(blobs_open + blobs_closed + blobs_runtime)
        needles = [*canaries, b"jane.canary", passphrase.encode(), *(s for s in secrets)]
        for needle in needles:
            assert needle not in everything
        assert canaries[0] + b"-dedup" not in everything


class TestRollbackMarker:
    def test_old_copy_put_back_is_reported(self, home: Path, tmp_path: Path) -> None:
        """Putting back an older whole copy of the database is flagged with both generations."""
        with Store.create(home, PASSPHRASE) as store:
            store.put("credential", b"1")
        old_copy = tmp_path / "old.db"
        shutil.copy(home / "wallet.db", old_copy)
        with Store.open(home, PASSPHRASE) as store:
            old_generation = store.generation
            for i in range(3):
                store.put("credential", f"later {i}".encode())
            new_generation = store.generation
        shutil.copy(old_copy, home / "wallet.db")
        with Store.open(home, PASSPHRASE) as store:
            assert store.rollback_suspected
            assert store.generation == old_generation
            assert store.last_seen_generation == new_generation
            problems = store.check()
            assert any(str(old_generation) in p and str(new_generation) in p for p in problems)
            store.put("credential", b"after rollback")  # writing keeps the evidence
        with Store.open(home, PASSPHRASE) as store:
            assert store.rollback_suspected
            store.accept_rollback()
        with Store.open(home, PASSPHRASE) as store:
            assert not store.rollback_suspected

    def test_no_warning_normally(self, store: Store, home: Path) -> None:
        """A wallet used normally, by several openings, is never flagged."""
        store.put("credential", b"x")
        store.close()
        for _ in range(2):
            with Store.open(home, PASSPHRASE) as again:
                assert not again.rollback_suspected
                again.put("credential", b"y")

    def test_forged_marker_is_ignored(self, store: Store, home: Path) -> None:
        """A marker without a valid MAC does not raise a false alarm."""
        store.close()
        marker = home / "last-seen"
        data = bytearray(marker.read_bytes())
        data[20:28] = (10**6).to_bytes(8, "big")
        marker.write_bytes(bytes(data))
        with Store.open(home, PASSPHRASE) as again:
            assert not again.rollback_suspected
