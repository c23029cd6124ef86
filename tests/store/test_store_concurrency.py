"""Several processes at once: writers queue on the lock, a stuck writer gives "wallet busy"."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
from contextlib import closing
from pathlib import Path

import pytest
from storehelp import PASSPHRASE, Sql

from credwallet.errors import DamagedWallet, NotFound, StorageError, WalletBusy
from credwallet.store import Store
from credwallet.store import db as store_db

PRELUDE = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from credwallet.store import Store, kdf
    kdf.CREATION_PROFILE = kdf.CHEAPEST
    home = Path(sys.argv[1])
    """
)


def _spawn(script: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", PRELUDE + textwrap.dedent(script), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


class TestTwoProcesses:
    def test_two_writers_both_succeed(self, home: Path) -> None:
        """Two processes importing different records at once both finish; nothing is lost."""
        Store.create(home, PASSPHRASE).close()
        writer = """
            tag = sys.argv[2]
            with Store.open(home, sys.argv[3]) as store:
                items = [
                    ("credential", f"{tag} {i}".encode(), f"{tag}-{i}".encode())
                    for i in range(150)
                ]
                results = store.put_many(items, chunk=10)
                print(sum(created for _, created in results))
        """
        procs = [_spawn(writer, str(home), tag, PASSPHRASE) for tag in ("a", "b")]
        outputs = [p.communicate(timeout=60) for p in procs]
        assert [p.returncode for p in procs] == [0, 0], outputs
        assert [out.strip() for out, _ in outputs] == ["150", "150"]
        with Store.open(home, PASSPHRASE) as store:
            assert store.count() == 300
            assert store.check() == []
            assert len({r.payload for r in store.records()}) == 300

    def test_init_racing_init(self, home: Path) -> None:
        """Two inits at once: exactly one creates the wallet, the other is told it exists."""
        script = """
            from credwallet.errors import WalletExists
            try:
                Store.create(home, sys.argv[2]).close()
                print("created")
            except WalletExists:
                print("exists")
        """
        procs = [_spawn(script, str(home), f"pass {i}") for i in range(2)]
        outputs = sorted(p.communicate(timeout=60)[0].strip() for p in procs)
        assert outputs == ["created", "exists"]
        opened = 0
        for i in range(2):
            try:
                Store.open(home, f"pass {i}").close()
                opened += 1
            except Exception:
                pass
        assert opened == 1


class TestTwoConnections:
    def test_alternating_writers_keep_the_catalog_valid(self, store: Store, home: Path) -> None:
        """Two open stores on one wallet see each other's writes and keep the catalog valid."""
        with Store.open(home, PASSPHRASE) as other:
            for i in range(5):
                store.put("credential", f"first {i}".encode())
                other.put("credential", f"second {i}".encode())
                rid, _ = store.put("setting", b"v")
                other.update(rid, b"w")
                other.delete(rid)
            assert other.count() == store.count() == 10
            assert other.check() == [] and store.check() == []
        with Store.open(home, PASSPHRASE) as again:
            assert again.count() == 10

    def test_change_while_open_is_caught_by_next_write(self, store: Store, sql: Sql) -> None:
        """A row deleted behind an open store's back stops its next write."""
        rid, _ = store.put("credential", b"x")
        store.put("credential", b"y")
        sql("DELETE FROM records WHERE id = ?", (bytes.fromhex(rid),))
        with pytest.raises(DamagedWallet, match="modified outside credwallet"):
            store.put("credential", b"z")
        assert sql("SELECT count(*) FROM records") == [(1,)]

    def test_failed_write_leaves_no_trace(self, store: Store) -> None:
        """A write that fails inside its transaction changes nothing; later writes work."""
        store.put("credential", b"x")
        generation = store.generation
        with pytest.raises(NotFound):
            store.update("ab" * 16, b"nothing")
        assert store.generation == generation
        store.put("credential", b"y")
        assert store.check() == []


class TestBusy:
    def test_held_write_lock_gives_wallet_busy(
        self, store: Store, home: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A writer that cannot get the lock within the wait raises WalletBusy; reads still work."""
        rid, _ = store.put("credential", b"before")
        monkeypatch.setattr(store_db, "BUSY_TIMEOUT_SECONDS", 0.2)
        with closing(sqlite3.connect(home / "wallet.db", isolation_level=None)) as holder:
            holder.execute("BEGIN IMMEDIATE")
            with Store.open(home, PASSPHRASE) as waiting:
                assert waiting.get(rid).payload == b"before"
                with pytest.raises(WalletBusy, match="busy"):
                    waiting.put("credential", b"blocked")
                with pytest.raises(WalletBusy):
                    waiting.change_passphrase("x")
            holder.execute("ROLLBACK")
        assert store.count() == 1
        store.put("credential", b"after")  # the lock is free again
        assert store.count() == 2


class TestStorageErrors:
    @pytest.mark.skipif(sys.platform == "win32", reason="RLIMIT_FSIZE is POSIX")
    def test_file_size_limit_is_a_clean_storage_error(self, home: Path) -> None:
        """A write the OS refuses (file size limit) is a StorageError; earlier records survive."""
        Store.create(home, PASSPHRASE).close()
        script = """
            import os, resource, signal
            from credwallet.errors import StorageError
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            with Store.open(home, sys.argv[2]) as store:
                store.put("credential", b"kept")
                limit = sum(p.stat().st_size for p in home.iterdir()) + 64 * 1024
                resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
                try:
                    store.put_many([("credential", os.urandom(200_000), None)] * 5)
                    print("no error")
                except StorageError as exc:
                    print("StorageError:", exc)
                print(store.count())
        """
        proc = _spawn(script, str(home), PASSPHRASE)
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
        first, count = out.strip().splitlines()
        assert first.startswith("StorageError:")
        assert "Traceback" not in err
        assert count == "1"
        with Store.open(home, PASSPHRASE) as store:
            assert [r.payload for r in store.records()] == [b"kept"]
            assert store.check() == []

    def test_translation_of_sqlite_errors(self, tmp_path: Path) -> None:
        """SQLite's disk-full, read-only and I/O codes are StorageError; BUSY is WalletBusy."""
        cases = {13: StorageError, 8: StorageError, 10 | (3 << 8): StorageError, 5: WalletBusy}
        for code, expected in cases.items():
            exc = sqlite3.OperationalError("x")
            exc.sqlite_errorcode = code  # normally set by the sqlite3 module
            assert isinstance(store_db.translate(exc, tmp_path / "wallet.db"), expected)
