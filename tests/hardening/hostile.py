"""Hostile inputs for the hardening tests: each builder returns the bytes (or writes the file).

Every input is made here from first principles (no downloaded attack corpus), small on disk
but built to hurt a careless parser: deep nesting, huge numbers, decompression bombs, lying
length fields, XML entities, zip tricks, forged JWTs.
"""

from __future__ import annotations

import base64
import io
import json
import stat
import struct
import zipfile
import zlib
from pathlib import Path
from typing import Any

from badges import ISSUED, badge

from credwallet.verify.dataintegrity import sign_document
from credwallet.verify.keys import SigningKey
from support import MEGABYTE, zlib_bomb

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


# --- JSON ------------------------------------------------------------------------------------


def deep_json(depth: int = 200_000) -> bytes:
    """Arrays nested ``depth`` levels inside an object (a recursive parser overflows)."""
    return b'{"@context": ' + b"[" * depth + b"]" * depth + b"}"


def huge_number(digits: int = 100_000) -> bytes:
    """A credential-shaped object holding one integer literal of ``digits`` digits."""
    return b'{"type": ["VerifiableCredential"], "n": ' + b"7" * digits + b"}"


def nan_json() -> bytes:
    """NaN and Infinity are not JSON; Python's json module accepts them by default."""
    return b'{"type": ["VerifiableCredential"], "a": NaN, "b": Infinity, "c": -Infinity}'


def non_utf8_json() -> bytes:
    return b'{"type": ["VerifiableCredential"], "name": "caf\xe9 \xff\xfe"}'


def empty_presentation() -> bytes:
    """A presentation that carries no credential (a holder proof only): nothing to import."""
    return json.dumps(
        {
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiablePresentation"],
            "verifiableCredential": [],
        }
    ).encode()


def truncated(data: bytes) -> bytes:
    return data[: len(data) // 2]


# --- PNG -------------------------------------------------------------------------------------


def png_chunk(kind: bytes, body: bytes, *, length: int | None = None) -> bytes:
    """One PNG chunk; ``length`` overrides the length field (a lie), the CRC stays honest."""
    declared = len(body) if length is None else length
    return struct.pack(">I", declared) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def _ihdr() -> bytes:
    return png_chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))


def _idat_and_end() -> bytes:
    pixel = zlib.compress(b"\x00\x00")
    return png_chunk(b"IDAT", pixel) + png_chunk(b"IEND", b"")


def png_itxt_bomb(expanded_bytes: int = 4 * 1024 * MEGABYTE) -> bytes:
    """A PNG whose compressed iTXt "openbadges" chunk inflates to gigabytes of zeros."""
    body = b"openbadges\x00\x01\x00\x00\x00" + zlib_bomb(expanded_bytes)
    return PNG_SIGNATURE + _ihdr() + png_chunk(b"iTXt", body) + _idat_and_end()


def png_lying_length_long() -> bytes:
    """An iTXt chunk whose length field claims 2 GiB in a file of a few hundred bytes."""
    body = b"openbadges\x00\x00\x00\x00\x00" + b'{"type": "Assertion"}'
    return PNG_SIGNATURE + _ihdr() + png_chunk(b"iTXt", body, length=0x7FFF_FFFF)


def png_lying_length_short() -> bytes:
    """An iTXt chunk whose length field is shorter than its body: the CRC lands mid-text."""
    body = b"openbadges\x00\x00\x00\x00\x00" + b'{"type": "Assertion", "id": "x"}'
    return PNG_SIGNATURE + _ihdr() + png_chunk(b"iTXt", body, length=12) + _idat_and_end()


# --- SVG -------------------------------------------------------------------------------------

_SVG_HEAD = (
    '<svg xmlns="http://www.w3.org/2000/svg" '
    'xmlns:openbadges="http://openbadges.org" width="1" height="1">'
)


def svg_external_entity(secret_file: Path) -> bytes:
    """A baked SVG whose assertion is an external entity naming a local file (XXE)."""
    return (
        '<?xml version="1.0"?>\n'
        f'<!DOCTYPE svg [<!ENTITY secret SYSTEM "file://{secret_file}">]>\n'
        f"{_SVG_HEAD}<openbadges:assertion>&secret;</openbadges:assertion></svg>"
    ).encode()


def svg_entity_bomb(levels: int = 10) -> bytes:
    """The "billion laughs" entity expansion: ten levels of ten copies each."""
    entities = ['<!ENTITY e0 "lol">']
    entities += [f'<!ENTITY e{i} "{("&e" + str(i - 1) + ";") * 10}">' for i in range(1, levels)]
    return (
        '<?xml version="1.0"?>\n'
        f"<!DOCTYPE svg [{''.join(entities)}]>\n"
        f"{_SVG_HEAD}<openbadges:assertion>&e{levels - 1};</openbadges:assertion></svg>"
    ).encode()


# --- zip bundles -----------------------------------------------------------------------------

_MANIFEST = json.dumps({"format": "credwallet-bundle", "files": {}}).encode()


def _zip(entries: list[tuple[zipfile.ZipInfo | str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for info, content in entries:
            archive.writestr(info, content)
    return buffer.getvalue()


def zip_with_name(name: str) -> bytes:
    """A bundle-looking zip with one entry under ``name`` (``../x``, ``/etc/x`` ...)."""
    return _zip([("manifest.json", _MANIFEST), (name, b'{"type": "VerifiableCredential"}')])


def zip_with_symlink() -> bytes:
    link = zipfile.ZipInfo("credential.json")
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    link.create_system = 3  # Unix, so the mode bits mean what they say
    return _zip([("manifest.json", _MANIFEST), (link, b"/etc/passwd")])


def zip_many_entries(count: int = 20_000) -> bytes:
    entries: list[tuple[zipfile.ZipInfo | str, bytes]] = [("manifest.json", _MANIFEST)]
    entries += [(f"c/{i}.json", b"{}") for i in range(count)]
    return _zip(entries)


def zip_bomb(expanded_bytes: int = 4 * 1024 * MEGABYTE, *, claimed: int = 1024) -> bytes:
    """A zip whose one DEFLATE entry inflates to ``expanded_bytes`` zeros.

    The headers are written by hand: they claim an uncompressed size of ``claimed`` bytes (a
    lie unless it equals ``expanded_bytes``), so a reader must count what it inflates.
    """
    raw = zlib_bomb(expanded_bytes)[2:]  # raw deflate: drop the 2-byte zlib header
    raw += b"\x03\x00"  # an empty final fixed-Huffman block ends the stream
    crc = 0
    name = b"credential.json"
    local = struct.pack(
        "<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, len(raw), claimed, len(name), 0
    )
    manifest_local_offset = len(local) + len(name) + len(raw)
    manifest_data = _MANIFEST
    manifest_local = struct.pack(
        "<IHHHHHIIIHH",
        0x04034B50,
        20,
        0,
        0,
        0,
        0x21,
        zlib.crc32(manifest_data),
        len(manifest_data),
        len(manifest_data),
        len(b"manifest.json"),
        0,
    )
    body = local + name + raw + manifest_local + b"manifest.json" + manifest_data
    central = _central(name, 8, crc, len(raw), claimed, 0)
    central += _central(
        b"manifest.json",
        0,
        zlib.crc32(manifest_data),
        len(manifest_data),
        len(manifest_data),
        manifest_local_offset,
    )
    end = struct.pack(
        "<IHHHHIIH", 0x06054B50, 0, 0, 2, 2, len(central), len(body), 0
    )  # end of central directory
    return body + central + end


def _central(name: bytes, method: int, crc: int, csize: int, usize: int, offset: int) -> bytes:
    return (
        struct.pack(
            "<IHHHHHHIIIHHHHHII",
            0x02014B50,
            20,
            20,
            0,
            method,
            0,
            0x21,
            crc,
            csize,
            min(usize, 0xFFFF_FFFF),
            len(name),
            0,
            0,
            0,
            0,
            (stat.S_IFREG | 0o644) << 16,
            offset,
        )
        + name
    )


# --- JWT -------------------------------------------------------------------------------------


def _claims(key: SigningKey) -> dict[str, Any]:
    document = badge(key, 1)
    document.pop("proof", None)
    return {"iss": key.did, "jti": document["id"], "vc": document, **document}


def jwt_alg_none(key: SigningKey) -> bytes:
    header = _b64url(json.dumps({"alg": "none", "typ": "JWT"}).encode())
    return f"{header}.{_b64url(json.dumps(_claims(key)).encode())}.".encode()


def jwt_hmac_with_public_key(key: SigningKey, public_key_text: str) -> bytes:
    """HS256 "signed" with the issuer's public key as the secret (the key-confusion attack)."""
    import hashlib
    import hmac

    header = _b64url(json.dumps({"alg": "HS256", "typ": "JWT", "kid": key.did}).encode())
    payload = _b64url(json.dumps(_claims(key)).encode())
    signing_input = f"{header}.{payload}".encode()
    mac = hmac.new(public_key_text.encode(), signing_input, hashlib.sha256).digest()
    return f"{header}.{payload}.{_b64url(mac)}".encode()


def jwt_giant_header(key: SigningKey, size: int = 4 * MEGABYTE) -> bytes:
    header = _b64url(json.dumps({"alg": "EdDSA", "pad": "A" * size}).encode())
    return f"{header}.{_b64url(json.dumps(_claims(key)).encode())}.{_b64url(b'x' * 64)}".encode()


def jwt_bad_base64() -> bytes:
    return b"eyJhbGciOiJFZERTQSJ9!!.@@not*base64@@.%%%"


# --- names that try to drive the terminal ----------------------------------------------------

TERMINAL_ATTACK = (
    "\x1b]0;owned title\x07"  # OSC: set the window title
    "\x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\"  # OSC 8 hyperlink
    "\x1b[2J\x1b[31mRED"  # clear the screen, red text
    " \u202etxt.exe\u202c"  # right-to-left override (Trojan Source)
    "\u2066isolate\u2069 bell\x07 \x9b31m"  # isolate, BEL, 8-bit CSI
)


def escape_badge(key: SigningKey, index: int) -> dict[str, Any]:
    """A properly signed badge whose name and issuer name are full of terminal escapes."""
    document = badge(key, index, name=f"Badge {TERMINAL_ATTACK}")
    document.pop("proof")
    document["issuer"]["name"] = f"Issuer {TERMINAL_ATTACK}"
    return sign_document(document, suite="eddsa-jcs-2022", key=key, created=ISSUED)
