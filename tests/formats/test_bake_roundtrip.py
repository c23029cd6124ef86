"""Baking and unbaking PNG and SVG badges, on real bakery fixtures and built images."""

from __future__ import annotations

import io
import json

import pytest
from fmt_samples import (
    OB2_HOSTED,
    PLAIN_SVG,
    fixture_bytes,
    itxt,
    ob2_bytes,
    tiny_png,
    with_chunk_after_ihdr,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from credwallet.errors import BadInput
from credwallet.formats import parse
from credwallet.formats.bake import bake_png, bake_svg, unbake
from credwallet.models import Container, CredentialFormat

# Payload text an SVG can carry exactly (XML 1.0 characters, no CR) and that is not padded.
xml_text = st.text(
    st.characters(exclude_categories=["Cs"], exclude_characters="\r\x00")
    .filter(lambda c: c in "\t\n" or ord(c) >= 0x20)
    .filter(lambda c: c not in "\ufffe\uffff"),
    min_size=1,
    max_size=200,
).filter(lambda t: t == t.strip() and t != "")


class TestUnbakeFixtures:
    def test_itxt_png(self) -> None:
        """The concentricsky baked PNG yields exactly the payload its tests expect."""
        keyword, payload = unbake(fixture_bytes("concentricsky-openbadges-bakery/baked_heart.png"))
        assert keyword == "openbadges"
        assert json.loads(payload) == {
            "uid": "123",
            "issuedOn": "2015-04-01",
            "badge": "http://example.org/badge1",
            "recipient": {"identity": "test@example.com", "hashed": False},
            "verify": {"type": "hosted", "url": "http://example.org/badgeinstance1"},
        }

    def test_legacy_text_png(self) -> None:
        """The legacy backpack PNG keeps a URL in a tEXt chunk."""
        assert unbake(fixture_bytes("mozilla-openbadges-backpack/valid-baked.png")) == (
            "openbadges",
            "https://example.org/assertion",
        )

    def test_svg_cdata(self) -> None:
        """The mozilla baked SVG's CDATA is the assertion JSON."""
        keyword, payload = unbake(fixture_bytes("mozilla-openbadges-bakery/baked.svg"))
        assert keyword == "openbadges"
        assert json.loads(payload) == {"verify": {"url": "http://example.org"}}

    @pytest.mark.parametrize(
        "name",
        [
            "mozilla-openbadges-bakery/unbaked.png",
            "concentricsky-openbadges-bakery/public_domain_heart.png",
            "mozilla-openbadges-bakery/unbaked.svg",
            "concentricsky-openbadges-bakery/unbaked_example.svg",
        ],
    )
    def test_unbaked_images(self, name: str) -> None:
        """An image without a baked element is 'not baked'."""
        with pytest.raises(BadInput, match="not baked"):
            unbake(fixture_bytes(name))


class TestBakePng:
    def test_bake_then_parse(self) -> None:
        """A baked PNG parses to the assertion, with the image kept untouched as original."""
        baked = bake_png(tiny_png(), ob2_bytes().decode(), keyword="openbadges")
        credential = parse(baked)
        assert credential.container is Container.PNG
        assert credential.original == baked
        assert credential.document == OB2_HOSTED
        assert credential.public_url == OB2_HOSTED["id"]

    def test_baked_png_still_decodes(self) -> None:
        """Pillow still opens the baked image with the same pixels."""
        original = tiny_png(3, 2)
        baked = bake_png(original, "https://example.org/a", keyword="openbadges")
        with Image.open(io.BytesIO(baked)) as image, Image.open(io.BytesIO(original)) as before:
            assert image.size == (3, 2)
            assert image.tobytes() == before.tobytes()

    def test_rebake_replaces(self) -> None:
        """Baking a baked PNG replaces the payload instead of adding a second chunk."""
        once = bake_png(tiny_png(), "https://example.org/one", keyword="openbadges")
        twice = bake_png(once, "https://example.org/two", keyword="openbadgecredential")
        assert unbake(twice) == ("openbadgecredential", "https://example.org/two")

    def test_compressed_itxt_is_read(self) -> None:
        """A compressed iTXt chunk is inflated."""
        image = with_chunk_after_ihdr(tiny_png(), itxt("openbadges", ob2_bytes(), compressed=True))
        assert unbake(image) == ("openbadges", ob2_bytes().decode())

    def test_ob3_vc_jwt(self) -> None:
        """An OB 3.0 VC-JWT baked under openbadgecredential parses as a VC-JWT in a PNG."""
        token = fixture_bytes("1edtech-ob3-spec-examples/sample-openbadgecredential.jwt").decode()
        credential = parse(bake_png(tiny_png(), token.strip(), keyword="openbadgecredential"))
        assert credential.format is CredentialFormat.VC_JWT
        assert credential.container is Container.PNG
        assert credential.jws == token.strip()
        assert credential.name == "Teamwork Badge"

    def test_unknown_keyword(self) -> None:
        """Only the two baking keywords are written."""
        with pytest.raises(BadInput, match="keyword"):
            bake_png(tiny_png(), "x", keyword="comment")

    def test_not_a_png(self) -> None:
        """Baking into something that is not a PNG is refused."""
        with pytest.raises(BadInput, match="not a PNG"):
            bake_png(PLAIN_SVG, "x", keyword="openbadges")

    @settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        st.text(min_size=1, max_size=300), st.sampled_from(["openbadges", "openbadgecredential"])
    )
    def test_round_trip(self, payload: str, keyword: str) -> None:
        """unbake(bake_png(p)) gives back exactly p and the keyword."""
        try:
            baked = bake_png(tiny_png(), payload, keyword=keyword)
        except BadInput:
            assert any(0xD800 <= ord(c) <= 0xDFFF for c in payload)  # unpaired surrogate
            return
        assert unbake(baked) == (keyword, payload)


class TestBakeSvg:
    def test_bake_then_parse_with_verify(self) -> None:
        """A baked SVG carries the assertion and the verify URL."""
        baked = bake_svg(
            PLAIN_SVG, ob2_bytes().decode(), verify_url="https://badges.example.org/assertions/42"
        )
        credential = parse(baked)
        assert credential.container is Container.SVG
        assert credential.format is CredentialFormat.OB2
        assert credential.original == baked
        assert credential.credential_id == OB2_HOSTED["id"]

    def test_signed_ob2_in_verify_attribute(self) -> None:
        """A signed OB 2.0 badge carries its JWS in the verify attribute; the JWS wins."""
        token = fixture_bytes("1edtech-ob2-spec-examples/signed-assertion.jws").decode().strip()
        credential = parse(bake_svg(PLAIN_SVG, ob2_bytes().decode(), verify_url=token))
        assert credential.jws == token
        assert credential.container is Container.SVG
        assert credential.public_url is None

    def test_url_only(self) -> None:
        """An SVG baked with only a verify URL parses to a hosted reference."""
        baked = bake_svg(PLAIN_SVG, "", verify_url="https://badges.example.org/a/1")
        credential = parse(baked)
        assert credential.document == {"id": "https://badges.example.org/a/1"}
        assert credential.public_url == "https://badges.example.org/a/1"

    def test_ob3_credential_element(self) -> None:
        """The OB 3.0 form uses an openbadges:credential element in the OB 3.0 namespace."""
        document = fixture_bytes("1edtech-ob3-spec-examples/sample-openbadgecredential.json")
        baked = bake_svg(PLAIN_SVG, document.decode(), keyword="openbadgecredential")
        assert b"<openbadges:credential>" in baked
        assert b"https://purl.imsglobal.org/ob/v3p0" in baked
        credential = parse(baked)
        assert credential.format is CredentialFormat.OB3
        assert credential.name == "Teamwork Badge"

    def test_rest_of_image_untouched(self) -> None:
        """Everything outside the root start tag and the new element stays byte-identical."""
        baked = bake_svg(PLAIN_SVG, "https://example.org/a")
        assert baked.endswith(PLAIN_SVG[PLAIN_SVG.index(b"<rect") :])
        assert baked.startswith(PLAIN_SVG[: PLAIN_SVG.index(b"<svg")])

    def test_self_closing_root(self) -> None:
        """A self-closing <svg/> root gets a body for the baked element."""
        baked = bake_svg(b'<svg xmlns="http://www.w3.org/2000/svg"/>', "https://example.org/a")
        assert unbake(baked) == ("openbadges", "https://example.org/a")

    def test_already_baked(self) -> None:
        """Baking a baked SVG is refused (the caller bakes the plain image)."""
        with pytest.raises(BadInput, match="already baked"):
            bake_svg(fixture_bytes("mozilla-openbadges-bakery/baked.svg"), "x")

    def test_control_characters_refused(self) -> None:
        """A payload XML cannot carry exactly is refused rather than silently changed."""
        with pytest.raises(BadInput, match="U\\+0001"):
            bake_svg(PLAIN_SVG, "a\x01b")
        with pytest.raises(BadInput, match="U\\+000D"):
            bake_svg(PLAIN_SVG, "a\r\nb")

    def test_not_svg_root(self) -> None:
        """XML whose root is not <svg> is not a badge image."""
        with pytest.raises(BadInput, match="not <svg>"):
            bake_svg(b"<html/>", "x")

    @settings(max_examples=60, deadline=None)
    @given(xml_text, st.sampled_from(["openbadges", "openbadgecredential"]))
    def test_round_trip(self, payload: str, keyword: str) -> None:
        """unbake(bake_svg(p)) gives back exactly p, even with ]]> and markup inside."""
        assert unbake(bake_svg(PLAIN_SVG, payload, keyword=keyword)) == (keyword, payload)

    @given(xml_text.filter(lambda t: "]]>" not in t))
    def test_verify_attribute_round_trip(self, url: str) -> None:
        """Any verify value is escaped so that it reads back unchanged."""
        baked = bake_svg(PLAIN_SVG, "", verify_url=url)
        assert unbake(baked) == ("openbadges", url.strip())
