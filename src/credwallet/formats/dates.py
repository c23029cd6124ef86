"""Lenient reading of credential dates into aware UTC datetimes.

Credentials carry XSD dateTime / ISO 8601 strings (``Z``, ``+02:00``, fractional seconds of any
length, sometimes a bare date) and, in OB 1.0 and JWT claims, Unix timestamps. A date that cannot
be read gives ``None``: a bad optional date must not make the whole credential unreadable (the
original value stays in ``Credential.document`` for the verifier to judge).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

__all__ = ["parse_datetime"]

_ISO = re.compile(
    r"""
    (?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})
    (?:[Tt\ ](?P<hour>\d{2}):(?P<minute>\d{2})
        (?::(?P<second>\d{2})(?:[.,](?P<fraction>\d{1,30}))?)?
    )?
    \s*(?P<zone>[Zz]|[+-]\d{2}(?::?\d{2})?)?
    """,
    re.VERBOSE,
)
# Unix timestamps outside years 1..9999 cannot be datetimes; refusing early avoids OverflowError.
_MIN_TIMESTAMP = -62135596800
_MAX_TIMESTAMP = 253402300799


def parse_datetime(value: object) -> datetime | None:
    """An aware UTC datetime for an ISO 8601 string or a Unix timestamp, else ``None``."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return _from_timestamp(value)
    if not isinstance(value, str):
        return None
    text = value.strip()
    if text.isdigit() and len(text) >= 9:  # OB 1.0 allowed a Unix timestamp in a string
        return _from_timestamp(int(text))
    match = _ISO.fullmatch(text)
    if match is None:
        return None
    return _from_match(match)


def _from_timestamp(value: float) -> datetime | None:
    if value != value or not _MIN_TIMESTAMP <= value <= _MAX_TIMESTAMP:  # NaN or out of range
        return None
    try:
        return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(seconds=value)
    except OverflowError:
        return None


def _from_match(match: re.Match[str]) -> datetime | None:
    parts = match.groupdict()
    fraction = (parts["fraction"] or "").ljust(6, "0")[:6]
    hour = int(parts["hour"] or 0)
    extra = timedelta()
    if hour == 24:  # XSD allows 24:00:00 for the end of a day
        if int(parts["minute"] or 0) or int(parts["second"] or 0) or int(fraction):
            return None
        hour, extra = 0, timedelta(days=1)
    try:
        moment = datetime(
            int(parts["year"]),
            int(parts["month"]),
            int(parts["day"]),
            hour,
            int(parts["minute"] or 0),
            int(parts["second"] or 0),
            int(fraction),
            tzinfo=_zone(parts["zone"]),
        )
        return (moment + extra).astimezone(UTC)
    except (ValueError, OverflowError):
        return None


def _zone(text: str | None) -> timezone:
    if not text or text in "Zz":
        return UTC  # a date without a zone is read as UTC, the only choice that is stable
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
    if hours > 23 or minutes > 59:
        raise ValueError("offset out of range")
    return timezone(sign * timedelta(hours=hours, minutes=minutes))
