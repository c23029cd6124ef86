"""Integers above 2^53 as JavaScript signers see them.

JSON numbers have no size limit, but JavaScript parses every number into an IEEE-754 double:
``9007199254740993`` becomes ``9007199254740992``. A credential signed by a JavaScript issuer
(jsonld.js, the DCC and Digital Bazaar libraries) therefore signs the double, not the digits
in the file: RDFC writes ``"9007199254740992"^^xsd:integer`` and JCS (RFC 8785) writes the
double's shortest form. Python keeps the exact integer, so such a credential only verifies
when its numbers are first read the way JavaScript reads them.

The engine (dataintegrity.py) canonicalises numbers exactly first and, only when that does not
verify and the document holds such integers, again as JavaScript would; a proof that verifies
only then passes, saying which numbers the signature covers only as doubles (``explain``).
"""

from __future__ import annotations

from typing import Final

__all__ = ["MAX_SAFE_INTEGER", "as_javascript", "describe", "unsafe_integers"]

#: Number.MAX_SAFE_INTEGER + 1: from here on not every integer is a double.
MAX_SAFE_INTEGER: Final = 2**53
_MAX_LISTED: Final = 3
_MAX_DEPTH: Final = 200  # the canonicalisers refuse deeper documents; do not recurse past them


def _javascript_value(number: int) -> int | float:
    """The number JavaScript's JSON.parse gives for ``number``: its nearest double, written
    as an integer where JSON-LD and RFC 8785 treat it as one (below 10^21)."""
    try:
        double = float(number)
    except OverflowError:  # beyond any double: JavaScript gives Infinity, which nothing signs
        return number
    return int(double) if abs(double) < 1e21 else double


def _unsafe(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_SAFE_INTEGER


def unsafe_integers(value: object, depth: int = 0) -> list[int]:
    """Every integer in ``value`` above 2^53: where exact and JavaScript canonical forms may
    differ (a double's digits, or RFC 8785's exponent form from 10^21 on)."""
    if depth > _MAX_DEPTH:
        return []
    if _unsafe(value):
        assert isinstance(value, int)
        return [value]
    found: list[int] = []
    if isinstance(value, dict):
        for item in value.values():
            found += unsafe_integers(item, depth + 1)
    elif isinstance(value, list | tuple):
        for item in value:
            found += unsafe_integers(item, depth + 1)
    return found


def as_javascript(value: object, depth: int = 0) -> object:
    """A copy of ``value`` with every integer replaced by what JavaScript parses it as."""
    if depth > _MAX_DEPTH:
        return value
    if _unsafe(value):
        assert isinstance(value, int)
        return _javascript_value(value)
    if isinstance(value, dict):
        return {k: as_javascript(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [as_javascript(v, depth + 1) for v in value]
    return value


def describe(numbers: list[int]) -> str:
    """``9007199254740993 as 9007199254740992`` for the first few numbers."""
    shown = [f"{n} as {_javascript_value(n)!r}" for n in numbers[:_MAX_LISTED]]
    if len(numbers) > _MAX_LISTED:
        shown.append(f"and {len(numbers) - _MAX_LISTED} more")
    return ", ".join(shown)
