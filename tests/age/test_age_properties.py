"""Properties of the age reader and writer, over generated plaintexts, edits and inputs."""

from __future__ import annotations

import contextlib
import io
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from credwallet.errors import CredwalletError
from credwallet.store.age import (
    CHUNK_SIZE,
    AgeWriter,
    decrypt_passphrase,
    encrypt_passphrase,
)

PASSPHRASE = "hypothesis passphrase"
LOG_N = 10
# The reader's cap equals the writer's work factor here, so an edit that raises the work factor
# (say "10" -> "19") is refused before scrypt runs instead of costing seconds.
CAP = LOG_N

BOUNDARY_SIZES = [0, 1, 15, 16, 17, CHUNK_SIZE - 1, CHUNK_SIZE, CHUNK_SIZE + 1, 2 * CHUNK_SIZE]
sizes = st.one_of(st.sampled_from(BOUNDARY_SIZES), st.integers(0, 3 * CHUNK_SIZE))


def _bytes_of(size: int, seed: int) -> bytes:
    return random.Random(seed).randbytes(size)


@pytest.fixture(scope="module")
def sample() -> bytes:
    """A two-chunk file (the second chunk short), so edits hit the header and both chunks."""
    return encrypt_passphrase(_bytes_of(CHUNK_SIZE + 300, 1), PASSPHRASE, log_n=LOG_N)


class TestRoundTrip:
    @settings(max_examples=40, deadline=None)
    @given(size=sizes, seed=st.integers(0, 2**32))
    def test_any_plaintext_round_trips(self, size: int, seed: int) -> None:
        """Any plaintext, including empty, 64 KiB and 64 KiB + 1, decrypts to itself."""
        plaintext = _bytes_of(size, seed)
        data = encrypt_passphrase(plaintext, PASSPHRASE, log_n=LOG_N)
        assert decrypt_passphrase(data, PASSPHRASE, max_log_n=CAP) == plaintext

    @settings(max_examples=30, deadline=None)
    @given(pieces=st.lists(st.integers(0, CHUNK_SIZE + 10), max_size=6), seed=st.integers(0, 99))
    def test_streamed_pieces_equal_one_shot(self, pieces: list[int], seed: int) -> None:
        """Streaming any split of a plaintext gives a file that decrypts to the whole."""
        parts = [_bytes_of(n, seed + i) for i, n in enumerate(pieces)]
        out = io.BytesIO()
        with AgeWriter(out, PASSPHRASE, log_n=LOG_N) as writer:
            for part in parts:
                writer.write(part)
        assert decrypt_passphrase(out.getvalue(), PASSPHRASE, max_log_n=CAP) == b"".join(parts)

    @settings(max_examples=20, deadline=None)
    @given(passphrase=st.text(min_size=1, max_size=40).filter(lambda t: t.isprintable()))
    def test_any_unicode_passphrase_round_trips(self, passphrase: str) -> None:
        """Any non-empty printable Unicode passphrase works for both directions."""
        data = encrypt_passphrase(b"p", passphrase, log_n=LOG_N)
        assert decrypt_passphrase(data, passphrase, max_log_n=CAP) == b"p"


class TestTamper:
    @settings(
        max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
    )
    @given(position=st.floats(0, 1, exclude_max=True), mask=st.integers(1, 255))
    def test_any_changed_byte_is_an_error(self, sample: bytes, position: float, mask: int) -> None:
        """Changing any one byte anywhere gives a CredwalletError, never a wrong plaintext."""
        data = bytearray(sample)
        index = int(position * len(data))
        data[index] ^= mask
        with pytest.raises(CredwalletError):
            decrypt_passphrase(bytes(data), PASSPHRASE, max_log_n=CAP)

    @settings(
        max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
    )
    @given(position=st.floats(0, 1, exclude_max=True))
    def test_any_truncation_is_an_error(self, sample: bytes, position: float) -> None:
        """Cutting the file short at any point gives a CredwalletError."""
        cut = sample[: int(position * len(sample))]
        with pytest.raises(CredwalletError):
            decrypt_passphrase(cut, PASSPHRASE, max_log_n=CAP)

    def test_every_header_byte_is_protected(self, sample: bytes) -> None:
        """Each single header byte, changed, is refused (an exhaustive sweep of the header)."""
        header_end = sample.index(b"\n", sample.index(b"\n--- ") + 1) + 1
        for index in range(header_end):
            data = bytearray(sample)
            data[index] ^= 0x20
            with pytest.raises(CredwalletError):
                decrypt_passphrase(bytes(data), PASSPHRASE, max_log_n=CAP)


class TestAnyInput:
    @settings(max_examples=300, deadline=None)
    @given(data=st.binary(max_size=2048))
    def test_any_bytes_give_a_result_or_a_credwallet_error(self, data: bytes) -> None:
        """Arbitrary bytes never raise anything but a CredwalletError."""
        with contextlib.suppress(CredwalletError):
            decrypt_passphrase(data, PASSPHRASE, max_log_n=CAP)

    @settings(max_examples=300, deadline=None)
    @given(
        tail=st.binary(max_size=600),
        stanza=st.sampled_from(
            [b"-> scrypt ", b"-> scrypt AAAAAAAAAAAAAAAAAAAAAA ", b"-> X25519 ", b"-> ", b"---"]
        ),
    )
    def test_header_shaped_input_gives_a_result_or_a_credwallet_error(
        self, tail: bytes, stanza: bytes
    ) -> None:
        """Input shaped like an age header reaches the deeper parsers and fails cleanly."""
        with contextlib.suppress(CredwalletError):
            decrypt_passphrase(
                b"age-encryption.org/v1\n" + stanza + tail, PASSPHRASE, max_log_n=CAP
            )
