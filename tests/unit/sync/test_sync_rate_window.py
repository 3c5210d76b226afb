"""When the server's rate-limit window began, as the server clock's transport sees it from
every answer of the client, and the pacer waiting for that window (not one it only
started watching later) to end."""

from __future__ import annotations

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
    """The client's own earlier answers (polls) opened the window 30 s before a bulk send
    starts: the pacer's wait for the next window counts from them, not from the first
    answer it saw itself."""
    async with kit(tmp_path, rate_limit=40) as k:
        skipped = [0.0]  # seconds "slept": the monotonic clock of the code under test

        def ticks() -> float:
            return time.monotonic() + skipped[0]

        k.server_clock._monotonic = ticks  # noqa: SLF001 - the transport's clock, set by hand
        poller = Poller(k.client, k.worker)
        k.clock.offset += 61  # the sign-in's window is over
        for _ in range(3):
            await poller.poll_once()  # the next one opens with the first of these
        opened = k.server_clock.rate_window_seen
        assert opened is not None and ticks() - opened < 5
        skipped[0] += 30.0  # half a minute later the bulk send starts
        k.clock.offset += 30.0
        waits: list[float] = []

        async def sleep(seconds: float) -> None:
            waits.append(seconds)
            skipped[0] += seconds
            k.clock.offset += seconds

        pacer = RatePacer(
            k.client, server_clock=k.server_clock, reserve_min=5, monotonic=ticks, sleep=sleep
        )
        for n in range(40):
            await pacer.acquire()
            try:
                await k.client.send_sms(SENDER, f"4479111{n:05d}", f"bulk {n}")
            finally:
                pacer.release()
            if waits:
                break
        # It waited until the window opened by the polls was over (+ its margin), not a
        # full minute from the first answer it saw itself.
        assert len(waits) == 1 and 25.0 < waits[0] < 31.0, waits
        assert [r["status"] for r in k.state.requests()].count(429) == 0
