"""Encrypted persistence: key hierarchy, sealed records, SQLite schema, locking, sessions.

The public surface is :class:`Store` (create/open/open_session, put/get/update/delete, records,
sessions, passphrase change, check, snapshot), :class:`StoredRecord`, and the KDF profiles.
The byte-level format is specified in docs/store-format.md. ``store.age`` (the age v1 format)
and ``store.backup*`` build the backup on :meth:`Store.snapshot_to` and :meth:`Store.records`.
"""

from __future__ import annotations

from credwallet.store.core import KINDS, Store, StoredRecord
from credwallet.store.kdf import CHEAPEST, DEFAULT, SCRYPT, KdfProfile
from credwallet.store.sessions import MAX_TTL_SECONDS

__all__ = [
    "CHEAPEST",
    "DEFAULT",
    "KINDS",
    "MAX_TTL_SECONDS",
    "SCRYPT",
    "KdfProfile",
    "Store",
    "StoredRecord",
]
