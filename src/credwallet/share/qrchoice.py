"""Which QR code a credential gets on the bundle page and in PDFs, and the line printed under it.

In order of preference: the credential's public https page at its issuer (any phone camera opens
it); otherwise the DCC ``VP1-`` form (:mod:`credwallet.share.qrvp`), a presentation holding the
credential that the Learner Credential Wallet and VerifierPlus scan, when the credential is a
JSON-LD VC with an embedded proof and fits one symbol; otherwise the whole signed credential in
credwallet's ``CW1:``/``CWM1:`` form, which ``credwallet import`` and ``credwallet verify`` read
and a phone camera does not. Every caption says what the code holds and what reads it (and,
for ``CW1:``, why it is not a VP1 code), so nobody scans a ``CW1:`` code expecting a web page.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Literal

from credwallet.models import Credential
from credwallet.share import qr

__all__ = [
    "TERMINAL_COLUMNS",
    "QrChoice",
    "QrKind",
    "caption_for",
    "choose_qr",
    "qr_texts",
    "terminal_qr",
    "vp1_text",
]

QrKind = Literal["link", "vp1", "cw1"]
VP1_MAX_VERSION = 30  # as for CW1: one symbol up to v30 still scans from paper


@dataclass(frozen=True, slots=True)
class QrChoice:
    """The QR texts for one credential (several when it is split), their kind and caption."""

    kind: QrKind
    texts: tuple[str, ...]
    caption: str


def qr_texts(credential: Credential, *, level: qr.ErrorLevel = "M", link: bool = True) -> list[str]:
    """The QR texts of :func:`choose_qr` (``link=False`` skips the public link)."""
    return list(choose_qr(credential, level=level, link=link).texts)


def vp1_text(
    credential: Credential, *, level: qr.ErrorLevel = "M", max_version: int = VP1_MAX_VERSION
) -> tuple[str | None, str | None]:
    """The ``VP1-`` text for ``credential`` when it qualifies and fits one symbol of at most
    ``max_version``; otherwise None and the reason, for the caption of the code used instead."""
    from credwallet.share import qrvp

    if credential.jws or not qrvp.vp1_eligible(credential.document):
        return None, "the apps that scan VP1 codes read only JSON-LD VCs with an embedded proof"
    text, _ = qrvp.encode_vp1(credential.document)
    version = qr.symbol_version(text, level)
    if version is None or version > max_version:
        return None, "too large for one VP1 code"
    return text, None


def caption_for(kind: QrKind, parts: int, *, why_not_vp1: str | None = None) -> str:
    if kind == "link":
        return "Issuer's page for this credential: any phone camera opens it."
    if kind == "vp1":
        return (
            "Verifiable presentation (VP1) for Learner Credential Wallet / VerifierPlus: "
            "scan it in either app (or `credwallet verify`); phone cameras show only text."
        )
    reason = f" Not a VP1 code: {why_not_vp1}." if why_not_vp1 else ""
    if parts == 1:
        return (
            "The whole signed credential (credwallet CW1 format, credwallet-to-credwallet): "
            "`credwallet verify` or `credwallet import` reads it; phone cameras and other "
            "wallets do not." + reason
        )
    return (
        f"The whole signed credential in {parts} codes (credwallet CW1 format, "
        "credwallet-to-credwallet): `credwallet verify` reads them all, in any order; "
        "phone cameras do not." + reason
    )


def choose_qr(credential: Credential, *, level: qr.ErrorLevel = "M", link: bool = True) -> QrChoice:
    """The most widely readable QR for ``credential`` and its caption: the public link, else a
    VP1 code, else CW1 (split when needed)."""
    url = credential.public_url
    if link and url and url.startswith(qr.LINK_SCHEME):
        return QrChoice(kind="link", texts=(qr.encode_link(url),), caption=caption_for("link", 1))
    text, why_not = vp1_text(credential, level=level)
    if text is not None:
        return QrChoice(kind="vp1", texts=(text,), caption=caption_for("vp1", 1))
    texts = qr.encode_credential(_payload(credential), level=level)
    return QrChoice(
        kind="cw1", texts=tuple(texts), caption=caption_for("cw1", len(texts), why_not_vp1=why_not)
    )


TERMINAL_COLUMNS = 80
# A symbol of version v is 17 + 4v modules plus the quiet zone on both sides, one column each
# (two rows share a character cell): version 13 is the largest within 80 columns.
TERMINAL_MAX_VERSION = (TERMINAL_COLUMNS - 2 * qr.QUIET_ZONE - 17) // 4
TERMINAL_MAX_PARTS = 4  # more than four screenfuls of codes is no way to hand a credential over
_LOWER: dict[str, tuple[qr.ErrorLevel, ...]] = {
    "H": ("H", "Q", "M", "L"),
    "Q": ("Q", "M", "L"),
    "M": ("M", "L"),
    "L": ("L",),
}


def terminal_qr(
    credential: Credential, *, level: qr.ErrorLevel = "M", link: bool = True
) -> tuple[list[str], qr.ErrorLevel]:
    """QR texts that each fit an 80-column terminal, and the error-correction level used.

    The level asked for is kept when it fits, else lowered step by step (L holds the most);
    a credential is split into at most :data:`TERMINAL_MAX_PARTS` symbols. When nothing fits,
    :class:`LimitExceeded` says to write a PNG instead.
    """
    from credwallet.errors import LimitExceeded

    url = credential.public_url
    for chosen in _LOWER[level]:
        if link and url and url.startswith(qr.LINK_SCHEME):
            texts = [qr.encode_link(url)]
        elif vp1 := vp1_text(credential, level=chosen, max_version=TERMINAL_MAX_VERSION)[0]:
            texts = [vp1]
        else:
            try:
                texts = qr.encode_credential(
                    _payload(credential),
                    level=chosen,
                    max_version=TERMINAL_MAX_VERSION,
                    part_version=TERMINAL_MAX_VERSION,
                )
            except LimitExceeded:
                continue
        versions = [qr.symbol_version(t, chosen) for t in texts]
        if len(texts) <= TERMINAL_MAX_PARTS and all(
            v is not None and v <= TERMINAL_MAX_VERSION for v in versions
        ):
            return texts, chosen
    raise LimitExceeded(
        f"this QR code does not fit an {TERMINAL_COLUMNS}-column terminal; "
        "write an image instead: -o code.png (or .svg)"
    )


def _payload(credential: Credential) -> bytes:
    if credential.jws:
        return credential.jws.encode("ascii")
    return json.dumps(credential.document, ensure_ascii=False, separators=(",", ":")).encode(
        "utf-8"
    )
