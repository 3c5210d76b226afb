"""Messages sent later: the waiting list, the overdue ones, and what the user can do with
one (cancel, send now, another time). The GUI's Scheduled list and its "send now /
cancel" prompt for overdue messages, and ``hubdesk-cli outbox cancel/send``, use this.

A scheduled message is an outbox row that waits for its time (``store.schedule``); the
outbox sender sends it when the time comes, in whichever HubDesk process runs then. One
found more than an hour late (the computer was off) waits as *overdue* until the user
decides.

``{date}`` and ``{time}`` name the moment the message goes: a row keeps the text as
written (``template_text``), and sending it at another moment (``send_now``,
``reschedule``, ``send_batch_now``) fills its placeholders again for that moment, from
the address book as it is then. When a placeholder can no longer be filled (the contact
was removed), the text filled before is kept: the user's decision to send is never
refused for it.

Every change is checked where it is made (``StateChanged`` from the store): a message
another process started sending meanwhile is not cancelled, and the sentence says so.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime

from hubdesk.core.errors import InvalidInput
from hubdesk.domain import OutboxBatch, OutboxItem, OutboxState
from hubdesk.domain.numbers import NumberError, parse_number
from hubdesk.domain.placeholders import (
    NAME_PLACEHOLDERS,
    PlaceholderContext,
    PlaceholderError,
    expand,
    parse,
)
from hubdesk.store.database import Database
from hubdesk.store.outbox import OutboxError, StateChanged
from hubdesk.store.worker import DbWorker
from hubdesk.sync.outbox import OutboxSender

__all__ = ["Scheduler", "cannot_cancel_sentence", "refill"]

log = logging.getLogger(__name__)
_PER_RECIPIENT = NAME_PLACEHOLDERS | {"number"}


def _utc_now() -> datetime:
    return datetime.now(UTC)


def cannot_cancel_sentence(outbox_id: int, state: OutboxState, done: str = "cancelled") -> str:
    """Why a message cannot be cancelled (or, ``done``, "sent now", ...), for a person."""
    why = {
        OutboxState.SENT: "it has already been sent",
        OutboxState.SENDING: "it is being sent right now and may already be on the server",
        OutboxState.UNKNOWN: (
            "it may already be on the server (its send was not confirmed; HubDesk is "
            "checking and will not send it twice)"
        ),
        OutboxState.FAILED: "the server refused it; it was not sent",
        OutboxState.CANCELLED: "it was cancelled",
        OutboxState.QUEUED: "it is already queued to go now",
    }.get(state, f"it is {state.value}")
    return f"outbox entry {outbox_id} cannot be {done}: {why}"


def refill(db: Database, item: OutboxItem, moment: datetime) -> str | None:
    """``item``'s text filled again for ``moment`` (its ``{date}``/``{time}``, and its
    contact's name as the address book has it now); None when it has nothing to fill or
    can no longer be filled (the text filled before stands then), and for a bulk row
    whose text names its recipient (one text for many). Runs on the DB worker."""
    if item.template_text is None:
        return None
    try:
        parsed = parse(item.template_text)
        number = parse_number(item.destinations[0])
    except (PlaceholderError, NumberError):
        return None
    if not parsed.has_placeholders:
        return None
    if item.bulk and _PER_RECIPIENT.intersection(parsed.names):
        return None  # one text for many numbers: filled per recipient it would not be one
    contact = db.contacts.get_by_number(number.digits)
    context = PlaceholderContext(
        number, item.source, moment.astimezone(), contact.name if contact else None
    )
    try:
        return expand(parsed, context)
    except PlaceholderError as exc:
        log.info("outbox %s: keeps the text filled before (%s)", item.id, exc)
        return None


class Scheduler:
    """The messages waiting for a time, and the user's decisions about them."""

    def __init__(
        self,
        worker: DbWorker,
        sender: OutboxSender | None = None,
        clock: Callable[[], datetime] = _utc_now,
    ) -> None:
        self._worker = worker
        self._sender = sender  # poked after a change (None: no sending process here)
        self._clock = clock

    async def waiting(self) -> list[OutboxItem]:
        """Every scheduled and overdue message, soonest first (the Scheduled list)."""
        return await self._worker.run(lambda db: db.schedule.waiting())

    async def overdue(self) -> list[OutboxItem]:
        """The messages found too late to send unasked: ask "send now or cancel"."""
        return await self._worker.run(lambda db: db.schedule.overdue())

    async def cancel(self, outbox_id: int) -> OutboxItem:
        """Cancel a message not yet sent (scheduled, overdue or queued); a cancelled one
        stays cancelled. ``InvalidInput`` (saying why) for one that is sent or may be on
        the server."""
        try:
            item = await self._worker.run(lambda db: db.schedule.cancel(outbox_id))
        except StateChanged as exc:
            raise InvalidInput(cannot_cancel_sentence(outbox_id, exc.state)) from None
        except OutboxError:
            raise InvalidInput(f"there is no outbox entry {outbox_id}") from None
        await self._changed(item)
        return item

    async def send_now(self, outbox_id: int) -> OutboxItem:
        """Queue a scheduled or overdue message to go now (its ``{date}``/``{time}``
        filled for now); the sender is poked. ``InvalidInput`` for any other state."""

        def release(db: Database) -> OutboxItem:
            item = db.outbox.get(outbox_id)
            if item is None:
                raise OutboxError(f"no outbox entry {outbox_id}")
            return db.schedule.send_now(outbox_id, refill(db, item, self._clock()))

        item = await self._change(outbox_id, release, "sent now")
        if self._sender is not None:
            self._sender.poke()
        return item

    async def reschedule(self, outbox_id: int, when: datetime) -> OutboxItem:
        """Give a scheduled or overdue message a new time (aware; not in the past), its
        placeholders filled again for it."""
        if when.tzinfo is None:
            raise ValueError("the new time must be timezone-aware")
        if when <= self._clock():
            raise InvalidInput("the new time is in the past; give a time from now on")

        def move(db: Database) -> OutboxItem:
            item = db.outbox.get(outbox_id)
            if item is None:
                raise OutboxError(f"no outbox entry {outbox_id}")
            return db.schedule.reschedule(outbox_id, when, refill(db, item, when))

        return await self._change(outbox_id, move, "moved to another time")

    async def send_batch_now(self, batch_id: int) -> OutboxBatch:
        """Send a bulk send's waiting rows (scheduled or overdue) now, each filled again
        for now; a paused one goes on."""

        def release(db: Database) -> OutboxBatch:
            now = self._clock()
            rows = db.batches.items(batch_id, (OutboxState.SCHEDULED, OutboxState.OVERDUE))
            texts = {i.id: t for i in rows if (t := refill(db, i, now)) is not None}
            return db.batches.release(batch_id, texts)

        try:
            batch = await self._worker.run(release)
        except OutboxError as exc:
            raise InvalidInput(str(exc)) from None
        if self._sender is not None:
            self._sender.poke()
        return batch

    async def _change(
        self, outbox_id: int, change: Callable[[Database], OutboxItem], done: str
    ) -> OutboxItem:
        try:
            item = await self._worker.run(change)
        except StateChanged as exc:
            raise InvalidInput(cannot_cancel_sentence(outbox_id, exc.state, done)) from None
        except OutboxError:
            raise InvalidInput(f"there is no outbox entry {outbox_id}") from None
        await self._changed(item)
        return item

    async def _changed(self, item: OutboxItem) -> None:
        if self._sender is not None:
            await self._sender.events.outbox_changed.emit(item)
