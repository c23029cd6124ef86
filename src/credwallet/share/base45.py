"""Base45 (RFC 9285): bytes as text drawn from the 45 characters of QR alphanumeric mode.

Two bytes become three characters (a trailing single byte becomes two), so a QR symbol can carry
binary data in alphanumeric mode at 5.5 bits per character instead of 8 bits per byte.
"""

from __future__ import annotations

from credwallet.errors import BadInput

__all__ = ["ALPHABET", "b45decode", "b45encode"]

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
_VALUE = {char: index for index, char in enumerate(ALPHABET)}
_BASE = 45


def b45encode(data: bytes) -> str:
    """Encode bytes as Base45 text (RFC 9285 section 4)."""
    out: list[str] = []
    for start in range(0, len(data) - 1, 2):
        number = data[start] * 256 + data[start + 1]
        number, c = divmod(number, _BASE)
        e, d = divmod(number, _BASE)
        out += (ALPHABET[c], ALPHABET[d], ALPHABET[e])
    if len(data) % 2:
        d, c = divmod(data[-1], _BASE)
        out += (ALPHABET[c], ALPHABET[d])
    return "".join(out)


def b45decode(text: str) -> bytes:
    """Decode Base45 text; anything RFC 9285 calls invalid raises :class:`BadInput`."""
    try:
        values = [_VALUE[char] for char in text]
    except KeyError:
        raise BadInput("not Base45: a character outside the Base45 alphabet") from None
    if len(values) % 3 == 1:
        raise BadInput("not Base45: the length leaves a single dangling character")
    out = bytearray()
    for start in range(0, len(values), 3):
        group = values[start : start + 3]
        if len(group) == 3:
            number = group[0] + group[1] * _BASE + group[2] * _BASE * _BASE
            if number > 0xFFFF:
                raise BadInput("not Base45: a triplet encodes a value above 65535")
            out += number.to_bytes(2, "big")
        else:
            number = group[0] + group[1] * _BASE
            if number > 0xFF:
                raise BadInput("not Base45: the final pair encodes a value above 255")
            out.append(number)
    return bytes(out)
