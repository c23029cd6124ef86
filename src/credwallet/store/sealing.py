"""Sealing one record, the catalog MAC and dedup tags: pure functions, no database.

A record's plaintext is framed and padded (u32 length, payload, zero bytes up to a size bucket)
so that stored sizes reveal less; it is sealed with AES-256-GCM whose associated data binds the
wallet id, the kind, the record id and the version. Swapping two rows' ciphertexts, moving a row
to another id, relabelling its kind or replaying an older version's ciphertext under a newer
version number all fail to open. The catalog MAC covers every row's (id, kind, version, tag,
dedup), so deleting a row, restoring a whole older row or editing its dedup tag is caught too.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from credwallet import _crypto
from credwallet.errors import LimitExceeded
from credwallet.store.keys import SecretKey, frame, u32, u64

__all__ = [
    "MAX_PAYLOAD",
    "CatalogEntry",
    "RecordUnreadable",
    "SealedRecord",
    "catalog_mac",
    "dedup_tag",
    "open_record",
    "pad",
    "padded_size",
    "record_aad",
    "seal_record",
    "unpad",
]

RECORD_AAD_TAG = b"credwallet/record/v1"
CATALOG_MAC_TAG = b"credwallet/catalog/v1"
DEDUP_TAG = b"credwallet/dedup/v1"
NONCE_SIZE = 12
TAG_SIZE = 16
LENGTH_PREFIX = 4
MIN_BUCKET = 256
MAX_PAYLOAD = 64 * 1024 * 1024

CatalogEntry = tuple[bytes, str, int, bytes, bytes]
"""(record id, kind, version, GCM tag, dedup tag or b""): what the catalog MAC covers per row."""


class RecordUnreadable(Exception):
    """A record's seal did not open (internal; the store names the record in a DamagedWallet)."""


@dataclass(frozen=True, slots=True)
class SealedRecord:
    nonce: bytes
    ct: bytes
    tag: bytes


def padded_size(length: int) -> int:
    """Padmé bucket (at most ~12% overhead) for a framed plaintext of ``length`` bytes."""
    if length <= MIN_BUCKET:
        return MIN_BUCKET
    exponent = length.bit_length() - 1
    size_bits = exponent.bit_length()
    mask = (1 << (exponent - size_bits)) - 1
    return (length + mask) & ~mask


def pad(payload: bytes) -> bytes:
    if len(payload) > MAX_PAYLOAD:
        raise LimitExceeded(
            f"a record of {len(payload)} bytes is over the store's limit of {MAX_PAYLOAD} bytes"
        )
    framed = u32(len(payload)) + payload
    return framed + bytes(padded_size(len(framed)) - len(framed))


def unpad(plain: bytes) -> bytes:
    """Inverse of :func:`pad`; raises :class:`RecordUnreadable` on a malformed frame."""
    if len(plain) < LENGTH_PREFIX:
        raise RecordUnreadable
    length = int.from_bytes(plain[:LENGTH_PREFIX], "big")
    end = LENGTH_PREFIX + length
    # Every padding byte must be zero: counted in C (any() over a copy of the padding cost
    # about 5 us a record when listing a wallet).
    if end > len(plain) or plain.count(0, end) != len(plain) - end:
        raise RecordUnreadable
    return plain[LENGTH_PREFIX:end]


def record_aad(wallet_id: bytes, kind: str, record_id: bytes, version: int) -> bytes:
    return RECORD_AAD_TAG + frame(wallet_id, kind.encode("ascii"), record_id, u64(version))


def seal_record(
    key: SecretKey, wallet_id: bytes, kind: str, record_id: bytes, version: int, payload: bytes
) -> SealedRecord:
    sealed = _crypto.aesgcm_seal(
        key.reveal(), pad(payload), record_aad(wallet_id, kind, record_id, version)
    )
    return SealedRecord(
        nonce=sealed[:NONCE_SIZE], ct=sealed[NONCE_SIZE:-TAG_SIZE], tag=sealed[-TAG_SIZE:]
    )


def open_record(
    key: SecretKey,
    wallet_id: bytes,
    kind: str,
    record_id: bytes,
    version: int,
    sealed: SealedRecord,
) -> bytes:
    """The payload, or :class:`RecordUnreadable` if anything about the row was changed."""
    if len(sealed.nonce) != NONCE_SIZE or len(sealed.tag) != TAG_SIZE:
        raise RecordUnreadable
    try:
        kind_bytes = kind.encode("ascii")
    except UnicodeEncodeError:
        raise RecordUnreadable from None
    aad = RECORD_AAD_TAG + frame(wallet_id, kind_bytes, record_id, u64(version))
    try:
        plain = _crypto.aesgcm_open(key.reveal(), sealed.nonce + sealed.ct + sealed.tag, aad)
    except _crypto.OpenFailed:
        raise RecordUnreadable from None
    return unpad(plain)


def catalog_mac(
    key: SecretKey, wallet_id: bytes, generation: int, entries: Iterable[CatalogEntry]
) -> bytes:
    """HMAC-SHA256 over the generation and every row's catalog entry, sorted by id."""
    rows = sorted(entries)
    body = b"".join(
        frame(rid, kind.encode("utf-8", "surrogatepass"), u64(version), tag, dedup)
        for rid, kind, version, tag, dedup in rows
    )
    header = CATALOG_MAC_TAG + frame(wallet_id, u64(generation), u32(len(rows)))
    return _crypto.hmac_sha256(key.reveal(), header + body)


def dedup_tag(key: SecretKey, content: bytes) -> bytes:
    """A keyed tag of the caller's canonical content: equal content, equal tag; no plain hash."""
    return _crypto.hmac_sha256(key.reveal(), DEDUP_TAG + content)
