"""Keep background traffic under the server's rate limit, with headroom for the user.

The server (Laravel's throttle) counts requests per client in fixed one-minute windows
and sends ``X-RateLimit-Limit`` / ``X-RateLimit-Remaining`` on every answer; only a 429
carries ``X-RateLimit-Reset`` / ``Retry-After``. ``RatePacer`` lets a background job
(the backfill) start a request only while ``remaining - in_flight > reserve``, where
``reserve = max(ceil(reserve_fraction * limit), reserve_min)``: foreground actions
(send, dial, the poll) always find that many requests left in the window.

When the budget is spent it waits for the window to roll over. The window's end is not
sent on ordinary answers, so it is bounded from what was seen: the window that counted a
response observed at monotonic time ``t`` began before ``t``, so it has ended by
``t + window``. The pacer keeps the first observation of the current window (a window
change shows as ``remaining`` going up) and waits until then + ``window``; the server
clock's transport, which sees every answer of the client (not only those after the job
started), often knows an earlier one (``ServerClock.rate_window_seen``), used then. A 429's
``X-RateLimit-Reset`` (server epoch) is used when a server clock is available.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Callable

from hubdesk.api import HubClient, RateLimitInfo
from hubdesk.sync.clock import ServerClock
from hubdesk.sync.health import Sleep, bounded_wait

__all__ = ["RatePacer", "reserve_for"]


def reserve_for(limit: int, fraction: float = 0.1, minimum: int = 20) -> int:
    """Requests kept free for foreground actions in each window."""
    return max(math.ceil(limit * fraction), minimum)


class RatePacer:
    """Admission control for one background job's requests through ``client``."""

    def __init__(
        self,
        client: HubClient,
        *,
        reserve_fraction: float = 0.1,
        reserve_min: int = 20,
        window: float = 60.0,
        server_clock: ServerClock | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Sleep = asyncio.sleep,
        margin: float = 0.25,
    ) -> None:
        self._client = client
        self._fraction = reserve_fraction
        self._minimum = reserve_min
        self._window = window
        self._clock = server_clock
        self._monotonic = monotonic
        self._sleep = sleep
        self._margin = margin
        self._in_flight = 0
        self._last: RateLimitInfo | None = None
        self._window_seen: float | None = None  # first observation in the current window
        self._fresh_after: float | None = None  # we slept past a window end at this time
        self.waited = 0.0  # seconds spent waiting for a window (for reports)
        self._lock = asyncio.Lock()

    @property
    def in_flight(self) -> int:
        return self._in_flight

    def _observe(self) -> RateLimitInfo | None:
        info = self._client.rate_limit
        if info is None or info is self._last:
            return info
        last = self._last
        if self._window_seen is None and (
            self._fresh_after is None or info.observed_at >= self._fresh_after
        ):
            self._window_seen = info.observed_at
        elif (
            last is None
            or info.remaining is None
            or last.remaining is None
            or (
                info.observed_at > last.observed_at
                and info.remaining > last.remaining + max(self._in_flight, 1)
            )
        ):
            self._window_seen = info.observed_at  # a new window (or the first one seen)
        if last is None or info.observed_at >= last.observed_at:
            self._last = info
        return self._last

    def budget(self) -> int | None:
        """Requests this job may start now; None when no rate-limit header was seen yet."""
        info = self._observe()
        if info is None or info.remaining is None or info.limit is None:
            return None
        reserve = reserve_for(info.limit, self._fraction, self._minimum)
        remaining = info.remaining
        if self._fresh_after is not None and info.observed_at < self._fresh_after:
            remaining = info.limit  # the window rolled over since that answer
        return remaining - reserve - self._in_flight

    def _wait_time(self) -> float:
        info = self._last
        now = self._monotonic()
        if info is not None and info.reset_at is not None and self._clock is not None:
            server_now = self._clock.now()
            if server_now is not None:
                return max(0.0, info.reset_at - server_now.timestamp()) + self._margin
        if info is not None and info.retry_after is not None:
            return max(0.0, info.observed_at + info.retry_after - now) + self._margin
        seen = self._window_seen if self._window_seen is not None else now
        # The server clock's transport saw every answer of the client, this job's or
        # not: its first answer of the window, when it can still be this window's, is
        # the better bound (sync.clock).
        first = None if self._clock is None else self._clock.rate_window_seen
        if first is not None and now - self._window < first < seen:
            seen = first
        return max(0.0, seen + self._window - now) + self._margin

    async def acquire(self) -> None:
        """Wait until one more background request may start, and count it in flight."""
        async with self._lock:
            while True:
                budget = self.budget()
                if budget is None:
                    if self._in_flight == 0:  # learn the headers from one request first
                        break
                elif budget > 0:
                    break
                else:
                    if self._in_flight > 0:
                        await self._sleep(0.01)  # answers in flight bring fresh numbers
                        continue
                    delay = bounded_wait(self._wait_time())  # a header's nonsense: <= 1 h
                    self.waited += delay
                    await self._sleep(delay)
                    self._fresh_after = self._monotonic()
                    self._window_seen = None  # set by the first answer in the new window
                    continue
                await self._sleep(0.005)
            self._in_flight += 1

    def release(self) -> None:
        self._in_flight = max(0, self._in_flight - 1)
