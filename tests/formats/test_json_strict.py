"""loads_strict: the JSON reader every format goes through."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from credwallet.errors import BadInput, LimitExceeded
from credwallet.formats.jsonutil import loads_strict

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)


class TestAccepts:
    def test_plain_document(self) -> None:
        """An ordinary object decodes to the same value json would give."""
        assert loads_strict(b'{"a": [1, 2.5, "x", null, true]}') == {"a": [1, 2.5, "x", None, True]}

    def test_utf8_bom_is_ignored(self) -> None:
        """A UTF-8 byte order mark (added by some editors) is skipped."""
        assert loads_strict(b'\xef\xbb\xbf{"a": 1}') == {"a": 1}

    def test_brackets_inside_strings_do_not_count_as_depth(self) -> None:
        """Brackets in string values are text, not nesting."""
        text = '{"a": "' + "[" * 1000 + '"}'
        assert loads_strict(text) == {"a": "[" * 1000}

    def test_depth_at_the_limit(self) -> None:
        """Nesting exactly at max_depth is accepted."""
        assert loads_strict("[" * 10 + "]" * 10, max_depth=10) is not None

    def test_paired_surrogate_escape(self) -> None:
        """A correctly paired surrogate escape decodes to the astral character."""
        assert loads_strict(b'"\\ud83d\\ude00"') == "\U0001f600"

    @given(json_values)
    def test_round_trip(self, value: object) -> None:
        """Anything json.dumps writes (without duplicates or non-finite numbers) reads back."""
        import json

        assert loads_strict(json.dumps(value)) == value


class TestRefuses:
    @pytest.mark.parametrize(
        ("data", "fragment"),
        [
            (b"", "empty"),
            (b"   \n", "empty"),
            (b'{"a":\n  [1,', "truncated JSON at line 2 column 6"),
            (b'{"a": 1} x', "line 1 column 10"),
            (b"NaN", "NaN"),
            (b"[Infinity]", "Infinity"),
            (b"[-Infinity]", "-Infinity"),
            (b"1e999", "out of range"),
            (b'{"a": 1, "a": 2}', "duplicate key 'a'"),
            (b'{"a": "\xff"}', "not valid UTF-8 (byte 0xff at offset 7)"),
            (b"\xff\xfe{\x00}\x00", "UTF-16"),
            (b'"\\udc00"', "surrogate"),
            (b'{"k\\ud800": 1}', "surrogate"),
        ],
    )
    def test_bad_json(self, data: bytes, fragment: str) -> None:
        """Malformed or ambiguous JSON is a one-line BadInput naming the problem."""
        with pytest.raises(BadInput) as caught:
            loads_strict(data)
        assert fragment in str(caught.value)
        assert "\n" not in str(caught.value)

    def test_deep_arrays(self) -> None:
        """200,000 nested arrays are refused with LimitExceeded, not RecursionError."""
        with pytest.raises(LimitExceeded, match="nested deeper"):
            loads_strict(b"[" * 200_000 + b"]" * 200_000)

    def test_deep_unclosed_arrays(self) -> None:
        """200,000 unclosed arrays are refused before json recurses into them."""
        with pytest.raises(LimitExceeded):
            loads_strict(b"[" * 200_000)

    def test_deep_objects(self) -> None:
        """Deeply nested objects are refused like arrays."""
        with pytest.raises(LimitExceeded):
            loads_strict('{"a":' * 100 + "1" + "}" * 100)

    def test_one_past_the_limit(self) -> None:
        """One level over max_depth is refused."""
        with pytest.raises(LimitExceeded):
            loads_strict("[" * 11 + "]" * 11, max_depth=10)

    def test_huge_integer(self) -> None:
        """A 100,000-digit number is a LimitExceeded, not a ValueError."""
        with pytest.raises(LimitExceeded, match="digits"):
            loads_strict(b"1" * 100_000)

    def test_huge_float(self) -> None:
        """A float literal with 100,000 digits is refused too."""
        with pytest.raises(LimitExceeded):
            loads_strict(b"0." + b"1" * 100_000)

    def test_over_max_bytes(self) -> None:
        """Input larger than max_bytes is refused before decoding."""
        with pytest.raises(LimitExceeded):
            loads_strict(b"[1]" * 100, max_bytes=50)

    def test_unterminated_escaped_quotes(self) -> None:
        """An unterminated string full of escaped quotes fails cleanly (no quadratic scan)."""
        with pytest.raises(BadInput):
            loads_strict(b'"' + b'\\"' * 200_000)

    @given(st.binary(max_size=200))
    def test_any_bytes(self, data: bytes) -> None:
        """Any bytes decode or raise BadInput; nothing else escapes."""
        with contextlib.suppress(BadInput):
            loads_strict(data)
