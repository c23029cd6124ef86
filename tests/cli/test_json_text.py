"""The fast indented JSON writer gives exactly json.dumps(indent=2, ensure_ascii=False)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from enum import IntEnum, StrEnum
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from credwallet.cli._json_text import dumps_indented
from credwallet.cli._output import _json_default


class Colour(StrEnum):
    RED = "red"


class Level(IntEnum):
    HIGH = 3


def _reference(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, default=_json_default)


scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text()
    | st.sampled_from([Colour.RED, Level.HIGH])
    | st.datetimes(timezones=st.just(UTC))
    | st.binary(max_size=4)
)
keys = st.text(max_size=5) | st.integers() | st.booleans() | st.none() | st.floats()
values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4)
        | st.lists(children, max_size=3).map(tuple)
        | st.dictionaries(keys, children, max_size=4)
    ),
    max_leaves=30,
)


@given(values)
def test_same_text_as_json_dumps(value: Any) -> None:
    assert dumps_indented(value, _json_default) == _reference(value)


def test_edge_values() -> None:
    value = {
        "empty": [{}, [], ()],
        "special": [float("nan"), float("inf"), -float("inf"), -0.0],
        "text": 'é\u2028\x01"\\',
        1: True,
        2.5: None,
        None: False,
        "when": datetime(2026, 1, 1, tzinfo=UTC),
    }
    assert dumps_indented(value, _json_default) == _reference(value)


def test_unserialisable_still_raises() -> None:
    with pytest.raises(TypeError):
        dumps_indented({"x": object()}, _json_default)
    with pytest.raises(TypeError):
        dumps_indented({(1, 2): 1}, _json_default)
