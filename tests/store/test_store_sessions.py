"""Passphrase change and unlock sessions (the BW_SESSION model): neither half alone opens."""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path

import pytest
from storehelp import PASSPHRASE, Sql

from credwallet.errors import SessionInvalid, StorageError, UsageError, WrongPassphraseOrDamaged
from credwallet.store import MAX_TTL_SECONDS, Store
from credwallet.store import kdf as kdf_module
from credwallet.store.sessions import session_dir


def _session_files(home: Path) -> list[Path]:
    return sorted(p for p in session_dir(home).iterdir() if not p.name.startswith("."))


class TestChangePassphrase:
    def test_old_fails_new_works(self, store: Store, home: Path) -> None:
        """After passwd the old passphrase fails and the new one opens every record."""
        rid, _ = store.put("credential", b"kept")
        store.change_passphrase("a new passphrase")
        store.close()
        with pytest.raises(WrongPassphraseOrDamaged):
            Store.open(home, PASSPHRASE)
        with Store.open(home, "a new passphrase") as reopened:
            assert reopened.get(rid).payload == b"kept"

    def test_records_are_byte_identical(self, store: Store, sql: Sql) -> None:
        """passwd rewrites the keyslot only: every record's bytes stay as they were."""
        store.put_many([("credential", f"{i}".encode(), None) for i in range(5)])
        before = sql("SELECT id, kind, version, nonce, ct, tag FROM records ORDER BY seq")
        slot_before = sql("SELECT kdf, salt, wrapped FROM keyslots")
        store.change_passphrase("another")
        assert sql("SELECT id, kind, version, nonce, ct, tag FROM records ORDER BY seq") == before
        assert sql("SELECT kdf, salt, wrapped FROM keyslots") != slot_before

    def test_old_wrap_leaves_the_files(self, store: Store, home: Path, sql: Sql) -> None:
        """After passwd the old wrapped key is in neither the database nor its WAL."""
        store.put("credential", b"x")
        ((old_wrapped,),) = sql("SELECT wrapped FROM keyslots")
        store.change_passphrase("another")
        for path in home.iterdir():
            if path.is_file():
                assert old_wrapped not in path.read_bytes(), path

    def test_ends_all_sessions(self, store: Store, home: Path) -> None:
        """passwd ends every unlock session of the wallet."""
        tokens = [store.create_session(600) for _ in range(2)]
        store.change_passphrase("another")
        assert _session_files(home) == []
        for token in tokens:
            with pytest.raises(SessionInvalid):
                Store.open_session(home, token)

    def test_uses_current_creation_profile(
        self, store: Store, sql: Sql, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """passwd uses the current creation profile, not the slot's old parameters."""
        assert sql("SELECT kdf FROM keyslots") == [("argon2id:m=8,t=1,p=1",)]
        cheap_but_different = kdf_module.KdfProfile(
            "argon2id", memory_kib=16, iterations=2, lanes=1
        )
        monkeypatch.setattr(kdf_module, "CREATION_PROFILE", cheap_but_different)
        store.change_passphrase("another")
        assert sql("SELECT kdf FROM keyslots WHERE kind = 'passphrase'") == [
            ("argon2id:m=16,t=2,p=1",)
        ]

    def test_check_advises_upgrade_of_weak_slot(
        self, store: Store, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """check() flags a keyslot weaker than the current default."""
        assert store.check() == []
        monkeypatch.setattr(kdf_module, "CREATION_PROFILE", kdf_module.DEFAULT)
        assert any(p.startswith("needs_rekdf") for p in store.check())

    def test_default_profile_is_recorded(
        self, home: Path, sql: Sql, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A wallet made with the DEFAULT profile records Argon2id 64 MiB / 3 / 4 and opens."""
        monkeypatch.setattr(kdf_module, "CREATION_PROFILE", kdf_module.DEFAULT)
        Store.create(home, PASSPHRASE).close()
        assert sql("SELECT kdf FROM keyslots") == [("argon2id:m=65536,t=3,p=4",)]
        Store.open(home, PASSPHRASE).close()


class TestSessions:
    def test_token_opens_the_wallet(self, store: Store, home: Path) -> None:
        """A fresh token opens the same wallet without the passphrase."""
        rid, _ = store.put("credential", b"via session")
        token = store.create_session(600)
        with Store.open_session(home, token) as opened:
            assert opened.get(rid).payload == b"via session"

    def test_token_without_file(self, store: Store, home: Path) -> None:
        """A token whose session file is gone is useless."""
        token = store.create_session(600)
        for path in _session_files(home):
            path.unlink()
        with pytest.raises(SessionInvalid):
            Store.open_session(home, token)

    def test_file_without_token(self, store: Store, home: Path) -> None:
        """The session file with a guessed secret does not open the wallet."""
        token = store.create_session(600)
        session_id = token.split(".")[0]
        with pytest.raises(SessionInvalid):
            Store.open_session(home, session_id + "." + "A" * 43)

    def test_edited_file(self, store: Store, home: Path) -> None:
        """Editing the session file (e.g. its expiry) makes it invalid."""
        token = store.create_session(60)
        (path,) = _session_files(home)
        data = bytearray(path.read_bytes())
        data[4:12] = (2**40).to_bytes(8, "big")  # push the expiry far out
        path.write_bytes(bytes(data))
        with pytest.raises(SessionInvalid):
            Store.open_session(home, token)

    def test_foreign_wallet(self, store: Store, tmp_path: Path) -> None:
        """A token from wallet A does not open wallet B."""
        token = store.create_session(600)
        other = tmp_path / "other"
        Store.create(other, PASSPHRASE).close()
        with pytest.raises(SessionInvalid):
            Store.open_session(other, token)

    def test_expired_session_is_deleted(self, store: Store, home: Path) -> None:
        """An expired session fails and its file is deleted on sight."""
        now = time.time()
        token = store.create_session(60, now=now)
        with pytest.raises(SessionInvalid, match="expired"):
            Store.open_session(home, token, now=now + 61)
        assert _session_files(home) == []

    def test_expired_files_swept(self, store: Store, home: Path) -> None:
        """Creating a session removes other sessions' expired files."""
        now = time.time()
        store.create_session(10, now=now - 100)
        store.create_session(600, now=now)
        assert len(_session_files(home)) == 1

    def test_ttl_is_capped(self, store: Store, home: Path) -> None:
        """A session never lasts more than 12 hours."""
        now = time.time()
        token = store.create_session(10 * 24 * 3600, now=now)
        Store.open_session(home, token, now=now + MAX_TTL_SECONDS - 1).close()
        with pytest.raises(SessionInvalid, match="expired"):
            Store.open_session(home, token, now=now + MAX_TTL_SECONDS)

    def test_nonpositive_ttl(self, store: Store) -> None:
        """A session of zero seconds is a usage error."""
        with pytest.raises(UsageError):
            store.create_session(0)

    def test_end_session(self, store: Store, home: Path) -> None:
        """After lock the token no longer opens; other sessions live on."""
        token = store.create_session(600)
        other = store.create_session(600)
        store.end_session(token)
        with pytest.raises(SessionInvalid):
            Store.open_session(home, token)
        Store.open_session(home, other).close()

    def test_end_all_sessions_spares_other_wallets(
        self, store: Store, home: Path, tmp_path: Path
    ) -> None:
        """lock --all ends this wallet's sessions, not another wallet's in the same runtime dir."""
        other_home = tmp_path / "other"
        with Store.create(other_home, PASSPHRASE) as other:
            foreign = other.create_session(600)
        store.create_session(600)
        store.create_session(600)
        assert store.end_all_sessions() == 2
        Store.open_session(other_home, foreign).close()

    @pytest.mark.parametrize(
        "token", ["", "abc", "x" * 76, "00" * 16 + ".", "00" * 16 + "." + "!" * 43]
    )
    def test_malformed_token(self, store: Store, home: Path, token: str) -> None:
        """A malformed token is SessionInvalid, not a traceback."""
        with pytest.raises(SessionInvalid):
            Store.open_session(home, token)

    def test_session_file_modes(self, store: Store, home: Path) -> None:
        """Session files are 0600 in a 0700 directory under $XDG_RUNTIME_DIR."""
        store.create_session(600)
        directory = session_dir(home)
        assert directory.parent == Path(os.environ["XDG_RUNTIME_DIR"])
        assert stat.S_IMODE(directory.stat().st_mode) == 0o700
        (path,) = _session_files(home)
        assert stat.S_IMODE(path.stat().st_mode) == 0o600

    def test_unsafe_runtime_dir_falls_back(
        self, store: Store, home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A world-writable runtime dir is not used; sessions go to the user's state dir."""
        loose = tmp_path / "loose"
        loose.mkdir()
        loose.chmod(0o777)
        monkeypatch.setenv("XDG_RUNTIME_DIR", str(loose))
        token = store.create_session(600)
        assert list(loose.iterdir()) == []
        assert session_dir(home) == Path(os.environ["XDG_STATE_HOME"]) / "credwallet" / "sessions"
        Store.open_session(home, token).close()

    def test_no_runtime_dir(
        self, store: Store, home: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Without $XDG_RUNTIME_DIR sessions live in a 0700 dir in the user's state dir,
        never in the wallet home (which people sync and back up)."""
        monkeypatch.delenv("XDG_RUNTIME_DIR")
        token = store.create_session(600)
        directory = session_dir(home)
        assert directory == Path(os.environ["XDG_STATE_HOME"]) / "credwallet" / "sessions"
        assert stat.S_IMODE(directory.stat().st_mode) == 0o700
        assert not [p for p in home.rglob("*") if len(p.name) == 32]
        Store.open_session(home, token).close()

    def test_state_dir_inside_the_home_is_refused(
        self, store: Store, home: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """If the only place left is inside the wallet home, no session is made."""
        monkeypatch.delenv("XDG_RUNTIME_DIR")
        monkeypatch.setenv("XDG_STATE_HOME", str(home / "synced"))
        with pytest.raises(StorageError, match="outside the wallet home"):
            store.create_session(600)

    def test_expired_files_swept_on_every_open(self, store: Store, home: Path) -> None:
        """Opening the wallet removes expired session files."""
        store.create_session(10, now=time.time() - 100)
        assert len(_session_files(home)) == 1
        Store.open(home, PASSPHRASE).close()
        assert _session_files(home) == []

    def test_old_in_home_session_files_are_removed_on_open(self, store: Store, home: Path) -> None:
        """Files an earlier release kept in <home>/state/sessions are deleted on open."""
        legacy = home / "state" / "sessions"
        legacy.mkdir(parents=True, mode=0o700)
        (legacy / ("ab" * 16)).write_bytes(b"CWS1" + bytes(100))
        Store.open(home, PASSPHRASE).close()
        assert list(legacy.iterdir()) == []


class TestRevocationEverywhere:
    """`passwd` and `lock --all` end sessions whose files they cannot even see (issue 16)."""

    @pytest.fixture
    def desktop(self, tmp_path: Path) -> Path:
        runtime = tmp_path / "desktop-runtime"
        runtime.mkdir(mode=0o700)
        return runtime

    def _started_elsewhere(
        self, store: Store, desktop: Path, monkeypatch: pytest.MonkeyPatch
    ) -> tuple[str, bytes]:
        """A session started on the desktop (another runtime dir); returns token and file."""
        monkeypatch.setenv("XDG_RUNTIME_DIR", str(desktop))
        token = store.create_session(600)
        (path,) = (desktop / "credwallet-sessions").iterdir()
        monkeypatch.delenv("XDG_RUNTIME_DIR")  # now "over ssh": no runtime dir at all
        return token, path.read_bytes()

    def _back_on_desktop(self, desktop: Path, saved: bytes, token: str, home: Path) -> None:
        """Even with the file put back (a copy), the token opens nothing."""
        folder = desktop / "credwallet-sessions"
        folder.mkdir(mode=0o700, exist_ok=True)
        (folder / token.split(".")[0]).write_bytes(saved)
        with pytest.raises(SessionInvalid):
            Store.open_session(home, token)

    def test_passwd_ends_a_session_started_in_another_environment(
        self, store: Store, home: Path, desktop: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        token, saved = self._started_elsewhere(store, desktop, monkeypatch)
        store.change_passphrase("a new passphrase")
        monkeypatch.setenv("XDG_RUNTIME_DIR", str(desktop))
        self._back_on_desktop(desktop, saved, token, home)

    def test_lock_all_ends_a_session_started_in_another_environment(
        self, store: Store, home: Path, desktop: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        token, saved = self._started_elsewhere(store, desktop, monkeypatch)
        store.end_all_sessions()
        monkeypatch.setenv("XDG_RUNTIME_DIR", str(desktop))
        self._back_on_desktop(desktop, saved, token, home)

    def test_sessions_started_after_lock_all_work(self, store: Store, home: Path) -> None:
        store.end_all_sessions()
        token = store.create_session(600)
        Store.open_session(home, token).close()
