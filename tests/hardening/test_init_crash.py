"""`init` killed at any point leaves no wallet or a whole one, and `init` can always finish.

Real processes: the bootstrap (tests/cheap_cli.py) SIGKILLs itself at a named point of
`init` (CREDWALLET_TEST_KILL_AT), so each window is hit exactly, with no sleeps. What `init`
does next with what was left on disk runs in-process (no second process start).
"""

from __future__ import annotations

import signal
import sqlite3
from pathlib import Path

import pytest
from clirun import assert_one_line_error, inproc, subproc

from credwallet.store import Store


def _init_killed_at(home: Path, point: str) -> None:
    ran = subproc(home, "init", env={"CREDWALLET_TEST_KILL_AT": point})
    assert ran.code == -signal.SIGKILL, (point, ran.code, ran.all)


def _whole_wallet(home: Path) -> None:
    """The wallet opens, has its holder key, and no staging file is left behind."""
    ran = inproc(home, "whoami")
    assert ran.code == 0, ran.all
    assert ran.out.startswith("did:key:z")
    assert not [p.name for p in home.iterdir() if ".init-" in p.name]


class TestKilledInit:
    @pytest.mark.parametrize("point", ["schema", "install"])
    def test_kill_before_the_rename_leaves_no_wallet(self, tmp_path: Path, point: str) -> None:
        """Killed while staging: there is no wallet.db, and `init` then succeeds."""
        home = tmp_path / "wallet"
        _init_killed_at(home, point)
        assert not (home / "wallet.db").exists()
        assert [p for p in home.iterdir() if ".init-" in p.name]  # the leftover staging file
        again = inproc(home, "init")
        assert again.code == 0, again.all
        _whole_wallet(home)

    def test_kill_after_the_rename_leaves_a_whole_wallet(self, tmp_path: Path) -> None:
        """Killed right after wallet.db appears: it is complete, and init refuses to replace it."""
        home = tmp_path / "wallet"
        _init_killed_at(home, "installed")
        _whole_wallet(home)
        again = inproc(home, "init")
        assert_one_line_error(again, 1)
        assert "already exists" in again.err


def _old_half_made(home: Path, what: str) -> None:
    """What a kill during the first release's `init` could leave."""
    home.mkdir(mode=0o700)
    db = home / "wallet.db"
    if what == "empty":
        db.touch(mode=0o600)
    elif what == "empty-sqlite":
        conn = sqlite3.connect(db)
        conn.execute("PRAGMA journal_mode = WAL")  # writes a header and nothing else
        conn.close()
    else:  # a committed store whose holder key was never written
        Store.create(home, "old passphrase").close()


class TestHalfMadeWallets:
    @pytest.mark.parametrize("what", ["empty", "empty-sqlite", "no-holder-key"])
    def test_init_replaces_an_unfinished_wallet(self, tmp_path: Path, what: str) -> None:
        """A 0-byte file, an SQLite file with no tables, a store with no record: init redoes it."""
        home = tmp_path / "wallet"
        _old_half_made(home, what)
        assert Store.leftover(home) is not None
        ran = inproc(home, "init")
        assert ran.code == 0, ran.all
        assert "unfinished wallet" in ran.err
        _whole_wallet(home)

    def test_a_real_wallet_is_never_replaced(self, tmp_path: Path) -> None:
        home = tmp_path / "wallet"
        assert inproc(home, "init").code == 0
        before = (home / "wallet.db").read_bytes()
        ran = inproc(home, "init", passphrase="another passphrase")
        assert_one_line_error(ran, 1)
        assert (home / "wallet.db").read_bytes() == before

    @pytest.mark.parametrize("content", ["foreign-table", "not-sqlite"])
    def test_someone_elses_file_is_never_replaced(self, tmp_path: Path, content: str) -> None:
        """A file with data in it that is not a wallet is kept byte for byte."""
        home = tmp_path / "wallet"
        home.mkdir(mode=0o700)
        db = home / "wallet.db"
        if content == "foreign-table":
            conn = sqlite3.connect(db)
            conn.execute("CREATE TABLE notes (text TEXT)")
            conn.execute("INSERT INTO notes VALUES ('mine')")
            conn.commit()
            conn.close()
        else:
            db.write_bytes(b"my own notes, not a database\n")
        before = db.read_bytes()
        ran = inproc(home, "init")
        assert_one_line_error(ran, 1)
        assert db.read_bytes() == before
