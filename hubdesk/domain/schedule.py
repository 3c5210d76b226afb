"""When a scheduled message should go: reading what people type, in their local time.

Two spellings are accepted (``hubdesk-cli send --at WHEN``, and anything else that
takes a typed time):

* ``YYYY-MM-DD HH:MM`` (or with a ``T``, or with seconds): the computer's local time.
  A time that does not exist locally (the hour skipped when the clocks go forward) and
  one that happens twice (the hour repeated when they go back) are refused with the
  reason: the second needs its offset to say which one is meant.
* ISO 8601 with an offset: ``2025-12-07T09:00+00:00``, ``2025-12-07 09:00Z``,
  ``2025-06-01T09:00:00+01:00``.

The result is an aware UTC datetime, the form a not-before time is stored in. A time
before ``now`` is refused, and so is one more than ``MAX_AHEAD`` ahead (a typo such as
2052 is far likelier than a message meant for then).

A scheduled message goes out when its time comes, while a HubDesk process runs. One
found more than ``OVERDUE_AFTER`` late (the computer was off or asleep) is not sent
without asking: ``is_overdue`` says so, and the outbox holds it as overdue.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, tzinfo
from typing import NoReturn

__all__ = ["MAX_AHEAD", "OVERDUE_AFTER", "ScheduleError", "is_overdue", "parse_send_time"]

#: The furthest ahead a message may be scheduled.
MAX_AHEAD = timedelta(days=366)
#: A scheduled message not sent this long after its time is held for the user to decide.
OVERDUE_AFTER = timedelta(hours=1)

_SHAPE = re.compile(
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?"  # date and time
    r"(Z|[+-]\d{2}(:?\d{2})?)?",  # an optional offset
    re.IGNORECASE,
)
_EXAMPLE = '"2025-12-07 09:00" (local time) or "2025-12-07T09:00+00:00"'


class ScheduleError(ValueError):
    """A send time that cannot be used; ``str(e)`` says why, for a person."""


def parse_send_time(text: str, now: datetime, tz: tzinfo | None = None) -> datetime:
    """The moment ``text`` names, as an aware UTC datetime.

    ``now`` (aware) is the present; ``tz`` is the local zone for a time written without
    an offset (None: the computer's own, as ``datetime.astimezone`` sees it).
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    written = " ".join(text.split())
    if not _SHAPE.fullmatch(written):
        raise ScheduleError(f"expected a date and time such as {_EXAMPLE}, got {text!r}")
    try:
        moment = datetime.fromisoformat(written.upper().replace("Z", "+00:00"))
    except ValueError:
        raise ScheduleError(f"{text!r} is not a real date and time") from None
    if abs(moment.year - now.year) > 1:  # also keeps years 1 and 9999 from overflowing
        _refuse_distant(written, ahead=moment.year > now.year)
    if moment.tzinfo is None:
        moment = _local(moment, tz, written)
    when = moment.astimezone(UTC)
    if when < now or when - now > MAX_AHEAD:
        _refuse_distant(written, ahead=when > now)
    return when


def _refuse_distant(written: str, *, ahead: bool) -> NoReturn:
    if ahead:
        raise ScheduleError(f"{written} is more than a year ahead; check the year")
    raise ScheduleError(f"{written} is in the past; give a time from now on")


def is_overdue(not_before: datetime, now: datetime) -> bool:
    """Whether a message meant for ``not_before`` is too late to send without asking."""
    return now - not_before > OVERDUE_AFTER


def _local(naive: datetime, tz: tzinfo | None, written: str) -> datetime:
    """``naive`` read as a wall-clock time in ``tz`` (None: the system's local zone)."""
    readings = [_attach(naive.replace(fold=fold), tz) for fold in (0, 1)]
    real = [r for r in readings if _wall(r, tz) == naive]
    if not real:
        raise ScheduleError(
            f"{written} does not exist in local time (the clocks go forward then); "
            "choose another time"
        )
    if len({r.astimezone(UTC) for r in real}) > 1:
        offsets = " or ".join(_offset(r) for r in real)
        raise ScheduleError(
            f"{written} happens twice in local time (the clocks go back then); add the "
            f"offset to say which: {offsets}"
        )
    return real[0]


def _attach(naive: datetime, tz: tzinfo | None) -> datetime:
    if tz is None:
        return naive.astimezone()  # the system zone, honouring ``fold``
    return naive.replace(tzinfo=tz)


def _wall(moment: datetime, tz: tzinfo | None) -> datetime:
    """The local wall-clock reading of an aware moment (naive, fold cleared)."""
    utc = moment.astimezone(UTC)
    local = utc.astimezone() if tz is None else utc.astimezone(tz)
    return local.replace(tzinfo=None, fold=0)


def _offset(moment: datetime) -> str:
    stamp = moment.isoformat(timespec="minutes")
    return stamp[:10] + "T" + stamp[11:]
