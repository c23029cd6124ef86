"""A whole backup as the wallet makes one: records -> archive -> age -> atomic file, and back.

The outcome-named cases follow notes/store-security.md test 28: each damaged backup gives its
named outcome, and the intact one also opens with the real `age` program (in test_age_interop).
"""

from __future__ import annotations

import base64
import io
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from credwallet.errors import ExitCode
from credwallet.store.age import (
    CHUNK_SIZE,
    AgeHeaderError,
    AgeHeaderMacError,
    AgePayloadError,
    AgeWorkFactorTooHigh,
    AgeWriter,
    AgeWrongPassphrase,
    decrypt_passphrase,
    iter_decrypt_passphrase,
)
from credwallet.store.archive import ArchiveError, ArchiveReader, ArchiveRecord, ArchiveWriter
from credwallet.store.atomic import atomic_write, temp_name_prefix

PASSPHRASE = "pipeline passphrase"
CREATED = datetime(2026, 12, 2, 7, 0, tzinfo=UTC)
RECORDS = [
    ArchiveRecord("credential", f"cred-{i:04d}", bytes([i % 256]) * (5000 + i), {"n": i})
    for i in range(40)
] + [ArchiveRecord("holder-key", "holder", bytes(range(32)))]


def _write_backup(path: Path, records: list[ArchiveRecord]) -> None:
    with atomic_write(path) as out, AgeWriter(out, PASSPHRASE, log_n=10) as sealed:
        archive = ArchiveWriter(sealed, created=CREATED, info={"generator": "test"})
        for record in records:
            archive.add(record)
        archive.finish()


def _read_backup(path: Path) -> list[ArchiveRecord]:
    with path.open("rb") as src:
        reader = ArchiveReader(iter_decrypt_passphrase(src, PASSPHRASE, max_log_n=10))
        return list(reader.records())


class TestPipeline:
    def test_streamed_backup_restores_every_record(self, tmp_path: Path) -> None:
        """A multi-chunk backup written and read as streams gives back every record."""
        path = tmp_path / "wallet.age"
        _write_backup(path, RECORDS)
        assert path.stat().st_size > 3 * CHUNK_SIZE
        assert _read_backup(path) == RECORDS

    def test_failure_while_writing_leaves_no_backup(self, tmp_path: Path) -> None:
        """An error while records are being written leaves neither the file nor a temp file."""
        path = tmp_path / "wallet.age"

        def broken() -> list[ArchiveRecord]:
            return [*RECORDS[:5], ArchiveRecord("Not A Kind", "x", b"")]

        with pytest.raises(ArchiveError, match="record kind"):
            _write_backup(path, broken())
        assert not path.exists()
        assert not [p for p in tmp_path.iterdir() if p.name.startswith(temp_name_prefix(path))]

    def test_plaintext_never_reaches_the_disk(self, tmp_path: Path) -> None:
        """Neither the file nor its directory holds any record payload in the clear."""
        marker = b"PLAINTEXT-MARKER-4b1d"
        path = tmp_path / "wallet.age"
        _write_backup(path, [ArchiveRecord("credential", "m", marker * 50)])
        for entry in tmp_path.iterdir():
            assert marker not in entry.read_bytes()


def _intact() -> bytes:
    out = io.BytesIO()
    with AgeWriter(out, PASSPHRASE, log_n=10) as sealed:
        archive = ArchiveWriter(sealed, created=CREATED)
        for record in RECORDS:
            archive.add(record)
        archive.finish()
    return out.getvalue()


def _header_end(data: bytes) -> int:
    return data.index(b"\n", data.index(b"\n--- ") + 1) + 1


def _flip_header_mac(data: bytes) -> bytes:
    """Change one bit of the header MAC itself (not of its base64 text, which could turn a
    character into one outside the alphabet: a different, earlier failure)."""
    start = data.index(b"\n--- ") + 5
    end = data.index(b"\n", start)
    mac = bytearray(base64.b64decode(data[start:end] + b"="))
    mac[0] ^= 0x01
    encoded = base64.b64encode(bytes(mac)).rstrip(b"=")
    return data[:start] + encoded + data[end:]


def _flip(data: bytes, index: int) -> bytes:
    changed = bytearray(data)
    changed[index] ^= 0x01
    return bytes(changed)


OUTCOMES: dict[str, tuple[Callable[[bytes], bytes], str, type[Exception], ExitCode]] = {
    "wrong-pass": (lambda d: d, "not the passphrase", AgeWrongPassphrase, ExitCode.WALLET),
    "truncated": (lambda d: d[: len(d) // 2], PASSPHRASE, AgePayloadError, ExitCode.BAD_INPUT),
    "bad-header-mac": (
        _flip_header_mac,
        PASSPHRASE,
        AgeHeaderMacError,
        ExitCode.BAD_INPUT,
    ),
    "bad-chunk-tag": (
        lambda d: _flip(d, _header_end(d) + 16 + CHUNK_SIZE + 5),
        PASSPHRASE,
        AgePayloadError,
        ExitCode.BAD_INPUT,
    ),
    "no-final-chunk": (
        lambda d: d[: _header_end(d) + 16 + 2 * (CHUNK_SIZE + 16)],
        PASSPHRASE,
        AgePayloadError,
        ExitCode.BAD_INPUT,
    ),
    "trailing-garbage": (lambda d: d + b"garbage", PASSPHRASE, AgePayloadError, ExitCode.BAD_INPUT),
    "work-factor-23": (
        lambda d: d.replace(b" 10\n", b" 23\n", 1),
        PASSPHRASE,
        AgeWorkFactorTooHigh,
        ExitCode.BAD_INPUT,
    ),
    "unknown-version": (
        lambda d: d.replace(b"age-encryption.org/v1", b"age-encryption.org/v2", 1),
        PASSPHRASE,
        AgeHeaderError,
        ExitCode.BAD_INPUT,
    ),
}


class TestNamedOutcomes:
    def test_intact_backup_opens(self) -> None:
        """The "ok" case: the intact backup decrypts and its archive reads fully."""
        reader = ArchiveReader([decrypt_passphrase(_intact(), PASSPHRASE, max_log_n=10)])
        assert list(reader.records()) == RECORDS

    @pytest.mark.parametrize("name", sorted(OUTCOMES))
    def test_damaged_backup_gives_its_named_outcome(self, name: str) -> None:
        """Each damaged backup fails with its named error and exit code."""
        mutate, passphrase, error, code = OUTCOMES[name]
        with pytest.raises(error) as caught:
            decrypt_passphrase(mutate(_intact()), passphrase, max_log_n=22)
        assert getattr(caught.value, "exit_code", None) == code
