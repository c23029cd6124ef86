"""RFC 8785 JSON Canonicalization Scheme: reference vectors, number formatting, properties."""

from __future__ import annotations

import json
import random
import struct
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from credwallet.errors import BadInput, CredwalletError, LimitExceeded
from credwallet.verify.jcs import (
    MAX_DEPTH,
    _canonicalize_slowly,
    canonicalize,
    canonicalize_with_and_without,
    format_number,
)
from support import EXTERNAL, case_id, cases

JCS_VECTORS = cases("jcs-vector")

# RFC 8785 Appendix B: IEEE-754 bit patterns and the ECMAScript string each must produce.
RFC_NUMBER_SAMPLES = [
    ("0000000000000000", "0"),
    ("8000000000000000", "0"),  # minus zero
    ("0000000000000001", "5e-324"),
    ("8000000000000001", "-5e-324"),
    ("7fefffffffffffff", "1.7976931348623157e+308"),
    ("ffefffffffffffff", "-1.7976931348623157e+308"),
    ("4340000000000000", "9007199254740992"),
    ("c340000000000000", "-9007199254740992"),
    ("4430000000000000", "295147905179352830000"),
    ("44b52d02c7e14af5", "9.999999999999997e+22"),
    ("44b52d02c7e14af6", "1e+23"),
    ("44b52d02c7e14af7", "1.0000000000000001e+23"),
    ("444b1ae4d6e2ef4e", "999999999999999700000"),
    ("444b1ae4d6e2ef4f", "999999999999999900000"),
    ("444b1ae4d6e2ef50", "1e+21"),
    ("3eb0c6f7a0b5ed8c", "9.999999999999997e-7"),
    ("3eb0c6f7a0b5ed8d", "0.000001"),
    ("41b3de4355555553", "333333333.3333332"),
    ("41b3de4355555554", "333333333.33333325"),
    ("41b3de4355555555", "333333333.3333333"),
    ("41b3de4355555556", "333333333.3333334"),
    ("41b3de4355555557", "333333333.33333343"),
    ("becbf647612f3696", "-0.0000033333333333333333"),
    ("43143ff3c1cb0959", "1424953923781206.2"),
]

# Boundaries of ECMAScript's layout rules (Number::toString): where exponent form starts.
LAYOUT_BOUNDARIES = [
    (1e21, "1e+21"),
    (1e20, "100000000000000000000"),
    (123e18, "123000000000000000000"),
    (1.5e21, "1.5e+21"),
    (1e-6, "0.000001"),
    (1e-7, "1e-7"),
    (1.5e-7, "1.5e-7"),
    (0.1, "0.1"),
    (-0.5, "-0.5"),
    (100, "100"),
    (4.5, "4.5"),
    (2**53 + 1, "9007199254740992"),  # an int is read as the double JavaScript would read
]


def _double(hex_bits: str) -> float:
    value: float = struct.unpack(">d", bytes.fromhex(hex_bits))[0]
    return value


def _read(entry: dict[str, Any], key: str) -> Path:
    return EXTERNAL / str(entry[key])


class TestReferenceVectors:
    @pytest.mark.parametrize("entry", JCS_VECTORS, ids=[case_id(e) for e in JCS_VECTORS])
    def test_output_matches_reference_bytes(self, entry: dict[str, Any]) -> None:
        """Each cyberphone input canonicalises to exactly its output file."""
        value = json.loads(_read(entry, "file").read_text("utf-8"))
        assert canonicalize(value) == _read(entry, "expected_result").read_bytes()

    @pytest.mark.parametrize("entry", JCS_VECTORS, ids=[case_id(e) for e in JCS_VECTORS])
    def test_output_matches_reference_hex(self, entry: dict[str, Any]) -> None:
        """Each cyberphone input canonicalises to exactly the bytes its outhex file lists."""
        value = json.loads(_read(entry, "file").read_text("utf-8"))
        expected = bytes.fromhex(_read(entry, "expected_hex").read_text("ascii"))
        assert canonicalize(value) == expected

    def test_every_reference_vector_is_exercised(self) -> None:
        """The manifest lists all six cyberphone inputs, so none is silently skipped."""
        names = {Path(e["file"]).name for e in JCS_VECTORS}
        on_disk = {p.name for p in (EXTERNAL / "cyberphone-jcs" / "input").iterdir()}
        assert names == on_disk and len(names) == 6

    @pytest.mark.parametrize(
        ("document", "expected"),
        [
            ("w3c-vc-di-eddsa/TestVectors/unsigned.json", "eddsa-jcs-2022/canonDocJCS.txt"),
            (
                "w3c-vc-di-eddsa/TestVectors/eddsa-jcs-2022/proofConfigJCS.json",
                "eddsa-jcs-2022/proofCanonJCS.txt",
            ),
        ],
    )
    def test_vc_di_eddsa_jcs_intermediates(self, document: str, expected: str) -> None:
        """The eddsa-jcs-2022 vector's canonical document and proof config are reproduced."""
        value = json.loads((EXTERNAL / document).read_text("utf-8"))
        target = EXTERNAL / "w3c-vc-di-eddsa" / "TestVectors" / expected
        assert canonicalize(value) == target.read_bytes()


class TestNumbers:
    @pytest.mark.parametrize(("bits", "expected"), RFC_NUMBER_SAMPLES)
    def test_rfc_appendix_samples(self, bits: str, expected: str) -> None:
        """Every number sample of RFC 8785 Appendix B is written as the RFC says."""
        assert format_number(_double(bits)) == expected

    @pytest.mark.parametrize(("number", "expected"), LAYOUT_BOUNDARIES)
    def test_layout_boundaries(self, number: float, expected: str) -> None:
        """Numbers at the plain/exponent boundaries follow ECMAScript's layout."""
        assert format_number(number) == expected

    @pytest.mark.parametrize("bits", ["7fffffffffffffff", "7ff0000000000000", "fff0000000000000"])
    def test_nan_and_infinity_rejected(self, bits: str) -> None:
        """NaN and the infinities have no JSON form and are refused."""
        with pytest.raises(BadInput):
            canonicalize([_double(bits)])

    def test_huge_integer_rejected(self) -> None:
        """An integer beyond the double range is refused, not silently turned to Infinity."""
        with pytest.raises(BadInput):
            canonicalize(10**400)

    def test_booleans_are_not_numbers(self) -> None:
        """True and False are written as literals even though Python counts them as ints."""
        assert canonicalize([True, False, 1, 0]) == b"[true,false,1,0]"

    @given(st.floats(allow_nan=False, allow_infinity=False))
    def test_numbers_round_trip(self, number: float) -> None:
        """Any finite double is written with digits that read back as the same double."""
        assert float(format_number(number)) == number


class TestStringsAndKeys:
    def test_keys_sorted_by_utf16_code_units(self) -> None:
        """Member names sort by UTF-16 code units (RFC 8785 section 3.2.3 example)."""
        names = ["\u20ac", "\r", "\ufb33", "1", "\U0001f600", "\u0080", "\u00f6"]
        output = canonicalize({name: i for i, name in enumerate(names)}).decode("utf-8")
        order = [json.loads("{" + part + "}") for part in output[1:-1].split(",")]
        assert [next(iter(d)) for d in order] == [
            "\r",
            "1",
            "\u0080",
            "\u00f6",
            "\u20ac",
            "\U0001f600",
            "\ufb33",
        ]

    def test_control_characters_escaped(self) -> None:
        """C0 controls use the short escapes where JSON has them and \\u00xx otherwise."""
        assert canonicalize("\b\t\n\f\r\x00\x1f") == b'"\\b\\t\\n\\f\\r\\u0000\\u001f"'

    def test_other_characters_written_as_themselves(self) -> None:
        """Slash, DEL, non-ASCII and U+2028 are not escaped; quote and backslash are."""
        text = '/\x7f\u2028é"\\'
        assert canonicalize(text) == ('"/\x7f\u2028é\\"\\\\"').encode()

    def test_lone_surrogate_rejected(self) -> None:
        """A string with an unpaired surrogate is not Unicode text and is refused."""
        with pytest.raises(BadInput):
            canonicalize({"a": "\ud800"})

    def test_non_string_key_rejected(self) -> None:
        """An object member name that is not a string is refused."""
        with pytest.raises(BadInput):
            canonicalize({1: "one"})

    @pytest.mark.parametrize("value", [{1, 2}, b"bytes", object(), 1j])
    def test_non_json_types_rejected(self, value: object) -> None:
        """Values JSON cannot represent are refused with BadInput."""
        with pytest.raises(BadInput):
            canonicalize({"value": value})

    def test_deep_nesting_refused(self) -> None:
        """Nesting beyond MAX_DEPTH raises LimitExceeded instead of overflowing the stack."""
        value: object = []
        for _ in range(MAX_DEPTH + 5):
            value = [value]
        with pytest.raises(LimitExceeded):
            canonicalize(value)


json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**53), max_value=2**53)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text()
)
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=8), children, max_size=5)
    ),
    max_leaves=25,
)


def _reorder(value: Any, rng: random.Random) -> Any:
    """The same JSON value with every object's members in a shuffled insertion order."""
    if isinstance(value, dict):
        keys = list(value)
        rng.shuffle(keys)
        return {key: _reorder(value[key], rng) for key in keys}
    if isinstance(value, list):
        return [_reorder(item, rng) for item in value]
    return value


def _json_equal(left: Any, right: Any) -> bool:
    if isinstance(left, dict) and isinstance(right, dict):
        return left.keys() == right.keys() and all(_json_equal(left[k], right[k]) for k in left)
    if isinstance(left, list) and isinstance(right, list):
        return len(left) == len(right) and all(map(_json_equal, left, right))
    if isinstance(left, (int, float)) and not isinstance(left, bool):
        # Compared as doubles: ECMAScript may write trailing zeros past 17 significant digits.
        return isinstance(right, (int, float)) and float(left) == float(right)
    return bool(left == right) and type(left) is type(right)


class TestProperties:
    @given(json_values)
    def test_idempotent(self, value: Any) -> None:
        """Canonicalising the parsed canonical form gives the same bytes."""
        once = canonicalize(value)
        assert canonicalize(json.loads(once)) == once

    @given(json_values)
    def test_output_is_json_of_the_same_value(self, value: Any) -> None:
        """The canonical bytes parse back to a value equal to the input."""
        assert _json_equal(json.loads(canonicalize(value)), value)

    @given(json_values, st.randoms(use_true_random=False))
    def test_member_order_does_not_matter(self, value: Any, rng: random.Random) -> None:
        """Objects with the same members in another order canonicalise identically."""
        assert canonicalize(_reorder(value, rng)) == canonicalize(value)

    @given(json_values, st.sampled_from([None, 0, 2, "\t"]), st.booleans())
    def test_whitespace_does_not_matter(
        self, value: Any, indent: int | str | None, ascii_only: bool
    ) -> None:
        """However the JSON text was laid out or escaped, the canonical form is the same."""
        text = json.dumps(value, indent=indent, ensure_ascii=ascii_only)
        assert canonicalize(json.loads(text)) == canonicalize(value)

    @given(
        st.recursive(
            json_scalars | st.integers() | st.text(st.characters(codec="utf-16")),
            lambda children: (
                st.lists(children, max_size=5)
                | st.dictionaries(st.text(max_size=4), children, max_size=5)
            ),
            max_leaves=25,
        )
    )
    def test_fast_path_gives_the_writers_bytes(self, value: Any) -> None:
        """The C-encoder fast path and the RFC 8785 writer agree, byte for byte or error."""
        try:
            expected: bytes | type[Exception] = _canonicalize_slowly(value)
        except CredwalletError as exc:
            expected = type(exc)
        try:
            got: bytes | type[Exception] = canonicalize(value)
        except CredwalletError as exc:
            got = type(exc)
        assert got == expected

    def test_fast_path_edge_cases_match_the_writer(self) -> None:
        """Astral member names (UTF-16 order), big integers, integral floats, DEL, U+2028."""
        for value in (
            {"\ue000": 1, "\U0001f600": 2, "a": [2**53, -(2**53), 2**53 + 1]},
            {"x": [1.0, 1e21, 5e-7, '\x7f\u2028\x00\x1f"\\']},
        ):
            assert canonicalize(value) == _canonicalize_slowly(value)

    @given(
        st.dictionaries(
            st.sampled_from(["proof", "id", "\U0001f600", "a\ud800"]) | st.text(max_size=4),
            st.recursive(
                json_scalars | st.integers() | st.floats() | st.text(st.characters(codec="utf-16")),
                lambda children: (
                    st.lists(children, max_size=4)
                    | st.dictionaries(st.text(max_size=4), children, max_size=4)
                ),
                max_leaves=15,
            ),
            max_size=6,
        )
    )
    def test_with_and_without_a_member_gives_both_forms(self, value: dict[str, Any]) -> None:
        """The object's canonical form and that of the object without one member, as two
        calls give them (astral and lone-surrogate names, floats, big integers), or an error
        where the whole has one."""
        try:
            expected: Any = canonicalize(value)
        except CredwalletError:
            with pytest.raises(CredwalletError):
                canonicalize_with_and_without(value, "proof")
            return
        rest = {k: v for k, v in value.items() if k != "proof"}
        assert canonicalize_with_and_without(value, "proof") == (expected, canonicalize(rest))

    @settings(max_examples=200)
    @given(
        st.recursive(
            json_scalars | st.floats() | st.binary(max_size=3) | st.sets(st.integers(), max_size=2),
            lambda children: (
                st.lists(children, max_size=3)
                | st.dictionaries(st.text(max_size=3) | st.integers(), children, max_size=3)
            ),
            max_leaves=10,
        )
    )
    def test_any_input_gives_bytes_or_credwallet_error(self, value: Any) -> None:
        """Arbitrary Python values produce canonical bytes or a CredwalletError, nothing else."""
        try:
            result = canonicalize(value)
        except CredwalletError:
            return
        assert isinstance(result, bytes)
