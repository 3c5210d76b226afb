"""The outbox: sends the user asked for, persisted before anything goes on the wire.

The store does nothing network-related; the sync engine drives each entry through
``queued -> sending -> sent | unknown | failed`` with one committed transaction per step.
A row left in ``sending`` by a process that died (the request may or may not have
reached the server) is turned into ``unknown`` by ``recover_interrupted``, so the engine
reconciles instead of resending blindly.

Which rows in ``sending`` are dead is decided with the profile's *sender lock*, because
other processes (the GUI, ``hubdesk-cli send``) may be sending from the same database:
see ``store.outbox_recovery``. An ``Outbox`` made without a lock (a bare connection, as
some tests use) recovers unconditionally.

Each destination has its own row (``outbox_destinations``) with its state and, once
known, the server's ``sms_id``; a bulk send gets its ids later via ``attach_sms_ids``
(until then it is listed by ``awaiting_ids``).
One server message is claimed by one destination at most (a UNIQUE index; see
``claimed_ids``). Each entry keeps its latest attempt's window in the SERVER's time
(``attempt_window``): set by ``mark_sending`` and ``mark_unknown``/``set_attempt_end``.

Messages sent later (``scheduled``, ``overdue``; see ``store.schedule``) and cancelled
ones are never in ``pending`` and never claimed by ``mark_sending``, which also refuses
a queued row whose batch is paused or cancelled (``BatchHeld``) and turns a queued row
more than an hour past its not-before time into ``overdue`` (``Overdue``): a
scheduled message never goes out late without the user saying so.
"""

from __future__ import annotations

import sqlite3
import uuid as uuidlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from hubdesk.domain import BatchState, OutboxItem, OutboxState
from hubdesk.domain.schedule import is_overdue
from hubdesk.store.lock import FileLock
from hubdesk.store.outbox_recovery import join_senders, recover_interrupted
from hubdesk.store.outbox_rows import (
    CHUNK,
    batch_state,
    insert_row,
    late_since,
    read_items,
    requeue_or_cancel,
    row_state,
    set_destinations,
    set_state,
)
from hubdesk.store.timecodec import Clock, from_epoch, to_epoch, utc_now
from hubdesk.store.transactions import transaction

#: Destinations one bulk entry (one ``POST /sms/bulk-send``) may hold. The API states no
#: limit, but a PHP server reads at most ``max_input_vars`` (1,000 by default) form
#: fields and silently drops the rest; 500 also keeps a reconcile listing short.
MAX_BULK_DESTINATIONS = 500


class OutboxError(LookupError):
    """No such outbox entry, or a transition its current state does not allow."""


class StateChanged(OutboxError):
    """The entry is no longer in a state this step starts from: another process sharing
    the database (the GUI, another ``hubdesk-cli``) moved it since it was read, e.g. it
    claimed a queued entry first. Nothing was changed; ``state`` is where it stands."""

    def __init__(self, outbox_id: int, state: OutboxState) -> None:
        super().__init__(f"outbox entry {outbox_id} is {state.value}")
        self.outbox_id = outbox_id
        self.state = state


class NotQueued(StateChanged):
    """``mark_sending`` of an entry that is no longer queued: another attempt took it,
    or an earlier one may have reached the server (``unknown``: only a reconcile may
    send it again, through ``requeue``). Nothing was changed."""


class BatchHeld(NotQueued):
    """``mark_sending`` of a queued row whose batch is paused (it waits for ``resume``)
    or cancelled; nothing was changed. ``batch_state`` says which."""

    def __init__(self, outbox_id: int, batch_state: BatchState) -> None:
        super().__init__(outbox_id, OutboxState.QUEUED)
        self.batch_state = batch_state


class Overdue(NotQueued):
    """``mark_sending`` of a row more than an hour past its not-before time: it is now
    ``overdue`` (committed) and goes out only when the user says so."""

    def __init__(self, outbox_id: int) -> None:
        super().__init__(outbox_id, OutboxState.OVERDUE)


class SenderBusy(OutboxError):
    """Another process holds the sender lock exclusively (it is recovering interrupted
    sends); nothing was changed: try the send again shortly."""


@dataclass(frozen=True, slots=True)
class AttemptWindow:
    """Server-time bounds of an entry's latest send attempt.

    ``started``: a server time at or before the request left (None: no reading then).
    ``ended``: a server time at or after the attempt was over (None: not known yet, e.g.
    the process died during the request).
    """

    started: datetime | None
    ended: datetime | None


# Rows still to send or reconcile: the queued ones of a paused batch wait for its resume.
_PENDING = """
 WHERE state IN ('queued', 'sending', 'unknown')
   AND NOT (state = 'queued' AND batch_id IN (SELECT id FROM outbox_batches
                                               WHERE state = 'paused'))
 ORDER BY id
"""


def _epoch(moment: datetime | None) -> int | None:
    return None if moment is None else to_epoch(moment)


def _moment(seconds: int | None) -> datetime | None:
    return None if seconds is None else from_epoch(seconds)


class Outbox:
    """Repository over ``outbox`` and ``outbox_destinations``."""

    def __init__(
        self, conn: sqlite3.Connection, clock: Clock = utc_now, sender_lock: FileLock | None = None
    ) -> None:
        self._conn = conn
        self._clock = clock
        self._sender = sender_lock

    @property
    def is_sender(self) -> bool:
        """Whether this connection holds the sender lock (it has sent since it opened)."""
        return self._sender is not None and self._sender.mode == "shared"

    def enqueue(
        self,
        source: str,
        destinations: Sequence[str],
        text: str,
        bulk: bool = False,
        uuid: str | None = None,
        *,
        not_before: datetime | None = None,
        template_text: str | None = None,
    ) -> OutboxItem:
        """Write a new entry and commit it before returning: ``queued``, or ``scheduled``
        when it has a ``not_before`` time (``template_text``: the text as written, kept
        so that a new time can fill its placeholders again).

        Duplicate destinations are dropped (first kept). Passing the same client-side
        ``uuid`` twice returns the entry already written instead of a second one, so a
        double-clicked Send cannot queue the message twice.
        """
        unique = list(dict.fromkeys(destinations))
        if not unique:
            raise ValueError("an outbox entry needs at least one destination")
        if not bulk and len(unique) > 1:
            raise ValueError("a single (non-bulk) send has exactly one destination")
        if len(unique) > MAX_BULK_DESTINATIONS:
            raise ValueError(f"a bulk send holds at most {MAX_BULK_DESTINATIONS} destinations")
        key = uuid or str(uuidlib.uuid4())
        with transaction(self._conn, durable=True):
            row = self._conn.execute("SELECT id FROM outbox WHERE uuid = ?", (key,)).fetchone()
            if row is not None:
                return self._require(row[0])
            outbox_id = insert_row(
                self._conn, uuid=key, source=source, destinations=unique, text=text,
                bulk=bulk, created_at=self._clock(), not_before=not_before,
                template_text=template_text,
            )  # fmt: skip
            return self._require(outbox_id)

    def mark_sending(self, outbox_id: int, started: datetime | None = None) -> OutboxItem:
        """Before the POST: count the attempt. Allowed from ``queued`` only, checked in
        the transaction that makes the change, so two attempts (of this process or of
        another) can never both send one entry, and an entry that may already be on the
        server (``unknown``) is never sent again without a reconcile's ``requeue``.
        Raises ``NotQueued`` otherwise; ``BatchHeld`` when the row's batch is paused or
        cancelled; ``Overdue`` (after committing that state) when the row is more than
        an hour past its not-before time.

        ``started`` (a server time at or before the request leaves) opens the attempt's
        window; its end is unknown until ``mark_unknown`` or ``set_attempt_end``.
        The first call takes the sender lock (shared, for the connection's life); raises
        ``SenderBusy`` when that is impossible right now.
        """
        self._join_senders()
        moment = self._clock()
        now = to_epoch(moment)
        with transaction(self._conn, durable=True):
            state = self._state(outbox_id)
            if state is not OutboxState.QUEUED:
                raise NotQueued(outbox_id, state)
            held = batch_state(self._conn, outbox_id)
            if held is not None and held is not BatchState.ACTIVE:
                raise BatchHeld(outbox_id, held)
            since = late_since(self._conn, outbox_id)
            if since is not None and is_overdue(since, moment):
                set_state(self._conn, outbox_id, OutboxState.OVERDUE)
            else:
                self._conn.execute(
                    "UPDATE outbox SET state = 'sending', attempts = attempts + 1, "
                    "last_attempt_at = ?, error = NULL, attempt_started_at = ?, "
                    "attempt_ended_at = NULL WHERE id = ?",
                    (now, _epoch(started), outbox_id),
                )
                set_destinations(self._conn, outbox_id, OutboxState.SENDING)
                return self._require(outbox_id)
        raise Overdue(outbox_id)  # its new state is committed

    def mark_sent(self, outbox_id: int, sms_ids: Mapping[str, int] | None = None) -> OutboxItem:
        """The server accepted it; ``sms_ids`` maps destination -> id when it said (single send)."""
        with transaction(self._conn, durable=True):
            self._check(outbox_id, set(OutboxState))
            self._conn.execute(
                "UPDATE outbox SET state = 'sent', error = NULL WHERE id = ?", (outbox_id,)
            )
            set_destinations(self._conn, outbox_id, OutboxState.SENT, only_unsent=False)
            self._attach(outbox_id, sms_ids or {})
            return self._require(outbox_id)

    def mark_unknown(self, outbox_id: int, error: str, ended: datetime | None = None) -> OutboxItem:
        """The request may have reached the server (timeout, dropped connection).

        ``ended``: a server time at or after the attempt was over (None: not known)."""
        with transaction(self._conn, durable=True):
            item = self._settle(outbox_id, OutboxState.UNKNOWN, error)
            if ended is not None:
                self._conn.execute(
                    "UPDATE outbox SET attempt_ended_at = ? WHERE id = ?",
                    (to_epoch(ended), outbox_id),
                )
            return item

    def mark_queued(self, outbox_id: int, error: str) -> OutboxItem:
        """sending -> queued: the request certainly did not run (could not connect, 429,
        session expired). The attempt still counts; its window is cleared. A row of a
        cancelled batch is cancelled instead (it was never sent)."""
        with transaction(self._conn, durable=True):
            self._check(outbox_id, {OutboxState.SENDING})
            self._conn.execute(
                "UPDATE outbox SET error = ?, attempt_started_at = NULL, "
                "attempt_ended_at = NULL WHERE id = ?",
                (error, outbox_id),
            )
            requeue_or_cancel(self._conn, outbox_id)
            return self._require(outbox_id)

    def mark_failed(self, outbox_id: int, error: str) -> OutboxItem:
        """The server certainly refused it (or the user gave up on it)."""
        return self._settle(outbox_id, OutboxState.FAILED, error)

    def requeue(self, outbox_id: int) -> OutboxItem:
        """Send again (user retry of a failed entry, or reconciliation found it absent).
        A row of a cancelled batch is cancelled instead: it is certainly not on the
        server, and the user said stop."""
        with transaction(self._conn, durable=True):
            self._check(outbox_id, {OutboxState.FAILED, OutboxState.UNKNOWN, OutboxState.QUEUED})
            requeue_or_cancel(self._conn, outbox_id)
            return self._require(outbox_id)

    def attach_sms_ids(self, outbox_id: int, sms_ids: Mapping[str, int]) -> OutboxItem:
        """Record the server's ids found by reconciliation; those destinations become sent."""
        with transaction(self._conn, durable=True):
            self._require(outbox_id)
            self._attach(outbox_id, sms_ids)
            states = {
                r[0]
                for r in self._conn.execute(
                    "SELECT state FROM outbox_destinations WHERE outbox_id = ?", (outbox_id,)
                )
            }
            if states == {"sent"}:
                self._conn.execute(
                    "UPDATE outbox SET state = 'sent', error = NULL WHERE id = ?", (outbox_id,)
                )
            return self._require(outbox_id)

    def delete(self, outbox_id: int) -> bool:
        """Drop an entry (the user discarded a failed send)."""
        with transaction(self._conn, durable=True):
            cur = self._conn.execute("DELETE FROM outbox WHERE id = ?", (outbox_id,))
        return cur.rowcount > 0

    def recover_interrupted(self) -> int:
        """Turn entries left in ``sending`` by a dead process into ``unknown``; return how
        many. Returns 0 without touching anything while a live process (this one
        included) is sending: see ``store.outbox_recovery``."""
        return recover_interrupted(self._conn, self._sender)

    def release_sender(self) -> None:
        """Stop being a sender (``Database.close`` calls this)."""
        if self._sender is not None:
            self._sender.release()

    def _join_senders(self) -> None:
        if not join_senders(self._conn, self._sender):
            raise SenderBusy(
                "another HubDesk process is checking this profile's interrupted sends; "
                "the message stays queued"
            )

    def attempt_window(self, outbox_id: int) -> AttemptWindow:
        """The latest attempt's window (both None for an unknown id or no attempt yet)."""
        row = self._conn.execute(
            "SELECT attempt_started_at, attempt_ended_at FROM outbox WHERE id = ?", (outbox_id,)
        ).fetchone()
        return AttemptWindow(None, None) if row is None else AttemptWindow(*map(_moment, row))

    def set_attempt_end(self, outbox_id: int, ended: datetime) -> AttemptWindow:
        """Record the end of an attempt a dead process left open (an earlier end stays)."""
        with transaction(self._conn, durable=True):
            self._conn.execute(
                "UPDATE outbox SET attempt_ended_at = coalesce(attempt_ended_at, ?) WHERE id = ?",
                (to_epoch(ended), outbox_id),
            )
            return self.attempt_window(outbox_id)

    def claimed_ids(self, ids: Iterable[int], *, except_outbox: int | None = None) -> set[int]:
        """The server ids among ``ids`` that an entry (other than ``except_outbox``) holds."""
        wanted = list(dict.fromkeys(ids))
        found: set[int] = set()
        for start in range(0, len(wanted), CHUNK):
            chunk = wanted[start : start + CHUNK]
            rows = self._conn.execute(
                "SELECT sms_id, outbox_id FROM outbox_destinations "
                f"WHERE sms_id IN ({','.join('?' * len(chunk))})",
                chunk,
            )
            found.update(int(s) for s, o in rows if o != except_outbox)
        return found

    def get(self, outbox_id: int) -> OutboxItem | None:
        found = read_items(self._conn, " WHERE id = ?", (outbox_id,))
        return found[0] if found else None

    def uuid_of(self, outbox_id: int) -> str | None:
        row = self._conn.execute("SELECT uuid FROM outbox WHERE id = ?", (outbox_id,)).fetchone()
        return None if row is None else str(row[0])

    def destination_states(self, outbox_id: int) -> dict[str, tuple[OutboxState, int | None]]:
        """Per destination: its state and sms_id (None until known)."""
        return {
            dest: (OutboxState(state), sms_id)
            for dest, state, sms_id in self._conn.execute(
                "SELECT destination, state, sms_id FROM outbox_destinations "
                "WHERE outbox_id = ? ORDER BY position",
                (outbox_id,),
            )
        }

    def pending(self) -> list[OutboxItem]:
        """Entries still to send or reconcile (queued, sending, unknown), oldest first;
        not the queued rows of a paused batch (they wait for its resume), nor rows
        waiting for their time (``store.schedule``)."""
        return read_items(self._conn, _PENDING)

    def awaiting_ids(self, source: str | None = None) -> list[OutboxItem]:
        """Sent entries (of ``source``, or all) with a destination whose server id is not
        known yet, oldest first: a bulk send (its answer holds no ids) until the sync
        engine has found its messages, and any entry whose look-up failed. Their
        messages are on the server but claimed by nobody yet."""
        sql = (
            " WHERE id IN (SELECT outbox_id FROM outbox_destinations "
            "WHERE state = 'sent' AND sms_id IS NULL) AND state = 'sent'"
        )
        args: tuple[str, ...] = ()
        if source is not None:
            sql += " AND source = ?"
            args = (source,)
        return read_items(self._conn, sql + " ORDER BY id", args)

    def all(self, limit: int = 100) -> list[OutboxItem]:
        """The newest ``limit`` entries, newest first."""
        return read_items(self._conn, " ORDER BY id DESC LIMIT ?", (limit,))

    # -- internals ----------------------------------------------------------------------

    def _settle(self, outbox_id: int, state: OutboxState, error: str) -> OutboxItem:
        with transaction(self._conn, durable=True):
            self._check(outbox_id, set(OutboxState) - {OutboxState.SENT, OutboxState.CANCELLED})
            set_state(self._conn, outbox_id, state, error)
            return self._require(outbox_id)

    def _attach(self, outbox_id: int, sms_ids: Mapping[str, int]) -> None:
        for destination, sms_id in sms_ids.items():
            try:
                cur = self._conn.execute(
                    "UPDATE outbox_destinations SET sms_id = ?, state = 'sent' "
                    "WHERE outbox_id = ? AND destination = ?",
                    (sms_id, outbox_id, destination),
                )
            except sqlite3.IntegrityError:  # the UNIQUE index on sms_id
                raise OutboxError(
                    f"server message {sms_id} is already claimed by another outbox entry"
                ) from None
            if cur.rowcount == 0:
                raise OutboxError(f"outbox entry {outbox_id} has no destination {destination}")

    def _state(self, outbox_id: int) -> OutboxState:
        state = row_state(self._conn, outbox_id)
        if state is None:
            raise OutboxError(f"no outbox entry {outbox_id}")
        return state

    def _check(self, outbox_id: int, allowed: Iterable[OutboxState]) -> None:
        state = self._state(outbox_id)
        if state not in set(allowed):
            raise StateChanged(outbox_id, state)

    def _require(self, outbox_id: int) -> OutboxItem:
        item = self.get(outbox_id)
        if item is None:
            raise OutboxError(f"no outbox entry {outbox_id}")
        return item
