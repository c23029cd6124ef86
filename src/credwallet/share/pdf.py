"""A printable portfolio: a cover page and one page per credential, A4 or US Letter.

Built with fpdf2 (pure Python; imported only when a PDF is made). Text is set in DejaVu Sans,
shipped in ``share/fonts`` as a subset covering Latin, Greek and Cyrillic (its licence is next
to it). A character outside that subset (Chinese, Arabic, Devanagari, ...) is drawn with a
system font that has it when one is found; when none is, it is replaced by U+FFFD and the caller
gets a warning naming the text, so a name never turns silently into empty boxes.

QR codes are drawn as vector squares from the module grid (crisp at any zoom or printer); under
each, one line says what it holds and what reads it. The page is the holder's summary: the proof
stays with the issuer's page (a link QR) or the signed credential (a VP1 code for the DCC apps,
or credwallet's own QR).
"""

from __future__ import annotations

import io
import logging
import os
import sys
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from credwallet.errors import LimitExceeded
from credwallet.share import qr
from credwallet.share.items import SharedItem, expires_on, issued_on
from credwallet.share.labels import StatusLabel, status_label
from credwallet.share.page import badge_image
from credwallet.share.qrchoice import QrChoice
from credwallet.share.resume import clean_text, public_url
from credwallet.verify.trust import registered_name

if TYPE_CHECKING:
    from fpdf import FPDF

__all__ = ["PAPERS", "Paper", "PdfResult", "render_pdf"]

Paper = Literal["A4", "Letter"]
PAPERS: tuple[Paper, ...] = ("A4", "Letter")
FONT_DIR = Path(__file__).with_name("fonts")
FAMILY = "DejaVu"
_MARGIN = 18.0  # mm
_QR_SIZE = 48.0  # mm: a version-25 symbol has modules of ~0.4 mm, well within a phone's reach
_MAX_FALLBACK_FILES = 400
_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
_COLOURS = {
    "ok": (19, 121, 91),
    "warn": (138, 90, 0),
    "bad": (180, 35, 24),
    "gray": (75, 85, 99),
    "info": (47, 95, 179),
}
_INK = (29, 36, 51)
_MUTED = (91, 100, 120)


@dataclass(frozen=True, slots=True)
class PdfResult:
    """The PDF bytes and what could not be drawn faithfully (one line each)."""

    data: bytes
    warnings: tuple[str, ...] = ()


@dataclass
class _Glyphs:
    """Which characters the bundled font draws, and system fonts found for the others."""

    covered: frozenset[int]
    fallbacks: list[tuple[str, Path]] = field(default_factory=list)
    fallback_cover: set[int] = field(default_factory=set)
    missing: set[str] = field(default_factory=set)


def _date(moment: date | None) -> str:
    if moment is None:
        return ""
    return f"{moment.day} {_MONTHS[moment.month - 1]} {moment.year}"


@cache
def _bundled_cover() -> frozenset[int]:
    from fontTools.ttLib import TTFont

    with TTFont(FONT_DIR / "DejaVuSans.ttf", lazy=True) as font:
        return frozenset(font.getBestCmap() or {})


def _font_dirs() -> list[Path]:
    home = Path.home()
    dirs = [
        Path("/usr/share/fonts"),
        Path("/usr/local/share/fonts"),
        home / ".local/share/fonts",
        home / ".fonts",
        Path("/System/Library/Fonts"),
        Path("/Library/Fonts"),
        home / "Library/Fonts",
    ]
    if sys.platform == "win32":
        dirs.append(Path(os.environ.get("WINDIR", "C:\\Windows")) / "Fonts")
    return dirs


def _system_fonts(dirs: Iterable[Path]) -> Iterable[Path]:
    seen = 0
    for directory in dirs:
        if not directory.is_dir():
            continue
        for path in sorted(directory.rglob("*")):
            if path.suffix.lower() in (".ttf", ".otf") and path.is_file():
                seen += 1
                if seen > _MAX_FALLBACK_FILES:
                    return
                yield path


def _find_fallbacks(needed: set[int], dirs: Iterable[Path]) -> list[tuple[Path, set[int]]]:
    """System fonts that draw some of ``needed``, greedily, until all are covered or none left."""
    from fontTools.ttLib import TTFont, TTLibError

    found: list[tuple[Path, set[int]]] = []
    remaining = set(needed)
    for path in _system_fonts(dirs):
        if not remaining:
            break
        try:
            with TTFont(path, lazy=True, fontNumber=0) as font:
                cmap = set(font.getBestCmap() or {})
                # fpdf2 embeds TrueType outlines; a CFF-only OpenType font would fail there.
                if "glyf" not in font:
                    continue
        except (TTLibError, OSError, ValueError, KeyError, AssertionError):
            continue
        hits = remaining & cmap
        if hits:
            found.append((path, hits))
            remaining -= hits
    return found


def _prepare_glyphs(texts: Iterable[str], font_dirs: Sequence[Path] | None) -> _Glyphs:
    glyphs = _Glyphs(covered=_bundled_cover())
    needed = {ord(ch) for text in texts for ch in text if ord(ch) not in glyphs.covered}
    needed -= {ord(ch) for ch in "\n\t"}
    if needed:
        dirs = list(font_dirs) if font_dirs is not None else _font_dirs()
        for number, (path, hits) in enumerate(_find_fallbacks(needed, dirs)):
            glyphs.fallbacks.append((f"fallback{number}", path))
            glyphs.fallback_cover |= hits
    return glyphs


class _Writer:
    """Draws the portfolio with one FPDF document; every string goes through :meth:`text`."""

    def __init__(self, paper: Paper, glyphs: _Glyphs, *, title: str, author: str | None) -> None:
        from fpdf import FPDF

        self.glyphs = glyphs
        pdf = FPDF(orientation="portrait", unit="mm", format="A4" if paper == "A4" else "letter")
        pdf.set_margins(_MARGIN, _MARGIN, _MARGIN)
        pdf.set_auto_page_break(auto=True, margin=_MARGIN)
        pdf.add_font(FAMILY, "", str(FONT_DIR / "DejaVuSans.ttf"))
        pdf.add_font(FAMILY, "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
        names = []
        for name, path in glyphs.fallbacks:
            pdf.add_font(name, "", str(path))
            names.append(name)
        if names:
            pdf.set_fallback_fonts(names, exact_match=False)
        pdf.set_title(title)
        if author:
            pdf.set_author(author)
        pdf.set_creator("credwallet")
        pdf.set_font(FAMILY, size=11)
        self.pdf: FPDF = pdf

    def text(self, value: str | None) -> str:
        """``value`` with characters no font here can draw replaced by U+FFFD (and recorded)."""
        if not value:
            return ""
        out = []
        for ch in value:
            code = ord(ch)
            if code in self.glyphs.covered or code in self.glyphs.fallback_cover or ch == "\n":
                out.append(ch)
            else:
                self.glyphs.missing.add(ch)
                out.append("\ufffd")
        return "".join(out)

    @property
    def width(self) -> float:
        return float(self.pdf.w) - 2 * _MARGIN

    def font(self, size: float, *, bold: bool = False, colour: tuple[int, int, int] = _INK) -> None:
        self.pdf.set_font(FAMILY, "B" if bold else "", size)
        self.pdf.set_text_color(*colour)

    def para(self, value: str | None, size: float = 11, *, bold: bool = False,
             colour: tuple[int, int, int] = _INK, width: float | None = None,
             gap: float = 1.5) -> None:  # fmt: skip
        if not value:
            return
        from fpdf.enums import XPos, YPos

        self.font(size, bold=bold, colour=colour)
        x = self.pdf.get_x()
        self.pdf.multi_cell(
            width or (self.width - (x - _MARGIN)),
            size * 0.48,
            self.text(value),
            align="L",
            new_x=XPos.LEFT,
            new_y=YPos.NEXT,
        )
        self.pdf.set_y(self.pdf.get_y() + gap)

    def field(self, label: str, value: str | None, *, width: float | None = None) -> None:
        if not value:
            return
        self.para(label.upper(), 7.5, bold=True, colour=_MUTED, width=width, gap=0.3)
        self.para(value, 10, width=width, gap=2.2)

    def rule(self) -> None:
        self.pdf.set_draw_color(227, 231, 239)
        y = self.pdf.get_y()
        self.pdf.line(_MARGIN, y, _MARGIN + self.width, y)
        self.pdf.set_y(y + 3)

    def qr(self, matrix: list[list[bool]], x: float, y: float, size: float) -> None:
        """Draw a QR symbol as filled squares (horizontal runs merged)."""
        module = size / len(matrix)
        self.pdf.set_fill_color(255, 255, 255)
        self.pdf.rect(x, y, size, size, style="F")
        self.pdf.set_fill_color(0, 0, 0)
        for row_number, row in enumerate(matrix):
            start: int | None = None
            for col, dark in enumerate([*row, False]):
                if dark and start is None:
                    start = col
                elif not dark and start is not None:
                    # A hair of overlap hides anti-aliasing seams between runs in viewers.
                    self.pdf.rect(
                        x + start * module,
                        y + row_number * module,
                        (col - start) * module + 0.01,
                        module + 0.01,
                        style="F",
                    )
                    start = None

    def image(self, data: bytes, x: float, y: float, size: float) -> bool:
        # fpdf2 logs a warning for each SVG element it skips (a baked badge's <credential>
        # element, <title>, ...) and warns of an SVG without a viewBox; the picture is drawn all
        # the same, and those lines would land on the user's terminal as noise about their own
        # badge.
        svg_log = logging.getLogger("fpdf.svg")
        level = svg_log.level
        svg_log.setLevel(logging.ERROR)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                self.pdf.image(io.BytesIO(data), x=x, y=y, w=size, h=size, keep_aspect_ratio=True)
        except Exception:
            return False
        finally:
            svg_log.setLevel(level)
        return True

    def monogram(self, name: str, x: float, y: float, size: float) -> None:
        initials = "".join(w[0] for w in name.split()[:2] if w[:1].isalnum()).upper() or "?"
        self.pdf.set_fill_color(230, 236, 248)
        self.pdf.set_draw_color(140, 160, 200)
        self.pdf.ellipse(x, y, size, size, style="DF")
        self.font(size * 1.1, bold=True, colour=(47, 70, 120))
        self.pdf.set_xy(x, y + size / 2 - size * 0.22)
        self.pdf.cell(size, size * 0.44, self.text(initials), align="C")


def _texts_of(items: Sequence[SharedItem], holder_name: str | None,
              issuers: Mapping[str, str]) -> list[str]:  # fmt: skip
    texts = [holder_name or ""]
    for item in items:
        c = item.credential
        texts += [c.display_name, c.issuer.name or "", c.description or "", c.credential_id or ""]
        if c.achievement:
            texts += [c.achievement.description or "", c.achievement.criteria or ""]
        texts += [a.target_name or "" for a in c.alignments]
        texts += list(issuers.values())
    return texts


def _issuer_line(item: SharedItem, issuers: Mapping[str, str]) -> str:
    issuer = item.credential.issuer
    own = clean_text(issuer.name) or clean_text(issuer.id) or "an unnamed issuer"
    registered = issuers.get(item.wallet_id) or (
        clean_text(registered_name(item.report)) if item.report is not None else None
    )
    if registered and registered != own:
        return f"{own} (registered as {registered})"
    return own


def _cover(w: _Writer, items: Sequence[SharedItem], labels: Sequence[StatusLabel], *,
           holder_name: str | None, holder_did: str, generated_at: datetime,
           issuers: Mapping[str, str], photo: bytes | None = None) -> None:  # fmt: skip
    pdf = w.pdf
    pdf.add_page()
    if photo is not None:
        # Top right, beside the name; a photo that does not decode is simply left out.
        w.image(photo, _MARGIN + w.width - 28, _MARGIN, 28)
    w.para("CREDENTIAL PORTFOLIO", 9, bold=True, colour=_MUTED)
    w.para(holder_name or "Holder not named", 26, bold=True, gap=1)
    w.para(holder_did, 8, colour=_MUTED, gap=1)
    w.para(f"Prepared {_date(generated_at.date())}", 10, colour=_MUTED, gap=5)
    w.rule()
    counts: dict[str, int] = {}
    for label in labels:
        counts[label.text] = counts.get(label.text, 0) + 1
    summary = ", ".join(f"{n} {text.lower()}" for text, n in counts.items())
    w.para(f"{len(items)} credential(s): {summary}.", 12, bold=True, gap=3)
    for item, label in zip(items, labels, strict=True):
        line = f"{clean_text(item.credential.display_name)} — {_issuer_line(item, issuers)}"
        w.font(10, bold=True, colour=_COLOURS[label.tone])
        pdf.cell(38, 5.2, w.text(label.text))
        w.para(line, 10, gap=1.2)
    pdf.set_y(pdf.get_y() + 4)
    w.rule()
    w.para("How to check these credentials", 12, bold=True, gap=2)
    w.para(
        "This document is a summary prepared by the holder's wallet; each status is what the "
        "wallet found on the date shown on the credential's page. It is not itself the proof.",
        9.5,
    )
    w.para(
        "• A QR code labelled \"issuer's page\" opens the credential on the issuer's own site: "
        "scan it with any phone camera. That page is the issuer's word, independent of this "
        "document.",
        9.5,
    )
    w.para(
        '• A QR code labelled "Verifiable presentation (VP1)" holds the whole signed '
        "credential: scan it in VerifierPlus (verifierplus.org) or the Learner Credential "
        "Wallet, which check the issuer's signature.",
        9.5,
    )
    w.para(
        '• A QR code labelled "credwallet" holds the whole signed credential: '
        "`credwallet verify` (or `credwallet import`) reads a photo or scan of it and checks "
        "the issuer's signature, offline.",
        9.5,
    )
    w.para(
        "• Ask the holder for the signed files (`credwallet share bundle`): any W3C "
        "Verifiable Credentials verifier, such as VerifierPlus (verifierplus.org), or "
        "`credwallet verify` checks them.",
        9.5,
    )


def _credential_page(w: _Writer, item: SharedItem, label: StatusLabel, choice: QrChoice,
                     image: bytes | None, issuers: Mapping[str, str],
                     qr_level: qr.ErrorLevel) -> None:  # fmt: skip
    pdf = w.pdf
    credential = item.credential
    pdf.add_page()
    top = pdf.get_y()
    art = 30.0
    name = clean_text(credential.display_name) or "(unnamed credential)"
    if image is None or not w.image(image, _MARGIN, top, art):
        w.monogram(name, _MARGIN, top, art)
    text_x = _MARGIN + art + 6
    pdf.set_xy(text_x, top)
    w.font(10, bold=True, colour=_COLOURS[label.tone])
    pdf.cell(0, 5, w.text(label.text.upper()))
    pdf.set_xy(text_x, top + 6)
    w.para(name, 17, bold=True, gap=1)
    pdf.set_x(text_x)
    w.para(f"Issued by {_issuer_line(item, issuers)}", 10.5, colour=_MUTED, gap=1)
    pdf.set_x(text_x)
    w.para(label.detail, 9, colour=_COLOURS[label.tone], gap=1)
    pdf.set_y(max(pdf.get_y(), top + art) + 4)
    w.rule()

    # Left column: facts; right column: the QR code and its caption.
    column = w.width - _QR_SIZE - 8
    body_top = pdf.get_y()
    issued = _date(issued_on(credential))
    expires = _date(expires_on(credential))
    w.field("Issued", issued or "not stated", width=column)
    if credential.valid_from and credential.issued and credential.valid_from != credential.issued:
        w.field("Valid from", _date(credential.valid_from.date()), width=column)
    w.field("Expires", expires or "Does not expire", width=column)
    checked = item.report.checked_at if item.report is not None else None
    w.field(
        "Verification",
        f"{label.text} as of {_date(checked.date())}" if checked else label.text,
        width=column,
    )
    description = clean_text(
        credential.description
        or (credential.achievement.description if credential.achievement else None)
    )
    w.field("Description", description, width=column)
    if credential.achievement is not None:
        criteria = clean_text(credential.achievement.criteria)
        if criteria is None and credential.achievement.criteria_url:
            criteria = credential.achievement.criteria_url
        w.field("Criteria", criteria, width=column)
    skills = []
    for alignment in credential.alignments:
        shown = clean_text(alignment.target_name) or alignment.target_url or ""
        if alignment.target_code and alignment.target_code not in shown:
            shown += f" ({alignment.target_code})"
        if alignment.target_framework:
            shown += f" — {clean_text(alignment.target_framework)}"
        if shown and shown not in skills:
            skills.append(shown)
    w.field("Skills and alignments", "\n".join(f"• {s}" for s in skills[:12]), width=column)
    if item.pathway_names:
        w.field("Counts toward", ", ".join(item.pathway_names), width=column)
    w.field("Credential ID", credential.credential_id, width=column)
    if (url := public_url(credential)) and url != credential.credential_id:
        w.field("Public page", url, width=column)
    after_facts = pdf.get_y()

    qr_x = _MARGIN + w.width - _QR_SIZE
    matrices = [qr.qr_matrix(text, qr_level) for text in choice.texts]
    if len(matrices) == 1:
        w.qr(matrices[0], qr_x, body_top, _QR_SIZE)
        below = body_top + _QR_SIZE
    else:
        # A split credential: the parts in a column of small symbols (any scan order).
        size = min(_QR_SIZE, (pdf.h - body_top - _MARGIN - 20) / len(matrices))
        for number, matrix in enumerate(matrices):
            w.qr(matrix, qr_x + (_QR_SIZE - size) / 2, body_top + number * size, size)
        below = body_top + size * len(matrices)
    pdf.set_xy(qr_x, below + 1.5)
    w.para(choice.caption, 7.5, colour=_MUTED, width=_QR_SIZE, gap=0)
    pdf.set_y(max(after_facts, pdf.get_y()))


def render_pdf(
    items: Sequence[SharedItem],
    *,
    holder_did: str,
    generated_at: datetime,
    qr_choices: Mapping[str, QrChoice],
    holder_name: str | None = None,
    paper: Paper = "A4",
    images: Mapping[str, bytes] | None = None,
    issuers: Mapping[str, str] | None = None,
    qr_level: qr.ErrorLevel = "M",
    font_dirs: Sequence[Path] | None = None,
    holder_photo: bytes | None = None,
) -> PdfResult:
    """The portfolio PDF of ``items``. ``qr_choices``, ``images`` and ``issuers`` (registered
    issuer names) are keyed by wallet id; ``font_dirs`` overrides where fallback fonts are
    looked for (tests)."""
    if paper not in PAPERS:
        raise ValueError(f"unknown paper {paper!r}")
    images = images or {}
    issuers = issuers or {}
    glyphs = _prepare_glyphs(_texts_of(items, holder_name, issuers), font_dirs)
    name = clean_text(holder_name) if holder_name else None
    title = f"Credentials of {name}" if name else "Credential portfolio"
    writer = _Writer(paper, glyphs, title=title, author=name)
    writer.pdf.set_creation_date(generated_at)
    labels = [status_label(item, generated_at) for item in items]
    _cover(
        writer, items, labels, holder_name=name, holder_did=holder_did,
        generated_at=generated_at, issuers=issuers, photo=holder_photo,
    )  # fmt: skip
    for item, label in zip(items, labels, strict=True):
        try:
            choice = qr_choices[item.wallet_id]
        except KeyError:
            raise LimitExceeded(f"no QR code for {item.wallet_id}") from None
        image = images.get(item.wallet_id) or badge_image(item.credential)
        _credential_page(writer, item, label, choice, image, issuers, qr_level)
    data = bytes(writer.pdf.output())
    warnings: tuple[str, ...] = ()
    if glyphs.missing:
        shown = "".join(sorted(glyphs.missing))[:20]
        warnings = (
            f"no font here draws {len(glyphs.missing)} character(s) ({shown!r}); they are "
            "shown as \ufffd: install a font for that script (e.g. Noto) and make the PDF again",
        )
    return PdfResult(data=data, warnings=warnings)
