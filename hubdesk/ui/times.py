"""How times read in lists and bubbles (local time, relative to an injectable "now")."""

from __future__ import annotations

from datetime import date, datetime, timedelta


def format_list_time(moment: datetime, now: datetime) -> str:
    """Local time as a list shows it: today ``14:05``, this week ``Tue``, else a date."""
    local = moment.astimezone()
    today = now.astimezone().date()
    day = local.date()
    if day == today:
        return local.strftime("%H:%M")
    if today - timedelta(days=6) <= day < today:
        return local.strftime("%a")
    if day.year == today.year:
        return f"{day.day} {local.strftime('%b')}"
    return local.strftime("%d/%m/%Y")


def format_bubble_time(moment: datetime, now: datetime) -> str:
    """``14:05`` today; ``Tue 14:05`` this week; ``3 Mar 14:05`` or ``03/03/2023 14:05``."""
    day_text = format_list_time(moment, now)
    clock = moment.astimezone().strftime("%H:%M")
    return clock if day_text == clock else f"{day_text} {clock}"


def local_day(moment: datetime) -> date:
    """The calendar day ``moment`` falls on in local time."""
    return moment.astimezone().date()


def format_day_label(moment: datetime, now: datetime) -> str:
    """A thread's day separator: ``Today``, ``Yesterday``, ``Monday`` (within the week),
    else ``12 March 2026``; all in local time."""
    day = local_day(moment)
    today = local_day(now)
    if day == today:
        return "Today"
    if day == today - timedelta(days=1):
        return "Yesterday"
    if today - timedelta(days=6) <= day < today:
        return day.strftime("%A")
    return f"{day.day} {day.strftime('%B')} {day.year}"
