"""The backfill: history older than the cache, fetched in the background, resumable.

A run fixes ``sent_until`` and ``sent_since`` (``newest - depth``; none for
``depth=None``, "all") at its start, so page numbers stay stable while it works.
``sent_until`` is one second past the oldest stored message's server time (else the
server's clock): the API does not say whether the server reads the bounds as ``<=`` or
``<`` (or keeps sub-second times, which reads like ``<``), and with ``<`` the messages
that share the oldest stored second but were not on the first page (a bulk send puts
hundreds in one second) would never be fetched. What the extra second brings twice is
stored once (by ``sms_id``). The first request waits until the server's clock is past
``sent_until`` (a second or two, only when the oldest stored message is that new), so
no message sent meanwhile can fall inside the range and shift its pages under the
concurrent fetches. Page 1 gives ``last_page`` and
``total``; the other pages are fetched concurrently (at most ``concurrency`` in flight)
and admitted by a ``RatePacer`` that keeps requests in reserve for the user. Each page
is stored in one transaction together with the cursor (which pages are done), kept in
the store's sync state, so a run interrupted at any point resumes where it stopped.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from hubdesk.api import ApiError, HubClient
from hubdesk.domain import Page, Sms
from hubdesk.domain.times import format_server_time, parse_server_time
from hubdesk.store.database import Database
from hubdesk.store.syncstate import BACKFILL_CURSOR, BACKFILL_DONE
from hubdesk.store.transactions import transaction
from hubdesk.store.worker import DbWorker
from hubdesk.sync import storeops
from hubdesk.sync.clock import ServerClock
from hubdesk.sync.events import (
    BackfillProgress,
    SyncEvents,
    SyncStatus,
    SyncStatusKind,
    SyncStatusSource,
)
from hubdesk.sync.health import Sleep, bounded_wait, pause, problem
from hubdesk.sync.pacing import RatePacer

__all__ = ["DEFAULT_DEPTH", "Backfill", "BackfillResult", "Cursor"]

DEFAULT_DEPTH = timedelta(days=30)
#: Past the oldest stored second, for a server that reads ``sent_until`` as ``<``.
UNTIL_MARGIN = timedelta(seconds=1)
#: The longest wait for the server's clock to pass ``sent_until`` (a clock that runs
#: behind its messages' times must not hold the backfill up for long).
MAX_SETTLE_WAIT = 5.0
RETRY_FIRST = 30.0  # seconds before ``keep_running`` runs a failed backfill again
RETRY_MAX = 600.0
log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class BackfillResult:
    requests: int
    fetched: int
    total: int
    pages: int
    finished: bool
    resumed: bool = False


@dataclass(slots=True)
class Cursor:
    """A run in progress: its fixed bounds and the pages already stored."""

    until: datetime
    since: datetime | None
    depth: str  # seconds, or "all": what the run was asked for
    last_page: int
    total: int
    done: set[int]
    fetched: int

    def dumps(self) -> str:
        return json.dumps(
            {
                "until": format_server_time(self.until),
                "since": None if self.since is None else format_server_time(self.since),
                "depth": self.depth,
                "last_page": self.last_page,
                "total": self.total,
                "done": _ranges(self.done),
                "fetched": self.fetched,
            }
        )

    @staticmethod
    def loads(text: str | None) -> Cursor | None:
        if not text:
            return None
        try:
            data = json.loads(text)
            since = data["since"]
            return Cursor(
                until=parse_server_time(data["until"]),
                since=None if since is None else parse_server_time(since),
                depth=str(data["depth"]),
                last_page=int(data["last_page"]),
                total=int(data["total"]),
                done=_unranges(str(data["done"])),
                fetched=int(data["fetched"]),
            )
        except (ValueError, KeyError, TypeError):
            return None


def _ranges(pages: Iterable[int]) -> str:
    out: list[str] = []
    ordered = sorted(set(pages))
    i = 0
    while i < len(ordered):
        j = i
        while j + 1 < len(ordered) and ordered[j + 1] == ordered[j] + 1:
            j += 1
        out.append(str(ordered[i]) if i == j else f"{ordered[i]}-{ordered[j]}")
        i = j + 1
    return ",".join(out)


def _unranges(text: str) -> set[int]:
    pages: set[int] = set()
    for part in filter(None, text.split(",")):
        lo, _, hi = part.partition("-")
        pages.update(range(int(lo), int(hi or lo) + 1))
    return pages


def _depth_key(depth: timedelta | None) -> str:
    return "all" if depth is None else str(int(depth.total_seconds()))


class Backfill:
    """Pulls history into the store through ``worker``."""

    def __init__(
        self,
        client: HubClient,
        worker: DbWorker,
        *,
        events: SyncEvents | None = None,
        server_clock: ServerClock | None = None,
        pacer: RatePacer | None = None,
        concurrency: int = 6,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        if concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        self._client = client
        self._worker = worker
        self.events = events or SyncEvents()
        self._clock = server_clock
        self.pacer = pacer or RatePacer(client, server_clock=server_clock)
        self._concurrency = concurrency
        self._sleep = sleep
        self.requests = 0

    async def _page(self, cursor_since: datetime | None, until: datetime, n: int) -> Page[Sms]:
        await self.pacer.acquire()
        try:
            self.requests += 1
            return await self._client.list_sms(sent_since=cursor_since, sent_until=until, page=n)
        finally:
            self.pacer.release()

    async def run(self, depth: timedelta | None = DEFAULT_DEPTH) -> BackfillResult:
        """Fetch history back to ``depth`` before the newest server time seen (None: all).

        Returns at once (no request) when an earlier run already reached that far.
        """
        self.requests = 0
        key = _depth_key(depth)
        cursor, done_marker, oldest, newest = await self._worker.run(_load)
        resumed = cursor is not None and cursor.depth == key
        if not resumed:
            cursor = None
            until = oldest + UNTIL_MARGIN if oldest is not None else self._server_now()
            newest = newest or until
            since = None if depth is None else newest - depth
            if _already_done(done_marker, since) or (since is not None and since >= until):
                return BackfillResult(0, 0, 0, 0, True)
            await self._wait_until_past(until)
            first = await self._page(since, until, 1)
            cursor = Cursor(
                until, since, key, max(1, first.last_page), first.total, {1}, len(first.items)
            )
            await self._store(first, cursor)
        assert cursor is not None
        await self._progress(cursor)
        todo = [p for p in range(1, cursor.last_page + 1) if p not in cursor.done]
        await self._fetch_all(cursor, todo)
        await self._worker.run(lambda db: _finish(db, cursor))
        await self.events.backfill_progress.emit(
            BackfillProgress(cursor.fetched, max(cursor.total, cursor.fetched), True)
        )
        return BackfillResult(
            self.requests, cursor.fetched, cursor.total, cursor.last_page, True, resumed
        )

    async def _wait_until_past(self, until: datetime) -> None:
        """Until the server's clock (estimated: never ahead of it) is a whole second past
        ``until``: messages are stamped in whole seconds, so none sent from then on is
        inside the range. At most ``MAX_SETTLE_WAIT`` seconds."""
        if self._clock is None:
            return
        waited = 0.0
        while waited < MAX_SETTLE_WAIT:
            now = self._clock.now()
            if now is None:
                return
            left = (until + timedelta(seconds=1) - now).total_seconds()
            if left <= 0:
                return
            step = min(left, MAX_SETTLE_WAIT - waited) + 0.01
            await self._sleep(step)
            waited += step

    async def keep_running(
        self,
        depth: timedelta | None,
        stop: asyncio.Event,
        *,
        first_retry: float = RETRY_FIRST,
        max_backoff: float = RETRY_MAX,
    ) -> BackfillResult | None:
        """``run(depth)`` until it finishes (its result) or ``stop`` is set (None),
        surviving anything (``sync.health``): a network failure is tried again quietly
        (the poller shows the connection), an unexpected exception is logged with its
        traceback and reported as an ``ERROR`` status until a later run finishes. Each
        run resumes from the cursor; the pause between runs doubles up to
        ``max_backoff``."""
        backoff = first_retry
        broken = False
        while not stop.is_set():
            try:
                result = await self.run(depth)
            except ApiError as exc:
                log.info("the backfill stopped (%s); again in %.0f s", exc, backoff)
            except Exception as exc:
                log.exception("the backfill failed on an internal error; again in %.0f s", backoff)
                broken = True
                await self.events.sync_state.emit(problem(SyncStatusSource.BACKFILL, exc, backoff))
            else:
                if broken:
                    well = SyncStatus(SyncStatusKind.ONLINE, source=SyncStatusSource.BACKFILL)
                    await self.events.sync_state.emit(well)
                return result
            await pause(stop, backoff, self._sleep)
            backoff = bounded_wait(backoff * 2, at_least=first_retry, at_most=max_backoff)
        return None

    def _server_now(self) -> datetime:
        now = None if self._clock is None else self._clock.now()
        if now is None:
            raise RuntimeError("the backfill needs a server time to start from: poll once first")
        return now

    async def _fetch_all(self, cursor: Cursor, todo: list[int]) -> None:
        if not todo:
            return
        queue: asyncio.Queue[int] = asyncio.Queue()
        for p in todo:
            queue.put_nowait(p)

        async def worker() -> None:
            while True:
                try:
                    n = queue.get_nowait()
                except asyncio.QueueEmpty:
                    return
                page = await self._page(cursor.since, cursor.until, n)
                cursor.done.add(n)
                cursor.fetched += len(page.items)
                await self._store(page, cursor)
                await self._progress(cursor)

        tasks = [asyncio.create_task(worker()) for _ in range(min(self._concurrency, len(todo)))]
        try:
            await asyncio.gather(*tasks)
        except BaseException:
            for t in tasks:
                t.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            raise

    async def _store(self, page: Page[Sms], cursor: Cursor) -> None:
        text = cursor.dumps()
        rows = list(page.items)
        applied = await self._worker.run(
            lambda db: storeops.apply_messages(
                db, rows, state={BACKFILL_CURSOR: text}, history=True
            )
        )
        if applied.upsert.partners:
            await self.events.messages_changed.emit(applied.upsert.partners)
        if applied.optouts_changed:
            await self.events.optouts_changed.emit(applied.optouts_changed)

    async def _progress(self, cursor: Cursor) -> None:
        await self.events.backfill_progress.emit(
            BackfillProgress(cursor.fetched, max(cursor.total, cursor.fetched))
        )


def _load(
    db: Database,
) -> tuple[Cursor | None, str | None, datetime | None, datetime | None]:
    return (
        Cursor.loads(db.sync_state.get(BACKFILL_CURSOR)),
        db.sync_state.get(BACKFILL_DONE),
        db.messages.oldest_server_time(),
        storeops.high_water(db),
    )


def _already_done(marker: str | None, since: datetime | None) -> bool:
    """A finished run already reached at least as far back as ``since``."""
    if not marker:
        return False
    try:
        data = json.loads(marker)
        reached = data.get("since")
        if reached is None:
            return True  # everything was fetched
        return since is not None and parse_server_time(str(reached)) <= since
    except (ValueError, AttributeError):
        return False


def _finish(db: Database, cursor: Cursor) -> None:
    with transaction(db.conn):
        db.sync_state.delete(BACKFILL_CURSOR)
        db.sync_state.set(
            BACKFILL_DONE,
            json.dumps(
                {
                    "since": None if cursor.since is None else format_server_time(cursor.since),
                    "until": format_server_time(cursor.until),
                }
            ),
        )
