"""QR codes for credentials: the compact payload format, splitting, rendering and reading back.

Payload format (version 1), all of it in the 45-character QR alphanumeric set so that a symbol
uses alphanumeric mode (5.5 bits per character):

* one symbol: ``CW1:`` + Base45(zlib(credential bytes))
* several symbols: ``CWM1:<i>/<n>/<digest>:`` + Base45(i-th slice of the zlib stream), where
  ``i`` counts from 1 to ``n`` (at most 64), the zlib stream is cut into ``n`` slices of nearly
  equal length, and ``digest`` is the first 8 bytes of SHA-256 over the whole zlib stream, as 16
  upper-case hex digits. Parts can be scanned in any order; the digest groups them and proves the
  reassembled stream is the one that was split.
* a link: the credential's public ``https://`` URL as it is (byte mode).

The credential bytes are carried unchanged (for JSON: minified, which keeps the meaning and every
proof); the credential's own proof is the signature. This is the EU DCC recipe (zlib, Base45, a
prefix) without COSE; ../notes/pathways-and-sharing.md B5 measures it against the alternatives.

``qrcode`` (symbol construction) and ``zxingcpp``/Pillow (reading images) are imported lazily.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import struct
import warnings
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from credwallet.errors import BadInput, CredwalletError, LimitExceeded, NotACredential
from credwallet.share.base45 import ALPHABET, b45decode, b45encode

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

    from qrcode.main import QRCode

__all__ = [
    "LINK_SCHEME",
    "MAX_PARTS",
    "MAX_PAYLOAD_BYTES",
    "PART_PREFIX",
    "PREFIX",
    "ErrorLevel",
    "QrContent",
    "ScanResult",
    "decode_texts",
    "encode_credential",
    "encode_link",
    "looks_like_svg",
    "qr_matrix",
    "read_qr_images",
    "read_qr_svg",
    "render_png",
    "render_png_sheet",
    "render_svg",
    "render_svg_sheet",
    "render_terminal",
    "scan",
    "scan_each",
    "symbol_version",
]

PREFIX = "CW1:"
PART_PREFIX = "CWM1:"
LINK_SCHEME = "https://"
ErrorLevel = Literal["L", "M", "Q", "H"]

MAX_PARTS = 64
MAX_PAYLOAD_BYTES = 2 * 1024 * 1024  # decompressed; far above any real credential
MAX_TEXT_CHARS = 7089  # the most any QR symbol holds (version 40-L, numeric)
MAX_IMAGE_PIXELS = 40_000_000  # refuse decompression bombs before Pillow decodes them
MAX_IMAGE_SIDE = 16_384  # ... and strips (40,000,000 x 1) that zxing-cpp refuses with ValueError
DEFAULT_MAX_VERSION = 30  # one symbol up to v30 (137 modules) is still easy to scan on paper
DEFAULT_PART_VERSION = 25  # each part of a split stays at or below v25 (117 modules)
QUIET_ZONE = 4  # modules of white border that ISO/IEC 18004 asks for

_DIGEST_BYTES = 8
_LEVELS: tuple[ErrorLevel, ...] = ("M", "L", "H", "Q")  # qrcode's constants: M=0 L=1 H=2 Q=3
_PART = re.compile(r"CWM1:([1-9][0-9]?)/([1-9][0-9]?)/([0-9A-F]{16}):(.*)", re.DOTALL)
_ALPHANUMERIC = frozenset(ALPHABET)


@dataclass(frozen=True, slots=True)
class QrContent:
    """What one scanned code, or one complete set of parts, carries: a link or a credential."""

    kind: Literal["link", "credential"]
    link: str | None = None
    data: bytes | None = None  # the credential's bytes, exactly as they were encoded
    parts: int = 1


# -- encoding ----------------------------------------------------------------------------------


def encode_link(url: str) -> str:
    """The text of a link QR; only a public https URL qualifies."""
    if not url.startswith(LINK_SCHEME) or any(c.isspace() for c in url):
        raise BadInput("a QR link must be a public https:// URL")
    return url


def encode_credential(
    data: bytes,
    *,
    level: ErrorLevel = "M",
    max_version: int = DEFAULT_MAX_VERSION,
    part_version: int = DEFAULT_PART_VERSION,
) -> list[str]:
    """The QR texts that carry ``data``: one if it fits in ``max_version``, else balanced parts."""
    if not data:
        raise BadInput("nothing to encode: the credential is empty")
    if len(data) > MAX_PAYLOAD_BYTES:
        raise LimitExceeded(f"credential over {MAX_PAYLOAD_BYTES} bytes: too big for QR codes")
    stream = zlib.compress(data, 9)
    single = PREFIX + b45encode(stream)
    fits = symbol_version(single, level)
    if fits is not None and fits <= max_version:
        return [single]
    digest = hashlib.sha256(stream).digest()[:_DIGEST_BYTES].hex().upper()
    # No part can hold more than a whole symbol of `part_version`: start the search there.
    fewest = max(2, -(-len(single) // _alphanumeric_capacity(part_version, level)))
    if fewest > MAX_PARTS:
        raise LimitExceeded(f"credential too big for {MAX_PARTS} QR codes at level {level}")
    for count in range(fewest, MAX_PARTS + 1):
        size = -(-len(stream) // count)  # ceiling division: every part but the last is full
        slices = [stream[i : i + size] for i in range(0, len(stream), size)]
        if len(slices) != count:
            continue  # rounding left an empty tail; the next count balances better
        texts = [
            f"{PART_PREFIX}{index}/{count}/{digest}:{b45encode(piece)}"
            for index, piece in enumerate(slices, start=1)
        ]
        # The first part is the longest (its slice is full and its header is no shorter).
        version = symbol_version(texts[0], level)
        if version is not None and version <= part_version:
            return texts
    raise LimitExceeded(f"credential too big for {MAX_PARTS} QR codes at level {level}")


# -- decoding ----------------------------------------------------------------------------------


def decode_texts(texts: Iterable[str], *, max_bytes: int = MAX_PAYLOAD_BYTES) -> list[QrContent]:
    """Turn scanned QR texts (any order, parts of several credentials mixed) into contents.

    Every text must be a credwallet payload or an https link; every set of parts must be
    complete. A decompressed payload over ``max_bytes`` raises :class:`LimitExceeded`.
    """
    contents: list[QrContent] = []
    groups: dict[str, dict[int, bytes]] = {}
    totals: dict[str, int] = {}
    for text in texts:
        if len(text) > MAX_TEXT_CHARS:
            raise LimitExceeded("QR text longer than any QR symbol can hold")
        if text.startswith(LINK_SCHEME):
            contents.append(QrContent(kind="link", link=encode_link(text.strip())))
        elif text.startswith(PREFIX):
            stream = _base45(text[len(PREFIX) :])
            contents.append(QrContent(kind="credential", data=_inflate(stream, max_bytes)))
        elif text.startswith("VP1-"):
            contents.extend(_vp1_contents(text))
        elif text.startswith(PART_PREFIX):
            index, count, digest, piece = _parse_part(text)
            if totals.setdefault(digest, count) != count:
                raise BadInput(f"QR parts of {digest} disagree on how many parts there are")
            slot = groups.setdefault(digest, {})
            if index in slot and slot[index] != piece:
                raise BadInput(
                    f"QR part {index}/{count} of {digest} was scanned twice, differently"
                )
            slot[index] = piece
        else:
            raise BadInput("not a credential QR code (expected CW1:, CWM1:, VP1- or an https link)")
    for digest, slot in groups.items():
        count = totals[digest]
        missing = sorted(set(range(1, count + 1)) - set(slot))
        if missing:
            shown = ", ".join(str(i) for i in missing)
            raise BadInput(f"QR code {digest} is incomplete: missing part(s) {shown} of {count}")
        stream = b"".join(slot[i] for i in range(1, count + 1))
        if hashlib.sha256(stream).digest()[:_DIGEST_BYTES].hex().upper() != digest:
            raise BadInput(f"QR parts of {digest} do not reassemble to the content they name")
        contents.append(QrContent(kind="credential", data=_inflate(stream, max_bytes), parts=count))
    return contents


def _vp1_contents(text: str) -> list[QrContent]:
    """Each credential in a DCC ``VP1-`` code, as minified JSON (its proof is unaffected)."""
    from credwallet.share import qrvp

    return [
        QrContent(
            kind="credential",
            data=json.dumps(c, ensure_ascii=False, separators=(",", ":")).encode("utf-8"),
        )
        for c in qrvp.credentials_in(qrvp.decode_vp1(text))
    ]


def _parse_part(text: str) -> tuple[int, int, str, bytes]:
    match = _PART.fullmatch(text)
    if match is None:
        raise BadInput("malformed QR part header (expected CWM1:<i>/<n>/<digest>:)")
    index, count = int(match[1]), int(match[2])
    if count < 2 or count > MAX_PARTS or index > count:
        raise BadInput(f"QR part number {index}/{count} is out of range")
    return index, count, match[3], _base45(match[4])


def _base45(text: str) -> bytes:
    try:
        return b45decode(text)
    except BadInput as exc:
        raise BadInput(f"damaged QR payload: {exc}") from None


def _inflate(stream: bytes, max_bytes: int) -> bytes:
    """Decompress a zlib stream, stopping as soon as the output would pass ``max_bytes``."""
    inflater = zlib.decompressobj()
    try:
        out = inflater.decompress(stream, max_bytes + 1)
    except zlib.error:
        raise BadInput("damaged QR payload: not a zlib stream") from None
    if len(out) > max_bytes or inflater.unconsumed_tail:
        raise LimitExceeded(f"QR payload expands beyond {max_bytes} bytes")
    if not inflater.eof:
        raise BadInput("damaged QR payload: the zlib stream is truncated")
    if inflater.unused_data:
        raise BadInput("damaged QR payload: data after the end of the zlib stream")
    if not out:
        raise BadInput("damaged QR payload: it holds no credential")
    return out


# -- symbols -----------------------------------------------------------------------------------


def _build(text: str, level: ErrorLevel, version: int | None = None) -> QRCode:
    # Imported here, not at the top: `import credwallet` must stay free of qrcode.
    import qrcode
    import qrcode.constants
    from qrcode.util import MODE_8BIT_BYTE, MODE_ALPHA_NUM, QRData

    levels = {
        "L": qrcode.constants.ERROR_CORRECT_L,
        "M": qrcode.constants.ERROR_CORRECT_M,
        "Q": qrcode.constants.ERROR_CORRECT_Q,
        "H": qrcode.constants.ERROR_CORRECT_H,
    }
    if level not in levels:
        raise BadInput(f"unknown QR error correction level {level!r} (use L, M, Q or H)")
    code = qrcode.QRCode(version=version, error_correction=levels[level], border=QUIET_ZONE)
    # Our payloads are pure alphanumeric; forcing the mode avoids the library splitting them
    # into mixed segments. Links go in byte mode (lower-case letters are not alphanumeric).
    alphanumeric = set(text) <= _ALPHANUMERIC
    mode = MODE_ALPHA_NUM if alphanumeric else MODE_8BIT_BYTE
    code.add_data(QRData(text.encode("utf-8"), mode=mode, check_data=False), optimize=0)
    return code


def _count_bits(version: int, alphanumeric: bool) -> int:
    """Length of the character count field (ISO/IEC 18004, table 3), byte or alphanumeric."""
    if alphanumeric:
        return 9 if version < 10 else 11 if version < 27 else 13
    return 8 if version < 10 else 16


def _alphanumeric_capacity(version: int, level: ErrorLevel) -> int:
    """How many alphanumeric characters one symbol of ``version`` holds at ``level``."""
    from qrcode.util import BIT_LIMIT_TABLE

    if not 1 <= version <= 40:
        raise BadInput("QR versions run from 1 to 40")
    bits = int(BIT_LIMIT_TABLE[_LEVELS.index(level)][version])
    usable = bits - 4 - _count_bits(version, True)  # mode indicator and character count first
    return (usable // 11) * 2 + (1 if usable % 11 >= 6 else 0)


def symbol_version(text: str, level: ErrorLevel = "M") -> int | None:
    """The smallest QR version (1-40) that holds ``text`` at ``level``, or None if none does.

    Counted, not tried: one segment in one mode (as :func:`_build` writes it) needs a 4-bit
    mode indicator, the character count and 11 bits per two alphanumeric characters (6 for
    an odd last one) or 8 per byte. Speed: asking qrcode (``best_fit``) wrote the whole text
    into its bit buffer one bit per call, about 40 ms for a large credential, and choosing a
    code asks this of every candidate text.
    """
    from qrcode.util import BIT_LIMIT_TABLE

    if level not in _LEVELS:
        raise BadInput(f"unknown QR error correction level {level!r} (use L, M, Q or H)")
    alphanumeric = set(text) <= _ALPHANUMERIC
    if alphanumeric:
        data_bits = 11 * (len(text) // 2) + 6 * (len(text) % 2)
    else:
        data_bits = 8 * len(text.encode("utf-8"))
    limits = BIT_LIMIT_TABLE[_LEVELS.index(level)]
    for version in range(1, 41):
        if int(limits[version]) >= 4 + _count_bits(version, alphanumeric) + data_bits:
            return version
    return None


def qr_matrix(text: str, level: ErrorLevel = "M") -> list[list[bool]]:
    """The module grid of one symbol, quiet zone included; True is a dark module."""
    version = symbol_version(text, level)
    if version is None:
        raise LimitExceeded(f"text too long for one QR symbol at level {level}")
    code = _build(text, level, version)
    code.make(fit=False)  # the version is known: see symbol_version
    return [[bool(cell) for cell in row] for row in code.get_matrix()]


# -- rendering ---------------------------------------------------------------------------------


def render_png(text: str, level: ErrorLevel = "M", *, scale: int = 8) -> bytes:
    """One symbol as a black-and-white PNG, ``scale`` pixels per module."""
    return _png(qr_matrix(text, level), scale)


def render_png_sheet(
    texts: Sequence[str], level: ErrorLevel = "M", *, scale: int = 6, columns: int = 2
) -> bytes:
    """Several symbols (the parts of one credential) side by side in one PNG, row by row."""
    if not texts:
        raise BadInput("no QR texts to render")
    matrices = [qr_matrix(t, level) for t in texts]
    cell = max(len(m) for m in matrices)
    columns = max(1, min(columns, len(matrices)))
    rows_of_cells = -(-len(matrices) // columns)
    grid = [[False] * (cell * columns) for _ in range(cell * rows_of_cells)]
    for position, matrix in enumerate(matrices):
        top, left = (position // columns) * cell, (position % columns) * cell
        for y, row in enumerate(matrix):
            grid[top + y][left : left + len(row)] = row
    return _png(grid, scale)


def _svg_runs(matrix: list[list[bool]], left: int = 0, top: int = 0) -> Iterable[str]:
    """Each horizontal run of dark modules as a closed unit-high rectangle of path data."""
    for y, row in enumerate(matrix):
        x = 0
        while x < len(row):
            if row[x]:
                start = x
                while x < len(row) and row[x]:
                    x += 1
                yield f"M{left + start} {top + y}h{x - start}v1h-{x - start}z"
            else:
                x += 1


def _svg_document(width: int, height: int, runs: Iterable[str], module_px: int) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width * module_px}" '
        f'height="{height * module_px}" viewBox="0 0 {width} {height}" '
        'shape-rendering="crispEdges">'
        f'<rect width="{width}" height="{height}" fill="#fff"/>'
        f'<path fill="#000" d="{"".join(runs)}"/></svg>\n'
    )


def render_svg(text: str, level: ErrorLevel = "M", *, module_px: int = 8) -> str:
    """One symbol as a standalone SVG: one path of unit squares, crisp at any size."""
    matrix = qr_matrix(text, level)
    return _svg_document(len(matrix), len(matrix), _svg_runs(matrix), module_px)


def render_svg_sheet(
    texts: Sequence[str], level: ErrorLevel = "M", *, module_px: int = 6, columns: int = 2
) -> str:
    """Several symbols (the parts of one credential) side by side in one SVG, row by row,
    laid out like :func:`render_png_sheet`."""
    if not texts:
        raise BadInput("no QR texts to render")
    matrices = [qr_matrix(t, level) for t in texts]
    cell = max(len(m) for m in matrices)
    columns = max(1, min(columns, len(matrices)))
    rows_of_cells = -(-len(matrices) // columns)
    runs: list[str] = []
    for position, matrix in enumerate(matrices):
        top, left = (position // columns) * cell, (position % columns) * cell
        runs.extend(_svg_runs(matrix, left, top))
    return _svg_document(cell * columns, cell * rows_of_cells, runs, module_px)


def render_terminal(text: str, level: ErrorLevel = "M", *, invert: bool = False) -> str:
    """One symbol as text, two modules per character cell (upper/lower half blocks).

    By default light modules are drawn as blocks, so the code reads as dark-on-light on the
    usual light-text-on-dark terminal; ``invert`` suits dark-text-on-light terminals.
    """
    matrix = qr_matrix(text, level)
    if len(matrix) % 2:
        matrix.append([False] * len(matrix[0]))
    glyphs = {(True, True): "█", (True, False): "▀", (False, True): "▄", (False, False): " "}
    lines = []
    for upper, lower in zip(matrix[0::2], matrix[1::2], strict=True):
        # A module is drawn as ink when it is light (default) or dark (inverted).
        lines.append(
            "".join(glyphs[(a == invert, b == invert)] for a, b in zip(upper, lower, strict=True))
        )
    return "\n".join(lines) + "\n"


def _png(matrix: list[list[bool]], scale: int) -> bytes:
    """A 1-bit greyscale PNG (dark = 0), ``scale`` pixels per module.

    Written here so rendering needs no imaging library. Each module row becomes one packed
    scanline, built as a bit string and converted in one step (a per-pixel loop took a
    quarter of a second per code), then repeated ``scale`` times.
    """
    if not 1 <= scale <= 64:
        raise BadInput("QR scale must be between 1 and 64 pixels per module")
    height, width = len(matrix) * scale, len(matrix[0]) * scale
    dark, light = "0" * scale, "1" * scale
    padding = "1" * (-width % 8)  # the unused low bits of a scanline's last byte are light
    row_bytes = (width + 7) // 8
    raw = bytearray()
    for row in matrix:
        bits = "".join([dark if cell else light for cell in row]) + padding
        scanline = b"\x00" + int(bits, 2).to_bytes(row_bytes, "big")  # filter type: none
        raw += scanline * scale

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(bytes(raw), 9))
        + chunk(b"IEND", b"")
    )


# -- reading images ----------------------------------------------------------------------------


def read_qr_images(images: Iterable[bytes]) -> list[str]:
    """The texts of every QR symbol found in the given raster images (PNG, JPEG, GIF, ...)."""
    texts: list[str] = []
    for number, data in enumerate(images, start=1):
        texts += _read_raster(number, data)
    return texts


def _read_raster(number: int, data: bytes) -> list[str]:
    """The QR texts of one raster image (the ``number``-th given); BadInput if it has none."""
    # A native decoder and an imaging library: only reading QR images needs them.
    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            # Our own pixel cap below decides; Pillow's bomb warning would only duplicate it.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                # The header gives the size: checked before a single pixel is decoded.
                width, height = image.size
                if width * height > MAX_IMAGE_PIXELS or max(width, height) > MAX_IMAGE_SIDE:
                    raise LimitExceeded(f"image {number} is too large to scan for QR codes")
                grey = image.convert("L")
    except LimitExceeded:
        raise
    except Image.DecompressionBombError:
        raise LimitExceeded(f"image {number} is too large to scan for QR codes") from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        raise BadInput(f"image {number} is not a readable raster image") from None
    except Exception:  # decoders of hostile images fail in many ways: all are bad input
        raise BadInput(f"image {number} is not a readable raster image") from None
    found = _zxing_read(grey, number)
    if not found:
        raise BadInput(f"no QR code found in image {number}")
    return [str(code.text) for code in found]


def _zxing_read(image: Any, number: int) -> list[Any]:
    """The QR symbols zxing-cpp finds; its refusals of odd images are bad input, not bugs."""
    import zxingcpp

    try:
        return list(
            zxingcpp.read_barcodes(
                image, formats=zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)
            )
        )
    except (ValueError, RuntimeError, MemoryError):
        raise BadInput(f"image {number} cannot be scanned for QR codes") from None


# -- reading SVG QR codes ----------------------------------------------------------------------

MAX_SVG_BYTES = 8 * 1024 * 1024
MAX_SVG_MODULES = MAX_IMAGE_PIXELS // 16  # canvas cells; each is drawn 4x4 pixels for zxing
_SVG_SCALE = 4
_SVG_NAMESPACE = "{http://www.w3.org/2000/svg}"
_NOT_DRAWN = frozenset({"title", "desc", "metadata", "defs", "style"})
_PATH_TOKEN = re.compile(r"\s*(?:([MmHhVvZz])|(-?\d+(?:\.\d+)?))\s*,?")
_TRANSLATE = re.compile(r"\s*translate\(\s*(-?\d+)(?:\s*[,\s]\s*(-?\d+))?\s*\)\s*")
_INTEGER = re.compile(r"-?\d+(?:\.0+)?")


class _NotOurs(Exception):
    """The SVG is not a drawing credwallet writes: it holds no code this reader can see."""


def looks_like_svg(data: bytes) -> bool:
    """True when ``data`` starts like an SVG document: markup with an ``<svg`` root near the top."""
    head = data.removeprefix(b"\xef\xbb\xbf").lstrip()[:4096]
    return head.startswith(b"<") and (b"<svg" in head or b":svg" in head)


def _integer(value: str | None) -> int:
    if value is None or not _INTEGER.fullmatch(value.strip()):
        raise _NotOurs
    return int(float(value))


def _dark(fill: str | None) -> bool | None:
    """True for a dark fill, False for a light one, None for no paint (SVG's default is black)."""
    if fill is None:
        return True
    colour = fill.strip().lower()
    if colour == "none":
        return None
    named = {"black": True, "white": False}
    if colour in named:
        return named[colour]
    if re.fullmatch(r"#[0-9a-f]{3}|#[0-9a-f]{6}", colour):
        digits = colour[1:]
        if len(digits) == 3:
            digits = "".join(c * 2 for c in digits)
        red, green, blue = (int(digits[i : i + 2], 16) for i in (0, 2, 4))
        return 0.299 * red + 0.587 * green + 0.114 * blue < 128
    raise _NotOurs


def _path_rectangles(d: str) -> Iterable[tuple[int, int, int, int]]:
    """The rectangles (x, y, width, height) of a path made only of closed axis-aligned
    rectangles (M, then h/v/H/V moves, then z), the shape credwallet draws module runs with."""
    position = 0
    x = y = 0
    corners: list[tuple[int, int]] = []

    def number() -> int:
        nonlocal position
        match = _PATH_TOKEN.match(d, position)
        if match is None or match[2] is None:
            raise _NotOurs
        position = match.end()
        return _integer(match[2])

    while position < len(d):
        match = _PATH_TOKEN.match(d, position)
        if match is None or match[1] is None:
            if d[position:].strip():
                raise _NotOurs
            break
        position = match.end()
        command = match[1]
        if command in "Mm":
            if corners:
                raise _NotOurs  # an unclosed subpath
            dx, dy = number(), number()
            x, y = (x + dx, y + dy) if command == "m" else (dx, dy)
            corners = [(x, y)]
        elif command in "HhVv":
            if not corners:
                raise _NotOurs
            value = number()
            if command == "H":
                x = value
            elif command == "h":
                x += value
            elif command == "V":
                y = value
            else:
                y += value
            corners.append((x, y))
            if len(corners) > 5:  # a rectangle has four corners (five if it returns to the first)
                raise _NotOurs
        else:  # Z / z: the subpath must have traced exactly the corners of a rectangle
            xs, ys = {cx for cx, _ in corners}, {cy for _, cy in corners}
            if len(xs) != 2 or len(ys) != 2 or set(corners) != {(a, b) for a in xs for b in ys}:
                raise _NotOurs
            x, y = corners[0]
            yield min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys)
            corners = []
    if corners:
        raise _NotOurs


class _Canvas:
    """A module grid, light by default, painted with rectangles in document order."""

    def __init__(self, width: int, height: int) -> None:
        if width <= 0 or height <= 0 or width * height > MAX_SVG_MODULES:
            raise _NotOurs
        self.width, self.height = width, height
        self.cells = bytearray(b"\xff" * (width * height))
        self.budget = 4 * width * height  # an honest drawing paints each cell about twice

    def paint(self, x: int, y: int, width: int, height: int, dark: bool) -> None:
        if width < 0 or height < 0 or x < 0 or y < 0:
            raise _NotOurs
        if x + width > self.width or y + height > self.height:
            raise _NotOurs
        self.budget -= width * height
        if self.budget < 0:
            raise _NotOurs
        value = b"\x00" if dark else b"\xff"
        run = value * width
        for row in range(y, y + height):
            start = row * self.width + x
            self.cells[start : start + width] = run


def _draw(element: Element, canvas: _Canvas, origin: tuple[int, int], fill: str | None) -> None:
    name = str(element.tag).removeprefix(_SVG_NAMESPACE)
    if name in _NOT_DRAWN:
        return
    transform = element.get("transform")
    left, top = origin
    if transform is not None:
        moved = _TRANSLATE.fullmatch(transform)
        if moved is None:
            raise _NotOurs
        left, top = left + int(moved[1]), top + int(moved[2] or 0)
    fill = element.get("fill", fill)
    if name == "rect":
        dark = _dark(fill)
        width, height = _integer(element.get("width")), _integer(element.get("height"))
        x, y = _integer(element.get("x", "0")), _integer(element.get("y", "0"))
        if dark is not None:
            canvas.paint(left + x, top + y, width, height, dark)
    elif name == "path":
        dark = _dark(fill)
        for x, y, width, height in _path_rectangles(element.get("d", "")):
            if dark is not None:
                canvas.paint(left + x, top + y, width, height, dark)
    elif name == "g":
        for child in element:
            _draw(child, canvas, (left, top), fill)
    else:
        raise _NotOurs  # circles, text, images, ...: some other picture


def _svg_canvas(data: bytes) -> _Canvas:
    """The SVG's module grid: its viewBox in integer units, painted with its rects and paths."""
    from xml.etree.ElementTree import ParseError

    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import fromstring

    try:
        # No DTD, no entity, no external reference is ever resolved.
        root = fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except (DefusedXmlException, ParseError, ValueError, LookupError):
        raise _NotOurs from None
    if root.tag != _SVG_NAMESPACE + "svg":
        raise _NotOurs
    box = (root.get("viewBox") or "").replace(",", " ").split()
    if len(box) != 4:
        raise _NotOurs
    min_x, min_y, width, height = (_integer(v) for v in box)
    canvas = _Canvas(width, height)
    for child in root:
        _draw(child, canvas, (-min_x, -min_y), root.get("fill"))
    return canvas


def read_qr_svg(data: bytes) -> list[str]:
    """The texts of the QR symbols in an SVG credwallet drew (:func:`render_svg`, sheets too).

    The SVG is parsed with defusedxml (no DTD or entity is ever resolved) and its module grid
    rebuilt from its rectangles (``rect`` elements and ``path`` runs of unit squares, inside
    ``g`` translations), then rasterised and decoded with zxing-cpp like any image. An SVG that
    is no such drawing (curves, text, embedded images, non-integer units: a logo, a photo)
    holds no code this reader can see, and gives an empty list rather than an error.
    """
    if len(data) > MAX_SVG_BYTES:
        raise LimitExceeded(f"SVG over {MAX_SVG_BYTES} bytes: too large to scan for QR codes")
    try:
        canvas = _svg_canvas(data)
    except _NotOurs:
        return []
    except RecursionError:  # groups nested thousands deep
        return []
    from PIL import Image

    grid = Image.frombytes("L", (canvas.width, canvas.height), bytes(canvas.cells))
    size = (canvas.width * _SVG_SCALE, canvas.height * _SVG_SCALE)
    image = grid.resize(size, Image.Resampling.NEAREST)
    return [str(code.text) for code in _zxing_read(image, 1)]


def scan(images: Iterable[bytes], *, max_bytes: int = MAX_PAYLOAD_BYTES) -> list[QrContent]:
    """Read every QR code in the images and decode them (parts may be spread over images).

    Raster images (PNG, JPEG, ...) must each hold a code; an SVG is read with
    :func:`read_qr_svg`, and one that is no credwallet QR drawing contributes nothing.
    """
    texts: list[str] = []
    for number, data in enumerate(images, start=1):
        texts += read_qr_svg(data) if looks_like_svg(data) else _read_raster(number, data)
    return decode_texts(texts, max_bytes=max_bytes)


@dataclass(frozen=True)
class ScanResult:
    """What :func:`scan_each` found: contents with the images they came from, and failures.

    Image indexes count from 0. An image with no entry in either found no credwallet code (an
    SVG that is no QR drawing).
    """

    contents: list[tuple[QrContent, tuple[int, ...]]]
    failures: dict[int, CredwalletError]


def scan_each(images: Sequence[bytes], *, max_bytes: int = MAX_PAYLOAD_BYTES) -> ScanResult:
    """Like :func:`scan`, but one image that is no credwallet QR code fails alone.

    A folder of QR images often holds a logo or a photo too: it gets its own failure (a
    :class:`NotACredential` when it holds no credwallet code at all) and the codes of the other
    images are still decoded. Parts of one split credential may be spread over several images;
    an incomplete or damaged set fails the images that hold its parts.
    """
    contents: list[tuple[QrContent, tuple[int, ...]]] = []
    failures: dict[int, CredwalletError] = {}
    parts: dict[str, list[tuple[str, int]]] = {}
    for index, data in enumerate(images):
        try:
            texts = _texts_of_one(index + 1, data)
            whole = [t for t in texts if not t.startswith(PART_PREFIX)]
            decoded = decode_texts(whole, max_bytes=max_bytes)
            for text in texts:
                if text.startswith(PART_PREFIX):
                    match = _PART.fullmatch(text)
                    if match is None:
                        raise BadInput("malformed QR part header (expected CWM1:<i>/<n>/<digest>:)")
                    parts.setdefault(match[3], []).append((text, index))
        except CredwalletError as exc:
            failures[index] = exc
            continue
        contents += [(content, (index,)) for content in decoded]
    for group in parts.values():
        owners = tuple(sorted({index for _, index in group if index not in failures}))
        if not owners:
            continue
        try:
            decoded = decode_texts(
                [text for text, index in group if index in owners], max_bytes=max_bytes
            )
        except CredwalletError as exc:
            for index in owners:
                failures[index] = exc
            continue
        contents += [(content, owners) for content in decoded]
    return ScanResult(contents, failures)


def _texts_of_one(number: int, data: bytes) -> list[str]:
    """The QR texts of one image; NotACredential when it holds no credwallet code."""
    try:
        texts = read_qr_svg(data) if looks_like_svg(data) else _read_raster(number, data)
    except BadInput as exc:
        raise NotACredential(f"not a credential: {exc.message}") from None
    if any(not t.startswith((PREFIX, PART_PREFIX, LINK_SCHEME)) for t in texts):
        raise NotACredential("not a credential: a QR code that is not a credwallet code")
    return texts
