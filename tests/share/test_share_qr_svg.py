"""SVG QR codes read back: credwallet's own drawings decode through zxing-cpp; others give none."""

from __future__ import annotations

import contextlib
import json
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from share_helpers import OB3_DEGREE, OB3_SMALL, load

from credwallet.errors import CredwalletError, LimitExceeded
from credwallet.models import Credential
from credwallet.share import qr

SVG_NS = 'xmlns="http://www.w3.org/2000/svg"'


def minified(credential: Credential) -> bytes:
    return json.dumps(credential.document, separators=(",", ":"), ensure_ascii=False).encode()


def large_payload() -> bytes:
    """Incompressible text big enough to need several symbols."""
    return random.Random(5).randbytes(2500).hex().encode()


class TestOwnSvgReadsBack:
    def test_single_symbol(self) -> None:
        """A one-symbol SVG from render_svg scans back to its text."""
        (text,) = qr.encode_credential(minified(load(OB3_SMALL)))
        assert qr.read_qr_svg(qr.render_svg(text).encode()) == [text]

    @pytest.mark.parametrize("level", ["L", "M", "Q", "H"])
    def test_every_error_level(self, level: qr.ErrorLevel) -> None:
        """SVGs at every error correction level read back."""
        text = qr.encode_link("https://badges.example/assertions/42")
        assert qr.read_qr_svg(qr.render_svg(text, level).encode()) == [text]

    def test_sheet_of_parts(self) -> None:
        """Every part of a multi-part SVG sheet is found, and they reassemble."""
        payload = large_payload()
        texts = qr.encode_credential(payload)
        assert len(texts) >= 3
        sheet = qr.render_svg_sheet(texts).encode()
        assert sorted(qr.read_qr_svg(sheet)) == sorted(texts)
        (content,) = qr.scan([sheet])
        assert content.data == payload and content.parts == len(texts)

    def test_parts_in_separate_svgs_and_pngs(self) -> None:
        """scan() joins parts spread over SVG and PNG images, in any order."""
        payload = minified(load(OB3_DEGREE))
        texts = qr.encode_credential(payload)
        assert len(texts) >= 2
        images = [
            qr.render_svg(t).encode() if n % 2 else qr.render_png(t)
            for n, t in enumerate(reversed(texts))
        ]
        (content,) = qr.scan(images)
        assert content.data == payload

    def test_translated_groups_and_rects(self) -> None:
        """Modules drawn as rects inside a translated group read like the path form."""
        text = qr.encode_link("https://badges.example/a/1")
        matrix = qr.qr_matrix(text)
        size = len(matrix)
        rects = "".join(
            f'<rect x="{x}" y="{y}" width="1" height="1"/>'
            for y, row in enumerate(matrix)
            for x, dark in enumerate(row)
            if dark
        )
        svg = (
            f'<svg {SVG_NS} viewBox="0 0 {size + 10} {size + 10}">'
            f'<rect width="{size + 10}" height="{size + 10}" fill="white"/>'
            f'<g transform="translate(5 5)" fill="#000">{rects}</g></svg>'
        )
        assert qr.read_qr_svg(svg.encode()) == [text]

    def test_sniffing(self) -> None:
        """SVG text is recognised with or without a declaration; PNG and JSON are not SVG."""
        svg = qr.render_svg("CW1:00").encode()
        assert qr.looks_like_svg(svg)
        assert qr.looks_like_svg(b"\xef\xbb\xbf  " + svg.split(b"\n", 1)[1])
        assert not qr.looks_like_svg(qr.render_png("CW1:00"))
        assert not qr.looks_like_svg(b'{"svg": "<svg"}')


class TestForeignSvgs:
    @pytest.mark.parametrize(
        "svg",
        [
            f'<svg {SVG_NS} viewBox="0 0 10 10"><circle cx="5" cy="5" r="4"/></svg>',
            f'<svg {SVG_NS} viewBox="0 0 10 10"><path d="M0 0L10 10"/></svg>',
            f'<svg {SVG_NS} viewBox="0 0 10 10"><path d="M0 0h5v5z"/></svg>',  # a triangle
            f'<svg {SVG_NS} viewBox="0 0 10.5 10"><rect width="1" height="1"/></svg>',
            f'<svg {SVG_NS} width="10" height="10"><rect width="1" height="1"/></svg>',
            f'<svg {SVG_NS} viewBox="0 0 10 10"><rect width="11" height="1"/></svg>',
            f'<svg {SVG_NS} viewBox="0 0 10 10"><rect width="2" height="2" fill="red"/></svg>',
            f'<svg {SVG_NS} viewBox="0 0 10 10"><g transform="rotate(45)"/></svg>',
            f'<svg {SVG_NS} viewBox="0 0 10 10"><text>CW1:00</text></svg>',
            f'<svg {SVG_NS} viewBox="0 0 10 10"><rect width="10" height="10"/></svg>',
            f'<svg {SVG_NS} viewBox="0 0 100000 100000"></svg>',
            '<svg viewBox="0 0 10 10"><rect width="1" height="1"/></svg>',  # no SVG namespace
            f"<html {SVG_NS}><svg/></html>",
            f'<svg {SVG_NS} viewBox="0 0 10 10"><rect',
        ],
        ids=[
            "circle", "line", "triangle", "fractional", "no-viewbox", "outside", "colour",
            "rotated", "text", "all-dark", "huge", "no-namespace", "not-svg-root", "broken",
        ],
    )  # fmt: skip
    def test_no_codes_found(self, svg: str) -> None:
        """An SVG that is no credwallet QR drawing gives no codes, not an error."""
        assert qr.read_qr_svg(svg.encode()) == []

    def test_entities_are_never_expanded(self) -> None:
        """A billion-laughs SVG is not expanded: no codes."""
        laughs = (
            '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa">'
            '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">]>'
            f'<svg {SVG_NS} viewBox="0 0 10 10"><text>&c;</text></svg>'
        )
        assert qr.read_qr_svg(laughs.encode()) == []

    def test_external_entity_is_never_resolved(self) -> None:
        """An SVG naming a local file as an external entity is refused unread: no codes."""
        xxe = (
            '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            f'<svg {SVG_NS} viewBox="0 0 10 10"><text>&x;</text></svg>'
        )
        assert qr.read_qr_svg(xxe.encode()) == []

    def test_painting_budget(self) -> None:
        """A path repainting the whole canvas thousands of times is abandoned: no codes."""
        many = "M0 0h1000v1000h-1000z" * 5000
        svg = f'<svg {SVG_NS} viewBox="0 0 1000 1000"><path d="{many}"/></svg>'
        assert qr.read_qr_svg(svg.encode()) == []

    def test_oversized_svg(self) -> None:
        """An SVG over the size cap is refused before parsing."""
        with pytest.raises(LimitExceeded):
            qr.read_qr_svg(b"<svg " + b" " * qr.MAX_SVG_BYTES + b"/>")

    def test_scan_of_a_foreign_svg_finds_nothing(self) -> None:
        """scan() of an SVG logo gives no contents."""
        logo = f'<svg {SVG_NS} viewBox="0 0 10 10"><circle r="4"/></svg>'.encode()
        assert qr.scan([logo]) == []

    @settings(max_examples=150, deadline=None)
    @given(st.binary(max_size=300))
    def test_any_svg_bytes_give_codes_or_a_clean_error(self, rest: bytes) -> None:
        """Whatever follows an <svg start, reading gives a list or a CredwalletError."""
        with contextlib.suppress(CredwalletError):
            assert isinstance(qr.read_qr_svg(b"<svg " + rest), list)

    @settings(max_examples=100, deadline=None)
    @given(st.integers(0, 2000), st.sampled_from("0123456789 -.zZmMhHvVLc,"))
    def test_any_damaged_own_svg_gives_codes_or_none(self, at: int, char: str) -> None:
        """One character of a real SVG changed: still a list (the code or none), never a crash."""
        svg = qr.render_svg(qr.encode_link("https://badges.example/a/1"))
        position = at % len(svg)
        damaged = svg[:position] + char + svg[position + 1 :]
        result = qr.read_qr_svg(damaged.encode())
        assert result in ([], ["https://badges.example/a/1"])


class TestSvgRendering:
    def test_sheet_has_the_layout_of_the_png_sheet(self) -> None:
        """The SVG sheet's grid is columns x rows of the largest symbol."""
        texts = qr.encode_credential(large_payload())
        cell = max(len(qr.qr_matrix(t)) for t in texts)
        sheet = qr.render_svg_sheet(texts, columns=2)
        rows = -(-len(texts) // 2)
        assert f'viewBox="0 0 {cell * 2} {cell * rows}"' in sheet
        assert "<script" not in sheet and "href" not in sheet


class TestHostilePaths:
    def test_endless_subpath_is_abandoned(self) -> None:
        """A subpath of a million moves is no rectangle: no codes, and no growing memory."""
        svg = f'<svg {SVG_NS} viewBox="0 0 10 10"><path d="M0 0{"h1h-1" * 500_000}z"/></svg>'
        assert qr.read_qr_svg(svg.encode()) == []
