"""Hostile and broken inputs: a one-line BadInput (or LimitExceeded) each, leaking nothing."""

from __future__ import annotations

import base64
import struct
import zlib

import pytest
from fmt_samples import chunk, itxt, ob2_bytes, tiny_png, with_chunk_after_ihdr

from credwallet.errors import BadInput, LimitExceeded
from credwallet.formats import MAX_INPUT_BYTES, parse, parse_all, sniff
from credwallet.models import Container
from support import zlib_bomb

ES256_HEADER = b'{"alg": "ES256"}'


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def refused(data: bytes, kind: type[BadInput] = BadInput) -> str:
    with pytest.raises(kind) as caught:
        parse(data)
    message = str(caught.value)
    assert message and "\n" not in message
    return message


def inflating_itxt(size: int) -> bytes:
    """An iTXt chunk whose zlib text expands to ``size`` zero bytes (a whole number of MiB)."""
    return chunk(b"iTXt", b"openbadges\0\x01\x00\0\0" + zlib_bomb(size, complete=True))


class TestEmptyAndUnknown:
    @pytest.mark.parametrize("data", [b"", b"   \n\t"])
    def test_empty(self, data: bytes) -> None:
        """Empty or blank input is named as such."""
        assert "empty" in refused(data) or "whitespace" in refused(data)

    @pytest.mark.parametrize(
        ("data", "fragment"),
        [
            (b"\xff\xd8\xff\xe0JFIF", "JPEG"),
            (b"GIF89a", "GIF"),
            (b"%PDF-1.7", "PDF"),
            (b"hello there", "not JSON, a JWS, a PNG or an SVG"),
            (b"\x00\x01\x02", "not JSON"),
        ],
    )
    def test_not_a_credential(self, data: bytes, fragment: str) -> None:
        """Other file types are 'not a credential', saying what they look like."""
        message = refused(data)
        assert message.startswith("not a credential")
        assert fragment in message

    def test_unrecognised_json(self) -> None:
        """JSON that is no known credential says so."""
        assert refused(b'{"a": 1}') == (
            "not a credential: JSON object without a recognised @context/type"
        )

    @pytest.mark.parametrize("data", [b"1", b"null", b'"just text"', b"true"])
    def test_json_scalars(self, data: bytes) -> None:
        """JSON scalars are not credentials."""
        assert refused(data).startswith("not a credential")

    def test_over_the_size_limit(self) -> None:
        """Input larger than MAX_INPUT_BYTES is LimitExceeded before it is read."""
        refused(b" " * (MAX_INPUT_BYTES + 1), LimitExceeded)


class TestHostileJson:
    def test_truncated(self) -> None:
        """A truncated credential names the line and column where it stops."""
        data = ob2_bytes().replace(b", ", b",\n")[:-20]
        message = refused(data)
        assert message.startswith("truncated JSON")
        assert "line 9" in message

    def test_non_utf8(self) -> None:
        """Latin-1 bytes in a JSON file are refused as not UTF-8."""
        assert "UTF-8" in refused(b'{"name": "caf\xe9"}')

    def test_deep_nesting(self) -> None:
        """200,000 nested arrays are LimitExceeded, not RecursionError."""
        refused(b"[" * 200_000 + b"]" * 200_000, LimitExceeded)

    def test_huge_number(self) -> None:
        """A 100,000-digit number is LimitExceeded."""
        refused(b'{"n": ' + b"9" * 100_000 + b"}", LimitExceeded)

    @pytest.mark.parametrize("constant", [b"NaN", b"Infinity", b"-Infinity"])
    def test_non_finite(self, constant: bytes) -> None:
        """NaN and Infinity are not JSON."""
        assert constant.decode().lstrip("-") in refused(b'{"creditsEarned": ' + constant + b"}")

    def test_duplicate_keys(self) -> None:
        """Duplicate keys could show one value and sign another: refused."""
        assert "duplicate key 'type'" in refused(
            b'{"type": "Assertion", "type": "VerifiableCredential"}'
        )


class TestHostilePng:
    def test_decompression_bomb(self) -> None:
        """A compressed chunk that inflates to 512 MiB stops at the cap with LimitExceeded."""
        bomb = with_chunk_after_ihdr(tiny_png(), inflating_itxt(513 << 20))
        assert len(bomb) < 1 << 20  # it compresses to almost nothing
        assert "expands past" in refused(bomb, LimitExceeded)

    def test_the_bomb_is_an_honest_zlib_stream(self) -> None:
        """The bomb builder's stream inflates to exactly the zeros it claims, checksum included."""
        body = inflating_itxt(3 << 20)[8 + len(b"openbadges\0\x01\x00\0\0") : -4]
        inflater = zlib.decompressobj()
        assert inflater.decompress(body) == bytes(3 << 20)
        assert inflater.eof and not inflater.unused_data

    def test_length_past_end(self) -> None:
        """A chunk length larger than the file is refused."""
        png = tiny_png()
        lying = png[:33] + struct.pack(">I", 2**30) + png[37:]
        assert "PNG chunk length exceeds file" in refused(lying)

    def test_length_over_png_maximum(self) -> None:
        """A chunk length above 2^31-1 is invalid by the PNG spec."""
        png = tiny_png()
        assert "invalid" in refused(png[:33] + struct.pack(">I", 2**31) + png[37:])

    def test_bad_crc(self) -> None:
        """A flipped byte inside a chunk fails its CRC."""
        png = bytearray(with_chunk_after_ihdr(tiny_png(), itxt("openbadges", ob2_bytes())))
        png[60] ^= 0x01
        assert "CRC mismatch" in refused(bytes(png))

    def test_truncated(self) -> None:
        """A PNG cut before IEND is refused."""
        png = with_chunk_after_ihdr(tiny_png(), itxt("openbadges", ob2_bytes()))
        assert "PNG" in refused(png[:-12])

    def test_signature_only(self) -> None:
        """Only the PNG signature is a truncated PNG."""
        assert "no IEND" in refused(b"\x89PNG\r\n\x1a\n")

    def test_first_chunk_not_ihdr(self) -> None:
        """A PNG must start with IHDR."""
        assert "IHDR" in refused(
            b"\x89PNG\r\n\x1a\n" + chunk(b"tEXt", b"a\0b") + chunk(b"IEND", b"")
        )

    def test_two_baked_chunks(self) -> None:
        """Two openbadges chunks are ambiguous and refused."""
        extra = itxt("openbadges", ob2_bytes()) + itxt("openbadges", b"https://example.org/b")
        assert "2 openbadges" in refused(with_chunk_after_ihdr(tiny_png(), extra))

    def test_bad_zlib(self) -> None:
        """A compressed iTXt with corrupt zlib data is a BadInput."""
        bad = chunk(b"iTXt", b"openbadges\0\x01\x00\0\0not zlib at all")
        assert "zlib" in refused(with_chunk_after_ihdr(tiny_png(), bad))

    def test_truncated_zlib(self) -> None:
        """A compressed iTXt whose zlib stream stops early is refused."""
        cut = chunk(b"iTXt", b"openbadges\0\x01\x00\0\0" + zlib.compress(ob2_bytes())[:-6])
        assert "zlib" in refused(with_chunk_after_ihdr(tiny_png(), cut))

    def test_itxt_not_utf8(self) -> None:
        """iTXt text must be UTF-8."""
        assert "UTF-8" in refused(with_chunk_after_ihdr(tiny_png(), itxt("openbadges", b"\xff")))

    def test_ztxt_bomb(self) -> None:
        """zTXt chunks are capped like iTXt."""
        bomb = chunk(b"zTXt", b"openbadges\0\0" + zlib_bomb(20 << 20, complete=True))
        refused(with_chunk_after_ihdr(tiny_png(), bomb), LimitExceeded)

    def test_http_url_payload(self) -> None:
        """A baked plain-http URL is refused: it could never be fetched safely."""
        png = with_chunk_after_ihdr(tiny_png(), itxt("openbadges", b"http://example.org/a"))
        assert "not https" in refused(png)


class TestHostileSvg:
    def test_external_entity(self, tmp_path: object) -> None:
        """An external entity pointing at /etc/passwd is refused and nothing of it appears."""
        svg = (
            b'<?xml version="1.0"?>\n<!DOCTYPE svg [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
            b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org">'
            b"<openbadges:assertion>&xxe;</openbadges:assertion></svg>"
        )
        message = refused(svg)
        assert "DTD" in message
        assert "root:" not in message

    def test_billion_laughs(self) -> None:
        """Nested entity expansion is refused at the DTD."""
        entities = b'<!ENTITY lol "lol">' + b"".join(
            b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i else b"&lol;") * 10)
            for i in range(10)
        )
        svg = (
            b'<?xml version="1.0"?><!DOCTYPE svg [' + entities + b"]>"
            b'<svg xmlns="http://www.w3.org/2000/svg">&lol9;</svg>'
        )
        assert "DTD" in refused(svg)

    def test_undefined_entity(self) -> None:
        """An entity reference without a DTD is malformed XML."""
        svg = b'<svg xmlns="http://www.w3.org/2000/svg">&xxe;</svg>'
        assert "not well-formed" in refused(svg)

    def test_unclosed(self) -> None:
        """An SVG cut in the middle is malformed XML."""
        assert "not well-formed" in refused(b'<svg xmlns="http://www.w3.org/2000/svg"><g>')

    def test_unknown_encoding(self) -> None:
        """An XML declaration naming an unknown encoding is a BadInput, not a LookupError."""
        svg = b'<?xml version="1.0" encoding="no-such-codec"?><svg/>'
        assert refused(svg).startswith("SVG cannot be read")

    def test_html_is_not_svg(self) -> None:
        """XML with another root element is not a badge image."""
        assert "not <svg>" in refused(b"<html><body/></html>")

    def test_two_baked_elements(self) -> None:
        """Two openbadges elements are ambiguous."""
        svg = (
            b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org">'
            b'<openbadges:assertion verify="https://a.example/1"/>'
            b'<openbadges:assertion verify="https://a.example/2"/></svg>'
        )
        assert "2 openbadges elements" in refused(svg)


class TestHostileJwt:
    def test_bad_base64(self) -> None:
        """A token with a padding character is not strict base64url."""
        refused(b"eyJhbGciOiJFUzI1NiJ9.e30=.c2ln")

    def test_giant_header(self) -> None:
        """A header of a megabyte is LimitExceeded."""
        header = b64(b'{"alg":"ES256","pad":"' + b"a" * 1_000_000 + b'"}')
        refused(f"{header}.{b64(b'{}')}.c2ln".encode(), LimitExceeded)

    @pytest.mark.parametrize("header", [b"[]", b'"ES256"', b"42", b"null"])
    def test_non_object_header(self, header: bytes) -> None:
        """A header that is not a JSON object is refused."""
        assert "not an object" in refused(f"{b64(header)}.{b64(b'{}')}.c2ln".encode())

    def test_payload_not_a_credential(self) -> None:
        """A JWT whose claims are no credential says so."""
        token = ".".join((b64(ES256_HEADER), b64(b'{"sub": "x"}'), "c2ln"))
        assert refused(token.encode()).startswith("not a credential: JWS payload")

    def test_jwt_inside_json_string(self) -> None:
        """A JSON string holding a compact JWS is read as that JWS."""
        token = ".".join((b64(ES256_HEADER), b64(ob2_bytes()), "c2ln"))
        credentials = parse_all(f'"{token}"'.encode())
        assert credentials[0].jws == token


class TestSniff:
    @pytest.mark.parametrize(
        ("data", "container"),
        [
            (b"\x89PNG\r\n\x1a\n....", Container.PNG),
            (b"\xef\xbb\xbf  <svg/>", Container.SVG),
            (b"<?xml version='1.0'?><svg/>", Container.SVG),
            (b'\n {"a": 1}', Container.JSON),
            (b"[1]", Container.JSON),
            (b"eyJhIjoxfQ.eyJhIjoxfQ.c2ln\n", Container.JWT),
        ],
    )
    def test_containers(self, data: bytes, container: Container) -> None:
        """Each container is recognised from its first bytes."""
        assert sniff(data) is container

    def test_empty(self) -> None:
        """Empty input cannot be sniffed."""
        with pytest.raises(BadInput, match="empty"):
            sniff(b"")
