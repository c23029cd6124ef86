"""Filtering and sorting of held credentials for `show` (pure functions)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from credwallet.errors import UsageError
from credwallet.verify.state import State, parse_state
from credwallet.wallet.held import Held

__all__ = ["SORT_KEYS", "CredentialFilter", "apply_filter"]

SORT_KEYS = ("issued", "name", "issuer", "expires", "status", "imported")
#: What `show --status` accepts: every state (``invalid`` also matches every failed state:
#: expired, revoked, forged, ...), and ``indeterminate`` for ``not-fully-verified``.
STATUSES = tuple(str(s) for s in State)


@dataclass(frozen=True, slots=True)
class CredentialFilter:
    issuer: str | None = None
    tag: str | None = None
    status: str | None = None
    expiring_days: int | None = None
    search: str | None = None
    sort: str = "issued"
    reverse: bool = False


def _fold(text: str | None) -> str:
    return (text or "").casefold().strip()


def _matches(held: Held, spec: CredentialFilter, now: datetime) -> bool:
    cred = held.credential
    if spec.issuer:
        wanted = _fold(spec.issuer)
        if wanted not in _fold(cred.issuer.id) and wanted not in _fold(cred.issuer.name):
            return False
    if spec.tag and _fold(spec.tag) not in {_fold(t) for t in held.tags}:
        return False
    if spec.status and not _state_matches(held, spec.status):
        return False
    if spec.expiring_days is not None:
        until = cred.valid_until
        if until is None or not (now <= until <= now + timedelta(days=spec.expiring_days)):
            return False
    if spec.search:
        wanted = _fold(spec.search)
        haystack = [
            cred.display_name,
            cred.name,
            cred.description,
            cred.issuer.name,
            cred.issuer.id,
            cred.credential_id,
            cred.achievement.description if cred.achievement else None,
            *held.tags,
        ]
        if not any(wanted in _fold(h) for h in haystack):
            return False
    return True


def _state_matches(held: Held, wanted: str) -> bool:
    state = parse_state(wanted)
    actual = held.state.state
    if state is State.INVALID:
        return actual.failed
    return actual is state


_EPOCH = datetime(1, 1, 1, tzinfo=UTC)


def _sort_key(held: Held, key: str) -> tuple[object, ...]:
    cred = held.credential
    match key:
        case "name":
            return (_fold(cred.display_name),)
        case "issuer":
            return (_fold(cred.issuer.name or cred.issuer.id), _fold(cred.display_name))
        case "expires":
            # Credentials without an end date sort last: they never expire.
            return (cred.valid_until is None, cred.valid_until or _EPOCH)
        case "status":
            return (str(held.state.state), _fold(cred.display_name))
        case "imported":
            return (held.record.imported_at,)
        case _:
            return (cred.issued or cred.valid_from or _EPOCH, _fold(cred.display_name))


def apply_filter(items: Sequence[Held], spec: CredentialFilter, *, now: datetime) -> list[Held]:
    if spec.sort not in SORT_KEYS:
        raise UsageError(f"--sort must be one of {', '.join(SORT_KEYS)}")
    if spec.status is not None and parse_state(spec.status) is None:
        raise UsageError(f"--status must be one of {', '.join(STATUSES)}")
    kept = [h for h in items if _matches(h, spec, now)]
    # Newest first is what people expect of dates; alphabetical for names.
    newest_first = spec.sort in {"issued", "imported"}
    return sorted(kept, key=lambda h: _sort_key(h, spec.sort), reverse=newest_first != spec.reverse)
