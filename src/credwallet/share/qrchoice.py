"""Which QR code a credential gets on the bundle page and in PDFs, and the line printed under it.

In order of preference: the credential's public https page at its issuer (any phone camera opens
it); otherwise the whole signed credential in credwallet's ``CW1:``/``CWM1:`` form, which
``credwallet import`` and ``credwallet verify`` read and a phone camera does not. (The DCC
``VP1-`` CBOR-LD form that the Learner Credential Wallet scans is not produced: no encoder here
has been tested against its published vectors yet.) Every caption says what the code holds and
what reads it, so nobody scans a ``CW1:`` code with a phone camera expecting a web page.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Literal

from credwallet.models import Credential
from credwallet.share import qr

__all__ = ["TERMINAL_COLUMNS", "QrChoice", "choose_qr", "qr_texts", "terminal_qr"]

QrKind = Literal["link", "cw1"]


@dataclass(frozen=True, slots=True)
class QrChoice:
    """The QR texts for one credential (several when it is split), their kind and caption."""

    kind: QrKind
    texts: tuple[str, ...]
    caption: str


def qr_texts(credential: Credential, *, level: qr.ErrorLevel = "M", link: bool = True) -> list[str]:
    """The QR texts for a credential: its public https link when it has one (and ``link``),
    otherwise the credential itself (a JWS as it is, JSON minified), split if needed."""
    url = credential.public_url
    if link and url and url.startswith(qr.LINK_SCHEME):
        return [qr.encode_link(url)]
    return qr.encode_credential(_payload(credential), level=level)


def caption_for(kind: QrKind, parts: int) -> str:
    if kind == "link":
        return "Issuer's page for this credential: any phone camera opens it."
    if parts == 1:
        return (
            "The whole signed credential (credwallet CW1 format): `credwallet verify` or "
            "`credwallet import` reads it; phone cameras and other wallets do not."
        )
    return (
        f"The whole signed credential in {parts} codes (credwallet CW1 format): "
        "`credwallet verify` reads them all, in any order; phone cameras do not."
    )


def choose_qr(credential: Credential, *, level: qr.ErrorLevel = "M") -> QrChoice:
    """The most widely readable QR for ``credential`` and its caption."""
    texts = qr_texts(credential, level=level)
    kind: QrKind = "link" if texts[0].startswith(qr.LINK_SCHEME) else "cw1"
    return QrChoice(kind=kind, texts=tuple(texts), caption=caption_for(kind, len(texts)))


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
