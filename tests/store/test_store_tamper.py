"""Damage and tampering: every change made outside credwallet is caught; nothing is rewritten."""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
from contextlib import closing
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from storehelp import PASSPHRASE, Sql

from credwallet.errors import DamagedWallet, WrongPassphraseOrDamaged
from credwallet.store import KdfProfile, Store, kdf

MODIFIED = "modified outside credwallet"


def _wallet_with_records(home: Path, n: int = 3) -> list[str]:
    with Store.create(home, PASSPHRASE) as store:
        return [store.put("credential", f"record {i}".encode() * 20)[0] for i in range(n)]


def _state(path: Path) -> tuple[bytes, int]:
    return path.read_bytes(), path.stat().st_mtime_ns


class TestRecordTampering:
    @settings(
        max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
    )
    @given(column=st.sampled_from(["nonce", "ct"]), data=st.data())
    def test_flipped_byte_damages_that_record_only(
        self, tmp_path: Path, column: str, data: st.DataObject
    ) -> None:
        """Flipping any byte of a record's nonce or ciphertext makes that record alone fail."""
        pristine = tmp_path / "pristine"
        if not pristine.exists():
            _wallet_with_records(pristine)
        home = Path(tempfile.mkdtemp(dir=tmp_path)) / "home"
        shutil.copytree(pristine, home)
        db = home / "wallet.db"
        with closing(sqlite3.connect(db)) as conn:
            rows = conn.execute(f"SELECT id, {column} FROM records ORDER BY seq").fetchall()
            victim, blob = data.draw(st.sampled_from(rows))
            changed = bytearray(blob)
            index = data.draw(st.integers(0, len(changed) - 1))
            changed[index] ^= data.draw(st.integers(1, 255))
            conn.execute(f"UPDATE records SET {column} = ? WHERE id = ?", (bytes(changed), victim))
            conn.commit()
        with Store.open(home, PASSPHRASE) as store:
            with pytest.raises(DamagedWallet, match=victim.hex()) as caught:
                store.get(victim.hex())
            assert "record" in caught.value.message
            for rid, _ in rows:
                if rid != victim:
                    assert store.get(rid.hex()).payload.startswith(b"record ")
            assert any(victim.hex() in p for p in store.check())

    def test_damage_message_names_only_the_id(self, store: Store, sql: Sql) -> None:
        """The error for an unreadable record names its id and nothing of its content."""
        rid, _ = store.put("credential", b"Jane Doe, BSc Marine Biology")
        sql("UPDATE records SET ct = zeroblob(length(ct)) WHERE id = ?", (bytes.fromhex(rid),))
        with pytest.raises(DamagedWallet) as caught:
            store.records()
        assert rid in str(caught.value)
        assert "Jane" not in str(caught.value)

    def test_swapped_ciphertexts(self, home: Path, sql: Sql) -> None:
        """Swapping two rows' ciphertexts makes both rows fail; others stay readable."""
        a, b, c = _wallet_with_records(home)
        rows: dict[bytes, bytes] = dict(sql("SELECT id, ct FROM records"))
        ida, idb = bytes.fromhex(a), bytes.fromhex(b)
        sql("UPDATE records SET ct = ? WHERE id = ?", (rows[idb], ida))
        sql("UPDATE records SET ct = ? WHERE id = ?", (rows[ida], idb))
        with Store.open(home, PASSPHRASE) as store:
            for rid in (a, b):
                with pytest.raises(DamagedWallet, match=rid):
                    store.get(rid)
            assert store.get(c).payload.startswith(b"record 2")

    def test_swapped_whole_seals(self, home: Path, sql: Sql) -> None:
        """Swapping nonce, ciphertext and tag between rows is caught on open."""
        a, b, _ = _wallet_with_records(home)
        rows = {r[0]: r[1:] for r in sql("SELECT id, nonce, ct, tag FROM records")}
        ida, idb = bytes.fromhex(a), bytes.fromhex(b)
        sql("UPDATE records SET nonce = ?, ct = ?, tag = ? WHERE id = ?", (*rows[idb], ida))
        sql("UPDATE records SET nonce = ?, ct = ?, tag = ? WHERE id = ?", (*rows[ida], idb))
        with pytest.raises(DamagedWallet, match=MODIFIED):
            Store.open(home, PASSPHRASE)
        with Store.open(home, PASSPHRASE, check_catalog=False) as store:
            problems = store.check()
        assert any("catalog mismatch" in p for p in problems)
        assert any(a in p for p in problems) and any(b in p for p in problems)

    def test_relabelled_kind(self, home: Path, sql: Sql) -> None:
        """Changing a row's kind is caught on open, and the row itself no longer opens."""
        a, _, _ = _wallet_with_records(home)
        sql("UPDATE records SET kind = 'pathway' WHERE id = ?", (bytes.fromhex(a),))
        with pytest.raises(DamagedWallet, match=MODIFIED):
            Store.open(home, PASSPHRASE)
        with (
            Store.open(home, PASSPHRASE, check_catalog=False) as store,
            pytest.raises(DamagedWallet, match=a),
        ):
            store.get(a)

    def test_row_copied_under_new_id(self, home: Path, sql: Sql) -> None:
        """A row copied under another id is caught on open and does not open as a record."""
        a, _, _ = _wallet_with_records(home)
        new_id = os.urandom(16)
        sql(
            "INSERT INTO records (id, kind, version, nonce, ct, tag) "
            "SELECT ?, kind, version, nonce, ct, tag FROM records WHERE id = ?",
            (new_id, bytes.fromhex(a)),
        )
        with pytest.raises(DamagedWallet, match=MODIFIED):
            Store.open(home, PASSPHRASE)
        with (
            Store.open(home, PASSPHRASE, check_catalog=False) as store,
            pytest.raises(DamagedWallet, match=new_id.hex()),
        ):
            store.get(new_id.hex())

    def test_deleted_row(self, home: Path, sql: Sql) -> None:
        """A row deleted with the sqlite3 tool is a catalog mismatch on open."""
        a, _, _ = _wallet_with_records(home)
        sql("DELETE FROM records WHERE id = ?", (bytes.fromhex(a),))
        with pytest.raises(DamagedWallet, match=MODIFIED):
            Store.open(home, PASSPHRASE)

    def test_row_restored_from_older_version(self, home: Path, sql: Sql) -> None:
        """Putting back a record's older (version, nonce, ct, tag) is a catalog mismatch."""
        a, _, _ = _wallet_with_records(home)
        old = sql("SELECT version, nonce, ct, tag FROM records WHERE id = ?", (bytes.fromhex(a),))[
            0
        ]
        with Store.open(home, PASSPHRASE) as store:
            store.update(a, b"revoked: do not share")
        sql(
            "UPDATE records SET version = ?, nonce = ?, ct = ?, tag = ? WHERE id = ?",
            (*old, bytes.fromhex(a)),
        )
        with pytest.raises(DamagedWallet, match=MODIFIED):
            Store.open(home, PASSPHRASE)

    def test_edited_dedup_tag(self, home: Path, sql: Sql) -> None:
        """Moving or clearing a record's dedup tag is a catalog mismatch on open."""
        with Store.create(home, PASSPHRASE) as store:
            store.put("credential", b"a", dedup_key=b"content a")
        sql("UPDATE records SET dedup = NULL")
        with pytest.raises(DamagedWallet, match=MODIFIED):
            Store.open(home, PASSPHRASE)

    def test_catalog_mismatch_blocks_writes(self, home: Path, sql: Sql) -> None:
        """A store opened without the catalog check still refuses to write over a mismatch."""
        a, _, _ = _wallet_with_records(home)
        sql("DELETE FROM records WHERE id = ?", (bytes.fromhex(a),))
        with (
            Store.open(home, PASSPHRASE, check_catalog=False) as store,
            pytest.raises(DamagedWallet, match=MODIFIED),
        ):
            store.put("credential", b"new")
        assert sql("SELECT count(*) FROM records") == [(2,)]

    def test_check_is_clean_on_a_good_wallet(self, home: Path) -> None:
        """check() reports nothing for an untouched wallet."""
        _wallet_with_records(home)
        with Store.open(home, PASSPHRASE) as store:
            assert store.check() == []


class TestDamagedFile:
    def test_empty_file(self, home: Path) -> None:
        """A 0-byte database is a damaged wallet, and stays 0 bytes."""
        home.mkdir()
        db = home / "wallet.db"
        db.write_bytes(b"")
        with pytest.raises(DamagedWallet, match="empty"):
            Store.open(home, PASSPHRASE)
        assert db.read_bytes() == b""

    @pytest.mark.parametrize("keep", ["50", "4096", "half", "size-1"])
    def test_truncated_file(self, home: Path, keep: str) -> None:
        """A truncated database fails cleanly (or names damaged records) and is not modified."""
        _wallet_with_records(home, n=40)
        db = home / "wallet.db"
        data = db.read_bytes()
        size = {"50": 50, "4096": 4096, "half": len(data) // 2, "size-1": len(data) - 1}[keep]
        db.write_bytes(data[:size])
        before = db.read_bytes()
        try:
            with Store.open(home, PASSPHRASE) as store:
                store.records()
                pytest.fail("a truncated wallet opened and read without complaint")
        except (DamagedWallet, WrongPassphraseOrDamaged):
            pass
        assert db.read_bytes() == before

    def test_foreign_sqlite_database(self, home: Path) -> None:
        """Another program's SQLite database is refused and left as it was."""
        home.mkdir()
        db = home / "wallet.db"
        with closing(sqlite3.connect(db)) as conn:
            conn.execute("CREATE TABLE meta (x)")
            conn.commit()
        before = _state(db)
        with pytest.raises(DamagedWallet, match="not a credwallet wallet"):
            Store.open(home, PASSPHRASE)
        assert _state(db) == before

    def test_foreign_file(self, home: Path) -> None:
        """A file that is not SQLite at all is a damaged wallet, left as it was."""
        home.mkdir()
        db = home / "wallet.db"
        db.write_bytes(b"PK\x03\x04 this is a zip file, not a wallet" * 100)
        before = _state(db)
        with pytest.raises(DamagedWallet):
            Store.open(home, PASSPHRASE)
        assert _state(db) == before

    def test_missing_meta_row(self, home: Path, sql: Sql) -> None:
        """A credwallet file whose header row is gone is damaged, never re-initialised."""
        _wallet_with_records(home)
        sql("DELETE FROM meta")
        with pytest.raises(DamagedWallet, match="header row"):
            Store.open(home, PASSPHRASE)
        assert sql("SELECT count(*) FROM records") == [(3,)]


class TestPassphraseAndKeyslot:
    def test_wrong_passphrase_changes_nothing(self, home: Path) -> None:
        """A wrong passphrase gives one opaque error and leaves the file's bytes and mtime alone."""
        _wallet_with_records(home)
        db = home / "wallet.db"
        before = _state(db)
        with pytest.raises(WrongPassphraseOrDamaged) as caught:
            Store.open(home, "Correct horse battery staple")
        assert str(caught.value) == "wrong passphrase or damaged wallet"
        assert _state(db) == before

    def test_decomposed_passphrase_opens(self, home: Path) -> None:
        """The same passphrase typed in decomposed Unicode form opens the wallet."""
        Store.create(home, "Zürich").close()
        Store.open(home, "Zu\u0308rich").close()

    def test_lowered_kdf_parameters_fail(
        self, home: Path, sql: Sql, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Lowering the stored KDF parameters makes the unwrap fail (they are bound in the AAD)."""
        stronger = KdfProfile("argon2id", memory_kib=64, iterations=2, lanes=2)
        monkeypatch.setattr(kdf, "CREATION_PROFILE", stronger)
        _wallet_with_records(home)
        assert sql("SELECT kdf FROM keyslots") == [("argon2id:m=64,t=2,p=2",)]
        sql("UPDATE keyslots SET kdf = 'argon2id:m=8,t=1,p=1'")
        with pytest.raises(WrongPassphraseOrDamaged):
            Store.open(home, PASSPHRASE)

    def test_scrypt_fallback_wallet(
        self, home: Path, sql: Sql, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Where Argon2id is unavailable, new wallets use scrypt and open normally."""
        monkeypatch.setattr(kdf, "_argon2_available", lambda: False)
        ids = _wallet_with_records(home)
        assert sql("SELECT kdf FROM keyslots") == [(kdf.CHEAPEST_SCRYPT.canonical(),)]
        with Store.open(home, PASSPHRASE) as store:
            assert [r.id for r in store.records()] == ids
        with pytest.raises(WrongPassphraseOrDamaged):
            Store.open(home, "not it")

    @pytest.mark.parametrize(
        "params",
        [
            "argon2id:m=1073741824,t=3,p=4",
            "argon2id:m=8,t=1000000,p=1",
            "scrypt:logN=40,r=8,p=1",
            "scrypt:logN=20,r=32,p=16",  # each within its cap; 578 s and 4 GiB together
            "argon2id:m=1048576,t=10,p=16",
        ],
    )
    def test_huge_kdf_parameters_rejected_before_kdf(
        self, home: Path, sql: Sql, params: str, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Absurd KDF parameters are refused before any KDF runs."""
        _wallet_with_records(home)
        sql("UPDATE keyslots SET kdf = ? WHERE slot_id = 1", (params,))
        from credwallet import _crypto

        def no_kdf(*args: object, **kwargs: object) -> bytes:
            raise AssertionError("the KDF ran")

        monkeypatch.setattr(_crypto, "argon2id", no_kdf)
        monkeypatch.setattr(_crypto, "scrypt", no_kdf)
        with pytest.raises(DamagedWallet, match="KDF parameters"):
            Store.open(home, PASSPHRASE)

    @pytest.mark.parametrize("column", ["salt", "wrapped"])
    def test_edited_keyslot_bytes(self, home: Path, sql: Sql, column: str) -> None:
        """A changed salt or wrapped key gives the opaque wrong-passphrase error."""
        _wallet_with_records(home)
        (value,) = sql(f"SELECT {column} FROM keyslots")[0]
        changed = bytes([value[0] ^ 1]) + value[1:]
        sql(f"UPDATE keyslots SET {column} = ?", (changed,))
        with pytest.raises(WrongPassphraseOrDamaged):
            Store.open(home, PASSPHRASE)

    def test_newer_format_version(self, home: Path, sql: Sql) -> None:
        """A wallet from a newer credwallet is refused with that reason and not touched."""
        _wallet_with_records(home)
        sql("UPDATE meta SET format_version = 99")
        db = home / "wallet.db"
        before = _state(db)
        with pytest.raises(DamagedWallet, match="newer credwallet"):
            Store.open(home, PASSPHRASE)
        assert _state(db) == before

    def test_older_format_version(self, home: Path, sql: Sql) -> None:
        """Format version 0 is refused as unknown."""
        _wallet_with_records(home)
        sql("UPDATE meta SET format_version = 0")
        with pytest.raises(DamagedWallet, match="unknown store format"):
            Store.open(home, PASSPHRASE)

    def test_wallet_id_changed(self, home: Path, sql: Sql) -> None:
        """Changing the stored wallet id breaks the keyslot binding."""
        _wallet_with_records(home)
        sql("UPDATE meta SET wallet_id = ?", (os.urandom(16),))
        with pytest.raises(WrongPassphraseOrDamaged):
            Store.open(home, PASSPHRASE)
