"""Load the C2SP/CCTV age test vectors (../shared/fixtures/external/c2sp-age-cctv).

Each vector file is a block of ``key: value`` lines (expect, payload, file key, passphrase,
identity, armored, compressed, comment), a blank line, then the age file itself, zlib-compressed
when ``compressed: zlib`` says so.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from support import EXTERNAL

CCTV_DIR = EXTERNAL / "c2sp-age-cctv"


@dataclass(frozen=True)
class Vector:
    name: str
    expect: str
    file_key: bytes
    payload_sha256: str | None
    passphrase: str | None
    armored: bool
    data: bytes


def _load(path: Path) -> Vector:
    raw = path.read_bytes()
    head, sep, body = raw.partition(b"\n\n")
    if not sep:
        raise ValueError(f"{path.name}: no blank line after the vector header")
    fields: dict[str, str] = {}
    for line in head.decode("utf-8").split("\n"):
        key, _, value = line.partition(": ")
        fields[key] = value
    if fields.get("compressed") == "zlib":
        body = zlib.decompress(body)
    return Vector(
        name=path.name,
        expect=fields["expect"],
        file_key=bytes.fromhex(fields["file key"]),
        payload_sha256=fields.get("payload"),
        passphrase=fields.get("passphrase"),
        armored=fields.get("armored") == "yes",
        data=body,
    )


@cache
def vectors() -> tuple[Vector, ...]:
    if not CCTV_DIR.is_dir():
        return ()
    return tuple(
        _load(path)
        for path in sorted(CCTV_DIR.iterdir())
        if path.is_file() and path.name != "LICENSE"
    )
