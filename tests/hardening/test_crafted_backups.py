"""Validly encrypted backups with payloads the wallet cannot read (issue 16).

The backups are made with credwallet's own writers (AgeWriter, ArchiveWriter): the attack is a
backup whose encryption and archive are perfect but whose records are garbage.
"""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from clirun import PASSPHRASE, assert_no_crash, copy_wallet, inproc, make_template_wallet

from credwallet.store import Store
from credwallet.store.age import AgeWriter
from credwallet.store.archive import ArchiveRecord, ArchiveWriter

BAD_PATHWAY = json.dumps({"id": "broken", "origin": "toml", "text": "[goal\nrequire ="}).encode()
FUTURE_CACHE = json.dumps(
    {
        "url": "https://issuer.example/status",
        "body": base64.b64encode(b"{}").decode(),
        "fetched_at": "2099-01-01T00:00:00+00:00",
    }
).encode()
NAIVE_CACHE = json.dumps(
    {
        "url": "https://issuer.example/naive",
        "body": base64.b64encode(b"{}").decode(),
        "fetched_at": "2026-01-01T00:00:00",
    }
).encode()
BAD_RECORDS = [
    ("credential", b"garbage, not a record"),
    (
        "credential",
        json.dumps(
            {
                "v": 1,
                "original": "bm90IGEgYmFkZ2U=",
                "source": "x",
                "imported_at": "2026-01-01T00:00:00+00:00",
            }
        ).encode(),
    ),
    ("pathway", BAD_PATHWAY),
    ("holder-key", b"12345"),
    ("cache", FUTURE_CACHE),
    ("cache", NAIVE_CACHE),
    ("identity", b'{"identity": 5}'),
]


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_template_wallet(tmp_path_factory.mktemp("crafted"), 2)


def _good_records(home: Path) -> list[ArchiveRecord]:
    """The template's own credential records (real, readable payloads)."""
    with Store.open(home, PASSPHRASE) as store:
        return [
            ArchiveRecord(kind=r.kind, id=r.id, payload=r.payload)
            for r in store.records("credential")
        ]


def _crafted_backup(path: Path, records: list[ArchiveRecord]) -> Path:
    with path.open("wb") as sink, AgeWriter(sink, PASSPHRASE, log_n=2) as sealed:
        writer = ArchiveWriter(sealed, created=datetime(2026, 1, 1, tzinfo=UTC), info={})
        for record in records:
            writer.add(record)
        writer.finish()
    return path


def _bad() -> list[ArchiveRecord]:
    return [
        ArchiveRecord(kind=kind, id=f"bad-{n}", payload=payload)
        for n, (kind, payload) in enumerate(BAD_RECORDS)
    ]


def _listing(home: Path) -> tuple[list[str], str]:
    ran = inproc(home, "show", "--json")
    assert_no_crash(ran)
    assert ran.code == 0, ran.all
    return [str(c["id"]) for c in json.loads(ran.out)["credentials"]], ran.err


class TestRestoreReadsEveryPayload:
    def test_new_wallet_restore_skips_and_reports_unreadable_records(
        self, template: Path, tmp_path: Path
    ) -> None:
        """Garbage records are left out and named; the rest is restored and `show` works."""
        good = _good_records(template)
        backup = _crafted_backup(tmp_path / "crafted.age", [*good, *_bad()])
        home = tmp_path / "restored"
        ran = inproc(home, "restore", str(backup), "--json")
        assert_no_crash(ran)
        assert ran.code == 0, ran.all
        body = json.loads(ran.out)
        assert sorted(s["id"] for s in body["skipped"]) == [f"bad-{n}" for n in range(7)]
        assert body["new_holder_key"] is True  # the backup's 5-byte key was not used
        ids, _ = _listing(home)
        assert sorted(ids) == sorted(r.id for r in good)
        assert inproc(home, "whoami").out.startswith("did:key:z")
        assert inproc(home, "pathway", "list").code == 0
        checked = inproc(home, "check", "--offline", "--json")
        assert json.loads(checked.out)["advice"] == [], checked.out

    def test_merge_skips_unreadable_records_and_lands_whole(
        self, template: Path, tmp_path: Path
    ) -> None:
        """A merge of the same crafted backup adds nothing unreadable; `show` still works."""
        home = copy_wallet(template, tmp_path / "wallet")
        before, _ = _listing(home)
        backup = _crafted_backup(tmp_path / "crafted.age", _bad())
        ran = inproc(home, "restore", "--merge", str(backup))
        assert_no_crash(ran)
        assert ran.code == 0, ran.all
        assert ran.err.count("skipped unreadable") == 7
        after, err = _listing(home)
        assert after == before
        assert "unreadable" not in err

    def test_merge_is_one_transaction(self, template: Path, tmp_path: Path) -> None:
        """A merge of many records is one transaction (one generation step): all or nothing."""
        home = copy_wallet(template, tmp_path / "wallet")
        with Store.open(home, PASSPHRASE) as store:
            generation = store.generation
            records = [
                ArchiveRecord(kind="identity", id=f"i{n}", payload=b'{"identity": "x%d"}' % n)
                for n in range(450)
            ]
            from credwallet.wallet.backup import dedup_for_payload, restore_backup

            restore_backup(
                records, home=home, passphrase=None, merge_into=store, dedup_for=dedup_for_payload
            )
            assert store.generation == generation + 1  # 450 records, one transaction


class TestUnreadableStoredRecords:
    def test_one_unreadable_record_never_breaks_the_listing(
        self, template: Path, tmp_path: Path
    ) -> None:
        """A record stored before this check existed is skipped by `show` and named by `check`."""
        home = copy_wallet(template, tmp_path / "wallet")
        before, _ = _listing(home)
        with Store.open(home, PASSPHRASE) as store:
            bad_id, _ = store.put("credential", b"garbage")
            store.put("pathway", BAD_PATHWAY)
            store.put("cache", FUTURE_CACHE)
        after, err = _listing(home)
        assert after == before
        assert f"skipped unreadable credential record {bad_id[:8]}" in err
        assert "skipped unreadable pathway record" in err
        assert inproc(home, "pathway", "list").code == 0
        checked = inproc(home, "check", "--offline", "--json")
        assert_no_crash(checked)
        advice = json.loads(checked.out)["advice"]
        assert sum("unreadable" in line for line in advice) == 3, advice
        assert any(bad_id in line for line in advice)
