"""What `credwallet check` tells a cron job: only what changed since the last run alerts.

Pure: it compares each credential's previous stored report with the fresh one.

- **Newly failed** (exit 3): the fresh state is a failure (expired, revoked, forged, ...) and
  differs from the state the previous report gave. An expired badge kept for the record alerts
  once, the night it expires, not every night after.
- **Newly unreachable** (exit 4): a required check that had an answer last time (pass or fail)
  is ``unknown`` now: a host that answered before and does not now. Transient, so it alerts.
- **Cannot check** (no alert): a required check that is ``unknown`` now and had no answer last
  time either (an unsupported suite, a context not shipped, a host that never answered). It is
  reported the run it appears; while it persists it is listed only when asked (``--all``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from credwallet.models import CheckStatus, VerificationReport
from credwallet.verify.state import CredentialState, credential_state
from credwallet.wallet.held import Held

__all__ = ["HealthItem", "HealthReport", "assess"]


@dataclass(frozen=True, slots=True)
class HealthItem:
    id: str
    name: str
    state: CredentialState
    reason: str = ""
    new: bool = True
    expires: datetime | None = None

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "id": self.id,
            "name": self.name,
            "status": str(self.state.status),
            **self.state.to_json(),
            "reason": self.reason,
            "new": self.new,
        }
        if self.expires is not None:
            body["expires"] = self.expires.isoformat().replace("+00:00", "Z")
        return body


@dataclass
class HealthReport:
    checked: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    newly_failed: list[HealthItem] = field(default_factory=list)
    unreachable: list[HealthItem] = field(default_factory=list)
    cannot_check: list[HealthItem] = field(default_factory=list)
    expiring: list[HealthItem] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "checked": self.checked,
            "states": dict(sorted(self.counts.items())),
            "newly_invalid": [i.to_json() for i in self.newly_failed],
            "unreachable": [i.to_json() for i in self.unreachable],
            "cannot_check": [i.to_json() for i in self.cannot_check],
            "expiring": [i.to_json() for i in self.expiring],
        }


def _unknown(report: VerificationReport | None) -> dict[str, str]:
    if report is None:
        return {}
    return {
        c.name: c.detail for c in report.checks if c.required and c.status is CheckStatus.UNKNOWN
    }


def _answered(report: VerificationReport | None) -> set[str]:
    if report is None:
        return set()
    return {c.name for c in report.checks if c.status in {CheckStatus.PASS, CheckStatus.FAIL}}


def assess(
    results: Sequence[tuple[Held, VerificationReport]],
    *,
    now: datetime,
    days: int,
    show_all: bool = False,
) -> HealthReport:
    """Compare each credential's stored report (``held.record.report``) with the fresh one."""
    health = HealthReport(checked=len(results))
    for held, fresh in results:
        previous = held.record.report  # as stored by the last run: not re-judged for today
        state = credential_state(fresh)
        before = credential_state(previous)
        health.counts[state.name] = health.counts.get(state.name, 0) + 1
        name = held.credential.display_name
        if state.state.failed and state.state is not before.state:
            health.newly_failed.append(HealthItem(held.wallet_id, name, state, state.reason))
        unknown = _unknown(fresh)
        if unknown:
            was_unknown = _unknown(previous)
            answered = _answered(previous)
            transient = [n for n in unknown if n in answered]
            appeared = [n for n in unknown if n not in answered and n not in was_unknown]
            first = transient[0] if transient else appeared[0] if appeared else next(iter(unknown))
            reason = f"{first}: {unknown[first]}" if unknown[first] else first
            if transient:
                health.unreachable.append(HealthItem(held.wallet_id, name, state, reason))
            elif appeared:
                health.cannot_check.append(HealthItem(held.wallet_id, name, state, reason))
            elif show_all:
                health.cannot_check.append(
                    HealthItem(held.wallet_id, name, state, reason, new=False)
                )
        until = held.credential.valid_until
        if until is not None and now <= until <= now + timedelta(days=days):
            health.expiring.append(HealthItem(held.wallet_id, name, state, expires=until))
    return health
