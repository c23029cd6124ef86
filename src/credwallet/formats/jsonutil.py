"""Strict JSON decoding for untrusted input.

``json.loads`` alone accepts NaN and Infinity, silently keeps the last of duplicate keys, turns a
100,000-digit literal into a huge int (or raises ValueError), and recurses in C until it raises
RecursionError on deeply nested arrays. :func:`loads_strict` refuses all of these with a
:class:`~credwallet.errors.BadInput` (or :class:`~credwallet.errors.LimitExceeded`) whose message
names the problem and where it is.
"""

from __future__ import annotations

import array
import itertools
import json
import math
import re
from typing import Any

from credwallet.errors import BadInput, LimitExceeded
from credwallet.formats.limits import (
    MAX_INPUT_BYTES,
    MAX_JSON_CONTAINERS,
    MAX_JSON_DEPTH,
    MAX_NUMBER_CHARS,
)

__all__ = ["loads_strict"]

_UTF8_BOM = b"\xef\xbb\xbf"
# A JSON string literal, matched possessively; an unterminated one runs to the end of the text so
# that the scan never restarts inside it (which would make it quadratic).
_STRING = re.compile(r'"(?:[^"\\]++|\\.)*+(?:"|\Z)', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]++")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
# Bracket -> signed step: "[" and "{" are +1, "]" and "}" are -1 (0xff as a signed byte).
_STEP = bytes.maketrans(b"[{]}", b"\x01\x01\xff\xff")


def loads_strict(
    data: bytes | str,
    *,
    max_depth: int = MAX_JSON_DEPTH,
    max_bytes: int = MAX_INPUT_BYTES,
) -> Any:
    """Decode one JSON text, refusing anything ambiguous, non-finite or over a limit."""
    if len(data) > max_bytes:
        raise LimitExceeded(f"JSON input of {len(data)} bytes exceeds the {max_bytes}-byte limit")
    text = _decode_text(data) if isinstance(data, bytes) else data
    if not text.strip():
        raise BadInput("empty JSON input")
    _check_depth(text, max_depth)
    try:
        value = json.loads(
            text,
            object_pairs_hook=_object_without_duplicates,
            parse_int=_parse_int,
            parse_float=_parse_float,
            parse_constant=_refuse_constant,
        )
    except json.JSONDecodeError as exc:
        raise BadInput(_describe_decode_error(exc)) from None
    except RecursionError:  # belt and braces: _check_depth should already have refused it
        raise LimitExceeded(f"JSON nested deeper than {max_depth} levels") from None
    if _SURROGATE_ESCAPE.search(text):
        _refuse_lone_surrogates(value)
    return value


def _decode_text(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise BadInput("JSON is UTF-16 or UTF-32 encoded; only UTF-8 is accepted")
    # RFC 8259 lets a parser ignore a UTF-8 byte order mark; editors on Windows add one.
    if data.startswith(_UTF8_BOM):
        data = data[len(_UTF8_BOM) :]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadInput(
            f"JSON is not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})"
        ) from None


def _check_depth(text: str, max_depth: int) -> None:
    """Refuse nesting deeper than ``max_depth`` before json.loads recurses into it.

    One pass at C speed: strings are removed (brackets inside them do not nest), every opener
    becomes +1 and every closer -1, and the highest running sum is the depth. Where brackets do
    not match, json.loads stops at the first mismatch, so the running sum is never below the
    depth it would reach.
    """
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text))
    if not brackets:
        return
    # Building millions of tiny lists costs seconds in json.loads; real inputs hold far fewer.
    containers = brackets.count("[") + brackets.count("{")
    if containers > MAX_JSON_CONTAINERS:
        raise LimitExceeded(
            f"JSON holds {containers:,} arrays and objects; at most {MAX_JSON_CONTAINERS:,}"
        )
    steps = array.array("b", brackets.encode("ascii").translate(_STEP))
    if max(itertools.accumulate(steps)) > max_depth:
        raise LimitExceeded(f"JSON nested deeper than {max_depth} levels")


def _object_without_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise BadInput(f"JSON object has a duplicate key {key!r}")
        result[key] = value
    return result


def _parse_int(literal: str) -> int:
    if len(literal) > MAX_NUMBER_CHARS:
        raise LimitExceeded(f"JSON number with {len(literal)} digits exceeds {MAX_NUMBER_CHARS}")
    return int(literal)


def _parse_float(literal: str) -> float:
    if len(literal) > MAX_NUMBER_CHARS:
        raise LimitExceeded(f"JSON number of {len(literal)} characters exceeds {MAX_NUMBER_CHARS}")
    value = float(literal)
    if not math.isfinite(value):
        raise BadInput(f"JSON number {literal[:40]} is out of range")
    return value


def _refuse_constant(name: str) -> Any:
    raise BadInput(f"JSON contains {name}, which is not valid JSON")


def _describe_decode_error(exc: json.JSONDecodeError) -> str:
    if not exc.doc[exc.pos :].strip():
        return f"truncated JSON at line {exc.lineno} column {exc.colno}"
    if exc.msg.startswith("Unterminated string"):  # the closing quote was never found
        return f"truncated JSON: string at line {exc.lineno} column {exc.colno} never ends"
    return f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"


def _refuse_lone_surrogates(value: Any) -> None:
    """A \\ud800-style escape without its pair decodes to a str that cannot be stored as UTF-8."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            _ensure_encodable(item)
        elif isinstance(item, dict):
            for key, child in item.items():
                _ensure_encodable(key)
                pending.append(child)
        elif isinstance(item, list):
            pending.extend(item)


def _ensure_encodable(text: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise BadInput("JSON string contains an unpaired UTF-16 surrogate escape") from None
