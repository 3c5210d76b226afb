"""How times are stored: integer UTC epoch seconds (sortable, compact, index friendly).

The server's clock has one-second resolution, so nothing is lost for messages; local
times (outbox, call log) are truncated to the second as well, so every column compares
with every other.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


def to_epoch(moment: datetime) -> int:
    """Aware datetime -> epoch seconds. Naive datetimes are refused: they are ambiguous."""
    if moment.tzinfo is None:
        raise ValueError("stored times must be timezone-aware")
    return int(moment.timestamp())


def from_epoch(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)
