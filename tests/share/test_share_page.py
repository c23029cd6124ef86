"""The bundle's index.html: self-contained, escaped, honest about status, and it renders."""

from __future__ import annotations

import base64
import dataclasses
import html.parser
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image, ImageStat
from share_helpers import (
    BAKED_PNG,
    BAKED_SVG,
    NOW,
    OB3_DEGREE,
    OB3_EXPIRED,
    OB3_REVOKED,
    OB3_SMALL,
    VC2_EDDSA,
    item,
)

from credwallet.models import Achievement, Credential, Party
from credwallet.share import qr
from credwallet.share.items import SharedItem
from credwallet.share.page import PageQr, badge_image, render_index

HOLDER = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
URL_ATTRIBUTES = {"src", "href", "srcset", "action", "formaction", "poster", "data", "xlink:href",
                  "background", "cite", "longdesc", "manifest", "ping"}  # fmt: skip


class _Page(html.parser.HTMLParser):
    """Collects tags, URL-bearing attributes, every attribute name and the visible text."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.urls: list[tuple[str, str, str]] = []
        self.attributes: set[str] = set()
        self.images: list[dict[str, str]] = []
        self.text: list[str] = []
        self.styles: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        values = {k: v or "" for k, v in attrs}
        self.attributes |= set(values)
        for key, value in values.items():
            if key in URL_ATTRIBUTES:
                self.urls.append((tag, key, value))
            if key == "style":
                self.styles.append(value)
        if tag == "img":
            self.images.append(values)
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        (self.styles if self._in_style else self.text).append(data)


def parsed(page: str) -> _Page:
    parser = _Page()
    parser.feed(page)
    parser.close()
    return parser


def changed(shared: SharedItem, **changes: object) -> SharedItem:
    credential = dataclasses.replace(shared.credential, **changes)  # type: ignore[arg-type]
    return dataclasses.replace(shared, credential=credential)


def sample_items() -> list[SharedItem]:
    return [
        item(OB3_DEGREE, "w1", pathways=("Data Science",)),
        item(OB3_EXPIRED, "w2", proof="pass", validity="fail"),
        item(OB3_REVOKED, "w3", proof="pass", revocation="fail"),
        dataclasses.replace(item(BAKED_PNG, "w4"), report=None),
        item(VC2_EDDSA, "w5", proof="pass", revocation="unknown"),
        item(OB3_SMALL, "w6", pathways=("Data Science",)),
    ]


def sample_page() -> str:
    codes = {
        "w1": PageQr(qr.render_png(qr.encode_link("https://example.org/c/1")), "Scan for the page"),
    }
    return render_index(sample_items(), holder_did=HOLDER, generated_at=NOW, qr_codes=codes)


class TestSelfContained:
    def test_no_external_url_anywhere(self) -> None:
        """Every src/href-like attribute is a data: URI; CSS has no url() but data:."""
        page = parsed(sample_page())
        assert page.urls, "the page should have images"
        for tag, key, value in page.urls:
            assert value.startswith("data:image/"), (tag, key, value[:60])
        css = " ".join(page.styles)
        assert "@import" not in css
        for target in re.findall(r"url\(([^)]*)\)", css):
            assert target.strip("'\" ").startswith("data:")

    def test_no_scripts_frames_or_links(self) -> None:
        """No script, link, iframe, object, embed, form or base element."""
        tags = set(parsed(sample_page()).tags)
        assert not tags & {"script", "link", "iframe", "object", "embed", "form", "base", "frame"}

    def test_content_security_policy_forbids_other_sources(self) -> None:
        """A CSP meta tag allows only data: images and inline style."""
        page = sample_page()
        match = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page)
        assert match is not None
        policy = match[1]
        assert "default-src 'none'" in policy and "img-src data:" in policy
        assert "script-src" not in policy

    def test_remote_badge_images_are_not_loaded(self) -> None:
        """A badge whose image is an https URL gets a monogram, not the URL."""
        shared = item(OB3_DEGREE)
        assert shared.credential.image and shared.credential.image.startswith("https://")
        page = render_index([shared], holder_did=HOLDER, generated_at=NOW)
        assert shared.credential.image not in page
        (badge,) = parsed(page).images
        assert badge["src"].startswith("data:image/svg+xml;base64,")


class TestImages:
    def test_baked_png_is_its_own_image(self) -> None:
        """A baked PNG badge shows the very bytes it came in."""
        shared = item(BAKED_PNG)
        page = parsed(render_index([shared], holder_did=HOLDER, generated_at=NOW))
        expected = "data:image/png;base64," + base64.b64encode(shared.credential.original).decode()
        assert page.images[0]["src"] == expected

    def test_baked_svg_is_its_own_image(self) -> None:
        """A baked SVG badge is embedded as an SVG data URI (img context: no script runs)."""
        shared = item(BAKED_SVG)
        assert badge_image(shared.credential) == shared.credential.original
        page = parsed(render_index([shared], holder_did=HOLDER, generated_at=NOW))
        assert page.images[0]["src"].startswith("data:image/svg+xml;base64,")

    def test_embedded_data_uri_image(self, image_credential: Credential) -> None:
        """A credential's data: image is shown, re-encoded from its decoded bytes."""
        raw = badge_image(image_credential)
        assert raw is not None and raw.startswith(b"\x89PNG")
        shared = SharedItem("w1", image_credential)
        page = parsed(render_index([shared], holder_did=HOLDER, generated_at=NOW))
        assert page.images[0]["src"] == "data:image/png;base64," + base64.b64encode(raw).decode()

    def test_declared_type_is_not_trusted(self) -> None:
        """A data: URI claiming PNG but holding HTML is not used as an image."""
        fake = "data:image/png;base64," + base64.b64encode(b"<html><script>x</script>").decode()
        shared = changed(item(OB3_SMALL), image=fake, achievement=Achievement(image=fake))
        assert badge_image(shared.credential) is None
        page = render_index([shared], holder_did=HOLDER, generated_at=NOW)
        assert base64.b64encode(b"<html><script>x</script>").decode() not in page

    def test_wallet_supplied_image(self) -> None:
        """An image the wallet fetched earlier is used for a badge with a remote image."""
        png = qr.render_png("HELLO")
        page = parsed(
            render_index(
                [item(OB3_DEGREE)], holder_did=HOLDER, generated_at=NOW, images={"w1": png}
            )
        )
        assert page.images[0]["src"] == "data:image/png;base64," + base64.b64encode(png).decode()


class TestEscaping:
    def test_script_in_a_name_is_text(self) -> None:
        """A name with <script> renders as text, and no attribute breaks out of its quotes."""
        hostile = changed(
            item(OB3_SMALL),
            achievement=None,
            name='<script>alert("pwned")</script>',
            description="</p><iframe src=//evil.example>",
            issuer=Party(name='" onmouseover="alert(1)', id="https://evil.example/?a=<b>"),
            credential_id="urn:x:<svg onload=alert(1)>",
        )
        page = parsed(render_index([hostile], holder_did=HOLDER, generated_at=NOW))
        assert "script" not in page.tags and "iframe" not in page.tags and "svg" not in page.tags
        assert "onmouseover" not in page.attributes and "onload" not in page.attributes
        text = "".join(page.text)
        assert '<script>alert("pwned")</script>' in text
        assert "</p><iframe src=//evil.example>" in text
        assert page.images[0]["alt"] == 'Badge image: <script>alert("pwned")</script>'

    def test_holder_did_is_escaped(self) -> None:
        """Even the holder string is escaped."""
        page = parsed(render_index([item(OB3_SMALL)], holder_did="<b>x</b>", generated_at=NOW))
        assert "b" not in page.tags
        assert "<b>x</b>" in "".join(page.text)


class TestStatusAtShareTime:
    def test_each_status_is_labelled(self) -> None:
        """Verified, expired, revoked and partly verified badges carry their own labels."""
        page = sample_page()
        cards = re.findall(r'<article class="card st-([a-z-]+)">.*?<h2>(.*?)</h2>', page)
        assert cards == [
            ("valid", "1EdTech University Degree"),
            ("expired", "Teamwork"),
            ("revoked", "Bachelors - v2 - revoked"),
            ("unverified", "123"),
            ("not-fully-verified", "Alumni Credential"),
            ("valid", "Text analysis"),
        ]
        text = "".join(parsed(page).text)
        for label in ("Verified", "Expired", "Revoked", "Not verified", "Not fully verified"):
            assert label in text

    def test_dates_holder_and_summary(self) -> None:
        """Issue and expiry dates, the holder DID and the status counts are shown."""
        text = " ".join(parsed(sample_page()).text)
        assert HOLDER in text
        assert "1 January 2010" in text and "1 January 2030" in text
        assert "Expired" in text and "1 January 2011" in text
        assert "6 (2 verified, 1 expired, 1 revoked, 1 not fully verified, 1 not verified)" in text

    def test_expiry_is_judged_at_share_time(self) -> None:
        """A report that said valid is overruled by an expiry date already past."""
        shared = item(OB3_EXPIRED)  # the report says every check passed
        page = render_index([shared], holder_did=HOLDER, generated_at=NOW)
        assert 'class="card st-expired"' in page


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        if found := shutil.which(name):
            return found
    return None


class TestRendersInABrowser:
    def test_headless_chromium_screenshot(
        self, tmp_path: Path, image_credential: Credential
    ) -> None:
        """Headless Chromium renders the page offline to a non-blank 1200x1600 screenshot."""
        browser = _chromium()
        if browser is None:
            pytest.skip("no chromium binary on PATH (apt-get install chromium to run this test)")
        items = [*sample_items(), SharedItem("w7", image_credential)]
        codes = {"w1": PageQr(qr.render_png(qr.encode_link("https://example.org/c/1")), "Link")}
        index = tmp_path / "index.html"
        index.write_text(
            render_index(items, holder_did=HOLDER, generated_at=NOW, qr_codes=codes), "utf-8"
        )
        shot = tmp_path / "shot.png"
        subprocess.run(
            [browser, "--headless", "--no-sandbox", "--disable-gpu",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--no-first-run", f"--user-data-dir={tmp_path / 'profile'}",
             f"--screenshot={shot}", "--window-size=1200,1600", index.as_uri()],
            check=False, capture_output=True, timeout=90,
        )  # fmt: skip
        assert shot.is_file(), "chromium wrote no screenshot"
        with Image.open(shot) as image:
            assert image.size == (1200, 1600)
            grey = image.convert("L")
            stat = ImageStat.Stat(grey)
            assert stat.stddev[0] > 20, "the screenshot is (nearly) one flat colour"
            colours = image.convert("RGB").getcolors(maxcolors=1_000_000)
            assert colours is not None and len(colours) > 200
            # The header band is dark blue and the page background light: both rendered.
            assert grey.getpixel((600, 120)) < 120  # type: ignore[operator]
            assert grey.getpixel((10, 1590)) > 200  # type: ignore[operator]
