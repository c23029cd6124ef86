"""parse_datetime: ISO 8601 / XSD dateTime and Unix timestamps into aware UTC datetimes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from credwallet.formats.dates import parse_datetime


class TestReads:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("2010-01-01T00:00:00Z", datetime(2010, 1, 1, tzinfo=UTC)),
            ("2022-07-13T20:21:40.088Z", datetime(2022, 7, 13, 20, 21, 40, 88000, tzinfo=UTC)),
            (
                "2017-06-29T14:58:57.461422+00:00",
                datetime(2017, 6, 29, 14, 58, 57, 461422, tzinfo=UTC),
            ),
            ("2016-12-31T23:59:59+02:00", datetime(2016, 12, 31, 21, 59, 59, tzinfo=UTC)),
            ("2016-12-31T23:59:59-0530", datetime(2017, 1, 1, 5, 29, 59, tzinfo=UTC)),
            ("2016-12-31", datetime(2016, 12, 31, tzinfo=UTC)),
            ("2016-12-31T10:00", datetime(2016, 12, 31, 10, tzinfo=UTC)),
            ("2016-12-31T24:00:00Z", datetime(2017, 1, 1, tzinfo=UTC)),
            (
                "2016-12-31T23:59:59.123456789Z",
                datetime(2016, 12, 31, 23, 59, 59, 123456, tzinfo=UTC),
            ),
            (" 2016-12-31t23:59:59z ", datetime(2016, 12, 31, 23, 59, 59, tzinfo=UTC)),
            ("1627921070", datetime(2021, 8, 2, 16, 17, 50, tzinfo=UTC)),
        ],
    )
    def test_formats(self, text: str, expected: datetime) -> None:
        """Each accepted spelling gives the same instant in UTC."""
        result = parse_datetime(text)
        assert result == expected
        assert result is not None and result.utcoffset() == timedelta(0)

    def test_unix_timestamp_number(self) -> None:
        """JWT NumericDate / OB 1.0 timestamps are seconds since the epoch."""
        assert parse_datetime(0) == datetime(1970, 1, 1, tzinfo=UTC)

    @given(st.datetimes(timezones=st.just(UTC)))
    def test_isoformat_round_trip(self, moment: datetime) -> None:
        """Python's own isoformat output reads back to the same instant."""
        assert parse_datetime(moment.isoformat()) == moment


class TestRefuses:
    @pytest.mark.parametrize(
        "value",
        [
            "yesterday",
            "2016-13-01",
            "2016-02-30",
            "2016-12-31T25:00:00Z",
            "2016-12-31T24:00:01Z",
            "2016-12-31T23:59:59+25:00",
            "0000-01-01",
            "9999-12-31T23:59:59-05:00",
            "",
            None,
            True,
            1e300,
            float("nan"),
            ["2016-12-31"],
        ],
    )
    def test_unreadable(self, value: object) -> None:
        """An unreadable or impossible date is None, never an exception."""
        assert parse_datetime(value) is None

    @given(st.text(max_size=40))
    def test_any_text(self, text: str) -> None:
        """Any string gives a UTC datetime or None."""
        result = parse_datetime(text)
        assert result is None or result.tzinfo is UTC
