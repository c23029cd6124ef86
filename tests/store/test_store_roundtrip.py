"""Creating, opening and using a store: records go in and come out exactly."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from storehelp import PASSPHRASE

from credwallet.errors import BadInput, NotFound, StorageError, WalletExists, WalletNotFound
from credwallet.store import Store, StoredRecord


class TestLifecycle:
    def test_create_then_open(self, home: Path) -> None:
        """A created wallet opens again with the same passphrase and wallet id."""
        with Store.create(home, PASSPHRASE) as created:
            wallet_id = created.wallet_id
            rid, _ = created.put("credential", b"payload")
        with Store.open(home, PASSPHRASE) as opened:
            assert opened.wallet_id == wallet_id
            assert opened.get(rid).payload == b"payload"

    def test_exists(self, home: Path) -> None:
        """exists() is false before init and true after."""
        assert not Store.exists(home)
        Store.create(home, PASSPHRASE).close()
        assert Store.exists(home)

    def test_missing_home(self, tmp_path: Path) -> None:
        """Opening where there is no wallet says so and tells the user what to run."""
        with pytest.raises(WalletNotFound, match="credwallet init"):
            Store.open(tmp_path / "nowhere", PASSPHRASE)
        assert not (tmp_path / "nowhere").exists()

    def test_missing_db_in_existing_home(self, home: Path) -> None:
        """An existing home without a database is not a wallet, and nothing is created."""
        home.mkdir()
        with pytest.raises(WalletNotFound):
            Store.open(home, PASSPHRASE)
        assert list(home.iterdir()) == []

    def test_init_over_existing_wallet(self, store: Store, home: Path) -> None:
        """init over an existing wallet is refused and the wallet still opens."""
        store.close()
        with pytest.raises(WalletExists):
            Store.create(home, "another passphrase")
        Store.open(home, PASSPHRASE).close()

    def test_init_over_empty_file(self, home: Path) -> None:
        """A 0-byte file where the database belongs is never overwritten by init."""
        home.mkdir()
        (home / "wallet.db").write_bytes(b"")
        with pytest.raises(WalletExists):
            Store.create(home, PASSPHRASE)
        assert (home / "wallet.db").read_bytes() == b""

    def test_empty_passphrase_refused(self, home: Path) -> None:
        """An empty passphrase is bad input and no wallet is created."""
        with pytest.raises(BadInput):
            Store.create(home, "")
        assert not Store.exists(home)

    def test_closed_store_refuses_use(self, store: Store) -> None:
        """A closed store raises a clean error instead of touching freed keys."""
        store.close()
        store.close()  # closing twice is harmless
        with pytest.raises(StorageError, match="closed"):
            store.records()

    def test_repr_has_no_secrets(self, store: Store) -> None:
        """The store's repr names the home and wallet id only."""
        text = repr(store) + repr(store._keys)
        assert store.wallet_id in text
        assert store._keys.data_key.reveal().hex() not in text
        assert "redacted" in text


class TestRecords:
    def test_put_get(self, store: Store) -> None:
        """A stored record comes back with its kind, payload and version 1."""
        rid, created = store.put("credential", b"\x00\x01 original bytes")
        assert created
        assert store.get(rid) == StoredRecord(rid, "credential", b"\x00\x01 original bytes", 1)

    def test_update_bumps_version(self, store: Store) -> None:
        """update() replaces the payload and increments the version."""
        rid, _ = store.put("setting", b"one")
        store.update(rid, b"two")
        store.update(rid, b"three")
        record = store.get(rid)
        assert (record.payload, record.version) == (b"three", 3)

    def test_delete(self, store: Store) -> None:
        """A deleted record is gone; deleting it again is NotFound."""
        rid, _ = store.put("cache", b"x")
        store.delete(rid)
        assert store.count() == 0
        with pytest.raises(NotFound):
            store.get(rid)
        with pytest.raises(NotFound):
            store.delete(rid)

    @pytest.mark.parametrize("bad_id", ["", "zz", "00" * 16, "ABCDEF" * 5 + "AB", "../x"])
    def test_unknown_ids_are_not_found(self, store: Store, bad_id: str) -> None:
        """Unknown or malformed ids give NotFound for get, update and delete."""
        for call in (store.get, store.delete, lambda i: store.update(i, b"x")):
            with pytest.raises(NotFound):
                call(bad_id)

    def test_records_in_insertion_order_and_by_kind(self, store: Store) -> None:
        """records() lists in insertion order; a kind filter keeps only that kind."""
        ids = [
            store.put(kind, f"{i}".encode())[0]
            for i, kind in enumerate(["credential", "pathway"] * 3)
        ]
        assert [r.id for r in store.records()] == ids
        assert [r.payload for r in store.records("pathway")] == [b"1", b"3", b"5"]
        assert store.count() == 6
        assert store.count("credential") == 3
        assert store.count("identity") == 0

    def test_invalid_kind(self, store: Store) -> None:
        """A kind that is not a short lowercase name is bad input."""
        for kind in ["", "Credential", "a b", "x" * 40, "ключ"]:
            with pytest.raises(BadInput):
                store.put(kind, b"x")
        assert store.count() == 0

    def test_holder_key_round_trip(self, store: Store) -> None:
        """Holder-key records (sealed under their own subkey) round-trip like the rest."""
        rid, _ = store.put("holder-key", bytes(range(32)))
        assert store.records("holder-key")[0].payload == bytes(range(32))
        assert store.get(rid).kind == "holder-key"

    def test_empty_and_large_payloads(self, store: Store) -> None:
        """An empty payload and a 1 MiB one both round-trip."""
        big = bytes(range(256)) * 4096
        a, _ = store.put("credential", b"")
        b, _ = store.put("credential", big)
        assert store.get(a).payload == b""
        assert store.get(b).payload == big

    def test_payload_repr_hidden(self, store: Store) -> None:
        """A StoredRecord's repr never shows the payload (it may be a private key)."""
        rid, _ = store.put("holder-key", b"SECRET-SEED-BYTES")
        assert "SECRET-SEED" not in repr(store.get(rid))

    @settings(
        max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
    )
    @given(payload=st.binary(max_size=3000))
    def test_any_bytes_round_trip(self, store: Store, payload: bytes) -> None:
        """Any payload bytes come back unchanged."""
        rid, _ = store.put("credential", payload)
        assert store.get(rid).payload == payload


class TestDedup:
    def test_same_content_is_stored_once(self, store: Store) -> None:
        """A second put with the same dedup content returns the first id, not created."""
        first = store.put("credential", b"a", dedup_key=b"canonical content")
        second = store.put("credential", b"b", dedup_key=b"canonical content")
        assert first == (first[0], True)
        assert second == (first[0], False)
        assert store.count() == 1
        assert store.get(first[0]).payload == b"a"

    def test_find_dedup(self, store: Store) -> None:
        """find_dedup finds the record by its content and nothing else."""
        rid, _ = store.put("cache", b"doc", dedup_key=b"cache-url:https://example.org/")
        assert store.find_dedup(b"cache-url:https://example.org/") == rid
        assert store.find_dedup(b"cache-url:https://example.com/") is None

    def test_rerun_import_is_idempotent(self, store: Store) -> None:
        """Re-running the same batch import (chunked) adds nothing the second time."""
        items = [("credential", f"badge {i}".encode(), f"content {i}".encode()) for i in range(25)]
        first = store.put_many(items, chunk=7)
        again = store.put_many(items, chunk=7)
        assert all(created for _, created in first)
        assert [rid for rid, _ in again] == [rid for rid, _ in first]
        assert not any(created for _, created in again)
        assert store.count() == 25

    def test_duplicates_inside_one_batch(self, store: Store) -> None:
        """Two equal items in one chunk give one record and the same id twice."""
        items = [
            ("credential", b"x", b"same"),
            ("credential", b"y", b"same"),
            ("credential", b"z", None),
        ]
        results = store.put_many(items)
        assert results[0][0] == results[1][0]
        assert [created for _, created in results] == [True, False, True]
        assert store.count() == 2

    def test_dedup_survives_update(self, store: Store) -> None:
        """Updating a record keeps its dedup content."""
        rid, _ = store.put("credential", b"v1", dedup_key=b"k")
        store.update(rid, b"v2")
        assert store.put("credential", b"v3", dedup_key=b"k") == (rid, False)

    def test_each_chunk_is_one_generation(self, store: Store) -> None:
        """put_many commits one transaction (one catalog generation) per chunk."""
        before = store.generation
        store.put_many([("credential", b"x", None)] * 10, chunk=4)
        assert store.generation == before + 3
