"""Bulk sends made of many outbox rows: start, progress, pause, resume, cancel.

Two kinds, one mechanism (``store.batches``):

* personalised (``start_personalised``): the text differs per recipient (a name, the
  number), so the API's bulk request, which takes one text, cannot carry it: one
  ``POST /sms/send`` per recipient, each its own outbox row;
* a long list with one text (``start_uniform``): one ``POST /sms/bulk-send`` per
  ``MAX_BULK_DESTINATIONS`` numbers, a bulk row each.

Every row is written in one transaction before anything is sent; then the outbox
sender works through them in whichever process flushes (the app's outbox loop, or
``hubdesk-cli``), a few at a time under the rate limit, exactly once per recipient.
A send interrupted by a crash or a restart goes on where it stopped.

Progress is the batch's recipients counted by state (``OutboxBatch.counts``); the
sender's ``outbox_changed`` event says when to read it again. ``pause`` holds the rows
not yet claimed; ``cancel`` cancels them (each recipient ends sent once or not at all).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from hubdesk.core.errors import InvalidInput, NoApprovedSender
from hubdesk.core.personalised import PersonalisedPlan, missing_sentence
from hubdesk.core.senders import SenderIds
from hubdesk.domain import OutboxBatch
from hubdesk.store.batches import BatchRow
from hubdesk.store.database import Database
from hubdesk.store.outbox import MAX_BULK_DESTINATIONS, OutboxError
from hubdesk.store.worker import DbWorker
from hubdesk.sync.outbox import OutboxSender

__all__ = ["BulkSends", "split_rows"]


def split_rows(destinations: Sequence[str], text: str) -> list[BatchRow]:
    """One text to ``destinations``: bulk rows of at most ``MAX_BULK_DESTINATIONS``
    numbers (duplicates dropped, order kept)."""
    unique = list(dict.fromkeys(destinations))
    size = MAX_BULK_DESTINATIONS
    return [BatchRow(tuple(unique[i : i + size]), text) for i in range(0, len(unique), size)]


class BulkSends:
    """Starts batches and steers them (the GUI's bulk progress, ``hubdesk-cli``)."""

    def __init__(
        self, worker: DbWorker, sender: OutboxSender, sender_ids: SenderIds | None = None
    ) -> None:
        self._worker = worker
        self._sender = sender
        self._sender_ids = sender_ids  # None: the caller checked the sender ID itself

    async def start_personalised(
        self,
        plan: PersonalisedPlan,
        source: str,
        *,
        when: datetime | None = None,
        override_optout: bool = False,
        uuid: str | None = None,
    ) -> OutboxBatch:
        """Queue one row per recipient of ``plan`` with their own text (scheduled for
        ``when``, else queued now) and poke the sender. Refused (``InvalidInput``)
        when a recipient has no value for a placeholder, or nobody is left; numbers
        that opted out since the plan are left out unless ``override_optout``."""
        if plan.missing_values:
            raise InvalidInput(missing_sentence(plan.missing_values))
        self._check_sender(source)
        written = plan.parsed.source if plan.parsed.has_placeholders else None
        rows = [BatchRow((m.number.digits,), m.text, written) for m in plan.messages]
        return await self._start(source, rows, written, when, override_optout, uuid)

    async def start_uniform(
        self,
        destinations: Sequence[str],
        text: str,
        source: str,
        *,
        when: datetime | None = None,
        template_text: str | None = None,
        override_optout: bool = False,
        uuid: str | None = None,
    ) -> OutboxBatch:
        """Queue ``text`` to ``destinations`` (E.164 digits) as bulk rows of at most 500
        numbers each, and poke the sender."""
        if not text.strip():
            raise InvalidInput("the message is empty")
        self._check_sender(source)
        rows = [
            BatchRow(r.destinations, r.text, template_text) for r in split_rows(destinations, text)
        ]
        return await self._start(source, rows, template_text, when, override_optout, uuid)

    async def progress(self, batch_id: int) -> OutboxBatch:
        """The batch with its recipients counted by state."""
        batch = await self._worker.run(lambda db: db.batches.get(batch_id))
        if batch is None:
            raise InvalidInput(f"there is no bulk send {batch_id}")
        return batch

    async def unfinished(self) -> list[OutboxBatch]:
        """Batches not finished yet (to show their progress after a restart)."""
        return await self._worker.run(lambda db: db.batches.unfinished())

    async def pause(self, batch_id: int) -> OutboxBatch:
        """Hold the rows not yet claimed (rows on their way finish)."""
        return await self._steer(lambda db: db.batches.pause(batch_id))

    async def resume(self, batch_id: int) -> OutboxBatch:
        """Go on with a paused batch; the sender is poked."""
        batch = await self._steer(lambda db: db.batches.resume(batch_id))
        self._sender.poke()
        return batch

    async def cancel(self, batch_id: int) -> OutboxBatch:
        """Cancel every row not yet claimed; rows on their way settle (sent, or
        cancelled when they certainly did not reach the server)."""
        return await self._steer(lambda db: db.batches.cancel(batch_id))

    # -- internals ----------------------------------------------------------------------

    def _check_sender(self, source: str) -> None:
        if self._sender_ids is None:
            return
        approved = self._sender_ids.approved()
        if not approved:
            raise NoApprovedSender("No approved sender ID yet; request one and wait for it.")
        if source not in approved:
            raise NoApprovedSender(f"The sender ID {source} is not approved.")

    async def _start(
        self,
        source: str,
        rows: list[BatchRow],
        template_text: str | None,
        when: datetime | None,
        override_optout: bool,
        uuid: str | None,
    ) -> OutboxBatch:
        def create(db: Database) -> OutboxBatch:
            kept = rows
            if not override_optout:
                kept = [
                    BatchRow(dests, r.text, r.template_text)
                    for r in rows
                    if (dests := tuple(d for d in r.destinations if not db.optouts.is_opted_out(d)))
                ]
            if not kept:
                raise InvalidInput("there are no recipients left to send to (every one opted out)")
            return db.batches.create(
                source, kept, uuid=uuid, template_text=template_text, not_before=when
            )

        batch = await self._worker.run(create)
        await self._sender.events.batch_changed.emit(batch)
        self._sender.poke()
        return batch

    async def _steer(self, change: Callable[[Database], OutboxBatch]) -> OutboxBatch:
        try:
            batch = await self._worker.run(change)
        except OutboxError as exc:
            raise InvalidInput(str(exc)) from None
        await self._sender.events.batch_changed.emit(batch)
        return batch
