"""The poller: new messages and status changes from ``/sms/list``, cheaply.

Each pass asks for ``sent_since = high-water - overlap`` (the high-water mark is the
newest SERVER time the poller has seen, kept in the store's sync state; the local clock
is never used for it) and walks pages, newest first, only until a page holds no id the
store does not already have. Nothing new costs exactly one request. Everything fetched
is stored in ONE transaction together with the new high-water mark and the opt-out
keywords it carries; "new inbound" is emitted only for received ids stored for the first
time in that transaction, so overlap rows and restarts never announce a message twice.

First run (no high-water mark, empty store): page 1 only, newest first; the backfill
fetches the rest. Its messages are history and are not announced (``announce_initial``).
The first finished pass is recorded (``POLLED``): after it every new message is news,
the first one a new, empty account receives included, and the backfill leaves to the
poller any message newer than the high-water mark (``storeops.history_only``).

Outbound messages still pending that the walk did not bring are refreshed with
``/sms/detail`` every ``pending_every`` passes, at most ``pending_batch`` at a time, and
only while younger than ``pending_max_age`` (server time).
"""

from __future__ import annotations

import asyncio
import functools
import logging
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from hubdesk.api import (
    ApiError,
    HubClient,
    NetworkError,
    RateLimited,
    Unauthenticated,
)
from hubdesk.domain import Sms
from hubdesk.store.database import Database
from hubdesk.store.syncstate import POLLED
from hubdesk.store.worker import DbWorker
from hubdesk.sync import storeops
from hubdesk.sync.events import (
    StatusChange,
    SyncEvents,
    SyncStatus,
    SyncStatusKind,
    SyncStatusSource,
)
from hubdesk.sync.health import Sleep, bounded_wait, problem

__all__ = ["MIN_INTERVAL", "PollResult", "Poller"]

MIN_INTERVAL = 5.0
log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class PollResult:
    """One pass: requests made, what it stored, and the high-water mark after it."""

    requests: int
    new_inbound: tuple[Sms, ...] = ()
    changed: frozenset[str] = frozenset()
    status_changed: tuple[StatusChange, ...] = ()
    new_ids: frozenset[int] = frozenset()
    high_water: datetime | None = None
    optouts_changed: frozenset[str] = frozenset()
    initial: bool = False
    pages: tuple[int, ...] = field(default=())


class Poller:
    """Polls ``/sms/list`` into the store through ``worker``; emits on ``events``."""

    def __init__(
        self,
        client: HubClient,
        worker: DbWorker,
        *,
        events: SyncEvents | None = None,
        interval: float = 15.0,
        overlap: timedelta = timedelta(minutes=5),
        jitter: float = 0.1,
        pending_every: int = 4,
        pending_batch: int = 5,
        pending_max_age: timedelta = timedelta(days=2),
        announce_initial: bool = False,
        max_backoff: float = 300.0,
        sleep: Sleep | None = None,
        rng: random.Random | None = None,
    ) -> None:
        if interval < MIN_INTERVAL:
            raise ValueError(f"the poll interval must be at least {MIN_INTERVAL:g} seconds")
        if overlap < timedelta(0):
            raise ValueError("the overlap must not be negative")
        self._client = client
        self._worker = worker
        self.events = events or SyncEvents()
        self.interval = interval
        self.overlap = overlap
        self._jitter = jitter
        self._pending_every = max(1, pending_every)
        self._pending_batch = max(0, pending_batch)
        self._pending_max_age = pending_max_age
        self._announce_initial = announce_initial
        self._max_backoff = max_backoff
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._passes = 0
        self._lock = asyncio.Lock()
        self._wake = asyncio.Event()
        self.last_status: SyncStatus | None = None

    # ------------------------------------------------------------------ one pass

    async def poll_once(self) -> PollResult:
        """One pass (serialised: concurrent callers wait for each other)."""
        async with self._lock:
            return await self._poll()

    async def _poll(self) -> PollResult:
        self._passes += 1
        hw, polled = await self._worker.run(storeops.poll_view)
        requests = 0
        rows: list[Sms] = []
        pages: list[int] = []
        # The first pass on a profile brings history, not news; so does none after it
        # (an account with no message yet: the first to arrive is news).
        initial = not polled
        if hw is None:
            page = await self._client.list_sms(page=1)
            requests += 1
            pages.append(1)
            rows.extend(page.items)
        else:
            since = hw - self.overlap
            seen: set[int] = set()
            number = 1
            while True:
                page = await self._client.list_sms(sent_since=since, page=number)
                requests += 1
                pages.append(number)
                rows.extend(page.items)
                ids = [m.sms_id for m in page.items if m.sms_id not in seen]
                known = await self._worker.run(functools.partial(_known, ids=ids))
                unknown = [i for i in ids if i not in known]
                seen.update(m.sms_id for m in page.items)
                # A page of nothing but unreadable items (``page.skipped``) is not the end
                # of what is new: the walk goes on to the older pages.
                reached_store = bool(known) or (not ids and not page.skipped)
                empty = not page.items and not page.skipped
                if (unknown == [] and reached_store) or not page.has_next or empty:
                    break
                if page.current_page < number:  # the server clamped the page number
                    break
                number = page.current_page + 1
        requests += await self._refresh_pending(rows, hw)
        newest = max((m.time for m in rows), default=None)
        new_hw = newest if hw is None or (newest is not None and newest > hw) else None
        applied = await self._worker.run(
            lambda db: storeops.apply_messages(
                db, rows, set_high_water=new_hw, state=None if polled else {POLLED: "1"}
            )
        )
        result = self._result(applied, rows, requests, initial, pages, new_hw or hw)
        await self._emit(result)
        return result

    async def _refresh_pending(self, rows: list[Sms], hw: datetime | None) -> int:
        """Detail requests for stored pending outbound messages this pass did not bring."""
        if hw is None or self._pending_batch == 0:
            return 0
        if (self._passes - 1) % self._pending_every != 0:
            return 0
        fetched = {m.sms_id for m in rows}
        oldest = hw - self._pending_max_age
        pending = await self._worker.run(lambda db: db.messages.pending_outbound(200))
        stale = [m for m in pending if m.sms_id not in fetched and m.time >= oldest]
        stale = stale[: self._pending_batch]
        if not stale:
            return 0
        details = await asyncio.gather(
            *(self._client.sms_detail(m.sms_id) for m in stale), return_exceptions=True
        )
        for detail in details:
            if isinstance(detail, Sms):
                rows.append(detail)
            elif isinstance(detail, Unauthenticated | RateLimited | NetworkError):
                raise detail
            elif isinstance(detail, BaseException) and not isinstance(detail, ApiError):
                raise detail
        return len(stale)

    def _result(
        self,
        applied: storeops.Applied,
        rows: list[Sms],
        requests: int,
        initial: bool,
        pages: list[int],
        hw: datetime | None,
    ) -> PollResult:
        upsert = applied.upsert
        by_id = {m.sms_id: m for m in rows}
        changes = tuple(
            StatusChange(by_id[i], applied.previous_status.get(i, ""))
            for i in upsert.status_changed
            if i in by_id
        )
        announce = upsert.new_inbound if (self._announce_initial or not initial) else ()
        return PollResult(
            requests=requests,
            new_inbound=tuple(announce),
            changed=upsert.partners,
            status_changed=changes,
            new_ids=upsert.new_ids,
            high_water=hw,
            optouts_changed=applied.optouts_changed,
            initial=initial,
            pages=tuple(pages),
        )

    async def _emit(self, result: PollResult) -> None:
        ev = self.events
        if result.new_inbound:
            await ev.new_inbound.emit(list(result.new_inbound))
        if result.changed:
            await ev.messages_changed.emit(result.changed)
        if result.status_changed:
            await ev.status_changed.emit(list(result.status_changed))
        if result.optouts_changed:
            await ev.optouts_changed.emit(result.optouts_changed)
        await self._status(SyncStatus(SyncStatusKind.ONLINE, last_sync=result.high_water))

    async def _status(self, status: SyncStatus) -> None:
        self.last_status = status
        await self.events.sync_state.emit(status)

    # ------------------------------------------------------------------ the loop

    def poke(self) -> None:
        """Poll now (e.g. the window was focused, or the network came back)."""
        self._wake.set()

    async def run(self, stop: asyncio.Event) -> None:
        """Poll until ``stop`` is set: every ``interval`` (jittered), backing off offline.

        Survives anything (``sync.health``): an unexpected exception is logged with its
        traceback, reported as ``ERROR`` and retried after a pause that doubles up to
        ``max_backoff``, like a network failure. Every pause is at most an hour, whatever
        a ``Retry-After`` says. After ``SessionExpired`` (or any 401 that survives a
        refresh) it waits for ``poke()`` or ``stop``: a new sign-in calls ``poke()``.
        """
        backoff = self.interval
        while not stop.is_set():
            delay: float | None
            try:
                await self.poll_once()
            except RateLimited as exc:
                delay = bounded_wait(exc.retry_after, at_least=self.interval)
                await self._status(
                    SyncStatus(SyncStatusKind.RATE_LIMITED, self._last_sync(), str(exc), delay)
                )
            except Unauthenticated as exc:
                await self._status(
                    SyncStatus(SyncStatusKind.SESSION_EXPIRED, self._last_sync(), str(exc))
                )
                delay = None
            except ApiError as exc:  # offline, the server failing, an unreadable answer
                await self._status(SyncStatus(SyncStatusKind.OFFLINE, self._last_sync(), str(exc)))
                delay, backoff = backoff, self._next_backoff(backoff)
            except Exception as exc:
                delay, backoff = backoff, self._next_backoff(backoff)
                log.exception("a poll failed on an internal error; trying again in %.0f s", delay)
                await self._status(problem(SyncStatusSource.POLLER, exc, delay, self._last_sync()))
            else:
                backoff = self.interval
                delay = self.interval * (1 + self._rng.uniform(-self._jitter, self._jitter))
            await self._wait(stop, None if delay is None else bounded_wait(delay))

    def _next_backoff(self, backoff: float) -> float:
        return bounded_wait(backoff * 2, at_least=self.interval, at_most=self._max_backoff)

    def _last_sync(self) -> datetime | None:
        return None if self.last_status is None else self.last_status.last_sync

    async def _wait(self, stop: asyncio.Event, delay: float | None) -> None:
        if self._sleep is not None and delay is not None:
            await self._sleep(delay)
            self._wake.clear()
            return
        waiters = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(self._wake.wait())]
        try:
            await asyncio.wait(waiters, timeout=delay, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for w in waiters:
                w.cancel()
            self._wake.clear()


def _known(db: Database, *, ids: list[int]) -> set[int]:
    return db.messages.known_ids(ids)
