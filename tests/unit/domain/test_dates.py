"""domain.dates: one date vocabulary for the list, the thread and the command line."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from hubdesk.domain.dates import day_label, list_time, when

# Wednesday 12 March 2025, 10:00 local (the tests run with TZ=UTC: see the fixture).
NOW = datetime(2025, 3, 12, 10, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def utc_local_time() -> Iterator[None]:
    if sys.platform == "win32":  # no time.tzset: a process cannot change its local zone
        if datetime.now().astimezone().utcoffset() != timedelta(0):
            pytest.skip("Windows with a local zone other than UTC (no time.tzset to set TZ)")
        yield
        return
    old = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time.tzset()
    yield
    if old is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = old
    time.tzset()


def _ago(days: int, hour: int = 9) -> datetime:
    return (NOW - timedelta(days=days)).replace(hour=hour, minute=5)


@pytest.mark.parametrize(
    ("days", "label", "column", "stamp"),
    [
        (0, "Today", "09:05", "Today 09:05"),
        (1, "Yesterday", "Yesterday", "Yesterday 09:05"),  # the list said "Tue" here
        (2, "Monday", "Mon", "Mon 09:05"),
        (6, "Thursday", "Thu", "Thu 09:05"),
        (7, "5 March 2025", "5 Mar", "5 Mar 09:05"),  # a weekday name never means two days
        (80, "22 December 2024", "22 Dec 2024", "22 Dec 2024 09:05"),
    ],
)
def test_one_vocabulary(days: int, label: str, column: str, stamp: str) -> None:
    moment = _ago(days)
    assert day_label(moment, NOW) == label
    assert list_time(moment, NOW) == column
    assert when(moment, NOW) == stamp


def test_the_list_and_the_thread_agree_on_every_day_of_the_last_week() -> None:
    for days in range(0, 7):
        label, column = day_label(_ago(days), NOW), list_time(_ago(days), NOW)
        if days == 0:
            assert label == "Today" and column == "09:05"
        else:
            assert label.startswith(column) or column == label, (days, label, column)


def test_local_midnight_decides_the_day() -> None:
    just_before = NOW.replace(hour=0, minute=0) - timedelta(seconds=1)
    assert day_label(just_before, NOW) == "Yesterday"
    assert day_label(NOW.replace(hour=0, minute=0), NOW) == "Today"
    assert day_label(NOW + timedelta(days=3), NOW) == "15 March 2025"  # a clock ahead


def test_tomorrow_has_its_word_as_a_scheduled_bubble_says() -> None:
    """A message scheduled for tomorrow 9:00: its bubble said "Scheduled · Tomorrow 09:00"
    under a day separator reading "13 March 2025"; both now say Tomorrow."""
    tomorrow = NOW.replace(hour=9, minute=0) + timedelta(days=1)
    assert day_label(tomorrow, NOW) == "Tomorrow"
    assert when(tomorrow, NOW) == "Tomorrow 09:00"
    assert day_label(NOW + timedelta(days=2), NOW) == "14 March 2025"
