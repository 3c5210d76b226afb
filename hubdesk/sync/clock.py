"""The server's clock, read from the ``Date`` header of every response.

HubDesk never compares server times with the local clock. Where the sync engine needs
"what time is it on the server now" (the outbox's reconcile window), it uses the newest
``Date`` header seen plus the local *monotonic* time elapsed since then, which never runs
ahead of the server by more than the drift of the two clocks over that interval.
``Date`` has one-second resolution and is truncated, so the estimate errs early (the
safe side: a window is never declared over too soon).

``ServerClockTransport`` wraps the httpx transport a ``HubClient`` uses and feeds a
``ServerClock``; it changes nothing in requests or responses.
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

    @property
    def inner(self) -> httpx.AsyncBaseTransport:
        if self._inner is None:
            self._inner = httpx.AsyncHTTPTransport()
        return self._inner

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        self.clock.observe_header(response.headers.get("date"))
        return response

    async def aclose(self) -> None:
        if self._inner is not None:
            await self._inner.aclose()
