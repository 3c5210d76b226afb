"""One vocabulary for dates, everywhere a person reads one: "Today", "Yesterday", a
weekday within the last week, a date before that.

The conversation list used to say "Sun" for a message the thread's day separator called
"Yesterday"; both now come from here. Pure functions of the moment and an injected
``now`` (both aware datetimes), in the local time zone of ``now``'s conversion (the
machine's, as ``datetime.astimezone()`` gives it). Weekday and month names follow the
process locale (``strftime``), like every other date HubDesk shows.

* :func:`day_label`: a thread's day separator and the long form — ``Today``,
  ``Yesterday``, ``Monday``, ``12 March 2026``;
* :func:`list_time`: the conversation list's column — ``14:05`` today, then
  ``Yesterday``, ``Mon``, ``3 Mar`` (this year), ``3 Mar 2023``;
* :func:`when`: a moment in a sentence or a table cell — ``Today 14:05``,
  ``Yesterday 09:12``, ``Mon 17:40``, ``3 Mar 09:00``, ``3 Mar 2023 09:00``.

A scheduled message due tomorrow is on a day called ``Tomorrow`` (as its bubble says);
later days are dates.

"Within the last week" means two to six days back (yesterday has its own word): a
message from last Tuesday, read on a Tuesday, shows its date, so a weekday name never
means two days.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

__all__ = ["day_label", "list_time", "local_day", "when"]

_WEEK = 6  # days back (yesterday included) that a weekday name still names uniquely


def local_day(moment: datetime) -> date:
    """The calendar day ``moment`` falls on in local time."""
    return moment.astimezone().date()


def _word(day: date, today: date) -> str | None:
    """``Today`` / ``Yesterday`` / ``Tomorrow`` (a scheduled message) / None."""
    if day == today:
        return "Today"
    if day == today - timedelta(days=1):
        return "Yesterday"
    if day == today + timedelta(days=1):
        return "Tomorrow"
    return None


def _in_week(day: date, today: date) -> bool:
    return today - timedelta(days=_WEEK) <= day < today


def day_label(moment: datetime, now: datetime) -> str:
    """``Today``, ``Yesterday``, ``Monday`` (within the last week), else ``12 March 2026``."""
    day, today = local_day(moment), local_day(now)
    word = _word(day, today)
    if word is not None:
        return word
    if _in_week(day, today):
        return day.strftime("%A")
    return f"{day.day} {day.strftime('%B')} {day.year}"


def _short_day(day: date, today: date) -> str:
    word = _word(day, today)
    if word is not None:
        return word
    if _in_week(day, today):
        return day.strftime("%a")
    if day.year == today.year:
        return f"{day.day} {day.strftime('%b')}"
    return f"{day.day} {day.strftime('%b')} {day.year}"


def list_time(moment: datetime, now: datetime) -> str:
    """The list's column: ``14:05`` today, else ``Yesterday``, ``Mon``, ``3 Mar``,
    ``3 Mar 2023``."""
    local = moment.astimezone()
    day, today = local.date(), local_day(now)
    if day == today:
        return local.strftime("%H:%M")
    return _short_day(day, today)


def when(moment: datetime, now: datetime) -> str:
    """Day and time: ``Today 14:05``, ``Yesterday 09:12``, ``Mon 17:40``, ``3 Mar 09:00``,
    ``3 Mar 2023 09:00``."""
    local = moment.astimezone()
    return f"{_short_day(local.date(), local_day(now))} {local.strftime('%H:%M')}"
