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

__all__ = ["QrChoice", "choose_qr", "qr_texts"]

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
    if credential.jws:
        payload = credential.jws.encode("ascii")
    else:
        payload = json.dumps(credential.document, ensure_ascii=False, separators=(",", ":")).encode(
            "utf-8"
        )
    return qr.encode_credential(payload, level=level)


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
