"""PNG chunk walking and the text chunks (iTXt, tEXt, zTXt) that carry baked badges.

Every structural rule is checked (signature, IHDR first, lengths within the file, CRC, IEND), as
a lying length or a bad CRC means the file was damaged or crafted. Compressed text is inflated
with an output cap, so a chunk that expands to gigabytes costs at most the cap.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from credwallet.errors import BadInput, LimitExceeded
from credwallet.formats.limits import MAX_INFLATED_CHUNK

__all__ = [
    "PNG_SIGNATURE",
    "Chunk",
    "TextChunk",
    "build_itxt",
    "read_chunks",
    "text_chunks",
    "write_chunks",
]

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_TEXT_TYPES = (b"iTXt", b"tEXt", b"zTXt")
_MAX_CHUNK_LENGTH = 2**31 - 1  # PNG spec: lengths above this are invalid


@dataclass(frozen=True, slots=True)
class Chunk:
    type: bytes
    data: bytes
    offset: int  # where the chunk starts in the file (its length field)


@dataclass(frozen=True, slots=True)
class TextChunk:
    keyword: str
    text: str
    chunk_type: str


def read_chunks(data: bytes) -> list[Chunk]:
    """Every chunk up to and including IEND, after checking the whole structure."""
    if not data.startswith(PNG_SIGNATURE):
        raise BadInput("not a PNG: signature missing")
    chunks: list[Chunk] = []
    offset = len(PNG_SIGNATURE)
    while True:
        if offset + 8 > len(data):
            raise BadInput(f"PNG truncated at offset {offset}: no IEND chunk")
        length, chunk_type = struct.unpack_from(">I4s", data, offset)
        if length > _MAX_CHUNK_LENGTH:
            raise BadInput(f"PNG chunk length {length} at offset {offset} is invalid")
        if not chunk_type.isalpha() or not chunk_type.isascii():
            raise BadInput(f"PNG chunk type {chunk_type!r} at offset {offset} is invalid")
        end = offset + 8 + length + 4
        if end > len(data):
            raise BadInput(
                f"PNG chunk length exceeds file: {chunk_type.decode('ascii')} at offset {offset}"
            )
        body = data[offset + 8 : offset + 8 + length]
        (crc,) = struct.unpack_from(">I", data, offset + 8 + length)
        if zlib.crc32(chunk_type + body) != crc:
            raise BadInput(
                f"PNG chunk CRC mismatch: {chunk_type.decode('ascii')} at offset {offset}"
            )
        if not chunks and chunk_type != b"IHDR":
            raise BadInput("PNG does not start with an IHDR chunk")
        chunks.append(Chunk(chunk_type, body, offset))
        offset = end
        if chunk_type == b"IEND":
            # Bytes after IEND are ignored, as image viewers do; they are kept in the original.
            return chunks


def text_chunks(chunks: Iterable[Chunk]) -> Iterator[TextChunk]:
    """Decode the text chunks; a malformed text chunk is an error, not silently skipped."""
    for chunk in chunks:
        if chunk.type in _TEXT_TYPES:
            yield _decode_text_chunk(chunk)


def _decode_text_chunk(chunk: Chunk) -> TextChunk:
    kind = chunk.type.decode("ascii")
    keyword_bytes, sep, rest = chunk.data.partition(b"\0")
    if not sep or not 1 <= len(keyword_bytes) <= 79:
        raise BadInput(f"PNG {kind} chunk at offset {chunk.offset} has no valid keyword")
    keyword = keyword_bytes.decode("latin-1")
    if chunk.type == b"tEXt":
        return TextChunk(keyword, rest.decode("latin-1"), kind)
    if chunk.type == b"zTXt":
        if not rest or rest[0] != 0:
            raise BadInput(f"PNG zTXt chunk at offset {chunk.offset} uses an unknown compression")
        return TextChunk(keyword, _inflate(rest[1:], chunk).decode("latin-1"), kind)
    return TextChunk(keyword, _decode_itxt_text(rest, chunk), kind)


def _decode_itxt_text(rest: bytes, chunk: Chunk) -> str:
    if len(rest) < 2:
        raise BadInput(f"PNG iTXt chunk at offset {chunk.offset} is truncated")
    compressed, method = rest[0], rest[1]
    fields = rest[2:].split(b"\0", 2)  # language tag, translated keyword, text
    if len(fields) != 3 or compressed not in (0, 1) or (compressed and method != 0):
        raise BadInput(f"PNG iTXt chunk at offset {chunk.offset} is malformed")
    raw = _inflate(fields[2], chunk) if compressed else fields[2]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise BadInput(f"PNG iTXt chunk at offset {chunk.offset} is not valid UTF-8") from None


def _inflate(compressed: bytes, chunk: Chunk) -> bytes:
    inflater = zlib.decompressobj()
    try:
        out = inflater.decompress(compressed, MAX_INFLATED_CHUNK + 1)
    except zlib.error:
        raise BadInput(
            f"PNG {chunk.type.decode()} chunk at offset {chunk.offset}: bad zlib data"
        ) from None
    if len(out) > MAX_INFLATED_CHUNK:
        raise LimitExceeded(
            f"PNG {chunk.type.decode()} chunk at offset {chunk.offset} expands past "
            f"{MAX_INFLATED_CHUNK} bytes"
        )
    if not inflater.eof:
        raise BadInput(f"PNG {chunk.type.decode()} chunk at offset {chunk.offset}: truncated zlib")
    return out


def build_itxt(keyword: str, text: str) -> Chunk:
    """An uncompressed iTXt chunk with no language tag (what the Open Badges baking spec shows)."""
    body = keyword.encode("latin-1") + b"\0\0\0\0\0" + text.encode("utf-8")
    return Chunk(b"iTXt", body, -1)


def write_chunks(chunks: Iterable[Chunk]) -> bytes:
    out = bytearray(PNG_SIGNATURE)
    for chunk in chunks:
        out += struct.pack(">I", len(chunk.data)) + chunk.type + chunk.data
        out += struct.pack(">I", zlib.crc32(chunk.type + chunk.data))
    return bytes(out)
