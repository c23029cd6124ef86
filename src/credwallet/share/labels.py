"""How a credential's state is worded on paper and on the page: label, tone and one line.

The state itself comes from :func:`credwallet.share.items.share_status` (itself the one
credential state of ``verify/state.py``); this module only words it for a recruiter, so the PDF,
the bundle page and the résumés say the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from credwallet.share.items import SharedItem, share_status

__all__ = ["StatusLabel", "status_label"]

# Keyed by the status's value so that every state has words, including ones added later.
_TONES = {
    "valid": "ok",
    "expired": "warn",
    "not-yet-valid": "info",
    "revoked": "bad",
    "suspended": "bad",
    "forged": "bad",
    "invalid": "bad",
    "indeterminate": "gray",
    "not-fully-verified": "gray",
    "unverified": "gray",
}
_DETAILS = {
    "valid": "Every required check passed: signature, issuer key, dates and revocation.",
    "expired": "Genuine, but past its expiry date.",
    "not-yet-valid": "Genuine, but its validity starts later.",
    "revoked": "The issuer has revoked this credential.",
    "suspended": "The issuer has suspended this credential (it may be reinstated).",
    "forged": "Its signature or issuer key does not check out: do not rely on it.",
    "invalid": "Failed verification: do not rely on it.",
    "indeterminate": "Not fully verified: some checks could not be completed (e.g. offline).",
    "not-fully-verified": (
        "Not fully verified: some checks could not be completed (e.g. offline)."
    ),
    "unverified": "The wallet has not verified this credential.",
}


@dataclass(frozen=True, slots=True)
class StatusLabel:
    """``text`` ("Suspended"), ``tone`` (ok, warn, info, bad, gray), one explaining ``detail``."""

    value: str
    text: str
    tone: str
    detail: str


def status_label(item: SharedItem, now: datetime) -> StatusLabel:
    """The words for ``item``'s state at ``now``."""
    status = share_status(item, now)
    value = str(status.value)
    return StatusLabel(
        value=value,
        text=status.label,
        tone=_TONES.get(value, "gray"),
        detail=_DETAILS.get(value, status.label),
    )
