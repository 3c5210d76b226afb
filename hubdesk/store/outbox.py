"""The outbox: sends the user asked for, persisted before anything goes on the wire.

The store does nothing network-related; the sync engine drives each entry through
``queued -> sending -> sent | unknown | failed`` with one committed transaction per step.
A row left in ``sending`` by a process that died (the request may or may not have
reached the server) is turned into ``unknown`` by ``recover_interrupted``, so the engine
reconciles instead of resending blindly.

Which rows in ``sending`` are dead is decided with the profile's *sender lock*
(``store.lock.sender_lock_path``: a lock file beside the database), because other
processes (the GUI, ``hubdesk-cli send``) may be sending from the same database:

* A process that sends holds the sender lock *shared* from its first ``mark_sending``
  until its ``Database`` is closed (or it dies: the kernel drops the lock). Several
  live senders hold it together.
* ``recover_interrupted`` (run by ``Database.open``) touches rows in ``sending`` only
  when it can take the lock *exclusive*, that is when no live process is sending; then
  every such row was left by a dead one. Otherwise it leaves them alone (and returns 0):
  they belong to a live sender, which settles them itself.
* The first ``mark_sending`` of a connection recovers the same way before joining the
  senders, so rows a sender left when it died while this process was open are not
  stuck in ``sending``. When the shared lock cannot be had at that instant (another
  process holds it exclusive, for the moment a recovery takes) it raises
  ``SenderBusy`` and the entry stays as it was, to be sent on a later attempt.

An ``Outbox`` made without a lock (a bare connection, as some tests use) recovers
unconditionally, as before.

Each destination has its own row (``outbox_destinations``) with its state and, once
known, the server's ``sms_id``; a bulk send gets its ids later via ``attach_sms_ids``.
"""

from __future__ import annotations

import logging
import sqlite3
import uuid as uuidlib
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from hubdesk.domain import OutboxItem, OutboxState
from hubdesk.store.lock import FileLock
from hubdesk.store.timecodec import Clock, from_epoch, to_epoch, utc_now
from hubdesk.store.transactions import transaction

log = logging.getLogger(__name__)


class OutboxError(LookupError):
    """No such outbox entry, or a transition its current state does not allow."""


class SenderBusy(OutboxError):
    """Another process holds the sender lock exclusively (it is recovering interrupted
    sends); nothing was changed: try the send again shortly."""


_SELECT = """
SELECT id, source, text, state, bulk, created_at, attempts, error FROM outbox
"""


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
    ) -> OutboxItem:
        """Write a new ``queued`` entry and commit it before returning.

        Duplicate destinations are dropped (first kept). Passing the same client-side
        ``uuid`` twice returns the entry already written instead of a second one, so a
        double-clicked Send cannot queue the message twice.
        """
        unique = list(dict.fromkeys(destinations))
        if not unique:
            raise ValueError("an outbox entry needs at least one destination")
        if not bulk and len(unique) > 1:
            raise ValueError("a single (non-bulk) send has exactly one destination")
        key = uuid or str(uuidlib.uuid4())
        with transaction(self._conn, durable=True):
            row = self._conn.execute("SELECT id FROM outbox WHERE uuid = ?", (key,)).fetchone()
            if row is not None:
                return self._require(row[0])
            cur = self._conn.execute(
                "INSERT INTO outbox (uuid, source, text, state, bulk, created_at) "
                "VALUES (?, ?, ?, 'queued', ?, ?)",
                (key, source, text, int(bulk), to_epoch(self._clock())),
            )
            outbox_id = int(cur.lastrowid or 0)
            self._conn.executemany(
                "INSERT INTO outbox_destinations (outbox_id, position, destination, state) "
                "VALUES (?, ?, ?, 'queued')",
                [(outbox_id, pos, dest) for pos, dest in enumerate(unique)],
            )
            return self._require(outbox_id)

    def mark_sending(self, outbox_id: int) -> OutboxItem:
        """Before the POST: count the attempt. Allowed from queued and unknown.

        The first call takes the sender lock (shared, for the connection's life); raises
        ``SenderBusy`` when that is impossible right now.
        """
        self._join_senders()
        now = to_epoch(self._clock())
        with transaction(self._conn, durable=True):
            self._check(outbox_id, {OutboxState.QUEUED, OutboxState.UNKNOWN})
            self._conn.execute(
                "UPDATE outbox SET state = 'sending', attempts = attempts + 1, "
                "last_attempt_at = ?, error = NULL WHERE id = ?",
                (now, outbox_id),
            )
            self._set_destinations(outbox_id, OutboxState.SENDING, only_unsent=True)
            return self._require(outbox_id)

    def mark_sent(self, outbox_id: int, sms_ids: Mapping[str, int] | None = None) -> OutboxItem:
        """The server accepted it; ``sms_ids`` maps destination -> id when it said (single send)."""
        with transaction(self._conn, durable=True):
            self._check(outbox_id, set(OutboxState))
            self._conn.execute(
                "UPDATE outbox SET state = 'sent', error = NULL WHERE id = ?", (outbox_id,)
            )
            self._set_destinations(outbox_id, OutboxState.SENT, only_unsent=False)
            self._attach(outbox_id, sms_ids or {})
            return self._require(outbox_id)

    def mark_unknown(self, outbox_id: int, error: str) -> OutboxItem:
        """The request may have reached the server (timeout, dropped connection)."""
        return self._settle(outbox_id, OutboxState.UNKNOWN, error)

    def mark_failed(self, outbox_id: int, error: str) -> OutboxItem:
        """The server certainly refused it (or the user gave up on it)."""
        return self._settle(outbox_id, OutboxState.FAILED, error)

    def requeue(self, outbox_id: int) -> OutboxItem:
        """Send again (user retry of a failed entry, or reconciliation found it absent)."""
        with transaction(self._conn, durable=True):
            self._check(outbox_id, {OutboxState.FAILED, OutboxState.UNKNOWN, OutboxState.QUEUED})
            self._conn.execute("UPDATE outbox SET state = 'queued' WHERE id = ?", (outbox_id,))
            self._set_destinations(outbox_id, OutboxState.QUEUED, only_unsent=True)
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
        included) is sending: see the module docstring."""
        if self._sender is None:
            return self._recover()
        if self._sender.held or not self._has_sending():
            return 0
        if not self._sender.try_acquire("exclusive"):
            log.info("outbox: another process is sending; its rows in 'sending' are left alone")
            return 0
        try:
            return self._recover()
        finally:
            self._sender.release()

    def release_sender(self) -> None:
        """Stop being a sender (``Database.close`` calls this)."""
        if self._sender is not None:
            self._sender.release()

    def _join_senders(self) -> None:
        if self._sender is None or self._sender.held:
            return
        recovered = self.recover_interrupted()
        if recovered:
            log.info("outbox: %d send(s) interrupted by a dead process are now unknown", recovered)
        if not self._sender.try_acquire("shared"):
            raise SenderBusy(
                "another HubDesk process is checking this profile's interrupted sends; "
                "the message stays queued"
            )

    def _has_sending(self) -> bool:
        row = self._conn.execute("SELECT 1 FROM outbox WHERE state = 'sending' LIMIT 1")
        return row.fetchone() is not None

    def _recover(self) -> int:
        with transaction(self._conn, durable=True):
            cur = self._conn.execute(
                "UPDATE outbox SET state = 'unknown', "
                "error = coalesce(error, 'interrupted while sending') WHERE state = 'sending'"
            )
            self._conn.execute(
                "UPDATE outbox_destinations SET state = 'unknown' WHERE state = 'sending'"
            )
        return cur.rowcount

    def get(self, outbox_id: int) -> OutboxItem | None:
        row = self._conn.execute(_SELECT + " WHERE id = ?", (outbox_id,)).fetchone()
        return None if row is None else self._build([row])[0]

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
        """Entries still to send or reconcile (queued, sending, unknown), oldest first."""
        rows = self._conn.execute(
            _SELECT + " WHERE state IN ('queued', 'sending', 'unknown') ORDER BY id"
        ).fetchall()
        return self._build(rows)

    def all(self, limit: int = 100) -> list[OutboxItem]:
        """The newest ``limit`` entries, newest first."""
        rows = self._conn.execute(_SELECT + " ORDER BY id DESC LIMIT ?", (limit,)).fetchall()
        return self._build(rows)

    # -- internals ----------------------------------------------------------------------

    def _settle(self, outbox_id: int, state: OutboxState, error: str) -> OutboxItem:
        with transaction(self._conn, durable=True):
            self._check(outbox_id, set(OutboxState) - {OutboxState.SENT})
            self._conn.execute(
                "UPDATE outbox SET state = ?, error = ? WHERE id = ?",
                (state.value, error, outbox_id),
            )
            self._set_destinations(outbox_id, state, only_unsent=True)
            return self._require(outbox_id)

    def _set_destinations(self, outbox_id: int, state: OutboxState, only_unsent: bool) -> None:
        sql = "UPDATE outbox_destinations SET state = ? WHERE outbox_id = ?"
        if only_unsent:
            sql += " AND state <> 'sent'"
        self._conn.execute(sql, (state.value, outbox_id))

    def _attach(self, outbox_id: int, sms_ids: Mapping[str, int]) -> None:
        for destination, sms_id in sms_ids.items():
            cur = self._conn.execute(
                "UPDATE outbox_destinations SET sms_id = ?, state = 'sent' "
                "WHERE outbox_id = ? AND destination = ?",
                (sms_id, outbox_id, destination),
            )
            if cur.rowcount == 0:
                raise OutboxError(f"outbox entry {outbox_id} has no destination {destination}")

    def _check(self, outbox_id: int, allowed: Iterable[OutboxState]) -> None:
        row = self._conn.execute("SELECT state FROM outbox WHERE id = ?", (outbox_id,)).fetchone()
        if row is None:
            raise OutboxError(f"no outbox entry {outbox_id}")
        state = OutboxState(row[0])
        if state not in set(allowed):
            raise OutboxError(f"outbox entry {outbox_id} is {state.value}")

    def _require(self, outbox_id: int) -> OutboxItem:
        item = self.get(outbox_id)
        if item is None:
            raise OutboxError(f"no outbox entry {outbox_id}")
        return item

    def _build(self, rows: Sequence[Sequence[Any]]) -> list[OutboxItem]:
        if not rows:
            return []
        ids = [r[0] for r in rows]
        dests: dict[int, list[tuple[str, int | None]]] = {i: [] for i in ids}
        marks = ",".join("?" * len(ids))
        for outbox_id, dest, sms_id in self._conn.execute(
            "SELECT outbox_id, destination, sms_id FROM outbox_destinations "
            f"WHERE outbox_id IN ({marks}) ORDER BY outbox_id, position",
            ids,
        ):
            dests[outbox_id].append((dest, sms_id))
        return [
            OutboxItem(
                id=oid,
                source=source,
                destinations=tuple(d for d, _ in dests[oid]),
                text=text,
                state=OutboxState(state),
                bulk=bool(bulk),
                created_at=from_epoch(created),
                attempts=attempts,
                sms_ids=tuple(s for _, s in dests[oid] if s is not None),
                error=error,
            )
            for oid, source, text, state, bulk, created, attempts, error in rows
        ]
