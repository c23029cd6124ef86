"""The key hierarchy below the passphrase: data key, HKDF subkeys, keyslots.

::

    passphrase --KDF(salt, wallet id)--> KEK --AES-256-GCM unwrap (keyslot AAD)--> DK (32 bytes)
    DK --HKDF-SHA256(salt = wallet id, info = "credwallet/v1/<purpose>")--> one subkey per purpose

Every purpose has its own subkey so that a key can never be confused across roles: records,
holder-key records, dedup tags, the catalog MAC, the last-seen marker and the session-owner tag.

Key material lives in :class:`SecretKey` (a ``bytearray`` with no repr, wiped on close). Python
cannot promise that no copy survives elsewhere in memory (the primitives take ``bytes``); this
keeps secrets out of reprs, tracebacks and pickles, and shortens their life where it can.
"""

from __future__ import annotations

import struct
from typing import NoReturn

from credwallet import _crypto

__all__ = [
    "DATA_KEY_SIZE",
    "KeyRing",
    "SecretKey",
    "frame",
    "keyslot_aad",
    "u32",
    "u64",
]

DATA_KEY_SIZE = 32
KEYSLOT_AAD_TAG = b"credwallet/keyslot/v1"

PURPOSES = ("records", "holder-key", "dedup", "catalog", "marker", "session")


def u32(value: int) -> bytes:
    return struct.pack(">I", value)


def u64(value: int) -> bytes:
    return struct.pack(">Q", value)


def frame(*fields: bytes) -> bytes:
    """Length-prefixed concatenation (u32 big-endian length, then bytes), so fields never blur."""
    return b"".join(u32(len(f)) + f for f in fields)


class SecretKey:
    """Key bytes that never appear in a repr, a str or a pickle."""

    __slots__ = ("_buf",)

    def __init__(self, material: bytes | bytearray) -> None:
        self._buf = bytearray(material)

    @classmethod
    def random(cls) -> SecretKey:
        return cls(_crypto.random_bytes(DATA_KEY_SIZE))

    def reveal(self) -> bytes:
        """A short-lived copy for a primitive; do not keep it."""
        if not self._buf:
            raise ValueError("key was wiped")
        return bytes(self._buf)

    def wipe(self) -> None:
        for i in range(len(self._buf)):
            self._buf[i] = 0
        self._buf = bytearray()

    def __repr__(self) -> str:
        return "SecretKey(<redacted>)"

    __str__ = __repr__

    def __reduce__(self) -> NoReturn:
        raise TypeError("secret keys cannot be pickled")


class KeyRing:
    """The data key of one wallet and the subkeys derived from it."""

    __slots__ = ("_keys", "data_key", "wallet_id")

    def __init__(self, data_key: SecretKey, wallet_id: bytes) -> None:
        self.data_key = data_key
        self.wallet_id = wallet_id
        dk = data_key.reveal()
        self._keys = {
            purpose: SecretKey(
                _crypto.hkdf_sha256(
                    dk, salt=wallet_id, info=b"credwallet/v1/" + purpose.encode("ascii")
                )
            )
            for purpose in PURPOSES
        }

    def subkey(self, purpose: str) -> SecretKey:
        return self._keys[purpose]

    def wipe(self) -> None:
        self.data_key.wipe()
        for key in self._keys.values():
            key.wipe()

    def __repr__(self) -> str:
        return "KeyRing(<redacted>)"

    def __reduce__(self) -> NoReturn:
        raise TypeError("key rings cannot be pickled")


def keyslot_aad(
    format_version: int, wallet_id: bytes, slot_id: int, kind: str, kdf_text: str, salt: bytes
) -> bytes:
    """What a keyslot's wrap is bound to: editing any of these makes the unwrap fail."""
    return KEYSLOT_AAD_TAG + frame(
        u32(format_version),
        wallet_id,
        u32(slot_id),
        kind.encode("ascii"),
        kdf_text.encode("ascii"),
        salt,
    )
