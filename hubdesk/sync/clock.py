"""The server's clock, read from the ``Date`` header of every response.

HubDesk never compares server times with the local clock. Where the sync engine needs
"what time is it on the server now" (the outbox's reconcile window), it uses the newest
``Date`` header seen plus the local *monotonic* time elapsed since then, which never runs
ahead of the server by more than the drift of the two clocks over that interval.
``Date`` has one-second resolution and is truncated, so the estimate errs early (the
safe side: a window is never declared over too soon).

``ServerClockTransport`` wraps the httpx transport a ``HubClient`` uses and feeds a
``ServerClock``; it changes nothing in requests or responses.

It also notes when the server's current rate-limit window was first seen
(``ServerClock.rate_window_seen``): the server counts requests in fixed one-minute
windows but says when one started only on a 429, so the first answer whose
``X-RateLimit-Remaining`` went *up* (by more than the requests still in flight, which
may come back out of order) opens a new window. That answer was counted in the window,
so the window began before it: ``seen + 60 s`` is a safe "the window is over". Seeing
every answer of the client (the poll's, the sender's, the user's), this is earlier and
closer to the truth than what one background job sees of them (``pacing.RatePacer``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import httpx

__all__ = ["ServerClock", "ServerClockTransport"]


class ServerClock:
    """The newest server ``Date`` seen and when (monotonic) it was seen."""

    def __init__(self, monotonic: Callable[[], float] = time.monotonic) -> None:
        self._monotonic = monotonic
        self._date: datetime | None = None
        self._seen_at = 0.0
        self._window_seen: float | None = None  # monotonic: first answer in the window
        self._window_low: int | None = None  # the lowest Remaining seen in it

    @property
    def rate_window_seen(self) -> float | None:
        """When (``time.monotonic``) the first answer counted in the server's current
        rate-limit window was seen; None before any ``X-RateLimit-Remaining``."""
        return self._window_seen

    def observe_remaining(
        self, remaining: int, in_flight: int = 0, limit: int | None = None
    ) -> None:
        """An answer's ``X-RateLimit-Remaining`` (and ``X-RateLimit-Limit``), seen just
        now, with ``in_flight`` other requests still unanswered (they may have been
        counted before it). ``limit - 1`` left means it was its window's first request:
        a new window even when the last one saw no more (taken as new when it is an
        overtaken answer too: that errs late, the safe side)."""
        low = self._window_low
        first = limit is not None and remaining == limit - 1
        if low is None or first or remaining > low + in_flight:
            self._window_seen = self._monotonic()  # a new window (or the first seen)
            self._window_low = remaining
        elif remaining < low:
            self._window_low = remaining

    def observe_header(self, value: str | None) -> None:
        if not value:
            return
        try:
            moment = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        self.observe(moment)

    def observe(self, moment: datetime) -> None:
        """Record a server time seen just now (an older one than the estimate is ignored)."""
        moment = moment.astimezone(UTC)
        current = self.now()
        if current is None or moment >= current:
            self._date = moment
            self._seen_at = self._monotonic()

    def now(self) -> datetime | None:
        """The estimated server time now; None until a response has been seen."""
        if self._date is None:
            return None
        elapsed = max(0.0, self._monotonic() - self._seen_at)
        return self._date + timedelta(seconds=elapsed)


class ServerClockTransport(httpx.AsyncBaseTransport):
    """An httpx transport that records each response's ``Date`` in a ``ServerClock``."""

    def __init__(self, clock: ServerClock, inner: httpx.AsyncBaseTransport | None = None) -> None:
        self.clock = clock
        # The default transport builds an SSL context (17-49 ms): made on the first
        # request, not when the app starts (the window paints first).
        self._inner = inner
        self._in_flight = 0

    @property
    def inner(self) -> httpx.AsyncBaseTransport:
        if self._inner is None:
            self._inner = httpx.AsyncHTTPTransport()
        return self._inner

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self._in_flight += 1
        try:
            response = await self.inner.handle_async_request(request)
        finally:
            self._in_flight -= 1
        self.clock.observe_header(response.headers.get("date"))
        remaining = response.headers.get("x-ratelimit-remaining", "").strip()
        if remaining.isdigit():
            limit = response.headers.get("x-ratelimit-limit", "").strip()
            self.clock.observe_remaining(
                int(remaining), self._in_flight, int(limit) if limit.isdigit() else None
            )
        return response

    async def aclose(self) -> None:
        if self._inner is not None:
            await self._inner.aclose()
