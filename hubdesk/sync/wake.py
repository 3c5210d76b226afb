"""Noticing that the computer slept: a short pause that took far longer by the wall
clock than asked means the process was suspended (asleep, or the laptop lid closed).

``watch_wake`` pauses ``period`` seconds at a time and calls ``on_wake`` after a pause
whose wall-clock length exceeds ``period + gap``. asyncio measures its pauses with the
monotonic clock, which on Linux and macOS stops while the computer sleeps and on Windows
does not; either way the pause ends soon after the wake, while the wall clock has moved
on by the whole sleep. A clock set forward by hand looks the same, and costs one extra
poll and outbox pass.

The app's ``Runtime.wake`` then polls and flushes the outbox at once: scheduled messages
that came due during the sleep go out (those more than an hour late become overdue).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

from hubdesk.sync.health import Sleep, pause

__all__ = ["WAKE_GAP", "WAKE_PERIOD", "watch_wake"]

WAKE_PERIOD = 5.0  # seconds between looks at the wall clock
WAKE_GAP = 30.0  # wall-clock seconds beyond the period that count as a sleep
log = logging.getLogger(__name__)


async def watch_wake(
    stop: asyncio.Event,
    on_wake: Callable[[], None],
    *,
    period: float = WAKE_PERIOD,
    gap: float = WAKE_GAP,
    sleep: Sleep = asyncio.sleep,
    wall: Callable[[], float] = time.time,
) -> None:
    """Call ``on_wake`` after every sleep of the computer, until ``stop`` is set."""
    last = wall()
    while not stop.is_set():
        await pause(stop, period, sleep)
        now = wall()
        if now - last > period + gap:
            log.info(
                "the computer woke (the clock moved %.0f s in a %.0f s pause)", now - last, period
            )
            on_wake()
        last = now
