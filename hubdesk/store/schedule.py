"""Messages sent later: outbox rows that wait for their not-before time.

A scheduled message is an ordinary outbox row (``Outbox.enqueue(not_before=...)``) in
state ``scheduled``, committed at once. Nothing sends it while it waits:
``Outbox.pending`` does not list it and ``Outbox.mark_sending`` refuses it.
``promote_due`` (run by every flush, in any process) moves the rows whose time has come,
in one transaction:

* ``scheduled -> queued`` when ``not_before <= now <= not_before + OVERDUE_AFTER``: the
  same flush sends it;
* ``scheduled -> overdue`` when ``now > not_before + OVERDUE_AFTER``: found too late
  (the computer was off or asleep), it waits for the user: ``send_now`` or ``cancel``.

"Now" is this computer's clock (UTC): the user meant their own clock's 9:00, not the
server's.

The text of a waiting row may still change (``reschedule``/``send_now`` take a new one:
the caller fills the placeholders of ``template_text`` again for the new moment); from
``queued`` on it never does, because a reconcile recognises the server's message by its
text.

Every change is one conditional UPDATE in its own ``BEGIN IMMEDIATE`` transaction, as is
``mark_sending``'s claim: a cancel and a claim of the same row never both win.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

from hubdesk.domain import OutboxItem, OutboxState
from hubdesk.domain.schedule import OVERDUE_AFTER
from hubdesk.store.outbox import OutboxError, StateChanged
from hubdesk.store.outbox_rows import read_items, row_state, set_destinations, set_state
from hubdesk.store.timecodec import Clock, from_epoch, to_epoch, utc_now
from hubdesk.store.transactions import transaction

__all__ = ["CANCELLABLE", "Promoted", "Schedule"]

#: States a message can be cancelled from: it is certainly not on the server.
CANCELLABLE = frozenset({OutboxState.SCHEDULED, OutboxState.OVERDUE, OutboxState.QUEUED})
_WAITING = frozenset({OutboxState.SCHEDULED, OutboxState.OVERDUE})
_GRACE = int(OVERDUE_AFTER.total_seconds())


@dataclass(frozen=True, slots=True)
class Promoted:
    """What one ``promote_due`` changed: rows now queued, rows now overdue."""

    queued: tuple[int, ...] = ()
    overdue: tuple[int, ...] = ()


class Schedule:
    """Repository of the outbox rows that wait for a time (see the module docstring)."""

    def __init__(self, conn: sqlite3.Connection, clock: Clock = utc_now) -> None:
        self._conn = conn
        self._clock = clock

    def promote_due(self, now: datetime | None = None) -> Promoted:
        """Queue the rows whose time has come; hold those found too late as overdue."""
        moment = to_epoch(now or self._clock())
        if not self._ids("state = 'scheduled' AND not_before <= ?", moment):
            return Promoted()  # nothing due: no write transaction (every flush asks)
        with transaction(self._conn, durable=True):
            late = self._ids("state = 'scheduled' AND not_before < ?", moment - _GRACE)
            held = set(late)
            due = [
                i for i in self._ids("state = 'scheduled' AND not_before <= ?", moment)
                if i not in held
            ]  # fmt: skip
            for outbox_id in late:
                set_state(self._conn, outbox_id, OutboxState.OVERDUE)
            for outbox_id in due:
                set_state(self._conn, outbox_id, OutboxState.QUEUED)
        return Promoted(tuple(due), tuple(late))

    def cancel(self, outbox_id: int) -> OutboxItem:
        """Cancel a message that is certainly not on the server (scheduled, overdue,
        queued); cancelling a cancelled one changes nothing. Raises ``StateChanged``
        (with the state) for one that is sent, failed, or may be on the server."""
        with transaction(self._conn, durable=True):
            state = self._state(outbox_id)
            if state is OutboxState.CANCELLED:
                return self._item(outbox_id)
            if state not in CANCELLABLE:
                raise StateChanged(outbox_id, state)
            set_state(self._conn, outbox_id, OutboxState.CANCELLED, "cancelled by the user")
            return self._item(outbox_id)

    def reschedule(
        self, outbox_id: int, not_before: datetime, text: str | None = None
    ) -> OutboxItem:
        """A waiting message (scheduled or overdue) gets a new time, and ``text`` when
        given (its placeholders filled for that time). ``StateChanged`` otherwise."""
        with transaction(self._conn, durable=True):
            self._expect(outbox_id, _WAITING)
            self._conn.execute(
                "UPDATE outbox SET state = 'scheduled', not_before = ?, "
                "text = coalesce(?, text), error = NULL WHERE id = ?",
                (to_epoch(not_before), text, outbox_id),
            )
            set_destinations(self._conn, outbox_id, OutboxState.SCHEDULED)
            return self._item(outbox_id)

    def send_now(self, outbox_id: int, text: str | None = None) -> OutboxItem:
        """A waiting message (scheduled or overdue) is queued to go now: its not-before
        time becomes now (the user chose this moment). ``StateChanged`` otherwise."""
        with transaction(self._conn, durable=True):
            self._expect(outbox_id, _WAITING)
            self._release(outbox_id, to_epoch(self._clock()), text)
            return self._item(outbox_id)

    def waiting(self) -> list[OutboxItem]:
        """Every scheduled and overdue message, soonest first."""
        return read_items(
            self._conn,
            " WHERE state IN ('scheduled', 'overdue') ORDER BY not_before, id",
        )

    def overdue(self) -> list[OutboxItem]:
        """The messages found too late to send without asking, oldest time first."""
        return read_items(self._conn, " WHERE state = 'overdue' ORDER BY not_before, id")

    def next_due(self) -> datetime | None:
        """The earliest time a scheduled message waits for (None: none waits)."""
        row = self._conn.execute(
            "SELECT min(not_before) FROM outbox WHERE state = 'scheduled'"
        ).fetchone()
        return None if row[0] is None else from_epoch(row[0])

    # -- internals ----------------------------------------------------------------------

    def _release(self, outbox_id: int, now: int, text: str | None) -> None:
        """Queue a waiting row with ``not_before`` = ``now`` (inside a transaction)."""
        self._conn.execute(
            "UPDATE outbox SET state = 'queued', not_before = ?, text = coalesce(?, text), "
            "error = NULL WHERE id = ?",
            (now, text, outbox_id),
        )
        set_destinations(self._conn, outbox_id, OutboxState.QUEUED)

    def _ids(self, where: str, *args: int) -> list[int]:
        rows = self._conn.execute(f"SELECT id FROM outbox WHERE {where} ORDER BY id", args)
        return [int(r[0]) for r in rows]

    def _state(self, outbox_id: int) -> OutboxState:
        state = row_state(self._conn, outbox_id)
        if state is None:
            raise OutboxError(f"no outbox entry {outbox_id}")
        return state

    def _expect(self, outbox_id: int, allowed: frozenset[OutboxState]) -> None:
        state = self._state(outbox_id)
        if state not in allowed:
            raise StateChanged(outbox_id, state)

    def _item(self, outbox_id: int) -> OutboxItem:
        found = read_items(self._conn, " WHERE id = ?", (outbox_id,))
        if not found:
            raise OutboxError(f"no outbox entry {outbox_id}")
        return found[0]
