"""The plain data every sharing function takes, and a credential's status at share time.

Sharing code never opens the store: the wallet hands it :class:`SharedItem` values (the
credential, its latest verification report and the names of the pathways it counts toward).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum

from credwallet.models import CheckStatus, Credential, JSONObject, ReportStatus, VerificationReport

__all__ = ["ShareStatus", "SharedItem", "expires_on", "issue_date", "issued_on", "share_status"]

_ISSUE_FIELDS = ("issuanceDate", "validFrom", "awardedDate", "issuedOn")
_EXPIRY_FIELDS = ("validUntil", "expirationDate", "expires")
_CALENDAR = re.compile(r"(\d{4})-(\d{2})(?:-(\d{2}))?")

# Checks whose failure means the credential itself is not genuine (as opposed to out of date).
_INTEGRITY_CHECKS = ("format", "proof", "issuer-key")


class ShareStatus(StrEnum):
    """What a recipient should be told about a credential when it is shared."""

    VALID = "valid"
    EXPIRED = "expired"
    REVOKED = "revoked"
    NOT_YET_VALID = "not-yet-valid"
    INVALID = "invalid"
    INDETERMINATE = "indeterminate"
    UNVERIFIED = "unverified"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    ShareStatus.VALID: "Verified",
    ShareStatus.EXPIRED: "Expired",
    ShareStatus.REVOKED: "Revoked",
    ShareStatus.NOT_YET_VALID: "Not yet valid",
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


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def share_status(item: SharedItem, now: datetime) -> ShareStatus:
    """The honest status to show at ``now``: a failed proof first, then revocation, then dates.

    Dates are re-checked against ``now`` because the stored report may be older than the share.
    """
    report, credential = item.report, item.credential
    failed = (
        {c.name for c in report.checks if c.required and c.status is CheckStatus.FAIL}
        if report is not None
        else set()
    )
    if failed & set(_INTEGRITY_CHECKS):
        return ShareStatus.INVALID
    if "revocation" in failed:
        return ShareStatus.REVOKED
    if credential.valid_until is not None and _aware(credential.valid_until) < _aware(now):
        return ShareStatus.EXPIRED
    if credential.valid_from is not None and _aware(credential.valid_from) > _aware(now):
        return ShareStatus.NOT_YET_VALID
    if report is None or report.status is ReportStatus.UNVERIFIED:
        return ShareStatus.UNVERIFIED
    if report.status is ReportStatus.INVALID:
        # Only the validity check failed: the verifier found it out of date (e.g. a JWT `exp`
        # the normalised view does not carry), so say so rather than "failed verification".
        return ShareStatus.EXPIRED if failed == {"validity"} else ShareStatus.INVALID
    if report.status is ReportStatus.INDETERMINATE:
        return ShareStatus.INDETERMINATE
    return ShareStatus.VALID
