"""Batches cost per batch, not per credential: identities read once, one write per chunk.

Import and re-verification used to read every identity record (a scan of the whole table) and,
for `verify --all` / `check`, commit one write transaction (a MAC over every catalog entry) per
credential, which made them quadratic in the wallet's size.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from badges import write_badges

from credwallet.wallet import Wallet
from credwallet.wallet import core as wallet_core

PASSPHRASE = "batch test passphrase"


@pytest.fixture
def wallet(tmp_path: Path) -> Iterator[Wallet]:
    with Wallet.create(tmp_path / "home", PASSPHRASE) as created:
        created.add_identity("learner@example.org")
        yield created


def _count_identity_reads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    reads: list[int] = []
    original = Wallet.identities

    def counted(self: Wallet) -> list[tuple[str, str]]:
        reads.append(1)
        return original(self)

    monkeypatch.setattr(Wallet, "identities", counted)
    return reads


def test_import_reads_identities_once(
    wallet: Wallet, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_badges(tmp_path / "badges", 5)
    reads = _count_identity_reads(monkeypatch)
    summary = wallet.import_sources([str(tmp_path / "badges")], offline=True)
    assert summary.count("imported") == 5
    assert len(reads) == 1


def test_reverify_reads_identities_once_and_writes_per_chunk(
    wallet: Wallet, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_badges(tmp_path / "badges", 5)
    wallet.import_sources([str(tmp_path / "badges")], offline=True)
    reads = _count_identity_reads(monkeypatch)
    monkeypatch.setattr(wallet_core, "REVERIFY_CHUNK", 2)
    before = wallet.store.generation
    results = wallet.reverify(None, offline=True)
    assert len(results) == 5 and len(reads) == 1
    assert wallet.store.generation == before + 3  # chunks of 2, 2 and 1
    stored = {h.wallet_id: h.record.report for h in wallet.credentials()}
    assert all(stored[h.wallet_id] == report for h, report in results)


def test_identity_added_during_a_batch_is_seen(wallet: Wallet) -> None:
    """The batch's identities are read again after one is added (adopted from an export)."""
    with wallet._identities_batch():
        assert wallet._identity_values() == ("learner@example.org",)
        wallet.add_identity("other@example.org")
        assert set(wallet._identity_values()) == {"learner@example.org", "other@example.org"}


def test_import_keys_each_credential_as_the_two_functions_do(tmp_path: Path) -> None:
    """Dedup material and content key from one canonicalisation equal the two functions', also
    where they fall back to the original bytes (a lone surrogate) or use the JWS."""
    from dataclasses import replace

    from credwallet.formats import parse

    [path] = write_badges(tmp_path / "badges", 1)
    credential = parse(path.read_bytes())
    bad = replace(credential, document={**credential.document, "name": "x\ud800"})
    signed = replace(credential, jws="e30.e30.c2ln")
    for each in (credential, bad, signed):
        expected = (wallet_core.dedup_material(each), wallet_core.content_key(each))
        assert wallet_core.dedup_and_content_key(each) == expected
    assert wallet_core.dedup_and_content_key(bad)[0].startswith(b"raw:")
    assert wallet_core.dedup_and_content_key(credential)[0].startswith(b"jcs:")
