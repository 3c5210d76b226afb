"""The outbox sender: every message the user sends reaches the server exactly once.

The guarantee. ``submit`` commits the outbox row (state ``queued``) before any network
I/O of the send, token refresh included, and returns only after that commit. From then
on the row ends with exactly one copy of the message on the server, whatever happens to
the network or the process (killed at any instant: the next process reconciles). A
request that ``submit`` has not committed yet (the process died between the user's click
and the commit) was never sent: nothing of it is on the server and nothing in the
outbox, and the caller never got an ``OutboxItem`` for it. Nothing ever reaches the
server that has no committed row.

How. Every attempt commits ``sending`` plus the server time it started at (the server's
clock, from ``Date`` headers, never the local one), then POSTs.

* success: the returned ``Sms`` is stored and its ``sms_id`` attached (``sent``), in one
  transaction. A bulk send returns no ids: they are looked up right away with
  ``/sms/list`` (sender, sent_since) and attached per destination.
* certainly not executed (could not connect, 429, 401 / session expired, nothing sent):
  back to ``queued`` with the reason; it goes out on a later ``flush``.
* refused (422, another 4xx, ``{"status": "error"}``): ``failed`` with the server's sentence.
* anything else (time-out, dropped connection, 5xx, an unreadable 2xx): ``unknown``,
  with the server time at which the attempt was over.

``reconcile`` settles an ``unknown`` row: it lists the sender's messages (``sender``,
``receiver`` for a single send, ``sent_since`` = attempt start - ``clock_margin``) and
claims, per destination, the oldest message with the same source, destination and text
that no other outbox row holds (two rows with the same text to the same number claim
distinct messages; a claim is checked again in the transaction that records it). A
destination with no such message is re-sent only once the server's clock has passed the
attempt's end + ``reconcile_window`` (the longest the server may take to act on a
request it received): only then is the message certainly absent. A crashed attempt has
no recorded end: the first server time seen afterwards is recorded as its end.

Within one process, a row is never reconciled while a send with the same source and
text is in flight, so a reconcile cannot claim the message of a send whose answer is
still on its way. (Two processes sending through one database are not supported.)
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from hubdesk.api import (
    ApiError,
    ConnectFailed,
    HubClient,
    InsecureUrl,
    NetworkError,
    PermissionDenied,
    RateLimited,
    Unauthenticated,
    ValidationFailed,
)
from hubdesk.domain import OutboxItem, OutboxState, Sms, SmsType
from hubdesk.store.database import Database
from hubdesk.store.outbox import AttemptWindow
from hubdesk.store.worker import DbWorker
from hubdesk.sync import storeops
from hubdesk.sync.clock import ServerClock
from hubdesk.sync.events import SyncEvents, SyncStatus, SyncStatusKind

__all__ = [
    "DEFAULT_RECONCILE_WINDOW",
    "FlushReport",
    "OptedOut",
    "OutboxSender",
    "SubmitResult",
]

DEFAULT_RECONCILE_WINDOW = 120.0
log = logging.getLogger(__name__)
Sleep = Callable[[float], Awaitable[None]]


class OptedOut(Exception):
    """The destination asked not to be texted (replied STOP); pass override to send anyway."""

    def __init__(self, numbers: Sequence[str]) -> None:
        self.numbers = tuple(numbers)
        listed = ", ".join(self.numbers)
        super().__init__(
            f"{listed} opted out of messages (replied STOP); not sent. Send anyway only if "
            "they have asked to hear from you again."
        )


@dataclass(frozen=True, slots=True)
class SubmitResult:
    """What ``submit`` did: the outbox entry (None when nothing was left to send) and
    the destinations dropped because they opted out (bulk only)."""

    item: OutboxItem | None
    opted_out: tuple[str, ...] = ()


@dataclass(slots=True)
class FlushReport:
    """One ``flush``: outbox ids by what happened to them."""

    sent: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    queued: list[int] = field(default_factory=list)
    unknown: list[int] = field(default_factory=list)
    resent: list[int] = field(default_factory=list)
    found: list[int] = field(default_factory=list)
    stopped: str | None = None  # why the flush stopped early (offline, rate limited...)
    next_check: float | None = None  # seconds until an unknown row can be decided

    @property
    def settled(self) -> bool:
        return not self.queued and not self.unknown


class _Verdict:
    NOT_EXECUTED = "not_executed"
    REFUSED = "refused"
    MAYBE = "maybe"


def verdict(exc: ApiError) -> str:
    """Did a failed send certainly not execute, get refused, or maybe execute?"""
    if isinstance(exc, RateLimited | Unauthenticated | ConnectFailed | InsecureUrl):
        return _Verdict.NOT_EXECUTED
    if exc.may_have_executed:
        return _Verdict.MAYBE
    if isinstance(exc, NetworkError):  # e.g. a pool time-out: nothing was sent
        return _Verdict.NOT_EXECUTED
    if isinstance(exc, ValidationFailed | PermissionDenied):
        return _Verdict.REFUSED
    return _Verdict.MAYBE  # an unreadable answer to a POST may follow an executed send


def _same_text(server: str, ours: str) -> bool:
    # The server trims the text (Laravel's TrimStrings); compare as it stores it.
    return server.strip() == ours.strip()


class OutboxSender:
    """Sends outbox rows through ``client`` and settles the uncertain ones."""

    def __init__(
        self,
        client: HubClient,
        worker: DbWorker,
        *,
        server_clock: ServerClock,
        events: SyncEvents | None = None,
        reconcile_window: float = DEFAULT_RECONCILE_WINDOW,
        clock_margin: float = 2.0,
        max_reconcile_pages: int = 50,
        sleep: Sleep = asyncio.sleep,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        if reconcile_window < 0 or clock_margin < 0:
            raise ValueError("the reconcile window and clock margin must not be negative")
        self._client = client
        self._worker = worker
        self._clock = server_clock
        self.events = events or SyncEvents()
        self.reconcile_window = reconcile_window
        self.clock_margin = clock_margin
        self._max_pages = max_reconcile_pages
        self._sleep = sleep
        self._monotonic = monotonic
        self._busy: set[int] = set()
        self._in_flight: Counter[tuple[str, str]] = Counter()
        self._flush_lock = asyncio.Lock()
        self.requests = 0  # requests made by this sender (for tests and benchmarks)

    # ------------------------------------------------------------------ submit

    async def submit(
        self,
        source: str,
        destinations: Sequence[str] | str,
        text: str,
        *,
        override_optout: bool = False,
        uuid: str | None = None,
        send: bool = True,
    ) -> SubmitResult:
        """Queue a message (committed before anything else), then try to send it now.

        One destination: a single send; ``OptedOut`` if it opted out (unless
        ``override_optout``). Several: a bulk send without the opted-out ones, which are
        reported in the result. ``uuid`` makes a repeated submit return the first entry.
        Network trouble does not raise: the entry stays queued or unknown for ``flush``.
        """
        dests = [destinations] if isinstance(destinations, str) else list(destinations)
        dests = list(dict.fromkeys(dests))
        if not dests:
            raise ValueError("a message needs at least one destination")
        bulk = len(dests) > 1
        opted = await self._worker.run(lambda db: [d for d in dests if db.optouts.is_opted_out(d)])
        if opted and not override_optout:
            if not bulk:
                raise OptedOut(opted)
            dests = [d for d in dests if d not in opted]
            if not dests:
                return SubmitResult(None, tuple(opted))
        skipped = () if override_optout else tuple(opted)
        item = await self._worker.run(
            lambda db: db.outbox.enqueue(source, dests, text, bulk=bulk, uuid=uuid)
        )
        await self.events.outbox_changed.emit(item)
        if send and item.state is OutboxState.QUEUED:
            item = await self.send(item)
        return SubmitResult(item, skipped)

    # ------------------------------------------------------------------ one attempt

    async def send(self, item: OutboxItem) -> OutboxItem:
        """Attempt a queued row now (skipped when this process is already working on it)."""
        if item.id in self._busy:
            return item
        self._busy.add(item.id)
        try:
            return await self._attempt(item)
        finally:
            self._busy.discard(item.id)

    async def _attempt(self, item: OutboxItem) -> OutboxItem:
        states = await self._worker.run(lambda db: db.outbox.destination_states(item.id))
        dests = [d for d, (state, _) in states.items() if state is not OutboxState.SENT]
        if not dests:
            return await self._worker.run(lambda db: _mark_sent(db, item.id))
        started = self._clock.now()
        item = await self._worker.run(lambda db: db.outbox.mark_sending(item.id, started))
        key = (item.source, item.text)
        self._in_flight[key] += 1
        try:
            self.requests += 1
            if item.bulk:
                await self._client.bulk_send(item.source, dests, item.text)
                result: Sms | None = None
            else:
                result = await self._client.send_sms(item.source, dests[0], item.text)
        except ApiError as exc:
            item = await self._failed(item, exc)
            await self.events.outbox_changed.emit(item)
            return item
        except BaseException:
            # Cancelled (or a bug) mid-request: it may have reached the server.
            ended = self._clock.now()
            await asyncio.shield(
                self._worker.run(
                    lambda db: db.outbox.mark_unknown(item.id, "interrupted while sending", ended)
                )
            )
            raise
        finally:
            self._in_flight[key] -= 1
            if self._in_flight[key] <= 0:
                del self._in_flight[key]
        if result is not None:
            found = {dests[0]: result}
            item, applied, _ = await self._worker.run(
                lambda db: storeops.attach_found(db, item.id, found, mark_sent=True)
            )
            await self._emit_applied(applied)
        else:
            item = await self._worker.run(lambda db: _mark_sent(db, item.id))
            item = await self._find_bulk_ids(item, started)
        await self.events.outbox_changed.emit(item)
        return item

    async def _failed(self, item: OutboxItem, exc: ApiError) -> OutboxItem:
        kind = verdict(exc)
        message = str(exc)
        if kind == _Verdict.NOT_EXECUTED:
            item = await self._worker.run(lambda db: db.outbox.mark_queued(item.id, message))
            await self._status_for(exc)
            return item
        if kind == _Verdict.REFUSED:
            return await self._worker.run(lambda db: db.outbox.mark_failed(item.id, message))
        ended = self._clock.now()
        return await self._worker.run(lambda db: db.outbox.mark_unknown(item.id, message, ended))

    async def _status_for(self, exc: ApiError) -> None:
        if isinstance(exc, RateLimited):
            status = SyncStatus(SyncStatusKind.RATE_LIMITED, None, str(exc), exc.retry_after)
        elif isinstance(exc, Unauthenticated):
            status = SyncStatus(SyncStatusKind.SESSION_EXPIRED, None, str(exc))
        else:
            status = SyncStatus(SyncStatusKind.OFFLINE, None, str(exc))
        await self.events.sync_state.emit(status)

    async def _emit_applied(self, applied: storeops.Applied) -> None:
        if applied.upsert.partners:
            await self.events.messages_changed.emit(applied.upsert.partners)

    # ------------------------------------------------------------------ finding messages

    async def _search(
        self,
        item: OutboxItem,
        dests: Sequence[str],
        since: datetime | None,
        until: datetime | None,
    ) -> dict[str, Sms]:
        """Per destination, the oldest unclaimed server message that matches ``item``."""
        receiver = dests[0] if len(dests) == 1 else None
        wanted = set(dests)
        candidates: list[Sms] = []
        number = 1
        while number <= self._max_pages:
            self.requests += 1
            page = await self._client.list_sms(
                sender=item.source, receiver=receiver, sent_since=since, sent_until=until,
                page=number,
            )  # fmt: skip
            candidates.extend(
                m
                for m in page.items
                if m.type is SmsType.SENT
                and m.source == item.source
                and m.destination in wanted
                and _same_text(m.text, item.text)
            )
            if not page.has_next or not page.items or page.current_page < number:
                break
            number = page.current_page + 1
        if not candidates:
            return {}
        ids = [m.sms_id for m in candidates]
        taken = await self._worker.run(
            lambda db: db.outbox.claimed_ids(ids, except_outbox=item.id)
        )
        found: dict[str, Sms] = {}
        for m in sorted(candidates, key=lambda m: (m.time, m.sms_id)):
            if m.sms_id in taken or m.destination in found:
                continue
            if any(f.sms_id == m.sms_id for f in found.values()):
                continue
            found[m.destination] = m
        return found

    def _since(self, started: datetime | None) -> datetime | None:
        return None if started is None else started - timedelta(seconds=self.clock_margin)

    async def _find_bulk_ids(self, item: OutboxItem, started: datetime | None) -> OutboxItem:
        """After a bulk send succeeded: find its messages and attach their ids."""
        states = await self._worker.run(lambda db: db.outbox.destination_states(item.id))
        missing = [d for d, (_, sms_id) in states.items() if sms_id is None]
        if not missing:
            return item
        try:
            found = await self._search(item, missing, self._since(started), None)
        except ApiError:
            log.info("could not look up the ids of bulk send %s yet", item.id)
            return item
        if not found:
            return item
        item, applied, _ = await self._worker.run(
            lambda db: storeops.attach_found(db, item.id, found, mark_sent=False)
        )
        await self._emit_applied(applied)
        return item

    # ------------------------------------------------------------------ reconcile

    async def reconcile(self, item: OutboxItem) -> OutboxItem:
        """Settle an ``unknown`` row: found -> sent; certainly absent -> sent again.

        Leaves it ``unknown`` while the server's clock has not yet passed the attempt's
        end + ``reconcile_window``, or while a send with the same text is in flight here.
        """
        if item.id in self._busy:
            return item
        self._busy.add(item.id)
        try:
            return await self._reconcile(item)
        finally:
            self._busy.discard(item.id)

    def seconds_until_decidable(self, window: AttemptWindow) -> float | None:
        """Server seconds until absence can be decided (<= 0: now; None: no clock yet)."""
        now = self._clock.now()
        if now is None or window.ended is None:
            return None
        deadline = window.ended + timedelta(seconds=self.reconcile_window + self.clock_margin)
        return (deadline - now).total_seconds()

    async def _reconcile(self, item: OutboxItem) -> OutboxItem:
        current = await self._worker.run(lambda db: db.outbox.get(item.id))
        if current is None or current.state is not OutboxState.UNKNOWN:
            return current or item
        item = current
        if self._in_flight[(item.source, item.text)] > 0:
            return item
        states = await self._worker.run(lambda db: db.outbox.destination_states(item.id))
        missing = [d for d, (state, _) in states.items() if state is not OutboxState.SENT]
        if not missing:
            return await self._worker.run(lambda db: _mark_sent(db, item.id))
        window = await self._worker.run(lambda db: db.outbox.attempt_window(item.id))
        # Decide "absent" only from a listing computed after the deadline: take the
        # clock reading BEFORE the listing request. When the listing's own Date shows
        # the deadline has passed, list once more rather than wait for the next flush.
        for _ in range(2):
            before = self.seconds_until_decidable(window)
            found = await self._search(item, missing, self._since(window.started), None)
            after = self.seconds_until_decidable(window)
            if found or (before is not None and before <= 0) or after is None or after > 0:
                break
        if window.ended is None:
            # The attempt's process died: any server time seen now is after its end.
            ended = self._clock.now()
            if ended is not None:
                window = await self._worker.run(
                    lambda db: db.outbox.set_attempt_end(item.id, ended)
                )
        if found:
            item, applied, attached = await self._worker.run(
                lambda db: storeops.attach_found(db, item.id, found, mark_sent=False)
            )
            await self._emit_applied(applied)
            missing = [d for d in missing if d not in attached]
        if not missing:
            if item.state is not OutboxState.SENT:
                item = await self._worker.run(lambda db: _mark_sent(db, item.id))
            await self.events.outbox_changed.emit(item)
            return item
        if before is None or before > 0:
            await self.events.outbox_changed.emit(item)
            return item
        # Certainly absent: queue the missing destinations again and send them.
        item = await self._worker.run(lambda db: _requeue(db, item.id))
        return await self._attempt(item)

    # ------------------------------------------------------------------ flush / settle

    async def flush(self) -> FlushReport:
        """Send every queued row and reconcile every unknown one, oldest first."""
        async with self._flush_lock:
            report = FlushReport()
            pending = await self._worker.run(lambda db: db.outbox.pending())
            for item in pending:
                if item.id in self._busy:
                    _file(report, item)
                    continue
                if report.stopped is not None:
                    _file(report, item)
                    continue
                before = item.state
                self._busy.add(item.id)
                try:
                    if item.state is OutboxState.QUEUED:
                        after = await self._attempt(item)
                    else:
                        after = await self._reconcile(item)
                except ApiError as exc:  # a listing failed while reconciling
                    after = item
                    report.stopped = str(exc)
                finally:
                    self._busy.discard(item.id)
                if before is OutboxState.UNKNOWN and after.attempts > item.attempts:
                    report.resent.append(item.id)
                elif before is OutboxState.UNKNOWN and after.state is OutboxState.SENT:
                    report.found.append(item.id)
                if after.state is OutboxState.QUEUED and report.stopped is None:
                    report.stopped = after.error or "not sent"
                _file(report, after)
            report.next_check = await self._next_check(report.unknown)
            return report

    async def _next_check(self, unknown: list[int]) -> float | None:
        waits: list[float] = []
        for outbox_id in unknown:
            window = await self._worker.run(
                lambda db, i=outbox_id: db.outbox.attempt_window(i)  # type: ignore[misc]
            )
            wait = self.seconds_until_decidable(window)
            waits.append(0.0 if wait is None else max(0.0, wait))
        return min(waits) if waits else None

    async def settle(self, timeout: float = 600.0, *, retry_every: float = 5.0) -> FlushReport:
        """Flush until every row is sent or failed, or ``timeout`` (monotonic) runs out."""
        deadline = self._monotonic() + timeout
        while True:
            report = await self.flush()
            left = deadline - self._monotonic()
            if report.settled or left <= 0:
                return report
            if report.stopped is not None:
                wait = retry_every
            else:
                wait = report.next_check if report.next_check is not None else retry_every
            await self._sleep(min(max(wait, 0.01) + 0.05, max(left, 0.01)))

    async def run(self, stop: asyncio.Event, *, interval: float = 10.0) -> None:
        """Flush every ``interval`` seconds until ``stop`` is set."""
        while not stop.is_set():
            try:
                await self.flush()
            except Exception:
                log.exception("outbox flush failed")
            try:
                await asyncio.wait_for(stop.wait(), interval)
            except TimeoutError:
                pass


def _file(report: FlushReport, item: OutboxItem) -> None:
    {
        OutboxState.SENT: report.sent,
        OutboxState.FAILED: report.failed,
        OutboxState.QUEUED: report.queued,
        OutboxState.UNKNOWN: report.unknown,
        OutboxState.SENDING: report.unknown,
    }[item.state].append(item.id)


def _mark_sent(db: Database, outbox_id: int) -> OutboxItem:
    return db.outbox.mark_sent(outbox_id)


def _requeue(db: Database, outbox_id: int) -> OutboxItem:
    return db.outbox.requeue(outbox_id)
