"""Small inputs built in code for the format tests: tiny PNGs, SVGs and credential documents."""

from __future__ import annotations

import io
import json
import struct
import zlib
from pathlib import Path
from typing import Any

from PIL import Image

from support import EXTERNAL

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PLAIN_SVG = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b'<rect width="10" height="10" fill="#c00"/></svg>\n'
)
OB2_HOSTED: dict[str, Any] = {
    "@context": "https://w3id.org/openbadges/v2",
    "type": "Assertion",
    "id": "https://badges.example.org/assertions/42",
    "recipient": {"type": "email", "hashed": False, "identity": "ada@example.org"},
    "badge": "https://badges.example.org/badges/robotics",
    "verification": {"type": "hosted"},
    "issuedOn": "2024-03-01T12:00:00+01:00",
}


def fixture_bytes(relative: str) -> bytes:
    return Path(EXTERNAL, relative).read_bytes()


def fixture_json(relative: str) -> Any:
    return json.loads(fixture_bytes(relative))


def tiny_png(width: int = 2, height: int = 2) -> bytes:
    """A real, decodable PNG made by Pillow."""
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 0, 0)).save(buffer, "PNG")
    return buffer.getvalue()


def chunk(kind: bytes, body: bytes) -> bytes:
    """One PNG chunk with a correct length and CRC."""
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def with_chunk_after_ihdr(png: bytes, extra: bytes) -> bytes:
    """``png`` with ``extra`` (whole chunks) inserted after the 25-byte IHDR chunk."""
    ihdr_end = len(PNG_SIGNATURE) + 25
    return png[:ihdr_end] + extra + png[ihdr_end:]


def itxt(keyword: str, text: bytes, *, compressed: bool = False) -> bytes:
    body = keyword.encode("latin-1") + b"\0" + (b"\x01\x00" if compressed else b"\x00\x00")
    return chunk(b"iTXt", body + b"\0\0" + (zlib.compress(text) if compressed else text))


def ob2_bytes(**changes: Any) -> bytes:
    return json.dumps({**OB2_HOSTED, **changes}).encode("utf-8")
