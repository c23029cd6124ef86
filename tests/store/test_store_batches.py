"""Batch reads and writes: ids without decrypting, many edits per transaction, the kind index."""

from __future__ import annotations

from pathlib import Path

import pytest
from storehelp import PASSPHRASE, Sql

from credwallet.errors import BadInput, DamagedWallet, NotFound
from credwallet.store import Store, StoredRecord


class TestIds:
    def test_ids_of_one_kind_in_insertion_order(self, store: Store) -> None:
        """ids(kind) lists the same ids, in the same order, as records(kind)."""
        made = [store.put(kind, f"{kind}{n}".encode())[0] for n in range(3) for kind in "ab"]
        assert store.ids("a") == [r.id for r in store.records("a")] == made[0::2]
        assert store.ids("b") == made[1::2]
        assert store.ids("none") == []

    def test_ids_do_not_decrypt(self, store: Store, sql: Sql) -> None:
        """A record whose ciphertext is damaged is still listed by id (get() reports it)."""
        rid, _ = store.put("credential", b"payload")
        sql("UPDATE records SET ct = zeroblob(length(ct)) WHERE id = ?", (bytes.fromhex(rid),))
        assert store.ids("credential") == [rid]
        with pytest.raises(DamagedWallet):
            store.get(rid)


class TestModifyMany:
    def test_each_record_changed_on_its_current_payload(self, store: Store) -> None:
        ids = [store.put("credential", f"p{n}".encode())[0] for n in range(5)]
        results = store.modify_many([(i, lambda r: r.payload + b"+") for i in ids])
        assert [r.payload if r else None for r in results] == [f"p{n}+".encode() for n in range(5)]
        assert [store.get(i).payload for i in ids] == [f"p{n}+".encode() for n in range(5)]
        assert all(store.get(i).version == 2 for i in ids)

    def test_one_generation_per_chunk(self, store: Store) -> None:
        """Five edits in chunks of two are three write transactions, not five."""
        ids = [
            i for i, _ in store.put_many([("credential", f"p{n}".encode(), None) for n in range(5)])
        ]
        before = store.generation
        store.modify_many([(i, lambda r: r.payload + b"!") for i in ids], chunk=2)
        assert store.generation == before + 3

    def test_removed_record_gives_none_and_others_still_change(self, store: Store) -> None:
        keep, gone = store.put("credential", b"keep")[0], store.put("credential", b"gone")[0]
        store.delete(gone)
        results = store.modify_many([(gone, lambda r: b"x"), (keep, lambda r: b"kept")])
        assert results[0] is None
        assert isinstance(results[1], StoredRecord) and results[1].payload == b"kept"

    def test_unchanged_record_is_not_rewritten(self, store: Store) -> None:
        rid, _ = store.put("credential", b"same")
        before = store.generation
        (result,) = store.modify_many([(rid, lambda r: None)])
        assert result is not None and result.version == 1
        assert store.generation == before

    def test_malformed_id_and_bad_chunk_refused(self, store: Store) -> None:
        with pytest.raises(NotFound):
            store.modify_many([("not-an-id", lambda r: b"")])
        with pytest.raises(BadInput):
            store.modify_many([], chunk=0)

    def test_modify_still_raises_not_found(self, store: Store) -> None:
        rid, _ = store.put("credential", b"x")
        store.delete(rid)
        with pytest.raises(NotFound):
            store.modify(rid, lambda r: b"y")


class TestKindIndex:
    def test_new_wallet_has_the_index(self, store: Store, sql: Sql) -> None:
        assert sql("SELECT name FROM sqlite_master WHERE type = 'index' AND name = 'records_kind'")

    def test_older_wallet_gets_it_at_its_next_write(self, home: Path, sql: Sql) -> None:
        """A wallet made before the index existed still opens, and its next write adds it."""
        Store.create(home, PASSPHRASE).close()
        sql("DROP INDEX records_kind")
        with Store.open(home, PASSPHRASE) as store:
            assert store.ids("credential") == []
            rid, _ = store.put("credential", b"payload")
        assert sql("SELECT name FROM sqlite_master WHERE type = 'index' AND name = 'records_kind'")
        with Store.open(home, PASSPHRASE) as store:
            assert store.get(rid).payload == b"payload"
            assert store.check() == []
