"""The small part of CBOR (RFC 8949) that CBOR-LD needs, written to match the reference exactly.

CBOR-LD output must be byte for byte what digitalbazaar's JavaScript encoder (``cborg``) writes,
so the rules are fixed here rather than left to a general library's defaults:

* integers in their shortest head; floats in the shortest of half, single and double precision
  that keeps the value (cborg's default);
* definite lengths only;
* map keys sorted by major type, then by encoded length, then bytewise (the RFC 7049
  "canonical" order, which is cborg's default ``mapSorter`` for the key types used here).

The decoder reads that subset back strictly: no tags, no indefinite lengths, no simple values
other than false/true/null, a depth limit and a length check before every allocation.
"""

from __future__ import annotations

import math
import struct
from typing import Any

from credwallet.errors import BadInput, LimitExceeded

__all__ = ["MAX_DEPTH", "dumps", "loads"]

MAX_DEPTH = 64  # far deeper than any credential; stops a crafted code from exhausting the stack
_UINT64 = 2**64


def _head(major: int, value: int) -> bytes:
    if value < 24:
        return bytes([(major << 5) | value])
    if value < 0x100:
        return bytes([(major << 5) | 24, value])
    if value < 0x10000:
        return bytes([(major << 5) | 25]) + value.to_bytes(2, "big")
    if value < 0x100000000:
        return bytes([(major << 5) | 26]) + value.to_bytes(4, "big")
    if value < _UINT64:
        return bytes([(major << 5) | 27]) + value.to_bytes(8, "big")
    raise BadInput("integer too large for CBOR-LD")


def _float(value: float) -> bytes:
    if math.isnan(value) or math.isinf(value):
        raise BadInput("NaN and infinity are not JSON numbers")
    for fmt, head in (("e", 0xF9), ("f", 0xFA)):
        try:
            packed = struct.pack(">" + fmt, value)
        except OverflowError:
            continue
        if struct.unpack(">" + fmt, packed)[0] == value:
            return bytes([head]) + packed
    return b"\xfb" + struct.pack(">d", value)


def dumps(value: Any) -> bytes:
    """Encode JSON-like data (plus ``bytes`` and integer map keys) as deterministic CBOR."""
    out = bytearray()
    _encode(value, out, 0)
    return bytes(out)


def _encode(value: Any, out: bytearray, depth: int) -> None:
    if depth > MAX_DEPTH:
        raise LimitExceeded("document nested too deeply for CBOR-LD")
    if value is None:
        out.append(0xF6)
    elif value is True:
        out.append(0xF5)
    elif value is False:
        out.append(0xF4)
    elif isinstance(value, int):
        out += _head(0, value) if value >= 0 else _head(1, -1 - value)
    elif isinstance(value, float):
        out += _float(value)
    elif isinstance(value, str):
        raw = value.encode("utf-8")
        out += _head(3, len(raw)) + raw
    elif isinstance(value, bytes | bytearray):
        out += _head(2, len(value)) + bytes(value)
    elif isinstance(value, list | tuple):
        out += _head(4, len(value))
        for item in value:
            _encode(item, out, depth + 1)
    elif isinstance(value, dict):
        pairs = []
        for key, item in value.items():
            encoded = bytearray()
            _encode(key, encoded, depth + 1)
            pairs.append((encoded[0] >> 5, len(encoded), bytes(encoded), item))
        pairs.sort(key=lambda pair: pair[:3])
        out += _head(5, len(pairs))
        for _, _, key_bytes, item in pairs:
            out += key_bytes
            _encode(item, out, depth + 1)
    else:
        raise BadInput(f"cannot encode a {type(value).__name__} in CBOR-LD")


def loads(data: bytes) -> Any:
    """Decode one CBOR data item that fills ``data`` exactly; BadInput on anything else."""
    reader = _Reader(data)
    value = reader.item(0)
    if reader.pos != len(data):
        raise BadInput("CBOR-LD: trailing bytes after the data item")
    return value


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def take(self, count: int) -> bytes:
        if count > len(self.data) - self.pos:
            raise BadInput("CBOR-LD: truncated data")
        chunk = self.data[self.pos : self.pos + count]
        self.pos += count
        return chunk

    def head(self) -> tuple[int, int]:
        first = self.take(1)[0]
        major, info = first >> 5, first & 0x1F
        if major == 7:
            return major, info
        if info < 24:
            return major, info
        if 24 <= info <= 27:
            return major, int.from_bytes(self.take(1 << (info - 24)), "big")
        raise BadInput("CBOR-LD: indefinite lengths and reserved values are not accepted")

    def item(self, depth: int) -> Any:
        if depth > MAX_DEPTH:
            raise LimitExceeded("CBOR-LD nested too deeply")
        start = self.pos
        major, value = self.head()
        if major == 0:
            return value
        if major == 1:
            return -1 - value
        if major in (2, 3):
            raw = self.take(value)
            if major == 2:
                return raw
            try:
                return raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise BadInput("CBOR-LD: a text string is not UTF-8") from exc
        if major == 4:
            if value > len(self.data) - self.pos:  # every item takes at least one byte
                raise BadInput("CBOR-LD: truncated array")
            return [self.item(depth + 1) for _ in range(value)]
        if major == 5:
            if 2 * value > len(self.data) - self.pos:
                raise BadInput("CBOR-LD: truncated map")
            result: dict[Any, Any] = {}
            for _ in range(value):
                key = self.item(depth + 1)
                if not isinstance(key, int | str):
                    raise BadInput("CBOR-LD: map keys must be integers or text")
                if key in result:
                    raise BadInput("CBOR-LD: a map key appears twice")
                result[key] = self.item(depth + 1)
            return result
        if major == 6:
            raise BadInput("CBOR-LD: tags are only accepted at the start")
        return self.simple(value, start)

    def simple(self, info: int, start: int) -> Any:
        if info == 20:
            return False
        if info == 21:
            return True
        if info == 22:
            return None
        formats = {25: (">e", 2), 26: (">f", 4), 27: (">d", 8)}
        if info in formats:
            fmt, size = formats[info]
            number = float(struct.unpack(fmt, self.take(size))[0])
            if math.isnan(number) or math.isinf(number):
                raise BadInput("CBOR-LD: NaN and infinity are not JSON numbers")
            return number
        self.pos = start
        raise BadInput("CBOR-LD: unsupported simple value")
