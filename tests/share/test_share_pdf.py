"""`share pdf`: a printable portfolio read back as a recruiter's tools would read it."""

from __future__ import annotations

import io
import logging
import stat
from pathlib import Path

import pytest
from share_helpers import JWT_VC1, JWT_VC2, NOW, OB2_HOSTED, OB3_EXPIRED, OB3_SMALL, ids, item

from credwallet.share.pdf import render_pdf
from credwallet.share.qrchoice import choose_qr

pypdf = pytest.importorskip("pypdf", reason="pypdf (dev extra) reads the PDF text back")
pdfium = pytest.importorskip("pypdfium2", reason="pypdfium2 (dev extra) renders the pages")
zxingcpp = pytest.importorskip("zxingcpp")

HOLDER = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
DEJAVU_SYSTEM = Path("/usr/share/fonts/truetype/dejavu")


def make(items, **kwargs):  # type: ignore[no-untyped-def]
    choices = {i.wallet_id: choose_qr(i.credential) for i in items}
    kwargs.setdefault("font_dirs", [])
    result = render_pdf(items, holder_did=HOLDER, generated_at=NOW, qr_choices=choices, **kwargs)
    return result, choices


def text_of(data: bytes) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages]


def page_text(data: bytes, number: int) -> str:
    """One page's text layer (pypdf parses a page's content stream slowly: only the one)."""
    return pypdf.PdfReader(io.BytesIO(data)).pages[number].extract_text()


def qr_on_page(data: bytes, number: int) -> list[str]:
    page = pdfium.PdfDocument(data)[number]
    image = page.render(scale=3).to_pil()
    return sorted(code.text for code in zxingcpp.read_barcodes(image))


@pytest.fixture(scope="module")
def portfolio():  # type: ignore[no-untyped-def]
    items = [
        item(OB2_HOSTED, "w1"),
        item(OB3_EXPIRED, "w2"),
        item(JWT_VC2, "w3"),
        item(JWT_VC1, "w4"),
    ]
    result, choices = make(items, holder_name="Zoë Ωmega-Жукова")
    return items, result, choices


class TestPortfolio:
    def test_cover_names_the_holder_in_accented_greek_and_cyrillic(self, portfolio) -> None:  # type: ignore[no-untyped-def]
        """The cover's text layer holds the name exactly, the date and each status."""
        _items, result, _choices = portfolio
        cover = page_text(result.data, 0)
        assert "Zoë Ωmega-Жукова" in cover
        assert "2 December 2026" in cover
        assert "Expired" in cover
        assert "How to check" in cover
        assert result.warnings == ()

    def test_one_page_per_credential_with_its_facts(self, portfolio) -> None:  # type: ignore[no-untyped-def]
        """Each credential page gives its name, issuer, status as of a date and its id; a
        credential without an id (the VC-JWT 1.1 one) gets its page with no id line."""
        items, result, _choices = portfolio
        pages = text_of(result.data)
        assert len(pages) == 1 + len(items)
        assert any(shared.credential.credential_id is None for shared in items)
        for page, shared in zip(pages[1:], items, strict=True):
            flat = " ".join(page.split())
            assert shared.credential.display_name in flat
            assert "as of 2 December 2026" in flat
            credential_id = shared.credential.credential_id
            if credential_id is None:
                assert "CREDENTIAL ID" not in flat
            else:
                assert "CREDENTIAL ID" in flat
                assert credential_id in flat.replace(" ", "") or credential_id in flat

    def test_each_qr_scans_to_what_its_caption_says(self, portfolio) -> None:  # type: ignore[no-untyped-def]
        """A hosted badge gets its https link (phones open it), a JSON-LD VC a VP1 code for the
        DCC apps, a VC-JWT the CW1 credential; each caption says which."""
        items, result, choices = portfolio
        pages = text_of(result.data)
        for number, shared in enumerate(items, start=1):
            choice = choices[shared.wallet_id]
            assert qr_on_page(result.data, number) == sorted(choice.texts)
            flat = " ".join(pages[number].split())
            if choice.kind == "link":
                assert choice.texts[0].startswith("https://")
                assert "any phone camera opens it" in flat
            elif choice.kind == "vp1":
                assert choice.texts[0].startswith("VP1-B")
                assert "Verifiable presentation (VP1) for Learner Credential Wallet" in flat
            else:
                assert choice.texts[0].startswith(("CW1:", "CWM1:"))
                assert "credwallet CW1 format" in flat
        assert {c.kind for c in choices.values()} == {"link", "vp1", "cw1"}


class TestPaperAndFonts:
    @pytest.mark.parametrize(("paper", "size"), [("A4", (595, 842)), ("Letter", (612, 792))])
    def test_paper_size(self, paper: str, size: tuple[int, int]) -> None:
        """--paper A4 and Letter give pages of those sizes (points)."""
        result, _ = make([item(OB3_SMALL)], paper=paper)
        box = pypdf.PdfReader(io.BytesIO(result.data)).pages[0].mediabox
        assert (round(float(box.width)), round(float(box.height))) == size

    def test_script_without_any_font_is_a_warning_not_empty_boxes(self) -> None:
        """A name no available font draws becomes U+FFFD and the caller is warned."""
        result, _ = make([item(OB3_SMALL)], holder_name="李小龍 Lee")
        assert len(result.warnings) == 1
        assert "李" in result.warnings[0]
        assert "\ufffd\ufffd\ufffd Lee" in page_text(result.data, 0)

    @pytest.mark.skipif(
        not (DEJAVU_SYSTEM / "DejaVuSans.ttf").is_file(), reason="no system DejaVu Sans here"
    )
    def test_script_outside_the_bundled_subset_uses_a_system_font(self) -> None:
        """Armenian (not in the bundled subset) is drawn with a system font that has it."""
        result, _ = make([item(OB3_SMALL)], holder_name="Արամ Lee", font_dirs=[DEJAVU_SYSTEM])
        assert result.warnings == ()
        assert "Արամ Lee" in page_text(result.data, 0)

    def test_a_baked_svg_badge_is_drawn_without_noise(self, caplog) -> None:  # type: ignore[no-untyped-def]
        """A baked SVG badge (its <openbadges:credential> element unknown to the PDF library)
        is drawn; no warning about skipped SVG elements reaches the user."""
        svg = (
            b'<svg xmlns="http://www.w3.org/2000/svg" '
            b'xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0" width="64" height="64">'
            b"<title>Badge</title><openbadges:credential><![CDATA[{}]]></openbadges:credential>"
            b'<rect width="64" height="64" fill="#2f5fb3"/></svg>'
        )
        plain, _ = make([item(OB3_SMALL, "w1")])
        with caplog.at_level(logging.DEBUG):
            result, _ = make([item(OB3_SMALL, "w1")], images={"w1": svg})
        assert not [r for r in caplog.records if r.name.startswith("fpdf.svg")]
        assert logging.getLogger("fpdf.svg").level == logging.NOTSET  # put back as it was
        assert len(result.data) > len(plain.data)  # the picture is there, not the monogram


class TestPdfCommand:
    def test_writes_a_private_pdf_with_the_profile_name(  # type: ignore[no-untyped-def]
        self, run, tmp_path: Path
    ) -> None:
        """share pdf writes a 0600 PDF headed by the profile name, refusing to overwrite."""
        assert run("profile", "set", "--name", "Ana Ćirić").exit_code == 0
        target = tmp_path / "portfolio.pdf"
        made = run(
            "share", "pdf", ids(run)["Text analysis"], "-o", str(target), "--paper", "letter"
        )
        assert made.exit_code == 0, made.output
        assert stat.S_IMODE(target.stat().st_mode) == 0o600
        assert "Ana Ćirić" in page_text(target.read_bytes(), 0)
        again = run("share", "pdf", "-o", str(target))
        assert again.exit_code == 2
