"""JSON Canonicalization Scheme (RFC 8785): one JSON value -> its canonical UTF-8 bytes.

The rules, all from the RFC:

* no whitespace; object members sorted by their names compared as arrays of UTF-16 code units
  (not code points: the difference shows for characters above U+FFFF);
* strings escape only ``"``, ``\\`` and the C0 controls (``\\b \\t \\n \\f \\r`` in short form,
  the others as ``\\u00xx`` in lower-case hex); everything else is written as itself, in UTF-8;
* numbers are IEEE-754 doubles written the way ECMAScript's ``Number.prototype.toString`` writes
  them (shortest round-trip digits, exponent form below 1e-6 and from 1e21 on);
* NaN and the infinities have no JSON form and are rejected, as is anything that is not
  ``None``/``bool``/``int``/``float``/``str``/``list``/``tuple``/``dict`` with string keys.
"""

from __future__ import annotations

import contextlib
import json
import math

from credwallet.errors import BadInput, LimitExceeded

__all__ = ["MAX_DEPTH", "canonicalize", "canonicalize_with_and_without", "format_number"]

#: Nesting deeper than this is refused rather than recursed into (hostile input).
MAX_DEPTH = 200

# Short escapes RFC 8785 section 3.2.2.2 requires; other C0 controls use \u00xx.
_SHORT_ESCAPES = {
    0x08: "\\b",
    0x09: "\\t",
    0x0A: "\\n",
    0x0C: "\\f",
    0x0D: "\\r",
    0x22: '\\"',
    0x5C: "\\\\",
}
_ESCAPE_TABLE: dict[int, str] = {c: f"\\u{c:04x}" for c in range(0x20)}
_ESCAPE_TABLE.update(_SHORT_ESCAPES)


def canonicalize(value: object, *, exact_integers: bool = False) -> bytes:
    """Return the RFC 8785 canonical form of ``value`` (parsed JSON) as UTF-8 bytes.

    ``exact_integers`` writes integers with all their digits instead of as doubles: not RFC
    8785, but what signers outside JavaScript produce for integers above 2^53 (numbers.py).
    Raises BadInput for values JSON cannot represent (NaN, Infinity, non-string keys, other
    types, lone surrogates) and LimitExceeded for nesting deeper than MAX_DEPTH.
    """
    if _plain(value):
        # Same bytes as the writer below, produced by the json module's C encoder.
        with contextlib.suppress(UnicodeEncodeError):  # a lone surrogate: the writer says so
            return _FAST.encode(value).encode("utf-8")
    return _canonicalize_slowly(value, exact_integers=exact_integers)


def canonicalize_with_and_without(value: dict[str, object], name: str) -> tuple[bytes, bytes]:
    """``canonicalize(value)`` and ``canonicalize`` of ``value`` without its member ``name``
    (the wallet keys every credential both with and without its proof). The walk that admits
    the whole to the fast path admits the part too, so it is made once."""
    rest = {key: item for key, item in value.items() if key != name}
    if _plain(value):
        with contextlib.suppress(UnicodeEncodeError):  # a lone surrogate: the writer says so
            return _FAST.encode(value).encode("utf-8"), _FAST.encode(rest).encode("utf-8")
    return canonicalize(value), canonicalize(rest)


def _canonicalize_slowly(value: object, *, exact_integers: bool = False) -> bytes:
    """The RFC 8785 writer itself (the reference for the fast path, and its fallback)."""
    parts: list[str] = []
    _write(value, parts, 0, exact_integers)
    try:
        return "".join(parts).encode("utf-8")
    except UnicodeEncodeError:
        raise BadInput("JCS: string contains a lone surrogate (not valid Unicode)") from None


# For "plain" values (see _plain) the C encoder with sorted keys, no whitespace and no ASCII
# escaping writes exactly RFC 8785: it escapes only '"', '\\' and the C0 controls, in the same
# short forms and lower-case \u00xx; ints up to 2**53 print the same as doubles (and exactly, so
# ``exact_integers`` makes no difference to them); and code-point
# order of member names equals UTF-16 code-unit order when no name holds a character above
# U+FFFF. Floats (ECMAScript number layout) and everything else take the writer.
_FAST = json.JSONEncoder(
    skipkeys=False,
    ensure_ascii=False,
    check_circular=False,
    allow_nan=False,
    sort_keys=True,
    separators=(",", ":"),
)
_SAFE_INTEGER = 2**53


def _plain(value: object) -> bool:
    """Only dicts with BMP string keys, lists, strings, safe ints, bools and None, nested at
    most MAX_DEPTH deep (the writer reports anything else, or leaves it to its layout)."""
    stack: list[tuple[object, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        kind = type(item)
        if kind is str or kind is bool or item is None:
            continue
        if kind is int:
            if not -_SAFE_INTEGER <= item <= _SAFE_INTEGER:  # type: ignore[operator]
                return False
        elif kind is dict:
            if depth >= MAX_DEPTH:
                return False
            for key in item:  # type: ignore[attr-defined]
                if type(key) is not str or (not key.isascii() and max(key) > "\uffff"):
                    return False
            stack.extend((child, depth + 1) for child in item.values())  # type: ignore[attr-defined]
        elif kind is list:
            if depth >= MAX_DEPTH:
                return False
            stack.extend((child, depth + 1) for child in item)  # type: ignore[attr-defined]
        else:
            return False
    return True


def format_number(number: float | int) -> str:
    """Serialise a number as ECMAScript's Number-to-String does (RFC 8785 section 3.2.2.3)."""
    if isinstance(number, int):
        try:
            number = float(number)
        except OverflowError:
            raise BadInput("JCS: integer is too large for an IEEE-754 double") from None
    if math.isnan(number) or math.isinf(number):
        raise BadInput("JCS: NaN and Infinity have no JSON representation")
    if number == 0:
        return "0"  # also covers -0, which ECMAScript prints as "0"
    sign = "-" if number < 0 else ""
    digits, point = _shortest_digits(abs(number))
    return sign + _ecmascript_layout(digits, point)


def _shortest_digits(number: float) -> tuple[str, int]:
    """Split a positive double into (digits, n) with value = 0.digits * 10**n, digits minimal.

    Python's repr gives the shortest digit string that round-trips, which is exactly the digit
    string ECMAScript requires (both pick the closest such string to the exact value).
    """
    mantissa, _, exponent_text = repr(number).partition("e")
    exponent = int(exponent_text) if exponent_text else 0
    integer_part, _, fraction = mantissa.partition(".")
    if fraction == "0":
        fraction = ""
    digits = integer_part + fraction
    point = len(integer_part) + exponent
    stripped = digits.lstrip("0")
    point -= len(digits) - len(stripped)
    return stripped.rstrip("0"), point


def _ecmascript_layout(digits: str, n: int) -> str:
    """Lay out digits d1..dk with decimal exponent n per ECMA-262 Number::toString steps."""
    k = len(digits)
    if k <= n <= 21:
        return digits + "0" * (n - k)
    if 0 < n <= 21:
        return digits[:n] + "." + digits[n:]
    if -6 < n <= 0:
        return "0." + "0" * (-n) + digits
    exponent = n - 1
    exponent_text = ("+" if exponent >= 0 else "-") + str(abs(exponent))
    if k == 1:
        return digits + "e" + exponent_text
    return digits[0] + "." + digits[1:] + "e" + exponent_text


def _write_string(text: str, parts: list[str]) -> None:
    parts.append('"')
    parts.append(text.translate(_ESCAPE_TABLE))
    parts.append('"')


def _utf16_key(name: str) -> bytes:
    # Big-endian UTF-16 bytes compare exactly like sequences of UTF-16 code units.
    return name.encode("utf-16-be", "surrogatepass")


def _write(value: object, parts: list[str], depth: int, exact: bool = False) -> None:
    if depth > MAX_DEPTH:
        raise LimitExceeded(f"JCS: nesting deeper than {MAX_DEPTH} levels")
    if value is None:
        parts.append("null")
    elif value is True:
        parts.append("true")
    elif value is False:
        parts.append("false")
    elif isinstance(value, str):
        _write_string(value, parts)
    elif isinstance(value, (int, float)):
        parts.append(str(value) if exact and isinstance(value, int) else format_number(value))
    elif isinstance(value, (list, tuple)):
        parts.append("[")
        for index, item in enumerate(value):
            if index:
                parts.append(",")
            _write(item, parts, depth + 1, exact)
        parts.append("]")
    elif isinstance(value, dict):
        for key in value:
            if not isinstance(key, str):
                raise BadInput(f"JCS: member name must be a string, not {type(key).__name__}")
        parts.append("{")
        for index, key in enumerate(sorted(value, key=_utf16_key)):
            if index:
                parts.append(",")
            _write_string(key, parts)
            parts.append(":")
            _write(value[key], parts, depth + 1, exact)
        parts.append("}")
    else:
        raise BadInput(f"JCS: {type(value).__name__} is not a JSON value")
