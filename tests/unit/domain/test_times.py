"""Server time strings: UTC, ``YYYY-MM-DD HH:MM:SS``."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hubdesk.domain.times import SERVER_TIME_FORMAT, format_server_time, parse_server_time


def test_parse_gives_aware_utc() -> None:
    moment = parse_server_time("2024-03-05 14:07:09")
    assert moment == datetime(2024, 3, 5, 14, 7, 9, tzinfo=UTC)
    assert moment.utcoffset() == timedelta(0)


def test_parse_tolerates_surrounding_whitespace() -> None:
    assert parse_server_time(" 2024-03-05 14:07:09\n") == datetime(2024, 3, 5, 14, 7, 9, tzinfo=UTC)


@pytest.mark.parametrize(
    "text", ["", "2024-03-05", "2024-03-05T14:07:09", "2024-13-05 14:07:09", "yesterday"]
)
def test_parse_refuses_other_shapes_and_names_the_text(text: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_server_time(text)
    assert repr(text) in str(caught.value)


def test_format_converts_to_utc() -> None:
    bst = timezone(timedelta(hours=1))
    assert format_server_time(datetime(2024, 7, 1, 0, 30, tzinfo=bst)) == "2024-06-30 23:30:00"
    assert format_server_time(datetime(2024, 7, 1, 0, 30, 59, 999999, tzinfo=UTC)) == (
        "2024-07-01 00:30:59"
    )


def test_format_refuses_naive_datetimes() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        format_server_time(datetime(2024, 7, 1, 0, 30))


def test_format_constant() -> None:
    assert SERVER_TIME_FORMAT == "%Y-%m-%d %H:%M:%S"


@given(
    st.datetimes(
        min_value=datetime(1970, 1, 2),
        max_value=datetime(9999, 12, 30),
        timezones=st.sampled_from(
            [UTC, timezone(timedelta(hours=-5)), timezone(timedelta(hours=9))]
        ),
    )
)
def test_round_trip_to_the_second(moment: datetime) -> None:
    text = format_server_time(moment)
    back = parse_server_time(text)
    assert back == moment.replace(microsecond=0)
    assert format_server_time(back) == text
