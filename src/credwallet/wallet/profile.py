"""The holder's profile in the encrypted store: one ``setting`` record (``{"setting": "profile"}``).

The ``setting`` kind is already one that backups carry and restores, so a profile travels with
``backup``/``restore`` with no format change. A merged restore may bring a second profile record:
the first readable one wins, and ``profile set`` rewrites it and removes the others.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from credwallet.errors import BadInput
from credwallet.share.profile import HolderProfile

if TYPE_CHECKING:
    from credwallet.store import Store
    from credwallet.store.core import StoredRecord

__all__ = ["KIND_SETTING", "load_profile", "save_profile"]

KIND_SETTING = "setting"


def _profile_records(store: Store) -> list[tuple[StoredRecord, HolderProfile | None]]:
    found: list[tuple[StoredRecord, HolderProfile | None]] = []
    for record in store.records(KIND_SETTING):
        try:
            found.append((record, HolderProfile.from_bytes(record.payload)))
        except BadInput:
            if b'"profile"' in record.payload:
                found.append((record, None))  # a damaged profile: replaced by the next `set`
    return found


def load_profile(store: Store) -> HolderProfile | None:
    """The stored profile, or None when the holder has not set one."""
    for _record, profile in _profile_records(store):
        if profile is not None:
            return profile
    return None


def save_profile(store: Store, profile: HolderProfile) -> None:
    """Store ``profile``, replacing any earlier one."""
    existing = _profile_records(store)
    if not existing:
        store.put(KIND_SETTING, profile.to_bytes(), dedup_key=b"setting:profile")
        return
    first, *others = existing
    store.update(first[0].id, profile.to_bytes())
    for record, _profile in others:
        store.delete(record.id)
