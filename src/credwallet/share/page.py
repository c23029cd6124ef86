"""The static ``index.html`` of a bundle: a page a person opens in any browser, offline.

It loads nothing: CSS is inline, images are ``data:`` URIs, there is no script, and a
Content-Security-Policy forbids every other source in case a string slipped through. Every string
that comes from a credential is HTML-escaped; image bytes are re-encoded after their type is
sniffed from the bytes themselves (a declared type is never trusted). Links to the web are shown
as text, not as live links, so that opening the page contacts nobody.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import html
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import unquote_to_bytes

from credwallet.models import Container, Credential
from credwallet.share.items import SharedItem, ShareStatus, expires_on, issued_on, share_status
from credwallet.share.resume import clean_text, public_url
from credwallet.verify.trust import registered_name

__all__ = ["MAX_IMAGE_BYTES", "PageQr", "badge_image", "data_uri", "render_index"]

MAX_IMAGE_BYTES = 3 * 1024 * 1024  # a badge image larger than this is shown as a placeholder
MAX_DESCRIPTION = 600
_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
_CSP = (
    "default-src 'none'; img-src data:; style-src 'unsafe-inline'; "
    "base-uri 'none'; form-action 'none'"
)
_STATUS_NOTES = {
    ShareStatus.VALID: "Every required check passed when this bundle was made.",
    ShareStatus.EXPIRED: "Genuine, but past its expiry date.",
    ShareStatus.REVOKED: "The issuer has revoked this credential.",
    ShareStatus.SUSPENDED: "The issuer has suspended this credential.",
    ShareStatus.FORGED: "Its signature or issuer key does not check out: do not rely on it.",
    ShareStatus.NOT_YET_VALID: "Not valid yet: its validity starts later.",
    ShareStatus.INVALID: "Failed verification: do not rely on it.",
    ShareStatus.INDETERMINATE: "Some checks could not be completed (e.g. offline).",
    ShareStatus.UNVERIFIED: "The wallet has not verified this credential.",
}
_GLYPHS = {
    ShareStatus.VALID: "✓",
    ShareStatus.EXPIRED: "!",
    ShareStatus.REVOKED: "✕",
    ShareStatus.SUSPENDED: "✕",
    ShareStatus.FORGED: "✕",
    ShareStatus.NOT_YET_VALID: "…",
    ShareStatus.INVALID: "✕",
    ShareStatus.INDETERMINATE: "?",
    ShareStatus.UNVERIFIED: "?",
}


@dataclass(frozen=True, slots=True)
class PageQr:
    """A QR image to print next to a credential, and what scanning it gives."""

    png: bytes
    caption: str
    parts: int = 1


def _qr_width(qr: PageQr) -> int:
    """CSS pixels for a QR image: at least ~2.4 px per module, so that a phone camera pointed at
    a screen (or a print of it) resolves a dense credential code, not just a short link."""
    width = int.from_bytes(qr.png[16:20], "big") if qr.png[12:16] == b"IHDR" else 0
    modules = width // (8 if qr.parts == 1 else 6)  # the scales bundle.py renders at
    return max(112, min(int(modules * 2.4), 360 if qr.parts == 1 else 460))


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def _date(moment: date | None) -> str | None:
    if moment is None:
        return None
    return f"{moment.day} {_MONTHS[moment.month - 1]} {moment.year}"


# -- images ------------------------------------------------------------------------------------


def _sniff(data: bytes) -> str | None:
    """The image type of ``data`` from its first bytes, or None if it is not a known image."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<svg", b"<?xml", b"<!--", b"<!doctype svg")) and b"<svg" in head:
        return "image/svg+xml"
    return None


def data_uri(data: bytes) -> str | None:
    """A ``data:`` URI for image bytes whose type is recognised, or None."""
    mime = _sniff(data)
    if mime is None or len(data) > MAX_IMAGE_BYTES:
        return None
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def _decode_data_uri(uri: str) -> bytes | None:
    header, sep, payload = uri.partition(",")
    if not sep or not header.lower().startswith("data:"):
        return None
    if len(payload) > MAX_IMAGE_BYTES * 2:
        return None
    try:
        if header.lower().endswith(";base64"):
            return base64.b64decode("".join(payload.split()), validate=True)
        return unquote_to_bytes(payload)
    except (binascii.Error, ValueError):
        return None


def badge_image(credential: Credential) -> bytes | None:
    """The badge's image bytes when the credential carries them (baked image or data: URI)."""
    if credential.container in (Container.PNG, Container.SVG):
        return credential.original
    for uri in (credential.image, credential.achievement.image if credential.achievement else None):
        if uri and uri.lower().startswith("data:"):
            decoded = _decode_data_uri(uri)
            if decoded is not None and _sniff(decoded) is not None:
                return decoded
    return None


def _placeholder(name: str) -> str:
    """An inline SVG monogram for a badge without an image, coloured from its name."""
    initials = "".join(word[0] for word in name.split()[:2] if word[:1].isalnum()).upper() or "?"
    hue = hashlib.sha256(name.encode("utf-8")).digest()[0] * 360 // 256
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 120">'
        f'<circle cx="60" cy="60" r="56" fill="hsl({hue} 55% 92%)" '
        f'stroke="hsl({hue} 45% 55%)" stroke-width="4"/>'
        f'<text x="60" y="74" font-family="sans-serif" font-size="40" font-weight="700" '
        f'text-anchor="middle" fill="hsl({hue} 45% 35%)">{_esc(initials)}</text></svg>'
    )
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


# -- page --------------------------------------------------------------------------------------


def _card(item: SharedItem, status: ShareStatus, image: bytes | None, qr: PageQr | None) -> str:
    credential = item.credential
    name = clean_text(credential.display_name) or "(unnamed credential)"
    issuer = clean_text(credential.issuer.name) or clean_text(credential.issuer.id)
    registered = clean_text(registered_name(item.report)) if item.report is not None else None
    if issuer and registered and registered != issuer:
        # The registry's name is the one a reader can rely on; the credential's is a claim.
        issuer = f"{registered} (calls itself {issuer})"
    elif registered:
        issuer = registered
    src = (data_uri(image) if image is not None else None) or _placeholder(name)
    description = clean_text(
        credential.description
        or (credential.achievement.description if credential.achievement else None)
    )
    if description and len(description) > MAX_DESCRIPTION:
        description = description[: MAX_DESCRIPTION - 1].rstrip() + "…"

    dates: list[tuple[str, str]] = []
    if issued := _date(issued_on(credential)):
        dates.append(("Issued", issued))
    if credential.valid_from and credential.issued and credential.valid_from != credential.issued:
        dates.append(("Valid from", _date(credential.valid_from.date()) or ""))
    expiry_label = "Expired" if status is ShareStatus.EXPIRED else "Expires"
    dates.append((expiry_label, _date(expires_on(credential)) or "Does not expire"))
    if item.report is not None and item.report.checks:
        dates.append(("Checked", _date(item.report.checked_at.date()) or ""))

    facts = "".join(f"<div><dt>{_esc(k)}</dt><dd>{_esc(v)}</dd></div>" for k, v in dates)
    extra = []
    if credential.credential_id:
        shown_id = _esc(credential.credential_id)
        extra.append(f"<div><dt>Credential ID</dt><dd><code>{shown_id}</code></dd></div>")
    if (url := public_url(credential)) and url != credential.credential_id:
        extra.append(f"<div><dt>Public page</dt><dd><code>{_esc(url)}</code></dd></div>")
    if item.pathway_names:
        names = ", ".join(clean_text(p) or "" for p in item.pathway_names)
        extra.append(f"<div><dt>Counts toward</dt><dd>{_esc(names)}</dd></div>")
    qr_html = ""
    if qr is not None:
        qr_uri = data_uri(qr.png)
        if qr_uri:
            kind = "qr qr-sheet" if qr.parts > 1 else "qr"
            qr_html = (
                f'<figure class="{kind}"><img src="{qr_uri}" style="width:{_qr_width(qr)}px" '
                f'alt="QR code: {_esc(qr.caption)}">'
                f"<figcaption>{_esc(qr.caption)}</figcaption></figure>"
            )
    return (
        f'<article class="card st-{status.value}">'
        f'<div class="art"><img src="{src}" alt="Badge image: {_esc(name)}"></div>'
        '<div class="body">'
        f'<p class="pill"><span aria-hidden="true">{_GLYPHS[status]}</span> '
        f"{_esc(status.label)}</p>"
        f"<h2>{_esc(name)}</h2>"
        + (f'<p class="issuer">Issued by <strong>{_esc(issuer)}</strong></p>' if issuer else "")
        + f'<p class="note">{_esc(_STATUS_NOTES[status])}</p>'
        + f'<dl class="facts">{facts}</dl>'
        + (f'<p class="desc">{_esc(description)}</p>' if description else "")
        + (f'<dl class="more">{"".join(extra)}</dl>' if extra else "")
        + "</div>"
        + qr_html
        + "</article>"
    )


def _how_to_check(bundle_name: str, presentations: bool, has_links: bool) -> str:
    """Instructions naming the file the reader actually has, with and without credwallet."""
    bundle = _esc(bundle_name)
    steps = []
    if has_links:
        steps.append(
            "<li><strong>On the issuer's own site:</strong> scan a credential's QR code with a "
            "phone camera, or type the <em>Public page</em> address shown on its card. The "
            "issuer's page is the issuer's word, independent of this file.</li>"
        )
    if presentations:
        steps.append(
            "<li><strong>In a web browser, without installing anything:</strong> unzip "
            f"<code>{bundle}</code>, open <code>https://verifierplus.org</code> and give it "
            "<code>presentation.json</code> (or one file from <code>credentials/</code>). It "
            "checks the issuers' signatures and the holder's.</li>"
        )
    else:
        steps.append(
            "<li><strong>Without installing anything:</strong> unzip "
            f"<code>{bundle}</code> and give a file from <code>credentials/</code> to a "
            "verifier such as <code>https://verifierplus.org</code> (Open Badges 3.0) or the "
            "issuer's own validator.</li>"
        )
    steps.append(
        "<li><strong>With credwallet</strong> (free, open source): "
        f"<code>credwallet verify {bundle}</code> checks every file against the signed "
        "manifest, the holder's signature and each credential, offline where it can.</li>"
    )
    return (
        '<section class="how">\n<h2>How to check these credentials</h2>\n'
        "<p>This page is a summary made by the holder's wallet; each status is what the wallet "
        "found when the bundle was made. The proof is in the files of "
        f"<code>{bundle}</code>: every credential keeps its issuer's signature, and "
        "<code>manifest.json</code> (hashes of every file, this page's too) is signed by the "
        "holder.</p>\n"
        f"<ol>{''.join(steps)}</ol>\n</section>"
    )


def render_index(
    items: Sequence[SharedItem],
    *,
    holder_did: str,
    generated_at: datetime,
    images: Mapping[str, bytes] | None = None,
    qr_codes: Mapping[str, PageQr] | None = None,
    title: str | None = None,
    holder_name: str | None = None,
    bundle_name: str = "bundle.zip",
    presentations: bool = True,
    holder_photo: bytes | None = None,
) -> str:
    """The bundle's index.html. ``images`` and ``qr_codes`` are keyed by wallet id.

    ``images`` supplies badge images the wallet fetched earlier (the page does no I/O); a badge
    whose image is neither supplied nor carried by the credential gets a monogram.
    ``holder_name`` (from the holder's profile) heads the page; ``bundle_name`` is the file
    the reader was given, named in the instructions.
    """
    images = images or {}
    qr_codes = qr_codes or {}
    statuses = [share_status(item, generated_at) for item in items]
    counts = Counter(statuses)
    summary = ", ".join(f"{counts[s]} {s.label.lower()}" for s in ShareStatus if counts[s])
    cards = "\n".join(
        _card(
            item,
            status,
            images.get(item.wallet_id) or badge_image(item.credential),
            qr_codes.get(item.wallet_id),
        )
        for item, status in zip(items, statuses, strict=True)
    )
    count = len(items)
    name = clean_text(holder_name) if holder_name else None
    heading = title or (f"Credentials of {name}" if name else "Shared credentials")
    has_links = any(public_url(item.credential) for item in items)
    photo_uri = data_uri(holder_photo) if holder_photo else None
    photo = (
        f'<img class="photo" src="{photo_uri}" alt="Photo of {_esc(name or "the holder")}">'
        if photo_uri
        else ""
    )
    holder_block = (
        f'<div class="who"><dt>Holder</dt><dd>{photo}<span class="holder-name">{_esc(name)}</span>'
        f"<br><code>{_esc(holder_did)}</code></dd></div>"
        if name
        else f'<div class="who"><dt>Holder</dt><dd><code>{_esc(holder_did)}</code></dd></div>'
    )
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{_CSP}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="credwallet">
<title>{_esc(heading)}</title>
<style>{_STYLE}</style>
</head>
<body>
<main>
<header class="top">
<p class="eyebrow">Credential bundle</p>
<h1>{_esc(heading)}</h1>
<dl class="meta">
{holder_block}
<div><dt>Shared</dt><dd>{_esc(_date(generated_at.date()) or "")}</dd></div>
<div><dt>Credentials</dt><dd>{count}{_esc(f" ({summary})" if summary else "")}</dd></div>
</dl>
</header>
{_how_to_check(bundle_name, presentations, has_links)}
<section class="cards">
{cards}
</section>
<footer>Made with credwallet · {_esc(name + " · " if name else "")}{_esc(holder_did)}</footer>
</main>
</body>
</html>
"""


_STYLE = """
:root{--ink:#1d2433;--muted:#5b6478;--line:#e3e7ef;--bg:#f5f7fb;--card:#fff;
--ok:#13795b;--ok-bg:#e3f5ee;--warn:#8a5a00;--warn-bg:#fff3d6;--bad:#b42318;--bad-bg:#fde8e7;
--info:#2f5fb3;--info-bg:#e6eefc;--gray:#4b5563;--gray-bg:#eef0f3}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--ink);
font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
main{max-width:1080px;margin:0 auto;padding:40px 28px 56px}
code{font:12.5px/1.4 ui-monospace,"SFMono-Regular",Menlo,Consolas,monospace;word-break:break-all}
.top{background:linear-gradient(135deg,#1f3b73,#2c6e9b);color:#fff;border-radius:18px;
padding:28px 32px;box-shadow:0 8px 24px rgba(31,59,115,.18)}
.eyebrow{margin:0;text-transform:uppercase;letter-spacing:.12em;font-size:12px;opacity:.8}
.top h1{margin:4px 0 18px;font-size:30px;line-height:1.2}
.meta{display:grid;grid-template-columns:2fr 1fr 1.3fr;gap:14px;margin:0}
.meta div{background:rgba(255,255,255,.12);border-radius:10px;padding:10px 14px}
.meta dt{font-size:11px;text-transform:uppercase;letter-spacing:.08em;opacity:.8}
.meta dd{margin:2px 0 0;font-weight:600}
.meta code{color:#fff;font-size:12px}
.how{margin:22px 0;padding:16px 20px;background:var(--card);border:1px solid var(--line);
border-left:4px solid #2c6e9b;border-radius:12px;color:var(--muted)}
.how h2{margin:0 0 4px;font-size:15px;color:var(--ink)}
.how p{margin:0}
.how ol{margin:8px 0 0;padding-left:20px}
.how li{margin:4px 0}
.holder-name{font-size:20px}
.photo{float:left;width:56px;height:56px;object-fit:cover;border-radius:50%;margin:2px 12px 0 0}
.how code{color:var(--ink);background:var(--gray-bg);padding:1px 5px;border-radius:4px;
word-break:normal;white-space:nowrap}
.cards{display:grid;grid-template-columns:1fr 1fr;gap:18px}
.card{position:relative;display:grid;grid-template-columns:96px 1fr;gap:16px;align-content:start;
background:var(--card);border:1px solid var(--line);border-radius:14px;padding:18px;
box-shadow:0 1px 2px rgba(16,24,40,.05);break-inside:avoid;page-break-inside:avoid;
border-top:5px solid var(--ok)}
.art img{width:96px;height:96px;object-fit:contain;border-radius:10px;background:#fafbfd}
.body{min-width:0}
.body h2{margin:6px 0 2px;font-size:18px;line-height:1.3;overflow-wrap:anywhere}
.issuer{margin:0;color:var(--muted);overflow-wrap:anywhere}
.issuer strong{color:var(--ink)}
.note{margin:6px 0 0;font-size:13px;color:var(--muted)}
.pill{display:inline-block;margin:0;padding:2px 10px;border-radius:999px;font-size:12px;
font-weight:700;letter-spacing:.02em;background:var(--ok-bg);color:var(--ok)}
.facts{display:flex;flex-wrap:wrap;gap:6px 18px;margin:10px 0 0}
.facts dt,.more dt{font-size:11px;text-transform:uppercase;letter-spacing:.06em;color:var(--muted)}
.facts dd,.more dd{margin:0;font-weight:600;font-size:13.5px;overflow-wrap:anywhere}
.desc{margin:10px 0 0;font-size:13.5px;color:#374151;overflow-wrap:anywhere}
.more{margin:10px 0 0;padding-top:10px;border-top:1px dashed var(--line);display:grid;gap:6px}
.more dd{font-weight:400}
.qr{grid-column:1/-1;display:flex;align-items:center;gap:12px;margin:4px 0 0;padding-top:10px;
border-top:1px dashed var(--line)}
.qr img{height:auto;max-width:100%;image-rendering:pixelated}
.qr figcaption{font-size:12px;color:var(--muted)}
.st-expired,.st-not-yet-valid{border-top-color:#d99a06}
.st-expired .pill,.st-not-yet-valid .pill{background:var(--warn-bg);color:var(--warn)}
.st-revoked,.st-suspended,.st-forged,.st-invalid{border-top-color:var(--bad)}
.st-revoked .pill,.st-suspended .pill,.st-forged .pill,
.st-invalid .pill{background:var(--bad-bg);color:var(--bad)}
.st-revoked .art img,.st-suspended .art img,.st-forged .art img,.st-invalid .art img,
.st-expired .art img{filter:grayscale(.75);opacity:.8}
.st-revoked h2,.st-forged h2,
.st-invalid h2{text-decoration:line-through;text-decoration-thickness:1px}
.st-not-fully-verified,.st-unverified{border-top-color:#9aa3b2}
.st-not-fully-verified .pill,.st-unverified .pill{background:var(--gray-bg);color:var(--gray)}
.st-not-yet-valid .pill{background:var(--info-bg);color:var(--info)}
footer{margin-top:28px;text-align:center;color:var(--muted);font-size:12px;word-break:break-all}
@media (max-width:760px){.cards{grid-template-columns:1fr}.meta{grid-template-columns:1fr}}
@media print{
@page{size:A4;margin:12mm}
body{background:#fff;font-size:10pt}
main{max-width:none;padding:0}
.top{box-shadow:none;padding:14px 18px;border-radius:10px;
-webkit-print-color-adjust:exact;print-color-adjust:exact}
.top h1{font-size:20pt;margin:2px 0 10px}
.meta{grid-template-columns:2fr 1fr 1.3fr;gap:8px}
.meta div{padding:6px 10px}
.how{margin:10px 0;padding:10px 14px;break-inside:avoid}
.cards{grid-template-columns:1fr;gap:8px}
.card{grid-template-columns:64px 1fr auto;gap:12px;padding:12px 14px;box-shadow:none;
-webkit-print-color-adjust:exact;print-color-adjust:exact}
.art img{width:64px;height:64px}
.body h2{font-size:13pt}
.qr{grid-column:auto;flex-direction:column;align-items:center;gap:4px;margin:0;padding:0;
border-top:none;max-width:250px}
.qr figcaption{font-size:7.5pt;text-align:center}
footer{margin-top:12px}
}
"""
