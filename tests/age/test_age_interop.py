"""Interoperability with the real `age` program, both ways (skipped where age is absent)."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from pathlib import Path

import pytest
from age_cli import AGE, SKIP_REASON, run_age

from credwallet.store.age import CHUNK_SIZE, decrypt_passphrase, encrypt_passphrase
from credwallet.store.archive import ArchiveRecord, decode_archive, encode_archive

pytestmark = pytest.mark.skipif(AGE is None, reason=SKIP_REASON)

PASSPHRASE = "interop pässphrase 42"


def _plaintext(size: int) -> bytes:
    return random.Random(size).randbytes(size)


class TestAgeOpensCredwalletFiles:
    @pytest.mark.parametrize("size", [0, CHUNK_SIZE, 3 * CHUNK_SIZE + 11])
    def test_age_decrypts_what_credwallet_encrypts(self, tmp_path: Path, size: int) -> None:
        """`age -d` opens a credwallet file (empty, exactly one chunk, several chunks)."""
        plaintext = _plaintext(size)
        (tmp_path / "in.age").write_bytes(encrypt_passphrase(plaintext, PASSPHRASE, log_n=10))
        run = run_age(["-d", "-o", str(tmp_path / "out"), str(tmp_path / "in.age")], PASSPHRASE)
        assert run.returncode == 0, run.output
        # age opens its -o file lazily, on the first byte of output: no file means empty.
        out = tmp_path / "out"
        assert (out.read_bytes() if out.exists() else b"") == plaintext

    def test_age_refuses_a_wrong_passphrase(self, tmp_path: Path) -> None:
        """`age -d` with another passphrase fails, so the passphrase really protects the file."""
        (tmp_path / "in.age").write_bytes(encrypt_passphrase(b"x", PASSPHRASE, log_n=10))
        run = run_age(["-d", "-o", str(tmp_path / "out"), str(tmp_path / "in.age")], "other")
        assert run.returncode != 0
        assert "incorrect passphrase" in run.output

    def test_age_opens_a_backup_archive_that_decodes_back(self, tmp_path: Path) -> None:
        """A whole backup (archive inside age) read back through `age -d` decodes identically."""
        records = [
            ArchiveRecord("credential", "c1", b'{"type": ["VerifiableCredential"]}', {"n": 1}),
            ArchiveRecord("holder-key", "k1", bytes(range(32))),
        ]
        archive = encode_archive(records, created=datetime(2026, 12, 2, 6, 0, tzinfo=UTC))
        (tmp_path / "b.age").write_bytes(encrypt_passphrase(archive, PASSPHRASE, log_n=10))
        run = run_age(["-d", "-o", str(tmp_path / "b.jsonl"), str(tmp_path / "b.age")], PASSPHRASE)
        assert run.returncode == 0, run.output
        assert decode_archive((tmp_path / "b.jsonl").read_bytes()).records == tuple(records)


class TestCredwalletOpensAgeFiles:
    def test_credwallet_decrypts_what_age_encrypts(self, tmp_path: Path) -> None:
        """A file made by `age -p` (work factor 2^18, two chunks) opens with credwallet."""
        plaintext = _plaintext(CHUNK_SIZE + 4321)
        (tmp_path / "plain").write_bytes(plaintext)
        run = run_age(["-p", "-o", str(tmp_path / "p.age"), str(tmp_path / "plain")], PASSPHRASE)
        assert run.returncode == 0, run.output
        data = (tmp_path / "p.age").read_bytes()
        assert data.startswith(b"age-encryption.org/v1\n-> scrypt ")
        assert decrypt_passphrase(data, PASSPHRASE) == plaintext
