"""One state per credential, said the same way everywhere (table, ``show``, ``--json``, shares).

A :class:`~credwallet.models.VerificationReport` lists checks; a person wants one word for the
credential: is it valid, expired (since when), revoked, suspended, forged, or not fully
verified (and why)? :func:`credential_state` decides that word from the report alone (pure, no
I/O, no clock unless given), so every view shows the same answer.

Precedence, most serious first (a forged credential that is also expired is "forged"):

``forged``              the ``proof`` or ``issuer-key`` check failed
``invalid``             the ``format`` check failed, or another required check failed for a
                        reason not listed here (an unusable status list, an unreadable date)
``revoked``             the issuer revoked it (status list, OB 2.0 revocation list, 410 Gone)
``suspended``           the issuer suspended it (a status list with purpose ``suspension``)
``expired``             past its end date ("expired on 2025-03-01")
``not-yet-valid``       before its start date
``unverified``          stored without a verification report
``not-fully-verified``  a required check could not be completed (offline, host down), with the
                        reason
``valid``               every required check passed
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from credwallet.models import (
    CheckStatus,
    Credential,
    JSONObject,
    ReportStatus,
    VerificationReport,
)

__all__ = ["STATE_ALIASES", "CredentialState", "State", "credential_state", "parse_state"]


class State(StrEnum):
    """The machine name of a credential's state: stable, used in ``--json`` and filters."""

    VALID = "valid"
    EXPIRED = "expired"
    NOT_YET_VALID = "not-yet-valid"
    REVOKED = "revoked"
    SUSPENDED = "suspended"
    FORGED = "forged"
    NOT_FULLY_VERIFIED = "not-fully-verified"
    INVALID = "invalid"
    UNVERIFIED = "unverified"

    @property
    def words(self) -> str:
        """The state as words: ``not yet valid``."""
        return _TITLES[self]

    @property
    def failed(self) -> bool:
        """A state whose verification report says ``invalid``."""
        return self in _FAILED


_TITLES = {
    State.VALID: "valid",
    State.EXPIRED: "expired",
    State.NOT_YET_VALID: "not yet valid",
    State.REVOKED: "revoked",
    State.SUSPENDED: "suspended",
    State.FORGED: "forged",
    State.NOT_FULLY_VERIFIED: "not fully verified",
    State.INVALID: "invalid",
    State.UNVERIFIED: "not verified",
}
_FAILED = frozenset(
    {
        State.EXPIRED,
        State.NOT_YET_VALID,
        State.REVOKED,
        State.SUSPENDED,
        State.FORGED,
        State.INVALID,
    }
)

#: Other words people (and older versions of credwallet) use for a state, for filters.
STATE_ALIASES = {"indeterminate": State.NOT_FULLY_VERIFIED, "not-verified": State.UNVERIFIED}

_FORGERY_CHECKS = frozenset({"proof", "issuer-key"})
_EXPIRED = re.compile(r"expired on (\d{4}-\d{2}-\d{2}(?: \d{2}:\d{2}:\d{2} UTC)?)")
_NOT_YET = re.compile(r"valid from (\d{4}-\d{2}-\d{2}(?: \d{2}:\d{2}:\d{2} UTC)?)")


@dataclass(frozen=True, slots=True)
class CredentialState:
    """A credential's state, the date it concerns (if any), and the check detail behind it."""

    state: State
    status: ReportStatus  # the verification report's own status, shown underneath
    reason: str = ""  # the deciding check's detail ("" for valid)
    date: str | None = None  # expired on / valid from, as the report words it

    @property
    def name(self) -> str:
        return str(self.state)

    @property
    def label(self) -> str:
        """Short words for a table cell: ``expired on 2025-03-01``, ``not fully verified``."""
        if self.state is State.EXPIRED and self.date:
            return f"expired on {self.date}"
        if self.state is State.NOT_YET_VALID and self.date:
            return f"not yet valid (from {self.date})"
        return self.state.words

    @property
    def description(self) -> str:
        """The label with its reason where one helps: ``not fully verified: host down``."""
        if self.reason and self.state in {
            State.NOT_FULLY_VERIFIED,
            State.FORGED,
            State.INVALID,
            State.REVOKED,
            State.SUSPENDED,
        }:
            return f"{self.label}: {self.reason}"
        return self.label

    def to_json(self) -> JSONObject:
        return {"state": self.name, "state_label": self.label, "state_reason": self.reason}


def parse_state(text: str) -> State | None:
    """A state from what a user typed (``not yet valid``, ``not-yet-valid``), or None."""
    key = "-".join(text.casefold().replace("_", " ").replace("-", " ").split())
    if key in STATE_ALIASES:
        return STATE_ALIASES[key]
    try:
        return State(key)
    except ValueError:
        return None


def _detail(name: str, detail: str) -> str:
    return f"{name}: {detail}" if detail else name


def _date_state(
    credential: Credential | None, now: datetime | None
) -> tuple[State, datetime] | None:
    if credential is None or now is None:
        return None
    moment = now if now.tzinfo else now.replace(tzinfo=UTC)
    end, start = credential.valid_until, credential.valid_from
    if end is not None and moment >= (end if end.tzinfo else end.replace(tzinfo=UTC)):
        return State.EXPIRED, end
    if start is not None and moment < (start if start.tzinfo else start.replace(tzinfo=UTC)):
        return State.NOT_YET_VALID, start
    return None


def _instant(moment: datetime) -> str:
    from credwallet.verify.validity import describe_instant

    return describe_instant(moment.astimezone(UTC) if moment.tzinfo else moment)


def credential_state(
    report: VerificationReport | None,
    *,
    credential: Credential | None = None,
    now: datetime | None = None,
) -> CredentialState:
    """The one state of a credential, from its verification report.

    With ``credential`` and ``now`` the dates are judged again at ``now`` (a stored report may
    be older than today); without them the report's own ``validity`` check decides.
    """
    status = report.status if report is not None else ReportStatus.UNVERIFIED
    failed = (
        [c for c in report.checks if c.required and c.status is CheckStatus.FAIL] if report else []
    )
    for check in failed:
        if check.name in _FORGERY_CHECKS:
            return CredentialState(State.FORGED, status, _detail(check.name, check.detail))
    for check in failed:
        if check.name == "format":
            return CredentialState(State.INVALID, status, _detail(check.name, check.detail))
    revocation = next((c for c in failed if c.name == "revocation"), None)
    if revocation is not None:
        # A failed revocation check says revoked unless it names a suspension, or a list the
        # verifier could not use (that is "invalid": nothing says the issuer revoked it).
        detail = revocation.detail
        if "revoked by" in detail or not detail:
            return CredentialState(State.REVOKED, status, detail)
        if "suspended by" in detail:
            return CredentialState(State.SUSPENDED, status, detail)
    dated = _date_state(credential, now)
    others = [c for c in failed if c.name != "validity"]
    validity = next((c for c in failed if c.name == "validity"), None)
    if others:
        first = others[0]
        return CredentialState(State.INVALID, status, _detail(first.name, first.detail))
    if dated is not None:
        reason = validity.detail if validity else ""
        return CredentialState(dated[0], status, reason, _instant(dated[1]))
    if validity is not None:
        expired = _EXPIRED.search(validity.detail)
        if expired:
            return CredentialState(State.EXPIRED, status, validity.detail, expired.group(1))
        if validity.detail.startswith("not valid yet"):
            start = _NOT_YET.search(validity.detail)
            return CredentialState(
                State.NOT_YET_VALID, status, validity.detail, start.group(1) if start else None
            )
        if "not a date" in validity.detail:
            return CredentialState(State.INVALID, status, _detail(validity.name, validity.detail))
        # A window the normalised view does not carry (a JWT `exp`): out of date all the same.
        return CredentialState(State.EXPIRED, status, validity.detail)
    if report is None or status is ReportStatus.UNVERIFIED:
        return CredentialState(State.UNVERIFIED, ReportStatus.UNVERIFIED)
    if status is ReportStatus.INDETERMINATE:
        unknown = next(
            (c for c in report.checks if c.required and c.status is CheckStatus.UNKNOWN), None
        )
        reason = _detail(unknown.name, unknown.detail) if unknown else ""
        return CredentialState(State.NOT_FULLY_VERIFIED, status, reason)
    return CredentialState(State.VALID, status)
