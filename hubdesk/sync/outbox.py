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
  transaction. A bulk send returns no ids: the row is ``sent`` at once, and its ids are
  looked up right away with ``/sms/list`` (sender, sent_since) and attached per
  destination. When that look-up fails or does not show them yet, the row stays
  listed by ``Outbox.awaiting_ids`` and every ``flush`` looks again (before it
  reconciles anything): a sent row is never sent again, but it is not settled until
  each destination holds its id.
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

A reconcile never claims the message of another send: it decides nothing while a
send with the same source and text is under way in this process (from its start until
its outcome, ids included, is committed; see ``sync.inflight``), nor when such a send
started while its listing was read, nor while a sent row with that text and a shared
destination still awaits its ids (its message is on the server, unclaimed). Such a
row is decided on a later flush.

Several processes may flush one database (the GUI and ``hubdesk-cli``): a row is sent
by the process whose ``queued -> sending`` step commits first; ``flush`` leaves a row
another process is sending (or has just settled) to it and reports it in
``FlushReport.elsewhere``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

from hubdesk.api import ApiError
from hubdesk.domain import OutboxItem, OutboxState
from hubdesk.store.outbox import StateChanged
from hubdesk.sync.outbox_attempts import DEFAULT_RECONCILE_WINDOW, RowSender
from hubdesk.sync.outcomes import (
    Attempt,
    FlushReport,
    OptedOut,
    SubmitResult,
    file_item,
    verdict,
)
from hubdesk.sync.passes import MAX_BACKOFF, run_passes, settle_passes

__all__ = [
    "DEFAULT_RECONCILE_WINDOW",
    "Attempt",
    "FlushReport",
    "OptedOut",
    "OutboxSender",
    "SubmitResult",
    "verdict",
]

_FLUSHABLE = (OutboxState.QUEUED, OutboxState.UNKNOWN)
log = logging.getLogger(__name__)


class OutboxSender(RowSender):
    """Sends outbox rows through ``client`` and settles the uncertain ones: one row at a
    time (``RowSender``: ``submit``, ``send``, ``attempt``, ``reconcile``), or every row
    due (``flush``, ``settle``, ``run``)."""

    # ------------------------------------------------------------------ flush / settle

    async def flush(self, *, batch: int | None = None) -> FlushReport:
        """Send every queued row and reconcile every unknown one, oldest first: first
        the messages whose time has come (``Schedule.promote_due``), then the rows of
        their own one by one, then the rows of batches a few at a time under the rate
        limit (``sync.outbox_paced``).

        ``batch``: only that batch's rows (``hubdesk-cli bulk-send`` following its own
        send); nothing else is promoted, looked up or sent."""
        async with self._flush_lock:
            report = FlushReport()
            if batch is None:
                promoted = await self._worker.run(lambda db: db.schedule.promote_due())
                report.due = list(promoted.queued)
                if promoted.queued or promoted.overdue:
                    log.info(
                        "outbox: %d scheduled message(s) due, %d found too late (overdue)",
                        len(promoted.queued), len(promoted.overdue),
                    )  # fmt: skip
                if promoted.overdue:  # the thread and the app's prompt show them at once
                    await self._emit_changed(promoted.overdue)
                # The sent rows awaiting ids first: a reconcile of the same text waits for them.
                await self._ids.look_again(report, self._busy)
                pending = await self._worker.run(lambda db: db.outbox.pending())
            else:
                pending = await self._worker.run(
                    lambda db: [i for i in db.outbox.pending() if i.batch_id == batch]
                )
            own = [i for i in pending if i.batch_id is None]
            for item in own:
                await self._flush_item(item, report)
            batched = [i for i in pending if i.batch_id is not None]
            if batched:
                await self._paced.run(
                    batched,
                    lambda row: self._flush_item(row, report),
                    lambda: report.stopped is not None,
                )
            report.awaiting_ids = await self._ids.still_awaiting()
            report.next_check = await self._next_check(report.unknown, report.awaiting_ids)
            overdue, next_due = await self._worker.run(
                lambda db: ([i.id for i in db.schedule.overdue()], db.schedule.next_due())
            )
            report.overdue = overdue
            if next_due is not None:
                report.next_due = max(0.0, (next_due - self._now()).total_seconds())
            return report

    async def _flush_item(self, item: OutboxItem, report: FlushReport) -> None:
        """One row of a flush: sent (queued) or reconciled (unknown), and filed."""
        if item.id in self._busy or report.stopped is not None:
            file_item(report, item)
            return
        # Re-read: another process sharing the database may have taken the row
        # since ``pending`` (a row in 'sending' that is not ours is theirs).
        current = await self._current(item.id)
        if current is None:  # discarded meanwhile
            return
        if current.state not in _FLUSHABLE:
            if current.state in (OutboxState.CANCELLED, OutboxState.OVERDUE):
                file_item(report, current)
            else:
                report.elsewhere.append(item.id)
            return
        item = current
        before = item.state
        self._busy.add(item.id)
        try:
            if item.state is OutboxState.QUEUED:
                outcome = await self._attempt(item)
            else:
                outcome = await self._reconcile(item)
        except ApiError as exc:  # a listing failed while reconciling
            outcome = Attempt(item, exc, "maybe")
            report.stopped, report.error = str(exc), exc
        except StateChanged:  # another process claimed it first: nothing changed
            report.elsewhere.append(item.id)
            return
        finally:
            self._busy.discard(item.id)
        after = outcome.item
        if outcome.elsewhere:  # claimed by another attempt first: its outcome, not ours
            report.elsewhere.append(item.id)
            return
        if outcome.held and after.state is OutboxState.QUEUED:  # its batch was paused
            report.paused.append(item.id)
            return
        if after.state is OutboxState.SENDING:  # ours are settled by now: theirs
            report.elsewhere.append(item.id)
            return
        if before is OutboxState.UNKNOWN and after.attempts > item.attempts:
            report.resent.append(item.id)
        elif before is OutboxState.UNKNOWN and after.state is OutboxState.SENT:
            report.found.append(item.id)
        if after.state is OutboxState.QUEUED and report.stopped is None:
            report.stopped = after.error or "not sent"
            report.error = outcome.error
        file_item(report, after)

    async def _emit_changed(self, ids: Sequence[int]) -> None:
        items = await self._worker.run(lambda db: [db.outbox.get(i) for i in ids])
        for item in items:
            if item is not None:
                await self.events.outbox_changed.emit(item)

    async def _current(self, outbox_id: int) -> OutboxItem | None:
        return await self._worker.run(lambda db: db.outbox.get(outbox_id))

    async def _next_check(self, unknown: list[int], awaiting: list[int]) -> float | None:
        waits = [self._ids.seconds_until_retry(i) for i in awaiting]
        for outbox_id in unknown:
            window = await self._worker.run(
                lambda db, i=outbox_id: db.outbox.attempt_window(i)  # type: ignore[misc]
            )
            wait = self.seconds_until_decidable(window)
            retry = self._finder.seconds_until_retry(outbox_id)
            waits.append(max(retry, 0.0 if wait is None else wait))
        return min(waits) if waits else None

    async def settle(
        self, timeout: float = 600.0, *, retry_every: float = 5.0, batch: int | None = None
    ) -> FlushReport:
        """Flush until every row is sent or failed, or ``timeout`` (monotonic) runs out
        (``batch``: only that batch's rows, as ``flush``)."""
        return await settle_passes(
            lambda: self.flush(batch=batch), timeout, retry_every=retry_every,
            sleep=self._sleep, monotonic=self._monotonic,
        )  # fmt: skip

    async def run(
        self, stop: asyncio.Event, *, interval: float = 10.0, max_backoff: float = MAX_BACKOFF
    ) -> None:
        """Flush every ``interval`` seconds until ``stop`` is set, backing off (doubling
        the pause up to ``max_backoff``) while passes keep failing: see ``sync.passes``.
        A pause ends early at ``poke()`` and when the next scheduled message is due."""
        await run_passes(
            self.flush, stop, interval=interval, max_backoff=max_backoff, sleep=self._sleep,
            report=self.events.sync_state.emit, wake=self._wake,
        )  # fmt: skip
