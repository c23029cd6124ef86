"""The parsed view kept in each credential record: listing reads it instead of re-parsing,
and never trusts one from other parsing code or one that does not rebuild the credential."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from badges import write_badges

from credwallet.formats import parse, parse_all
from credwallet.wallet import Wallet
from credwallet.wallet import core as wallet_core
from credwallet.wallet.records import CredentialRecord
from credwallet.wallet.views import credential_from_view, credential_view
from support import EXTERNAL, manifest

PASSPHRASE = "view test passphrase"


@pytest.fixture
def wallet(tmp_path: Path) -> Iterator[Wallet]:
    with Wallet.create(tmp_path / "home", PASSPHRASE) as created:
        write_badges(tmp_path / "badges", 3)
        created.import_sources([str(tmp_path / "badges")], offline=True)
        yield created


def _forbid_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> object:
        raise AssertionError("the original was parsed")

    monkeypatch.setattr("credwallet.formats.parse", refuse)


def test_every_fixture_credential_rebuilds_from_its_view() -> None:
    """For every credential among the shared fixtures, view -> JSON -> credential is exact."""
    seen = 0
    for entry in manifest():
        path = EXTERNAL / entry["file"]
        try:
            credentials = parse_all(path.read_bytes())
        except Exception:  # fixtures meant not to parse (or not credentials at all)
            continue
        for credential in credentials:
            view = credential_view(credential)
            assert view is not None, entry["file"]
            again = credential_from_view(json.loads(json.dumps(view)), credential.original)
            assert again == credential and again is not None
            assert again.document == credential.document
            seen += 1
    assert seen > 20


def test_listing_uses_the_views(wallet: Wallet, monkeypatch: pytest.MonkeyPatch) -> None:
    expected = [(h.wallet_id, h.credential) for h in wallet.credentials()]
    _forbid_parsing(monkeypatch)
    assert [(h.wallet_id, h.credential) for h in wallet.credentials()] == expected


def test_a_view_from_other_parsing_code_is_ignored_then_refreshed(
    wallet: Wallet, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A view whose parser fingerprint differs is not used; `verify --all` writes a fresh one."""
    held = wallet.credentials()[0]
    stale = dict(held.record.view or {}, parser="0" * 32, name="what an old parser said")
    wallet.store.update(held.wallet_id, held.record.with_view(stale).to_bytes())
    listed = {h.wallet_id: h.credential for h in wallet.credentials()}
    assert listed[held.wallet_id] == parse(held.record.original)
    wallet.reverify(None, offline=True)
    record = CredentialRecord.from_bytes(wallet.store.get(held.wallet_id).payload)
    assert record.view == credential_view(parse(held.record.original))


def test_a_malformed_view_falls_back_to_parsing(wallet: Wallet) -> None:
    held = wallet.credentials()[0]
    broken = dict(held.record.view or {}, issuer="not a list of fields", achievement=[1])
    wallet.store.update(held.wallet_id, held.record.with_view(broken).to_bytes())
    listed = {h.wallet_id: h.credential for h in wallet.credentials()}
    assert listed[held.wallet_id] == held.credential


def test_check_parses_the_original_whatever_the_view(wallet: Wallet) -> None:
    """`check` judges the original: a record whose original no longer parses is reported even
    though its view would still list it."""
    held = wallet.credentials()[0]
    damaged = CredentialRecord.from_bytes(wallet.store.get(held.wallet_id).payload)
    damaged = damaged.__class__(
        original=b"{not json",
        source=damaged.source,
        imported_at=damaged.imported_at,
        report=damaged.report,
        view=damaged.view,
    )
    wallet.store.update(held.wallet_id, damaged.to_bytes())
    assert [r[0] for r in wallet.unreadable_records()] == [held.wallet_id]


def test_records_without_views_still_read(wallet: Wallet) -> None:
    """Records written before views existed (no "view" member) list as before."""
    held = wallet.credentials()[0]
    wallet.store.update(held.wallet_id, held.record.with_view(None).to_bytes())
    assert {h.wallet_id: h.credential for h in wallet.credentials()}[held.wallet_id] == (
        held.credential
    )
    assert wallet_core.read_held(
        held.wallet_id, held.record.to_bytes(), now=held.record.imported_at
    )
