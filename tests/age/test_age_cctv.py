"""The C2SP/CCTV age vectors: each file states its one expected outcome; we check ours.

Two readers are exercised:

* the public passphrase reader, on every vector. Vectors for other recipient types (X25519,
  ML-KEM hybrid) must end in a clean "unsupported recipient" error, unless their header is
  malformed in a way every reader must reject first (a header failure);
* the file-key reader (the published file key in place of the recipient), on every vector whose
  outcome does not depend on a particular recipient type: version, header, stanza syntax and
  base64 rules, the header MAC and the STREAM payload.
"""

from __future__ import annotations

import hashlib

import pytest
from cctv_vectors import Vector, vectors

from credwallet import _crypto
from credwallet.errors import BadInput, ExitCode, WalletAccessError
from credwallet.store.age import (
    AgeArmorError,
    AgeError,
    AgeHeaderError,
    AgeHeaderMacError,
    AgePayloadError,
    AgeUnsupportedRecipient,
    AgeWorkFactorTooHigh,
    AgeWrongPassphrase,
    decrypt_passphrase,
    decrypt_with_file_key,
)

ALL = vectors()
if not ALL:
    pytest.skip("C2SP/CCTV age vectors not found under shared fixtures", allow_module_level=True)

# What each CCTV outcome means for the file-key reader.
FILE_KEY_OUTCOME: dict[str, type[AgeError]] = {
    "header failure": AgeHeaderError,
    "HMAC failure": AgeHeaderMacError,
    "payload failure": AgePayloadError,
    "armor failure": AgeArmorError,
}

# Failures that belong to one recipient type's own rules (a share that is not canonical, a low
# order point, a body that does not decrypt under that identity). A passphrase reader never
# looks inside those stanzas, so it must answer "unsupported recipient" for them instead.
RECIPIENT_SPECIFIC_PREFIXES = ("x25519_", "hybrid_", "scrypt_")

# Among those, the ones broken by a rule of the generic header syntax (the stanza body's
# base64), which any reader rejects while parsing, before looking at recipient types.
GENERIC_SYNTAX_FAILURES = frozenset(
    {"x25519_not_canonical_body", "hybrid_not_canonical_body", "scrypt_not_canonical_body"}
)

# Failures found only after a recipient has opened the file key (the header MAC, the payload
# nonce and chunks): for a file that has no passphrase stanza, credwallet stops before them.
AFTER_UNWRAP_PREFIXES = ("hmac_bad", "stream_", "armor_garbage_encoded")


def _is_recipient_specific(vector: Vector) -> bool:
    if vector.expect == "no match":  # "no identity opened the file key" is about identities
        return True
    return (
        vector.expect != "success"
        and vector.name.startswith(RECIPIENT_SPECIFIC_PREFIXES)
        and vector.name not in GENERIC_SYNTAX_FAILURES
    )


# Vectors that give a passphrase but whose file has no stanza of type "scrypt" (types are
# case-sensitive: "Scrypt" is some other, unknown type).
PASSPHRASE_WITHOUT_SCRYPT_STANZA = frozenset({"scrypt_uppercase"})


def _has_scrypt_stanza(vector: Vector) -> bool:
    return vector.passphrase is not None and vector.name not in PASSPHRASE_WITHOUT_SCRYPT_STANZA


def _passphrase_outcome(vector: Vector) -> type[Exception] | None:
    """The credwallet outcome of the passphrase reader for a vector (None = success)."""
    if vector.expect == "armor failure":
        return AgeArmorError
    if _has_scrypt_stanza(vector):
        return {
            "success": None,
            "header failure": AgeHeaderError,
            "no match": AgeWrongPassphrase,
        }[vector.expect]
    # No scrypt stanza (X25519, hybrid, or "Scrypt" in the wrong case): the header is parsed,
    # and then there is nothing a passphrase can open.
    if vector.expect == "header failure" and not (
        vector.name.startswith(AFTER_UNWRAP_PREFIXES) or _is_recipient_specific(vector)
    ):
        return AgeHeaderError
    return AgeUnsupportedRecipient


def _file_key_vectors() -> list[Vector]:
    return [v for v in ALL if not _is_recipient_specific(v)]


class TestVectors:
    @pytest.mark.parametrize("vector", ALL, ids=[v.name for v in ALL])
    def test_passphrase_reader_gives_the_vectors_outcome(self, vector: Vector) -> None:
        """Every vector gives its expected outcome through the public passphrase reader."""
        expected = _passphrase_outcome(vector)
        passphrase = vector.passphrase or "not the key"
        if expected is None:
            plaintext = decrypt_passphrase(vector.data, passphrase)
            assert hashlib.sha256(plaintext).hexdigest() == vector.payload_sha256
        else:
            with pytest.raises(expected) as caught:
                decrypt_passphrase(vector.data, passphrase)
            assert "\n" not in str(caught.value)

    @pytest.mark.parametrize("vector", _file_key_vectors(), ids=lambda v: v.name)
    def test_file_key_reader_gives_the_vectors_outcome(self, vector: Vector) -> None:
        """Header, MAC and STREAM vectors give their outcome when opened with the file key."""
        if vector.expect == "success":
            plaintext = decrypt_with_file_key(vector.data, vector.file_key)
            assert hashlib.sha256(plaintext).hexdigest() == vector.payload_sha256
        else:
            with pytest.raises(FILE_KEY_OUTCOME[vector.expect]):
                decrypt_with_file_key(vector.data, vector.file_key)


class TestCoverage:
    def test_every_generic_vector_is_checked_with_its_file_key(self) -> None:
        """All stream, hmac, stanza, header and version vectors reach the file-key reader."""
        checked = {v.name for v in _file_key_vectors()}
        generic = {
            v.name
            for v in ALL
            if v.name.startswith(
                ("stream_", "hmac_", "stanza_", "header_", "version_", "empty", "armor_")
            )
            and v.expect != "no match"
        }
        assert generic
        assert generic <= checked

    def test_every_scrypt_vector_has_a_passphrase(self) -> None:
        """The scrypt vectors all name their passphrase, so none is tested with a stand-in."""
        scrypt = [v for v in ALL if v.name.startswith("scrypt")]
        assert len(scrypt) >= 20
        assert all(v.passphrase for v in scrypt)


class TestExitCodes:
    def _vector(self, name: str) -> Vector:
        return next(v for v in ALL if v.name == name)

    def test_wrong_passphrase_exits_5(self) -> None:
        """scrypt_no_match (a wrong passphrase) is a wallet-access error, exit 5."""
        with pytest.raises(WalletAccessError) as caught:
            decrypt_passphrase(self._vector("scrypt_no_match").data, "wrong")
        assert caught.value.exit_code == ExitCode.WALLET

    def test_damaged_file_exits_7(self) -> None:
        """A malformed scrypt stanza is bad input, exit 7."""
        vector = self._vector("scrypt_salt_short")
        with pytest.raises(BadInput) as caught:
            decrypt_passphrase(vector.data, "password")
        assert caught.value.exit_code == ExitCode.BAD_INPUT

    def test_work_factor_23_is_refused_before_scrypt_runs(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """scrypt_work_factor_23 is refused without spending any time in the KDF."""

        def no_kdf(*args: object, **kwargs: object) -> bytes:
            raise AssertionError("scrypt must not run for an over-limit work factor")

        monkeypatch.setattr(_crypto, "scrypt", no_kdf)
        with pytest.raises(AgeWorkFactorTooHigh):
            decrypt_passphrase(self._vector("scrypt_work_factor_23").data, "password")

    def test_a_higher_cap_admits_work_factor_23_up_to_the_kdf(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """With max_log_n=23 the same file reaches scrypt, asked for exactly 2^23."""
        asked: list[int] = []

        def record(secret: bytes, salt: bytes, *, log_n: int, r: int = 8, p: int = 1) -> bytes:
            asked.append(log_n)
            return bytes(32)

        monkeypatch.setattr(_crypto, "scrypt", record)
        with pytest.raises(AgeWrongPassphrase):
            decrypt_passphrase(self._vector("scrypt_work_factor_23").data, "password", max_log_n=23)
        assert asked == [23]
