"""The plain data every sharing function takes, and a credential's status at share time.

Sharing code never opens the store: the wallet hands it :class:`SharedItem` values (the
credential, its latest verification report and the names of the pathways it counts toward).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from credwallet.models import Credential, JSONObject, VerificationReport
from credwallet.verify.state import CredentialState, State, credential_state

__all__ = [
    "ShareStatus",
    "SharedItem",
    "expires_on",
    "issue_date",
    "issued_on",
    "share_state",
    "share_status",
]

_ISSUE_FIELDS = ("issuanceDate", "validFrom", "awardedDate", "issuedOn")
_EXPIRY_FIELDS = ("validUntil", "expirationDate", "expires")
_CALENDAR = re.compile(r"(\d{4})-(\d{2})(?:-(\d{2}))?")


class ShareStatus(StrEnum):
    """What a recipient should be told about a credential when it is shared.

    The same states as :class:`credwallet.verify.state.State` (one state everywhere), with the
    words a recipient reads.
    """

    VALID = "valid"
    EXPIRED = "expired"
    REVOKED = "revoked"
    SUSPENDED = "suspended"
    NOT_YET_VALID = "not-yet-valid"
    FORGED = "forged"
    INVALID = "invalid"
    INDETERMINATE = "not-fully-verified"
    UNVERIFIED = "unverified"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    ShareStatus.VALID: "Verified",
    ShareStatus.EXPIRED: "Expired",
    ShareStatus.REVOKED: "Revoked",
    ShareStatus.SUSPENDED: "Suspended",
    ShareStatus.NOT_YET_VALID: "Not yet valid",
    ShareStatus.FORGED: "Forged",
    ShareStatus.INVALID: "Failed verification",
    ShareStatus.INDETERMINATE: "Not fully verified",
    ShareStatus.UNVERIFIED: "Not verified",
}


@dataclass(frozen=True, slots=True)
class SharedItem:
    """One credential chosen for sharing, with what the wallet knows about it."""

    wallet_id: str  # the wallet's own id: used for file names, never shown as the credential's id
    credential: Credential
    report: VerificationReport | None = None
    pathway_names: tuple[str, ...] = ()


def issue_date(credential: Credential) -> datetime | None:
    """The date a credential was issued, as the credential gives it."""
    return credential.issued or credential.valid_from


def _calendar_date(document: JSONObject, fields: tuple[str, ...], moment: datetime) -> date:
    """The date as the credential writes it, not shifted to UTC.

    The normalised view holds UTC instants, so "2024-04-01T00:00:00+02:00" reads as 31 March.
    A résumé wants the issuer's own calendar date: take it from the credential's text when a
    date field there agrees with the instant to within a day (it is the same field), else
    fall back to the UTC date.
    """
    nested = document.get("vc")
    for source in (document, nested if isinstance(nested, dict) else {}):
        for name in fields:
            value = source.get(name)
            match = _CALENDAR.match(value.strip()) if isinstance(value, str) else None
            if match is None:
                continue
            try:
                written = date(int(match[1]), int(match[2]), int(match[3] or 1))
            except ValueError:
                continue
            if abs((written - moment.date()).days) <= 1:
                return written
    return moment.date()


def issued_on(credential: Credential) -> date | None:
    """The issue date in the credential's own calendar (see :func:`_calendar_date`)."""
    moment = issue_date(credential)
    return _calendar_date(credential.document, _ISSUE_FIELDS, moment) if moment else None


def expires_on(credential: Credential) -> date | None:
    """The expiry date in the credential's own calendar, if it expires."""
    moment = credential.valid_until
    return _calendar_date(credential.document, _EXPIRY_FIELDS, moment) if moment else None


def share_state(item: SharedItem, now: datetime) -> CredentialState:
    """The credential's state at ``now`` (dates judged again: the report may be older)."""
    return credential_state(item.report, credential=item.credential, now=now)


def share_status(item: SharedItem, now: datetime) -> ShareStatus:
    """The honest status to show at ``now``: the credential's one state (see verify/state.py)."""
    state = share_state(item, now).state
    return ShareStatus.INDETERMINATE if state is State.NOT_FULLY_VERIFIED else ShareStatus(state)
