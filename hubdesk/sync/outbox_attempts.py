"""One outbox row at a time: queueing it (``submit``), one send attempt, and the
reconcile of a row whose attempt may or may not have reached the server.

``RowSender`` is the part of ``sync.outbox.OutboxSender`` that works on a single row;
``OutboxSender`` adds the flush that works through them all and its loops. The
guarantee both keep, and how, is told in ``sync.outbox``'s docstring.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime, timedelta

from hubdesk.api import ApiError, HubClient, RateLimited, Unauthenticated
from hubdesk.domain import OutboxItem, OutboxState, Sms
from hubdesk.store.outbox import AttemptWindow, BatchHeld, NotQueued, Overdue
from hubdesk.store.worker import DbWorker
from hubdesk.sync import storeops
from hubdesk.sync.clock import ServerClock
from hubdesk.sync.events import SyncEvents, SyncStatus, SyncStatusKind, SyncStatusSource
from hubdesk.sync.health import bounded_wait
from hubdesk.sync.inflight import SendsUnderWay, send_key
from hubdesk.sync.outbox_ids import SentIds
from hubdesk.sync.outbox_paced import DEFAULT_CONCURRENCY, PacedRows
from hubdesk.sync.outbox_search import SentSearch
from hubdesk.sync.outcomes import (
    Attempt,
    Executed,
    OptedOut,
    SubmitResult,
    is_refusal,
    stopped_sentence,
    verdict,
)
from hubdesk.sync.pacing import RatePacer

__all__ = ["DEFAULT_RECONCILE_WINDOW", "RowSender", "Sleep"]

DEFAULT_RECONCILE_WINDOW = 120.0
log = logging.getLogger(__name__)
Sleep = Callable[[float], Awaitable[None]]


def _utc_now() -> datetime:
    return datetime.now(UTC)


class RowSender:
    """Sends outbox rows through ``client`` one at a time and settles the uncertain
    ones (the base of ``OutboxSender``)."""

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
        local_clock: Callable[[], datetime] = _utc_now,
        pacer: RatePacer | None = None,
        concurrency: int = DEFAULT_CONCURRENCY,
    ) -> None:
        if reconcile_window < 0 or clock_margin < 0:
            raise ValueError("the reconcile window and clock margin must not be negative")
        self._client = client
        self._worker = worker
        self._clock = server_clock
        self.events = events or SyncEvents()
        self.reconcile_window = reconcile_window
        self.clock_margin = clock_margin
        self._finder = SentSearch(
            client, worker, max_pages=max_reconcile_pages, monotonic=monotonic
        )
        self._ids = SentIds(worker, self._finder, self.events, clock_margin)
        self._posts = 0
        self._sleep = sleep
        self._monotonic = monotonic
        self._busy: set[int] = set()
        self._under_way = SendsUnderWay()
        self._flush_lock = asyncio.Lock()
        self._now = local_clock
        self._paced = PacedRows(
            pacer or RatePacer(client, server_clock=server_clock, monotonic=monotonic),
            concurrency,
        )
        self._wake = asyncio.Event()

    def poke(self) -> None:
        """Flush now: ``OutboxSender.run`` ends its pause (a message was scheduled or
        released, a batch resumed, the computer woke from sleep)."""
        self._wake.set()

    @property
    def requests(self) -> int:
        """Requests made by this sender (sends and listings; for tests and benchmarks)."""
        return self._posts + self._finder.requests

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
        not_before: datetime | None = None,
        template_text: str | None = None,
    ) -> SubmitResult:
        """Queue a message (committed before anything else), then try to send it now.

        One destination: a single send; ``OptedOut`` if it opted out (unless
        ``override_optout``). Several: a bulk send without the opted-out ones, which are
        reported in the result. ``uuid`` makes a repeated submit return the first entry.
        Network trouble does not raise: the entry stays queued or unknown for ``flush``.

        ``not_before``: a message sent later, committed ``scheduled`` and not sent now
        (``template_text``: the text as written, see ``Outbox.enqueue``); ``run`` is
        poked so that its next pause ends in time.
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
            lambda db: db.outbox.enqueue(
                source, dests, text, bulk=bulk, uuid=uuid, not_before=not_before,
                template_text=template_text,
            )
        )  # fmt: skip
        await self.events.outbox_changed.emit(item)
        if not_before is not None:
            self.poke()
        if send and item.state is OutboxState.QUEUED:
            item = await self.send(item)
        return SubmitResult(item, skipped)

    # ------------------------------------------------------------------ one attempt

    async def send(self, item: OutboxItem) -> OutboxItem:
        """Attempt a queued row now (skipped when this process is already working on it)."""
        return (await self.attempt(item)).item

    async def attempt(self, item: OutboxItem) -> Attempt:
        """Like ``send``, with the outcome: the row, the attempt's ``ApiError`` (None on
        success) and whether the server executed it (``"no"`` when skipped)."""
        if item.id in self._busy:
            return Attempt(item)
        self._busy.add(item.id)
        try:
            return await self._attempt(item)
        finally:
            self._busy.discard(item.id)

    async def _attempt(self, item: OutboxItem) -> Attempt:
        """Send a queued row (``item`` may be stale: a flush's list is read before its
        rows are worked through, while other attempts go on)."""
        states = await self._worker.run(lambda db: db.outbox.destination_states(item.id))
        dests = [d for d, (state, _) in states.items() if state is not OutboxState.SENT]
        if not dests:
            return Attempt(await self._mark_sent(item.id), None, "yes")
        started = self._clock.now()
        try:
            item = await self._worker.run(lambda db: db.outbox.mark_sending(item.id, started))
        except (BatchHeld, Overdue):
            # Its batch is paused or cancelled, or it is too late to send unasked.
            current = await self._worker.run(lambda db: db.outbox.get(item.id))
            return Attempt(current or item, None, "no", held=True)
        except NotQueued:
            # Another attempt already took it (it may be on the server): not ours to send.
            current = await self._worker.run(lambda db: db.outbox.get(item.id))
            return Attempt(current or item, None, "maybe", elsewhere=True)
        # Ours now: a number that replied STOP since the message was written (one sent
        # later, or queued while offline) is not texted.
        written = item.created_at
        stopped = await self._worker.run(lambda db: db.optouts.stopped_after(dests, written))
        if stopped:
            reason = stopped_sentence(stopped, item.bulk)
            item = await self._worker.run(lambda db: db.outbox.mark_failed(item.id, reason))
            await self.events.outbox_changed.emit(item)
            return Attempt(item, None, "no")
        # Under way until the outcome is committed, ids included: see ``sync.inflight``.
        with self._under_way.sending(send_key(item.source, item.text)):
            attempt = await self._post(item, dests, started)
        await self.events.outbox_changed.emit(attempt.item)
        return attempt

    async def _post(self, item: OutboxItem, dests: list[str], started: datetime | None) -> Attempt:
        """The request of one attempt, and its outcome committed."""
        try:
            self._posts += 1
            if item.bulk:
                await self._client.bulk_send(item.source, dests, item.text)
                result: Sms | None = None
            else:
                result = await self._client.send_sms(item.source, dests[0], item.text)
        except ApiError as exc:
            item, executed = await self._failed(item, exc)
            return Attempt(item, exc, executed)
        except BaseException:
            # Cancelled (or a bug) mid-request: it may have reached the server.
            ended = self._clock.now()
            await asyncio.shield(
                self._worker.run(
                    lambda db: db.outbox.mark_unknown(item.id, "interrupted while sending", ended)
                )
            )
            raise
        if result is not None:
            found = {dests[0]: result}
            item, applied, _ = await self._worker.run(
                lambda db: storeops.attach_found(db, item.id, found, mark_sent=True)
            )
            await self._emit_applied(applied)
        else:
            item = await self._mark_sent(item.id)
        if len(item.sms_ids) < len(item.destinations):
            try:
                item = await self._ids.find(item, started)
            except ApiError as exc:
                log.info("outbox %s: its ids could not be looked up yet (%s)", item.id, exc)
                self._ids.noted(item)  # awaiting its ids: the next flush looks again
        return Attempt(item, None, "yes")

    async def _failed(self, item: OutboxItem, exc: ApiError) -> tuple[OutboxItem, Executed]:
        message = str(exc)
        if is_refusal(exc):
            return await self._worker.run(lambda db: db.outbox.mark_failed(item.id, message)), "no"
        if verdict(exc) == "no":
            item = await self._worker.run(lambda db: db.outbox.mark_queued(item.id, message))
            await self._status_for(exc)
            return item, "no"
        ended = self._clock.now()
        item = await self._worker.run(lambda db: db.outbox.mark_unknown(item.id, message, ended))
        return item, "maybe"

    async def _mark_sent(self, outbox_id: int) -> OutboxItem:
        return await self._worker.run(lambda db: db.outbox.mark_sent(outbox_id))

    async def _status_for(self, exc: ApiError) -> None:
        outbox = SyncStatusSource.OUTBOX
        if isinstance(exc, RateLimited):
            wait = bounded_wait(exc.retry_after)
            status = SyncStatus(SyncStatusKind.RATE_LIMITED, None, str(exc), wait, outbox)
        elif isinstance(exc, Unauthenticated):
            status = SyncStatus(SyncStatusKind.SESSION_EXPIRED, None, str(exc), source=outbox)
        else:
            status = SyncStatus(SyncStatusKind.OFFLINE, None, str(exc), source=outbox)
        await self.events.sync_state.emit(status)

    async def _emit_applied(self, applied: storeops.Applied) -> None:
        if applied.upsert.partners:
            await self.events.messages_changed.emit(applied.upsert.partners)

    # ------------------------------------------------------------------ finding messages

    def _since(self, started: datetime | None) -> datetime | None:
        return None if started is None else started - timedelta(seconds=self.clock_margin)

    def _until(self, window: AttemptWindow) -> datetime | None:
        """The latest server time a message of this attempt can carry (its deadline)."""
        if window.ended is None:
            return None
        return window.ended + timedelta(seconds=self.reconcile_window + self.clock_margin)

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
            return (await self._reconcile(item)).item
        finally:
            self._busy.discard(item.id)

    def seconds_until_decidable(self, window: AttemptWindow) -> float | None:
        """Server seconds until absence can be decided (<= 0: now; None: no clock yet)."""
        now = self._clock.now()
        if now is None or window.ended is None:
            return None
        deadline = window.ended + timedelta(seconds=self.reconcile_window + self.clock_margin)
        return (deadline - now).total_seconds()

    async def _reconcile(self, item: OutboxItem) -> Attempt:
        current = await self._worker.run(lambda db: db.outbox.get(item.id))
        if current is None or current.state is not OutboxState.UNKNOWN:
            return Attempt(current or item)
        item = current
        key = send_key(item.source, item.text)
        mark = self._under_way.mark(key)
        if mark is None:
            return Attempt(item, None, "maybe")
        states = await self._worker.run(lambda db: db.outbox.destination_states(item.id))
        missing = [d for d, (state, _) in states.items() if state is not OutboxState.SENT]
        if not missing:
            return Attempt(await self._mark_sent(item.id), None, "yes")
        if await self._ids.blocks(item, missing):
            log.info("outbox %s: waits until a sent row with the same text has its ids", item.id)
            return Attempt(item, None, "maybe")
        window = await self._worker.run(lambda db: db.outbox.attempt_window(item.id))
        # Decide "absent" only from a listing computed after the deadline: take the
        # clock reading BEFORE the listing request. When the listing's own Date shows
        # the deadline has passed, list once more rather than wait for the next flush.
        for _ in range(2):
            before = self.seconds_until_decidable(window)
            search = await self._finder.find(
                item, missing, self._since(window.started), self._until(window)
            )
            found = search.messages
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
        if not self._under_way.quiet_since(key, mark):
            # A send of this text started while the listing was read: a message of it
            # may be in the listing, unclaimed. Decide on a later flush.
            return Attempt(item, None, "maybe")
        if found:
            item, applied, attached = await self._worker.run(
                lambda db: storeops.attach_found(db, item.id, found, mark_sent=False)
            )
            await self._emit_applied(applied)
            missing = [d for d in missing if d not in attached]
        if not missing:
            if item.state is not OutboxState.SENT:
                item = await self._mark_sent(item.id)
            await self.events.outbox_changed.emit(item)
            return Attempt(item, None, "yes")
        if before is None or before > 0 or not search.complete:
            if not search.complete:
                log.warning(
                    "outbox %s: the sender's listing is longer than the search reads; "
                    "not re-sending until it can be read to the end",
                    item.id,
                )
            await self.events.outbox_changed.emit(item)
            return Attempt(item, None, "maybe")
        # Certainly absent: queue the missing destinations again and send them (a row
        # of a cancelled batch is cancelled instead: the user said stop).
        item = await self._worker.run(lambda db: db.outbox.requeue(item.id))
        await self.events.outbox_changed.emit(item)
        if item.state is not OutboxState.QUEUED:
            return Attempt(item, None, "no")
        return await self._attempt(item)
