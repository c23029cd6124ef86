"""The validity window: is the credential in force at ``now``?

Sources of dates, all compared with the caller's ``now`` (never the system clock here):
VC 2.0 ``validFrom`` / ``validUntil``; VC 1.1 ``issuanceDate`` (the credential is not valid
before it) / ``expirationDate``; JWT ``nbf`` / ``exp``. A date that is present but unreadable
is a failure: a credential whose expiry cannot be read cannot be said to be in force.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from credwallet.formats.dates import parse_datetime
from credwallet.models import Check, CheckStatus

__all__ = ["OB2_DATES", "check_validity", "describe_instant"]

_STARTS = ("validFrom", "issuanceDate")
_ENDS = ("validUntil", "expirationDate")
#: Open Badges 2.0 (and Blockcerts v2) name their window issuedOn / expires.
OB2_DATES: tuple[tuple[str, ...], tuple[str, ...]] = (("issuedOn",), ("expires",))


def describe_instant(moment: datetime) -> str:
    """2025-03-01, or 2025-01-09 16:23:24 UTC when the time of day matters."""
    if (moment.hour, moment.minute, moment.second) == (0, 0, 0):
        return moment.date().isoformat()
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC")


def _read(
    source: Mapping[str, Any], name: str, inputs: list[tuple[str, str]]
) -> datetime | str | None:
    """The parsed date, None when absent, or a failure reason when unreadable."""
    if name not in source or source[name] is None:
        return None
    raw = source[name]
    inputs.append((name, str(raw)))
    parsed = parse_datetime(raw)
    if parsed is None:
        return f"{name} {raw!r} is not a date"
    return parsed


def check_validity(
    document: Mapping[str, Any],
    *,
    now: datetime,
    jwt_claims: Mapping[str, Any] | None = None,
    extra: tuple[tuple[str, ...], tuple[str, ...]] | None = None,
) -> Check:
    """The ``validity`` check for a credential document (and its JWT claims, if a VC-JWT)."""
    inputs: list[tuple[str, str]] = [("now", now.isoformat())]
    starts: list[tuple[str, datetime]] = []
    ends: list[tuple[str, datetime]] = []
    sources: list[tuple[Mapping[str, Any], tuple[str, ...], tuple[str, ...]]] = [
        (document, _STARTS, _ENDS)
    ]
    if extra is not None:
        sources.append((document, extra[0], extra[1]))
    if jwt_claims is not None:
        sources.append((jwt_claims, ("nbf",), ("exp",)))
    for source, start_names, end_names in sources:
        for names, into in ((start_names, starts), (end_names, ends)):
            for name in names:
                value = _read(source, name, inputs)
                if isinstance(value, str):
                    return Check("validity", CheckStatus.FAIL, value, tuple(inputs))
                if value is not None:
                    into.append((name, value))
    for name, start in starts:
        if now < start:
            detail = f"not valid yet: valid from {describe_instant(start)} ({name})"
            return Check("validity", CheckStatus.FAIL, detail, tuple(inputs))
    for name, end in ends:
        if now >= end:
            detail = f"expired on {describe_instant(end)} ({name})"
            return Check("validity", CheckStatus.FAIL, detail, tuple(inputs))
    first = describe_instant(max(s for _, s in starts)) if starts else None
    last = describe_instant(min(e for _, e in ends)) if ends else None
    if first and last:
        detail = f"valid from {first} until {last}"
    elif first:
        detail = f"valid from {first}; no expiry date"
    elif last:
        detail = f"valid until {last}"
    else:
        detail = "no validity dates: in force"
    return Check("validity", CheckStatus.PASS, detail, tuple(inputs))
