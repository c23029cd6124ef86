"""Passphrase key derivation: named parameter profiles, their canonical text, and the ceiling.

A keyslot records the profile it was made with as canonical text (``argon2id:m=65536,t=3,p=4``
or ``scrypt:logN=17,r=8,p=1``), so that the default can rise later without breaking old wallets.
That text is parsed strictly (plain decimals, no leading zeros, no spaces) and checked against a
ceiling *before* the KDF runs: a tampered header must not make credwallet allocate gigabytes or
spin for minutes. There is no floor on open, because weakened parameters simply fail to unwrap
the data key; :meth:`KdfProfile.weaker_than` lets ``check`` advise an upgrade.

:data:`CREATION_PROFILE` is the profile new keyslots use (``create`` and ``change_passphrase``).
It is a module setting, not a user option: the test suite switches it to :data:`CHEAPEST`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from typing import Literal

from credwallet import _crypto
from credwallet.errors import BadInput, DamagedWallet

__all__ = [
    "CHEAPEST",
    "CHEAPEST_SCRYPT",
    "CREATION_PROFILE",
    "DEFAULT",
    "MAX_ARGON2_COST",
    "MAX_ITERATIONS",
    "MAX_LANES",
    "MAX_LOG_N",
    "MAX_MEMORY_KIB",
    "MAX_SCRYPT_COST",
    "SALT_SIZE",
    "SCRYPT",
    "KdfProfile",
    "creation_profile",
    "encode_passphrase",
]

SALT_SIZE = 16
KEY_SIZE = 32

# The ceiling applied to stored parameters before any work is done (see module docstring).
# It bounds the *product* that the time (and memory) grows with, not each parameter alone:
# per-parameter caps let a tampered keyslot multiply them (scrypt logN=20, r=32, p=16 ran for
# ~10 minutes in 4 GiB). Each product is 4x (Argon2id) or 8x (scrypt) the profile credwallet
# writes, so a wallet made by a later, stronger default still opens; anything above runs for a
# few seconds at most here and never needs more than 1 GiB.
MAX_MEMORY_KIB = 1024 * 1024  # 1 GiB
MAX_ITERATIONS = 10
MAX_LANES = 16
MAX_ARGON2_COST = 1 << 22  # memory KiB x passes x lanes; DEFAULT is 65536 x 3 x 4 = 786,432
MAX_LOG_N = 20
MAX_SCRYPT_R = 32
MAX_SCRYPT_P = 16
MAX_SCRYPT_COST = 1 << 23  # N x r x p (and 128 x N x r bytes); SCRYPT is 2^17 x 8 x 1 = 2^20

Algorithm = Literal["argon2id", "scrypt"]

_NUM = r"(0|[1-9][0-9]{0,9})"
_ARGON2_TEXT = re.compile(rf"argon2id:m={_NUM},t={_NUM},p={_NUM}")
_SCRYPT_TEXT = re.compile(rf"scrypt:logN={_NUM},r={_NUM},p={_NUM}")


@dataclass(frozen=True, slots=True)
class KdfProfile:
    """One set of KDF parameters. Argon2id uses memory/iterations/lanes; scrypt log_n/r/p."""

    algorithm: Algorithm
    memory_kib: int = 0
    iterations: int = 0
    lanes: int = 0
    log_n: int = 0
    r: int = 0
    p: int = 0

    def canonical(self) -> str:
        """The exact text stored in a keyslot and bound into its associated data."""
        if self.algorithm == "argon2id":
            return f"argon2id:m={self.memory_kib},t={self.iterations},p={self.lanes}"
        return f"scrypt:logN={self.log_n},r={self.r},p={self.p}"

    @classmethod
    def parse(cls, text: str) -> KdfProfile:
        """Parse canonical text and enforce the ceiling; anything else is a damaged wallet."""
        if match := _ARGON2_TEXT.fullmatch(text):
            m, t, p = (int(g) for g in match.groups())
            profile = cls("argon2id", memory_kib=m, iterations=t, lanes=p)
        elif match := _SCRYPT_TEXT.fullmatch(text):
            log_n, r, p = (int(g) for g in match.groups())
            profile = cls("scrypt", log_n=log_n, r=r, p=p)
        else:
            raise DamagedWallet("damaged wallet: the keyslot's KDF parameters are not readable")
        profile.check_limits()
        return profile

    def check_limits(self) -> None:
        """Refuse parameters that are invalid or beyond the ceiling, before any KDF work."""
        if self.algorithm == "argon2id":
            ok = (
                1 <= self.lanes <= MAX_LANES
                and 1 <= self.iterations <= MAX_ITERATIONS
                and 8 * self.lanes <= self.memory_kib <= MAX_MEMORY_KIB
                and self.memory_kib * self.iterations * self.lanes <= MAX_ARGON2_COST
            )
        else:
            ok = (
                1 <= self.log_n <= MAX_LOG_N
                and 1 <= self.r <= MAX_SCRYPT_R
                and 1 <= self.p <= MAX_SCRYPT_P
                and (1 << self.log_n) * self.r * self.p <= MAX_SCRYPT_COST
            )
        if not ok:
            raise DamagedWallet(
                f"damaged wallet: the keyslot asks for KDF parameters outside the accepted "
                f"range ({self.canonical()})"
            )

    def derive(self, passphrase: bytes, salt: bytes, ad: bytes) -> bytearray:
        """The key-encryption key for ``passphrase``; ``ad`` (the wallet id) binds Argon2id."""
        self.check_limits()
        if self.algorithm == "argon2id":
            key = _crypto.argon2id(
                passphrase,
                salt,
                memory_kib=self.memory_kib,
                iterations=self.iterations,
                lanes=self.lanes,
                length=KEY_SIZE,
                ad=ad,
            )
        else:
            # scrypt has no associated-data input; the wallet id is bound by the slot's AAD.
            key = _crypto.scrypt(passphrase, salt, log_n=self.log_n, r=self.r, p=self.p)
        return bytearray(key)

    def weaker_than(self, other: KdfProfile) -> bool:
        """True if this profile costs an attacker less than ``other`` (advice for ``check``)."""
        if self.algorithm != other.algorithm:
            # Argon2id is memory-hard per lane; any scrypt slot is "weaker" once Argon2 exists.
            return self.algorithm == "scrypt"
        if self.algorithm == "argon2id":
            return self.memory_kib < other.memory_kib or self.iterations < other.iterations
        return self.log_n < other.log_n or self.r < other.r


DEFAULT = KdfProfile("argon2id", memory_kib=65536, iterations=3, lanes=4)
"""RFC 9106's second recommended set; about 0.2 s on a 2-core machine."""

CHEAPEST = KdfProfile("argon2id", memory_kib=8, iterations=1, lanes=1)
"""For tests only: no protection at all against guessing."""

SCRYPT = KdfProfile("scrypt", log_n=17, r=8, p=1)
"""For OpenSSL builds without Argon2id (OWASP's scrypt minimum)."""

CHEAPEST_SCRYPT = KdfProfile("scrypt", log_n=4, r=8, p=1)
"""The scrypt stand-in for CHEAPEST when Argon2id is unavailable (tests only)."""

CREATION_PROFILE: KdfProfile = DEFAULT
"""The profile for new keyslots. Tests set it to CHEAPEST; there is no user-facing option."""


@cache
def _argon2_available() -> bool:
    return _crypto.argon2id_supported()


def creation_profile() -> KdfProfile:
    """:data:`CREATION_PROFILE`, or its scrypt stand-in where Argon2id is not available."""
    profile = CREATION_PROFILE
    if profile.algorithm == "argon2id" and not _argon2_available():
        return CHEAPEST_SCRYPT if profile == CHEAPEST else SCRYPT
    return profile


def encode_passphrase(passphrase: str) -> bytearray:
    """NFC-normalised UTF-8 (RFC 8265 OpaqueString), so the same text always gives the same key."""
    if not passphrase:
        raise BadInput("the passphrase must not be empty")
    try:
        return bytearray(unicodedata.normalize("NFC", passphrase).encode("utf-8"))
    except UnicodeEncodeError:
        raise BadInput("the passphrase is not valid Unicode text") from None
