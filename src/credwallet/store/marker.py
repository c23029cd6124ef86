"""The last-seen marker: a MAC'd note of the highest catalog generation this home has seen.

Putting back a whole older copy of ``wallet.db`` gives a file that is consistent in itself: every
record opens and the catalog matches. Only something outside the file can tell. After each write
(and on open) the store writes ``<home>/last-seen``; on open, a marker for the same wallet with
a *higher* generation than the database's means an older copy was put back.

Limit: whoever can replace ``wallet.db`` can usually delete or replace ``last-seen`` too (with an
older valid marker). The marker catches accidents (restoring a file-level backup, a sync tool)
and careless tampering, not a careful attacker with write access to the home.

Once seen, a rollback stays suspected (a flag in the marker) until the user accepts the state
(``check --accept-rollback``): further writes raise the generation again, but must not make the
warning fade.

Layout: magic "CWM2" | wallet id (16) | generation u64 | suspected u8 | HMAC-SHA256(marker
subkey, "credwallet/last-seen/v2" | frame(wallet id, generation, suspected)). The first
release's "CWM1" marker (no flag) is still read.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

from credwallet import _crypto
from credwallet.store.files import MARKER_NAME, atomic_write
from credwallet.store.keys import KeyRing, frame, u64

__all__ = ["Marker", "read_marker", "write_marker"]

MAGIC_V1 = b"CWM1"
MAGIC = b"CWM2"
MARKER_TAG_V1 = b"credwallet/last-seen/v1"
MARKER_TAG = b"credwallet/last-seen/v2"
_LAYOUT_V1 = struct.Struct(">4s16sQ32s")
_LAYOUT = struct.Struct(">4s16sQB32s")


@dataclass(frozen=True, slots=True)
class Marker:
    generation: int  # the highest generation this home has seen
    suspected: bool  # a rollback was seen and the user has not accepted it yet


def _mac(keys: KeyRing, generation: int, suspected: bool) -> bytes:
    return _crypto.hmac_sha256(
        keys.subkey("marker").reveal(),
        MARKER_TAG + frame(keys.wallet_id, u64(generation), bytes([int(suspected)])),
    )


def _mac_v1(keys: KeyRing, generation: int) -> bytes:
    return _crypto.hmac_sha256(
        keys.subkey("marker").reveal(), MARKER_TAG_V1 + frame(keys.wallet_id, u64(generation))
    )


def read_marker(home: Path, keys: KeyRing) -> Marker | None:
    """What this home recorded for this wallet, or None (missing, foreign or not authentic).

    The first release's CWM1 marker (no suspicion flag) is still read.
    """
    try:
        data = (home / MARKER_NAME).read_bytes()
    except OSError:
        return None
    if len(data) == _LAYOUT_V1.size:
        magic, wallet_id, generation, mac = _LAYOUT_V1.unpack(data)
        if magic != MAGIC_V1 or wallet_id != keys.wallet_id:
            return None
        if not _crypto.constant_time_equal(mac, _mac_v1(keys, generation)):
            return None
        return Marker(int(generation), False)
    if len(data) != _LAYOUT.size:
        return None
    magic, wallet_id, generation, flag, mac = _LAYOUT.unpack(data)
    if magic != MAGIC or wallet_id != keys.wallet_id or flag not in (0, 1):
        return None
    if not _crypto.constant_time_equal(mac, _mac(keys, generation, bool(flag))):
        return None
    return Marker(int(generation), bool(flag))


def write_marker(home: Path, keys: KeyRing, generation: int, *, suspected: bool = False) -> None:
    """Record ``generation`` (and a pending suspicion); best effort (a read-only home only
    loses the rollback warning)."""
    try:
        atomic_write(
            home / MARKER_NAME,
            _LAYOUT.pack(
                MAGIC, keys.wallet_id, generation, int(suspected), _mac(keys, generation, suspected)
            ),
            durable=False,
        )
    except OSError:
        return
