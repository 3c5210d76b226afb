"""The times "Send later…" offers, and how a scheduled time reads (pure, no widgets).

Quick picks are wall-clock times in the computer's zone ("tomorrow 9:00" is 9:00 here),
returned as aware UTC datetimes, the form a not-before time is stored in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

__all__ = ["QuickPick", "at_local", "quick_picks", "scheduled_label", "scheduled_phrase"]

MORNING = time(9, 0)


@dataclass(frozen=True, slots=True)
class QuickPick:
    """One entry of the Send later menu: its label and the moment it names from ``now``."""

    label: str
    when: Callable[[datetime], datetime]


def at_local(day: date, moment: time) -> datetime:
    """``day`` at ``moment`` on this computer's clock, as aware UTC."""
    return datetime.combine(day, moment).astimezone().astimezone(UTC)


def in_one_hour(now: datetime) -> datetime:
    """An hour from ``now``, to the minute."""
    return (now + timedelta(hours=1)).replace(second=0, microsecond=0).astimezone(UTC)


def tomorrow_morning(now: datetime) -> datetime:
    return at_local(now.astimezone().date() + timedelta(days=1), MORNING)


def next_monday_morning(now: datetime) -> datetime:
    """Monday 9:00 after today (a week on when today is Monday)."""
    today = now.astimezone().date()
    return at_local(today + timedelta(days=7 - today.weekday()), MORNING)


def quick_picks() -> tuple[QuickPick, ...]:
    return (
        QuickPick("In 1 hour", in_one_hour),
        QuickPick("Tomorrow 9:00", tomorrow_morning),
        QuickPick("Next Monday 9:00", next_monday_morning),
    )


def scheduled_label(when: datetime, now: datetime) -> str:
    """``Today 09:00``, ``Tomorrow 09:00``, ``Tue 09:00`` within the week (or the week
    just gone, for an overdue one), ``12 Mar 09:00`` further, in local time."""
    local = when.astimezone()
    days = (local.date() - now.astimezone().date()).days
    if days in (0, 1):
        return f"{'Today' if days == 0 else 'Tomorrow'} {local.strftime('%H:%M')}"
    if -6 <= days < 7:
        return local.strftime("%a %H:%M")
    if local.year == now.astimezone().year:
        return f"{local.day} {local.strftime('%b %H:%M')}"
    return f"{local.day} {local.strftime('%b %Y %H:%M')}"


def scheduled_phrase(when: datetime, now: datetime) -> str:
    """``scheduled_label`` inside a sentence: ``today 09:00``, ``tomorrow 09:00``
    (a toast read "Scheduled for Today 16:48.")."""
    label = scheduled_label(when, now)
    if label.startswith(("Today ", "Tomorrow ")):
        return label[0].lower() + label[1:]
    return label
