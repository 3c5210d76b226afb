"""parse_send_time: what --at WHEN accepts, in local time or with an offset."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from hubdesk.domain.schedule import ScheduleError, parse_send_time

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "utc"),
    [
        ("2025-06-01 09:00", datetime(2025, 6, 1, 8, 0, tzinfo=UTC)),  # BST: UTC+1
        ("2025-03-02 09:00", datetime(2025, 3, 2, 9, 0, tzinfo=UTC)),  # GMT
        ("2025-06-01T09:00", datetime(2025, 6, 1, 8, 0, tzinfo=UTC)),
        ("  2025-06-01   09:00:30 ", datetime(2025, 6, 1, 8, 0, 30, tzinfo=UTC)),
        ("2025-06-01T09:00Z", datetime(2025, 6, 1, 9, 0, tzinfo=UTC)),
        ("2025-06-01 09:00z", datetime(2025, 6, 1, 9, 0, tzinfo=UTC)),
        ("2025-06-01T09:00+02:00", datetime(2025, 6, 1, 7, 0, tzinfo=UTC)),
        ("2025-06-01T09:00:00-0500", datetime(2025, 6, 1, 14, 0, tzinfo=UTC)),
        ("2025-10-26T01:30+01:00", datetime(2025, 10, 26, 0, 30, tzinfo=UTC)),
        ("2025-10-26T01:30+00:00", datetime(2025, 10, 26, 1, 30, tzinfo=UTC)),
    ],
)
def test_local_and_offset_times_become_utc(text: str, utc: datetime) -> None:
    when = parse_send_time(text, NOW, LONDON)
    assert when == utc and when.tzinfo is UTC


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("tomorrow 9am", "expected a date and time such as"),
        ("2025-06-01", "expected a date and time"),
        ("2025-06-01 9:00", "expected a date and time"),
        ("01/06/2025 09:00", "expected a date and time"),
        ("2025-02-30 10:00", "is not a real date and time"),
        ("2025-06-01 25:00", "is not a real date and time"),
        ("2025-02-28 10:00", "is in the past"),
        ("2025-03-01 11:59", "is in the past"),
        ("2025-03-01T12:30+01:00", "is in the past"),
        ("2026-03-03 10:00", "more than a year ahead"),
        ("2025-03-30 01:30", "does not exist in local time (the clocks go forward then)"),
        ("2025-10-26 01:30", "happens twice in local time"),
        # The ends of the calendar: an internal error (OverflowError) before.
        ("9999-12-31 23:59", "more than a year ahead"),
        ("9999-12-31T23:59-05:00", "more than a year ahead"),
        ("0001-01-01 00:00", "is in the past"),
        ("0001-01-01T00:00+05:00", "is in the past"),
    ],
)
def test_bad_times_are_refused_with_the_reason(text: str, words: str) -> None:
    with pytest.raises(ScheduleError) as caught:
        parse_send_time(text, NOW, LONDON)
    assert words in str(caught.value)


def test_an_ambiguous_time_says_which_offsets_to_choose_from() -> None:
    with pytest.raises(ScheduleError) as caught:
        parse_send_time("2025-10-26 01:30", NOW, LONDON)
    assert "2025-10-26T01:30+01:00 or 2025-10-26T01:30+00:00" in str(caught.value)


def test_now_itself_is_accepted_and_now_must_be_aware() -> None:
    assert parse_send_time("2025-03-01 12:00", NOW, LONDON) == NOW
    with pytest.raises(ValueError, match="aware"):
        parse_send_time("2025-06-01 09:00", NOW.replace(tzinfo=None), LONDON)


@pytest.mark.skipif(sys.platform == "win32", reason="TZ takes POSIX zone names")
def test_without_a_zone_the_computers_own_is_used() -> None:
    code = (
        "from datetime import datetime, UTC\n"
        "from hubdesk.domain.schedule import parse_send_time, ScheduleError\n"
        "now = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)\n"
        "print(parse_send_time('2025-06-01 09:00', now).isoformat())\n"
        "for text in ('2025-03-30 01:30', '2025-10-26 01:30'):\n"
        "    try:\n"
        "        parse_send_time(text, now)\n"
        "    except ScheduleError as exc:\n"
        "        print(str(exc).split(' (')[0])\n"
    )
    env = {**os.environ, "TZ": "Europe/London"}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    ).stdout.splitlines()
    assert out == [
        "2025-06-01T08:00:00+00:00",
        "2025-03-30 01:30 does not exist in local time",
        "2025-10-26 01:30 happens twice in local time",
    ]
