"""The last-seen marker: a MAC'd note of the highest catalog generation this home has seen.

Putting back a whole older copy of ``wallet.db`` gives a file that is consistent in itself: every
record opens and the catalog matches. Only something outside the file can tell. After each write
(and on open) the store writes ``<home>/last-seen``; on open, a marker for the same wallet with
a *higher* generation than the database's means an older copy was put back.

Limit: whoever can replace ``wallet.db`` can usually delete or replace ``last-seen`` too (with an
older valid marker). The marker catches accidents (restoring a file-level backup, a sync tool)
and careless tampering, not a careful attacker with write access to the home.

Layout: magic "CWM1" | wallet id (16) | generation u64 | HMAC-SHA256(marker subkey,
"credwallet/last-seen/v1" | frame(wallet id, generation)).
"""

from __future__ import annotations

import struct
from pathlib import Path

from credwallet import _crypto
from credwallet.store.files import MARKER_NAME, atomic_write
from credwallet.store.keys import KeyRing, frame, u64

__all__ = ["read_marker", "write_marker"]

MAGIC = b"CWM1"
MARKER_TAG = b"credwallet/last-seen/v1"
_LAYOUT = struct.Struct(">4s16sQ32s")


def _mac(keys: KeyRing, generation: int) -> bytes:
    return _crypto.hmac_sha256(
        keys.subkey("marker").reveal(), MARKER_TAG + frame(keys.wallet_id, u64(generation))
    )


def read_marker(home: Path, keys: KeyRing) -> int | None:
    """The generation recorded for this wallet, or None (missing, foreign or not authentic)."""
    try:
        data = (home / MARKER_NAME).read_bytes()
    except OSError:
        return None
    if len(data) != _LAYOUT.size:
        return None
    magic, wallet_id, generation, mac = _LAYOUT.unpack(data)
    if magic != MAGIC or wallet_id != keys.wallet_id:
        return None
    if not _crypto.constant_time_equal(mac, _mac(keys, generation)):
        return None
    return int(generation)


def write_marker(home: Path, keys: KeyRing, generation: int) -> None:
    """Record ``generation``; best effort (a read-only home only loses the rollback warning)."""
    try:
        atomic_write(
            home / MARKER_NAME,
            _LAYOUT.pack(MAGIC, keys.wallet_id, generation, _mac(keys, generation)),
            durable=False,
        )
    except OSError:
        return
