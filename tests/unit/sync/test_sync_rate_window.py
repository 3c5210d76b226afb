"""When the server's rate-limit window began, as the server clock's transport sees it from
every answer of the client, and the pacer waiting for that window (not one it only
started watching later) to end."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from hubdesk.sync.clock import ServerClock
from hubdesk.sync.pacing import RatePacer
from hubdesk.sync.poller import Poller
from tests.unit.sync.simkit import SENDER, kit


class Ticks:
    """A monotonic clock the test sets."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_window_opens_when_remaining_goes_up_by_more_than_what_is_in_flight() -> None:
    ticks = Ticks()
    clock = ServerClock(monotonic=ticks)
    assert clock.rate_window_seen is None
    clock.observe_remaining(59)
    assert clock.rate_window_seen == 1000.0  # the first answer seen
    for remaining in (58, 57, 55):
        ticks.now += 1
        clock.observe_remaining(remaining)
    ticks.now += 1
    clock.observe_remaining(56, in_flight=2)  # an answer overtaken by later ones
    assert clock.rate_window_seen == 1000.0
    ticks.now = 1061.0
    clock.observe_remaining(59)  # up by 4 with nothing in flight: a new window
    assert clock.rate_window_seen == 1061.0
    ticks.now += 1
    clock.observe_remaining(58, in_flight=5)
    assert clock.rate_window_seen == 1061.0
    # A window's first request leaves limit - 1, even when the last window saw no more.
    ticks.now = 1200.0
    clock.observe_remaining(58, limit=60)
    assert clock.rate_window_seen == 1061.0
    clock.observe_remaining(59, limit=60)
    assert clock.rate_window_seen == 1200.0
    ticks.now = 1300.0
    clock.observe_remaining(59, limit=60)
    assert clock.rate_window_seen == 1300.0


async def test_the_pacer_waits_for_the_window_the_client_saw_open(tmp_path: Path) -> None:
    """The client's own earlier answer (a poll) opened the window 3 s before a bulk send
    starts; another poll came since. The pacer's wait for the next window counts from
    the first, not from the latest answer it found when it started."""
    async with kit(tmp_path, rate_limit=40) as k:
        poller = Poller(k.client, k.worker)
        k.clock.offset += 61  # the sign-in's window is over
        await poller.poll_once()  # opens the next window
        opened = k.server_clock.rate_window_seen
        assert opened is not None and time.monotonic() - opened < 1
        await asyncio.sleep(3.0)
        await poller.poll_once()  # the newest answer when the send starts
        waits: list[float] = []

        async def sleep(seconds: float) -> None:
            waits.append(seconds)
            k.clock.offset += seconds  # the server's window rolls over meanwhile

        pacer = RatePacer(k.client, server_clock=k.server_clock, reserve_min=5, sleep=sleep)
        for n in range(40):
            await pacer.acquire()
            try:
                await k.client.send_sms(SENDER, f"4479111{n:05d}", f"bulk {n}")
            finally:
                pacer.release()
            if waits:
                break
        # It waited until the window opened by the first poll was over (+ its margin),
        # not a minute from the newest answer.
        assert len(waits) == 1 and 55.0 < waits[0] < 57.5, waits
        assert [r["status"] for r in k.state.requests()].count(429) == 0
