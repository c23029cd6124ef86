"""Base45 (RFC 9285): the published vectors, invalid input, and round trips."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from credwallet.errors import BadInput
from credwallet.share.base45 import ALPHABET, b45decode, b45encode

# RFC 9285 section 4.3 (encoding examples) and 4.4 (decoding example).
RFC_VECTORS = [
    (b"AB", "BB8"),
    (b"Hello!!", "%69 VD92EX0"),
    (b"base-45", "UJCLQE7W581"),
    (b"ietf!", "QED8WEX0"),
]


class TestRfcVectors:
    @pytest.mark.parametrize(("raw", "text"), RFC_VECTORS)
    def test_encodes_as_the_rfc_shows(self, raw: bytes, text: str) -> None:
        """Each RFC 9285 example encodes to the published text."""
        assert b45encode(raw) == text

    @pytest.mark.parametrize(("raw", "text"), RFC_VECTORS)
    def test_decodes_as_the_rfc_shows(self, raw: bytes, text: str) -> None:
        """Each RFC 9285 example decodes back to its bytes."""
        assert b45decode(text) == raw

    def test_alphabet_is_the_qr_alphanumeric_set(self) -> None:
        """The alphabet is the 45 characters of QR alphanumeric mode, in RFC order."""
        assert ALPHABET == "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"

    def test_empty_input(self) -> None:
        """Nothing encodes to nothing and back."""
        assert b45encode(b"") == ""
        assert b45decode("") == b""


class TestInvalidInput:
    @pytest.mark.parametrize(
        "text",
        [
            "GGW",  # 16 + 16*45 + 32*2025 = 65536: over two bytes (the RFC's own example)
            ":::",  # the largest triplet, far over 65535
            "A",  # a single dangling character
            "ABCD",  # a dangling character after a triplet
            "abc",  # lower case is outside the alphabet
            "BB8\n",  # so is a newline
            "5:",  # a final pair over 255 (5 + 44*45)
        ],
    )
    def test_rejected(self, text: str) -> None:
        """Text RFC 9285 calls invalid raises BadInput."""
        with pytest.raises(BadInput):
            b45decode(text)


class TestRoundTrip:
    @given(st.binary(max_size=512))
    def test_any_bytes_round_trip(self, data: bytes) -> None:
        """Any bytes survive encode then decode, using only alphabet characters."""
        text = b45encode(data)
        assert set(text) <= set(ALPHABET)
        assert len(text) == 3 * (len(data) // 2) + 2 * (len(data) % 2)
        assert b45decode(text) == data

    @given(st.text(max_size=64))
    def test_any_text_decodes_or_fails_cleanly(self, text: str) -> None:
        """Any text either decodes or raises BadInput, never anything else."""
        with contextlib.suppress(BadInput):
            b45decode(text)
