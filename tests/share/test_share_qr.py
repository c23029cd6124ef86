"""QR payloads: every code credwallet draws reads back through zxing-cpp; hostile ones fail."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import io
import json
import random
import re
import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image
from share_helpers import JWT_VC2, OB3_DEGREE, OB3_SMALL, load

from credwallet.errors import BadInput, CredwalletError, LimitExceeded
from credwallet.formats import parse
from credwallet.models import Credential
from credwallet.share import qr
from credwallet.share.base45 import b45encode
from credwallet.share.bundle import qr_texts


def minified(credential: Credential) -> bytes:
    return json.dumps(credential.document, separators=(",", ":"), ensure_ascii=False).encode()


def raster(matrix: list[list[bool]], scale: int = 6) -> bytes:
    """Draw a module grid as a PNG with Pillow (independent of credwallet's PNG writer)."""
    size = len(matrix)
    image = Image.new("L", (size * scale, size * scale), 255)
    pixels = image.load()
    assert pixels is not None
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                for dy in range(scale):
                    for dx in range(scale):
                        pixels[x * scale + dx, y * scale + dy] = 0
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def matrix_from_svg(svg: str) -> list[list[bool]]:
    """Rebuild the module grid from the SVG's viewBox and path runs."""
    size = int(re.search(r'viewBox="0 0 (\d+) \d+"', svg)[1])  # type: ignore[index]
    grid = [[False] * size for _ in range(size)]
    path = re.search(r'<path fill="#000" d="([^"]*)"', svg)[1]  # type: ignore[index]
    for x, y, width in re.findall(r"M(\d+) (\d+)h(\d+)v1h-\d+z", path):
        for column in range(int(x), int(x) + int(width)):
            grid[int(y)][column] = True
    return grid


def matrix_from_terminal(text: str) -> list[list[bool]]:
    """Rebuild the grid from half-block text (a drawn half is a light module)."""
    halves = {"█": (False, False), "▀": (False, True), "▄": (True, False), " ": (True, True)}
    grid: list[list[bool]] = []
    for line in text.rstrip("\n").split("\n"):
        cells = [halves[c] for c in line]
        grid.append([top for top, _ in cells])
        grid.append([bottom for _, bottom in cells])
    return grid


def scan(png: bytes) -> list[str]:
    return qr.read_qr_images([png])


class TestLinks:
    def test_link_round_trips_through_zxing(self) -> None:
        """A link QR decodes to the exact URL, as a link."""
        url = "https://badges.example.org/assertions/8f2c?lang=en&v=2"
        text = qr.encode_link(url)
        (content,) = qr.decode_texts(scan(qr.render_png(text)))
        assert content.kind == "link"
        assert content.link == url

    @pytest.mark.parametrize("url", ["http://example.org/b", "urn:uuid:1234", "https://a b"])
    def test_only_public_https_links(self, url: str) -> None:
        """A non-https or malformed URL is refused as a link."""
        with pytest.raises(BadInput):
            qr.encode_link(url)

    def test_credential_with_https_url_gets_a_link(self) -> None:
        """A credential whose public URL is https is shared as its link by default; without the
        link, this JSON-LD VC goes in a VP1 code for the DCC apps."""
        credential = load(OB3_SMALL)
        with_url = Credential(
            format=credential.format,
            container=credential.container,
            original=credential.original,
            document=credential.document,
            public_url="https://issuer.example/c/1",
        )
        assert qr_texts(with_url) == ["https://issuer.example/c/1"]
        assert qr_texts(with_url, link=False)[0].startswith("VP1-B")


class TestSingleSymbol:
    def test_small_credential_in_one_symbol(self) -> None:
        """A real 2.5 KB OB 3.0 credential fits one symbol and reads back byte for byte."""
        credential = load(OB3_SMALL)
        texts = qr.encode_credential(minified(credential))
        assert len(texts) == 1
        assert texts[0].startswith(qr.PREFIX)
        version = qr.symbol_version(texts[0], "M")
        assert version is not None
        assert version <= qr.DEFAULT_MAX_VERSION
        (content,) = qr.decode_texts(scan(qr.render_png(texts[0])))
        assert content.kind == "credential"
        assert content.data == minified(credential)
        assert parse(content.data).document == credential.document

    def test_payload_is_alphanumeric_mode_text(self) -> None:
        """The whole payload stays within the QR alphanumeric character set."""
        (text,) = qr.encode_credential(minified(load(OB3_SMALL)))
        assert set(text) <= set(qr.ALPHABET)

    def test_vc_jwt_is_carried_as_its_jws(self) -> None:
        """A VC-JWT travels as its compact JWS, which reads back unchanged."""
        credential = load(JWT_VC2)
        texts = qr_texts(credential, link=False)
        (content,) = qr.decode_texts([scan(qr.render_png(t))[0] for t in texts])
        assert content.data is not None
        assert content.data.decode() == credential.jws

    @pytest.mark.parametrize("level", ["L", "M", "Q", "H"])
    def test_every_error_level_reads_back(self, level: qr.ErrorLevel) -> None:
        """Codes at each error-correction level decode."""
        texts = qr.encode_credential(b'{"name":"tiny"}', level=level)
        assert qr.decode_texts(scan(qr.render_png(texts[0], level)))[0].data == b'{"name":"tiny"}'

    def test_svg_round_trips(self) -> None:
        """The SVG rendering, rasterised from its own geometry, decodes to the payload."""
        (text,) = qr.encode_credential(minified(load(OB3_SMALL)))
        svg = qr.render_svg(text)
        assert svg.startswith("<?xml") and "<script" not in svg
        assert scan(raster(matrix_from_svg(svg))) == [text]

    def test_terminal_text_round_trips(self) -> None:
        """The half-block terminal rendering, redrawn, decodes to the payload."""
        text = qr.encode_link("https://badges.example.org/a/1")
        assert scan(raster(matrix_from_terminal(qr.render_terminal(text)))) == [text]

    def test_inverted_terminal_text_is_the_negative(self) -> None:
        """The inverted rendering swaps every drawn half for an undrawn one."""
        text = qr.encode_link("https://badges.example.org/a/1")
        swap = str.maketrans("█▀▄ ", " ▄▀█")
        assert qr.render_terminal(text, invert=True) == qr.render_terminal(text).translate(swap)


class TestMultiPart:
    def test_large_credential_with_image_needs_parts(self, image_credential: Credential) -> None:
        """A 10 KB credential with an embedded image splits into numbered parts that fit."""
        payload = minified(image_credential)
        assert len(payload) > 9000
        texts = qr.encode_credential(payload)
        assert len(texts) > 1
        digest = hashlib.sha256(zlib.compress(payload, 9)).digest()[:8].hex().upper()
        for index, text in enumerate(texts, start=1):
            assert text.startswith(f"{qr.PART_PREFIX}{index}/{len(texts)}/{digest}:")
            version = qr.symbol_version(text, "M")
            assert version is not None
            assert version <= qr.DEFAULT_PART_VERSION

    def test_parts_read_back_in_any_order(self, image_credential: Credential) -> None:
        """Each part's image decodes, and shuffled parts reassemble to the same credential."""
        payload = minified(image_credential)
        texts = qr.encode_credential(payload)
        scanned = [scan(qr.render_png(t))[0] for t in texts]
        assert scanned == texts
        random.Random(3).shuffle(scanned)
        (content,) = qr.decode_texts(scanned)
        assert content.data == payload
        assert content.parts == len(texts)
        assert parse(content.data).document == image_credential.document

    def test_parts_spread_over_images(self) -> None:
        """scan() joins parts found in separate images, given in any order."""
        payload = minified(load(OB3_DEGREE))
        texts = qr.encode_credential(payload)
        images = [qr.render_png(t) for t in reversed(texts)]
        (content,) = qr.scan(images)
        assert content.data == payload

    def test_sheet_of_parts_scans_in_one_image(self) -> None:
        """All parts drawn side by side in one PNG are found in one scan."""
        payload = minified(load(OB3_DEGREE))
        texts = qr.encode_credential(payload)
        assert len(texts) >= 2
        found = scan(qr.render_png_sheet(texts))
        assert sorted(found) == sorted(texts)
        assert qr.decode_texts(found)[0].data == payload

    def test_parts_are_balanced(self) -> None:
        """Parts differ in length by at most one Base45 triplet."""
        texts = qr.encode_credential(minified(load(OB3_DEGREE)))
        lengths = {len(t) for t in texts}
        assert max(lengths) - min(lengths) <= 3

    def test_two_credentials_mixed_together(self) -> None:
        """Parts of two credentials scanned together come apart into both."""
        first = minified(load(OB3_DEGREE))
        second = first.replace(b"1EdTech University", b"Other University")
        texts = qr.encode_credential(first) + qr.encode_credential(second)
        random.Random(5).shuffle(texts)
        decoded = {c.data for c in qr.decode_texts(texts)}
        assert decoded == {first, second}


def _part(index: int, count: int, digest: str, data: bytes) -> str:
    return f"{qr.PART_PREFIX}{index}/{count}/{digest}:{b45encode(data)}"


class TestHostilePayloads:
    def test_unknown_prefix(self) -> None:
        """Text that is neither a credwallet payload nor an https link is refused."""
        with pytest.raises(BadInput, match="not a credential QR code"):
            qr.decode_texts(["HC1:6BFOXN*TS0BI$ZD4N9:9S6RCVN5+O30K3/XIV0W23NTDE"])

    def test_bad_base45(self) -> None:
        """A payload with characters outside Base45 is refused."""
        with pytest.raises(BadInput, match="damaged QR payload"):
            qr.decode_texts([qr.PREFIX + "abc"])

    def test_not_zlib(self) -> None:
        """Valid Base45 that is not a zlib stream is refused."""
        with pytest.raises(BadInput, match="zlib"):
            qr.decode_texts([qr.PREFIX + b45encode(b"plain text, no zlib")])

    def test_truncated_zlib(self) -> None:
        """A zlib stream cut short is refused."""
        stream = zlib.compress(b'{"a":"' + b"x" * 500 + b'"}')
        with pytest.raises(BadInput, match="truncated"):
            qr.decode_texts([qr.PREFIX + b45encode(stream[:-6])])

    def test_zlib_bomb_is_capped(self) -> None:
        """A small payload inflating past the cap raises LimitExceeded, without inflating it all."""
        bomb = zlib.compress(b"\0" * (64 * 1024 * 1024), 9)
        assert len(bomb) < 70_000
        with pytest.raises(LimitExceeded):
            qr.decode_texts([qr.PREFIX + b45encode(bomb)], max_bytes=1024 * 1024)

    def test_default_cap_stops_a_bomb(self) -> None:
        """The default cap alone stops a payload expanding to 8 MiB."""
        bomb = zlib.compress(b"{" * (8 * 1024 * 1024), 9)
        with pytest.raises(LimitExceeded):
            qr.decode_texts([qr.PREFIX + b45encode(bomb)])

    def test_missing_part(self) -> None:
        """A set of parts with one missing names the missing part."""
        texts = qr.encode_credential(minified(load(OB3_DEGREE)))
        with pytest.raises(BadInput, match=rf"missing part\(s\) 2 of {len(texts)}"):
            qr.decode_texts([texts[0], *texts[2:]])

    def test_parts_from_another_credential(self) -> None:
        """A part whose bytes do not hash to the shared digest is caught."""
        stream = zlib.compress(b'{"name":"genuine credential, split in two"}', 9)
        digest = hashlib.sha256(stream).digest()[:8].hex().upper()
        half = len(stream) // 2
        forged = bytes(b ^ 1 for b in stream[half:])
        with pytest.raises(BadInput, match="do not reassemble"):
            qr.decode_texts([_part(1, 2, digest, stream[:half]), _part(2, 2, digest, forged)])

    def test_disagreeing_part_counts(self) -> None:
        """Parts sharing a digest but not a part count are refused."""
        digest = "0123456789ABCDEF"
        with pytest.raises(BadInput, match="disagree"):
            qr.decode_texts([_part(1, 2, digest, b"ab"), _part(2, 3, digest, b"cd")])

    @pytest.mark.parametrize(
        "text",
        ["CWM1:0/2/0123456789ABCDEF:00", "CWM1:3/2/0123456789ABCDEF:00",
         "CWM1:1/1/0123456789ABCDEF:00", "CWM1:1/99/0123456789ABCDEF:00", "CWM1:1/2/0123:00",
         "CWM1:x/2/0123456789ABCDEF:00"],
    )  # fmt: skip
    def test_malformed_part_headers(self, text: str) -> None:
        """Part numbers out of range and broken headers are refused."""
        with pytest.raises(BadInput):
            qr.decode_texts([text])

    def test_overlong_text(self) -> None:
        """A text longer than any QR symbol holds is refused before decoding."""
        with pytest.raises(LimitExceeded):
            qr.decode_texts([qr.PREFIX + "0" * 10_000])

    def test_image_without_qr(self) -> None:
        """An image with no QR code in it is a clear error."""
        blank = io.BytesIO()
        Image.new("L", (200, 200), 255).save(blank, format="PNG")
        with pytest.raises(BadInput, match="no QR code"):
            qr.read_qr_images([blank.getvalue()])

    def test_not_an_image(self) -> None:
        """Bytes that are no image are a clear error."""
        with pytest.raises(BadInput, match="not a readable raster image"):
            qr.read_qr_images([b"%PDF-1.7 not an image"])

    def test_huge_image_dimensions(self) -> None:
        """An image claiming enormous dimensions is refused before it is decoded."""
        header = qr._png([[False] * 8] * 8, 1)
        # Rewrite IHDR to 100000 x 100000 (CRC fixed), keeping the tiny pixel data.
        ihdr = b"IHDR" + (100_000).to_bytes(4, "big") * 2 + bytes([1, 0, 0, 0, 0])
        patched = header[:12] + ihdr + zlib.crc32(ihdr).to_bytes(4, "big") + header[33:]
        with pytest.raises(LimitExceeded):
            qr.read_qr_images([patched])

    @settings(max_examples=150, deadline=None)
    @given(
        st.sampled_from([b"\x89PNG\r\n\x1a\n", b"GIF89a", b"\xff\xd8\xff\xe0", b"BM", b"II*\x00"]),
        st.binary(max_size=300),
    )
    def test_any_image_bytes_scan_or_fail_cleanly(self, magic: bytes, rest: bytes) -> None:
        """Broken images of any common type are read or refused with a CredwalletError."""
        with contextlib.suppress(CredwalletError):
            qr.read_qr_images([magic + rest])

    @settings(max_examples=150, deadline=None)
    @given(
        st.lists(
            st.one_of(
                st.text(max_size=80),
                st.builds(lambda s: qr.PREFIX + s, st.text(alphabet=qr.ALPHABET, max_size=80)),
                st.builds(
                    lambda i, n, s: f"{qr.PART_PREFIX}{i}/{n}/0123456789ABCDEF:{s}",
                    st.integers(0, 70),
                    st.integers(0, 70),
                    st.text(alphabet=qr.ALPHABET, max_size=40),
                ),
            ),
            max_size=4,
        )
    )
    def test_any_texts_give_contents_or_a_clean_error(self, texts: list[str]) -> None:
        """Any scanned texts decode or raise a CredwalletError, never anything else."""
        with contextlib.suppress(CredwalletError):
            qr.decode_texts(texts)


class TestEncodingLimits:
    def test_empty_credential(self) -> None:
        """Nothing to encode is a clear error."""
        with pytest.raises(BadInput):
            qr.encode_credential(b"")

    def test_incompressible_megabyte_is_too_big(self) -> None:
        """Data that would need more than 64 symbols is refused with LimitExceeded."""
        noise = random.Random(1).randbytes(200_000)
        with pytest.raises(LimitExceeded):
            qr.encode_credential(base64.b64encode(noise))

    @settings(max_examples=25, deadline=None)
    @given(st.binary(min_size=1, max_size=6000))
    def test_any_bytes_round_trip_as_texts(self, data: bytes) -> None:
        """Any bytes survive encode and decode of the texts (without drawing them)."""
        texts = qr.encode_credential(data)
        assert qr.decode_texts(reversed(texts))[0].data == data


class TestCapacity:
    @pytest.mark.parametrize(
        ("version", "level", "characters"),
        [(22, "L", 1460), (22, "M", 1134), (22, "Q", 823), (22, "H", 640),
         (25, "M", 1451), (40, "L", 4296), (40, "H", 1852)],
    )  # fmt: skip
    def test_alphanumeric_capacity_matches_iso_table(
        self, version: int, level: qr.ErrorLevel, characters: int
    ) -> None:
        """The capacity used to plan parts equals the ISO/IEC 18004 table (notes B3)."""
        assert qr._alphanumeric_capacity(version, level) == characters
        assert qr.symbol_version("0" * characters, level) is not None
        assert qr.symbol_version("A" * characters, level) == version
        longer = qr.symbol_version("A" * (characters + 1), level)
        assert longer is None or longer > version

    @pytest.mark.parametrize(
        ("version", "level", "characters"),
        [(1, "M", 14), (9, "M", 180), (10, "M", 213), (26, "L", 1367), (27, "L", 1465),
         (40, "L", 2953), (40, "H", 1273)],
    )  # fmt: skip
    def test_byte_capacity_matches_iso_table(
        self, version: int, level: qr.ErrorLevel, characters: int
    ) -> None:
        """Links go in byte mode: the version counted for them follows the ISO/IEC 18004
        byte-mode capacities, across the character-count field's changes at 10 and 27."""
        assert qr.symbol_version("a" * characters, level) == version
        longer = qr.symbol_version("a" * (characters + 1), level)
        assert longer is None or longer > version

    @settings(max_examples=60, deadline=None)
    @given(
        text=st.text(alphabet=qr.ALPHABET, max_size=4400)
        | st.text(max_size=3000).filter(lambda t: not set(t) <= set(qr.ALPHABET)),
        level=st.sampled_from(["L", "M", "Q", "H"]),
    )
    def test_counted_version_is_the_one_qrcode_fits(self, text: str, level: qr.ErrorLevel) -> None:
        """The version counted for a text is the one the qrcode library's own search finds
        for the segment credwallet writes, or none where the library finds none."""
        code = qr._build(text, level)
        try:
            fitted: int | None = int(code.best_fit())
        except ValueError:  # DataOverflowError is a ValueError too
            fitted = None
        assert qr.symbol_version(text, level) == fitted
