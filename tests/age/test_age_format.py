"""The age writer and reader: round trips, the file layout, and the error for each failure."""

from __future__ import annotations

import base64
import io
import re
import subprocess
import sys
from collections.abc import Callable

import pytest

from credwallet import _crypto
from credwallet.errors import BadInput, ExitCode, UsageError, WalletAccessError
from credwallet.store.age import (
    CHUNK_SIZE,
    AgeArmorError,
    AgeError,
    AgeHeaderError,
    AgeHeaderMacError,
    AgePayloadError,
    AgeUnsupportedRecipient,
    AgeWorkFactorTooHigh,
    AgeWriter,
    AgeWrongPassphrase,
    decrypt_passphrase,
    encrypt_passphrase,
    iter_decrypt_passphrase,
)

PASSPHRASE = "correct horse battery staple"
LOG_N = 10
TAG = 16
NONCE = 16


def _encrypt(plaintext: bytes, passphrase: str = PASSPHRASE) -> bytes:
    return encrypt_passphrase(plaintext, passphrase, log_n=LOG_N)


def _split(data: bytes) -> tuple[bytes, bytes]:
    """(header including the MAC line, payload starting at its nonce)."""
    end = data.index(b"\n--- ") + 1
    end = data.index(b"\n", end) + 1
    return data[:end], data[end:]


class TestRoundTrip:
    @pytest.mark.parametrize(
        "size",
        [0, 1, CHUNK_SIZE - 1, CHUNK_SIZE, CHUNK_SIZE + 1, 2 * CHUNK_SIZE, 2 * CHUNK_SIZE + 7],
    )
    def test_plaintext_of_any_size_round_trips(self, size: int) -> None:
        """Plaintexts at and around the 64 KiB chunk boundaries decrypt to themselves."""
        plaintext = bytes(i % 251 for i in range(size))
        assert decrypt_passphrase(_encrypt(plaintext), PASSPHRASE) == plaintext

    @pytest.mark.parametrize(
        ("size", "chunks"),
        [(0, 1), (1, 1), (CHUNK_SIZE, 1), (CHUNK_SIZE + 1, 2), (3 * CHUNK_SIZE, 3)],
    )
    def test_payload_has_one_tag_per_64_kib_chunk(self, size: int, chunks: int) -> None:
        """The payload is the nonce plus each chunk and its tag; a full last chunk stays last."""
        _, payload = _split(_encrypt(bytes(size)))
        assert len(payload) == NONCE + size + chunks * TAG

    def test_non_ascii_passphrase_round_trips(self) -> None:
        """A passphrase is used as its UTF-8 bytes, so any Unicode text works."""
        data = _encrypt(b"secret", "pässwörd \u2603 \U0001f512")
        assert decrypt_passphrase(data, "pässwörd \u2603 \U0001f512") == b"secret"

    def test_two_encryptions_differ(self) -> None:
        """Each file gets a fresh file key, salt and payload nonce."""
        assert _encrypt(b"same") != _encrypt(b"same")


class TestLayout:
    def test_header_is_version_scrypt_stanza_and_mac(self) -> None:
        """The header is the v1 line, one scrypt stanza with salt and log_n, and the MAC line."""
        header, _ = _split(_encrypt(b"x"))
        lines = header.split(b"\n")
        assert lines[0] == b"age-encryption.org/v1"
        match = re.fullmatch(rb"-> scrypt ([A-Za-z0-9+/]{22}) 10", lines[1])
        assert match is not None
        assert len(base64.b64decode(match.group(1) + b"==")) == 16
        assert len(base64.b64decode(lines[2] + b"=")) == 32
        assert re.fullmatch(rb"--- [A-Za-z0-9+/]{43}", lines[3])
        assert lines[4:] == [b""]

    def test_default_work_factor_is_18(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Without log_n the writer uses age's default work factor, 2^18."""
        asked: list[int] = []

        def record(secret: bytes, salt: bytes, *, log_n: int, r: int = 8, p: int = 1) -> bytes:
            asked.append(log_n)
            return bytes(32)

        monkeypatch.setattr(_crypto, "scrypt", record)
        header, _ = _split(encrypt_passphrase(b"x", PASSPHRASE))
        assert asked == [18]
        assert b"-> scrypt " in header
        assert header.split(b"\n")[1].endswith(b" 18")

    def test_wallet_backups_use_the_default_work_factor(self) -> None:
        """`credwallet backup` writes at 2^18 too. The suite lowers it for speed (conftest), so
        a fresh interpreter reports the shipped value."""
        code = "from credwallet.wallet import backup; print(backup.BACKUP_LOG_N)"
        done = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
        assert done.stdout.strip() == "18"


class TestStreaming:
    def test_writer_accepts_pieces_of_any_size(self) -> None:
        """Writing in uneven pieces gives a file that decrypts to their concatenation."""
        pieces = [b"a" * 10, b"b" * CHUNK_SIZE, b"", b"c" * (CHUNK_SIZE + 3), b"d"]
        out = io.BytesIO()
        with AgeWriter(out, PASSPHRASE, log_n=LOG_N) as writer:
            for piece in pieces:
                writer.write(piece)
        assert writer.plaintext_size == sum(map(len, pieces))
        assert decrypt_passphrase(out.getvalue(), PASSPHRASE) == b"".join(pieces)

    def test_reader_yields_chunk_by_chunk(self) -> None:
        """The streaming reader yields one 64 KiB piece per chunk, the last one shorter."""
        data = _encrypt(b"z" * (2 * CHUNK_SIZE + 5))
        sizes = [len(c) for c in iter_decrypt_passphrase(io.BytesIO(data), PASSPHRASE)]
        assert sizes == [CHUNK_SIZE, CHUNK_SIZE, 5]

    def test_streaming_reader_checks_the_passphrase_before_returning(self) -> None:
        """A wrong passphrase fails at the call, before any chunk is asked for."""
        with pytest.raises(AgeWrongPassphrase):
            iter_decrypt_passphrase(io.BytesIO(_encrypt(b"x")), "nope")

    def test_failed_block_leaves_a_file_no_reader_accepts(self) -> None:
        """An exception inside the writer's block omits the final chunk: the file is refused."""
        out = io.BytesIO()
        with pytest.raises(RuntimeError), AgeWriter(out, PASSPHRASE, log_n=LOG_N) as writer:
            writer.write(b"q" * (CHUNK_SIZE + 10))
            raise RuntimeError("interrupted")
        with pytest.raises(AgePayloadError):
            decrypt_passphrase(out.getvalue(), PASSPHRASE)

    def test_write_after_close_is_refused(self) -> None:
        """A closed writer does not accept more data."""
        writer = AgeWriter(io.BytesIO(), PASSPHRASE, log_n=LOG_N)
        writer.close()
        with pytest.raises(ValueError, match="closed"):
            writer.write(b"late")


class TestWrongPassphrase:
    def test_wrong_passphrase_is_a_wallet_access_error(self) -> None:
        """A wrong passphrase raises AgeWrongPassphrase, exit 5, not a bad-input error."""
        with pytest.raises(AgeWrongPassphrase) as caught:
            decrypt_passphrase(_encrypt(b"x"), "Correct horse battery staple")
        assert isinstance(caught.value, WalletAccessError)
        assert not isinstance(caught.value, BadInput)
        assert caught.value.exit_code == ExitCode.WALLET

    def test_errors_never_contain_the_passphrase(self) -> None:
        """Neither the right nor the tried passphrase appears in any error message."""
        canary = "canary-7f3a9c-passphrase"
        data = _encrypt(b"x", canary)
        attempts: list[Callable[[], bytes]] = [
            lambda: decrypt_passphrase(data, canary + "!"),
            lambda: decrypt_passphrase(data[:-1], canary),
            lambda: decrypt_passphrase(data.replace(b"scrypt", b"scrypT"), canary),
        ]
        for attempt in attempts:
            with pytest.raises((AgeError, AgeWrongPassphrase)) as caught:
                attempt()
            assert "canary" not in str(caught.value)
            assert "canary" not in repr(caught.value)


class TestDamage:
    def test_changed_payload_byte_is_a_payload_error(self) -> None:
        """A flipped payload byte fails authentication: bad input, exit 7."""
        data = bytearray(_encrypt(b"payload" * 100))
        data[-20] ^= 0x01
        with pytest.raises(AgePayloadError) as caught:
            decrypt_passphrase(bytes(data), PASSPHRASE)
        assert caught.value.exit_code == ExitCode.BAD_INPUT

    def test_extra_stanza_argument_is_a_header_error(self) -> None:
        """An scrypt stanza with a fourth argument is malformed, whatever the passphrase."""
        data = _encrypt(b"x")
        with pytest.raises(AgeHeaderError):
            decrypt_passphrase(data.replace(b" 10\n", b" 10 extra\n", 1), PASSPHRASE)

    def test_swapped_header_mac_is_a_mac_error(self) -> None:
        """The header of one file with the MAC of another fails the MAC check."""
        header_a, payload_a = _split(_encrypt(b"x"))
        header_b, _ = _split(_encrypt(b"x"))
        mixed = header_a[: header_a.index(b"--- ")] + header_b[header_b.index(b"--- ") :]
        with pytest.raises(AgeHeaderMacError):
            decrypt_passphrase(mixed + payload_a, PASSPHRASE)

    def test_trailing_data_is_a_payload_error(self) -> None:
        """Bytes after the last chunk make the file invalid."""
        with pytest.raises(AgePayloadError):
            decrypt_passphrase(_encrypt(b"x") + b"\x00", PASSPHRASE)

    def test_file_cut_at_a_chunk_boundary_is_a_payload_error(self) -> None:
        """Dropping the last chunk of a two-chunk file is detected (no last-flagged chunk)."""
        data = _encrypt(b"y" * (CHUNK_SIZE + 100))
        header, payload = _split(data)
        cut = header + payload[: NONCE + CHUNK_SIZE + TAG]
        with pytest.raises(AgePayloadError):
            decrypt_passphrase(cut, PASSPHRASE)

    def test_missing_payload_nonce_is_a_header_error(self) -> None:
        """A file that ends right after its header is refused."""
        header, _ = _split(_encrypt(b"x"))
        with pytest.raises(AgeHeaderError, match="nonce"):
            decrypt_passphrase(header, PASSPHRASE)


class TestNotAPassphraseFile:
    def test_other_file_is_not_an_age_file(self) -> None:
        """Arbitrary bytes are refused as not an age file."""
        with pytest.raises(AgeHeaderError, match="not an age file"):
            decrypt_passphrase(b"PK\x03\x04 a zip file", PASSPHRASE)

    def test_empty_input_is_refused(self) -> None:
        """Zero bytes are refused with a message that says so."""
        with pytest.raises(AgeHeaderError, match="empty"):
            decrypt_passphrase(b"", PASSPHRASE)

    def test_unknown_recipient_type_is_unsupported(self) -> None:
        """A file whose only stanza is another type gets "unsupported recipient", exit 7."""
        header, payload = _split(_encrypt(b"x"))
        foreign = header.replace(b"-> scrypt ", b"-> example.com/enigma ", 1) + payload
        with pytest.raises(AgeUnsupportedRecipient, match=r"example\.com/enigma") as caught:
            decrypt_passphrase(foreign, PASSPHRASE)
        assert caught.value.exit_code == ExitCode.BAD_INPUT

    def test_armored_copy_of_a_backup_opens(self) -> None:
        """The reader accepts the strict ASCII armor `age -a` would write."""
        data = _encrypt(b"armored")
        encoded = base64.b64encode(data)
        body = b"\n".join(encoded[i : i + 64] for i in range(0, len(encoded), 64))
        armored = (
            b"-----BEGIN AGE ENCRYPTED FILE-----\n" + body + b"\n-----END AGE ENCRYPTED FILE-----\n"
        )
        assert decrypt_passphrase(armored, PASSPHRASE) == b"armored"
        with pytest.raises(AgeArmorError):
            decrypt_passphrase(armored.replace(b"\n", b"\n ", 1), PASSPHRASE)


class TestParameters:
    @pytest.mark.parametrize("log_n", [0, 31, -1])
    def test_out_of_range_log_n_is_a_usage_error(self, log_n: int) -> None:
        """The writer refuses a work factor outside 1..30."""
        with pytest.raises(UsageError):
            encrypt_passphrase(b"x", PASSPHRASE, log_n=log_n)

    def test_empty_passphrase_is_refused(self) -> None:
        """An empty passphrase would protect nothing: the writer refuses it."""
        with pytest.raises(UsageError, match="empty"):
            encrypt_passphrase(b"x", "", log_n=LOG_N)

    def test_unencodable_passphrase_is_a_usage_error(self) -> None:
        """A passphrase with a lone surrogate is refused cleanly, not with a traceback."""
        with pytest.raises(UsageError):
            encrypt_passphrase(b"x", "bad\ud800", log_n=LOG_N)

    def test_default_cap_refuses_a_work_factor_above_the_scrypt_ceiling(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A header asking for 2^21 (2 GiB of scrypt) is refused by default before scrypt runs."""
        data = _encrypt(b"x")
        stanza = re.search(rb"-> scrypt (\S+) 10\n", data)
        assert stanza is not None
        edited = data.replace(stanza.group(0), stanza.group(0).replace(b" 10\n", b" 21\n"))

        def no_scrypt(*args: object, **kwargs: object) -> bytes:
            raise AssertionError("scrypt ran")

        monkeypatch.setattr(_crypto, "scrypt", no_scrypt)
        with pytest.raises(AgeWorkFactorTooHigh, match="2\\^20"):
            decrypt_passphrase(edited, PASSPHRASE)

    def test_cap_below_the_files_work_factor_refuses_it(self) -> None:
        """max_log_n below the file's work factor is a work-factor error (a header error)."""
        with pytest.raises(AgeWorkFactorTooHigh) as caught:
            decrypt_passphrase(_encrypt(b"x"), PASSPHRASE, max_log_n=LOG_N - 1)
        assert isinstance(caught.value, AgeHeaderError)
        assert "2^10" in str(caught.value)
