"""PNG chunk walking and the text chunks (iTXt, tEXt, zTXt) that carry baked badges.

Every structural rule is checked (signature, IHDR first, lengths within the file, CRC, IEND), as
a lying length or a bad CRC means the file was damaged or crafted. Only text chunks whose keyword
is asked for are decoded (a photo's metadata is never inflated), and compressed text is inflated
within one budget for the whole file, so chunks that expand to gigabytes cost at most the budget.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass

from credwallet.errors import BadInput, LimitExceeded
from credwallet.formats.limits import MAX_INFLATED_CHUNK, MAX_INFLATED_PER_FILE

__all__ = [
    "PNG_SIGNATURE",
    "Chunk",
    "TextChunk",
    "build_itxt",
    "keyword_chunks",
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


def keyword_chunks(chunks: Iterable[Chunk], keywords: Collection[str]) -> list[Chunk]:
    """The text chunks whose keyword (compared case-insensitively) is one of ``keywords``.

    Nothing is decoded or inflated: the keyword is the chunk's first bytes.
    """
    wanted = {k.lower() for k in keywords}
    return [
        chunk
        for chunk in chunks
        if chunk.type in _TEXT_TYPES
        and chunk.data.partition(b"\0")[0].decode("latin-1").lower() in wanted
    ]


def text_chunks(
    chunks: Iterable[Chunk], keywords: Collection[str], *, budget: int = MAX_INFLATED_PER_FILE
) -> Iterator[TextChunk]:
    """Decode the text chunks with one of ``keywords``; a malformed one is an error.

    All compressed chunks of the file together may inflate to at most ``budget`` bytes.
    """
    left = [budget]
    for chunk in keyword_chunks(chunks, keywords):
        yield _decode_text_chunk(chunk, left)


def _decode_text_chunk(chunk: Chunk, left: list[int]) -> TextChunk:
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
        return TextChunk(keyword, _inflate(rest[1:], chunk, left).decode("latin-1"), kind)
    return TextChunk(keyword, _decode_itxt_text(rest, chunk, left), kind)


def _decode_itxt_text(rest: bytes, chunk: Chunk, left: list[int]) -> str:
    if len(rest) < 2:
        raise BadInput(f"PNG iTXt chunk at offset {chunk.offset} is truncated")
    compressed, method = rest[0], rest[1]
    fields = rest[2:].split(b"\0", 2)  # language tag, translated keyword, text
    if len(fields) != 3 or compressed not in (0, 1) or (compressed and method != 0):
        raise BadInput(f"PNG iTXt chunk at offset {chunk.offset} is malformed")
    raw = _inflate(fields[2], chunk, left) if compressed else fields[2]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise BadInput(f"PNG iTXt chunk at offset {chunk.offset} is not valid UTF-8") from None


def _inflate(compressed: bytes, chunk: Chunk, left: list[int]) -> bytes:
    """Inflate one chunk's text, charging its output to the file's budget ``left[0]``."""
    cap = min(MAX_INFLATED_CHUNK, left[0])
    inflater = zlib.decompressobj()
    try:
        out = inflater.decompress(compressed, cap + 1)
    except zlib.error:
        raise BadInput(
            f"PNG {chunk.type.decode()} chunk at offset {chunk.offset}: bad zlib data"
        ) from None
    if len(out) > cap:
        raise LimitExceeded(
            f"PNG {chunk.type.decode()} chunk at offset {chunk.offset} expands past "
            f"{cap} bytes (the compressed text of one image may expand to "
            f"{MAX_INFLATED_PER_FILE} bytes)"
        )
    if not inflater.eof:
        raise BadInput(f"PNG {chunk.type.decode()} chunk at offset {chunk.offset}: truncated zlib")
    left[0] -= len(out)
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
