"""Bulk sends made of several outbox rows: personalised sends and long lists.

A personalised bulk send has one ordinary single-send row per recipient, each with its
own text; a list longer than one bulk request may hold (``MAX_BULK_DESTINATIONS``) has
one bulk row per 500 numbers. Either way the rows are written together with their
``outbox_batches`` row in ONE durable transaction (``create``): after a crash the send
is there whole or not at all. From then on each row is an outbox row like any other,
sent exactly once by whichever process claims it (``Outbox.mark_sending``).

The batch's state decides whether its rows may be claimed:

* ``active``: they go out (paced under the rate limit by the sync engine);
* ``paused``: its queued rows wait (``Outbox.pending`` skips them, ``mark_sending``
  refuses them); rows already on their way settle normally; ``resume`` goes on;
* ``cancelled``: ONE transaction cancels every row not yet claimed (queued, scheduled,
  overdue). A row on its way at that moment settles normally: sent, or, when it
  certainly did not reach the server, cancelled too (``outbox_rows.requeue_or_cancel``).
  So every recipient ends sent once or not at all.

Progress (``get``) counts recipients by the state of their destination.
"""

from __future__ import annotations

import sqlite3
import uuid as uuidlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from hubdesk.domain import BatchState, OutboxBatch, OutboxItem, OutboxState
from hubdesk.store.outbox import MAX_BULK_DESTINATIONS, OutboxError
from hubdesk.store.outbox_rows import insert_row, read_items, set_destinations, set_state
from hubdesk.store.timecodec import Clock, from_epoch, to_epoch, utc_now
from hubdesk.store.transactions import transaction

__all__ = ["BatchRow", "Batches"]

_UNCLAIMED = ("queued", "scheduled", "overdue")


@dataclass(frozen=True, slots=True)
class BatchRow:
    """One outbox row of a new batch: its destinations (one for a single send, up to
    ``MAX_BULK_DESTINATIONS`` for a bulk row), its text and, when the text was filled
    from placeholders, the text as written (``template_text``)."""

    destinations: tuple[str, ...]
    text: str
    template_text: str | None = None

    @property
    def bulk(self) -> bool:
        return len(self.destinations) > 1


class Batches:
    """Repository over ``outbox_batches`` and the outbox rows of each batch."""

    def __init__(self, conn: sqlite3.Connection, clock: Clock = utc_now) -> None:
        self._conn = conn
        self._clock = clock

    def create(
        self,
        source: str,
        rows: Sequence[BatchRow],
        *,
        uuid: str | None = None,
        template_text: str | None = None,
        not_before: datetime | None = None,
    ) -> OutboxBatch:
        """Write the batch and all its rows (``scheduled`` when ``not_before`` is given,
        else ``queued``) in one durable transaction. The same ``uuid`` twice returns the
        batch already written. A destination may appear in one row only."""
        if not rows:
            raise ValueError("a batch needs at least one row")
        seen: set[str] = set()
        for row in rows:
            if not row.destinations or len(row.destinations) > MAX_BULK_DESTINATIONS:
                raise ValueError(f"a batch row holds 1 to {MAX_BULK_DESTINATIONS} destinations")
            if seen.intersection(row.destinations) or len(set(row.destinations)) < len(
                row.destinations
            ):
                raise ValueError("a destination appears twice in one batch")
            seen.update(row.destinations)
        key = uuid or str(uuidlib.uuid4())
        now = self._clock()
        with transaction(self._conn, durable=True):
            found = self._conn.execute(
                "SELECT id FROM outbox_batches WHERE uuid = ?", (key,)
            ).fetchone()
            if found is not None:
                return self._require(int(found[0]))
            cur = self._conn.execute(
                "INSERT INTO outbox_batches (uuid, source, template_text, state, not_before, "
                "created_at) VALUES (?, ?, ?, 'active', ?, ?)",
                (
                    key, source, template_text,
                    None if not_before is None else to_epoch(not_before), to_epoch(now),
                ),
            )  # fmt: skip
            batch_id = int(cur.lastrowid or 0)
            for position, row in enumerate(rows):
                insert_row(
                    self._conn, uuid=f"{key}:{position}", source=source,
                    destinations=row.destinations, text=row.text, bulk=row.bulk,
                    created_at=now, not_before=not_before,
                    template_text=row.template_text, batch_id=batch_id,
                )  # fmt: skip
            return self._require(batch_id)

    def get(self, batch_id: int) -> OutboxBatch | None:
        """The batch with its recipients counted by state (None: no such batch)."""
        row = self._conn.execute(
            "SELECT id, source, state, created_at, template_text, not_before "
            "FROM outbox_batches WHERE id = ?",
            (batch_id,),
        ).fetchone()
        if row is None:
            return None
        counts = {
            OutboxState(state): int(n)
            for state, n in self._conn.execute(
                "SELECT d.state, count(*) FROM outbox_destinations d "
                "JOIN outbox o ON o.id = d.outbox_id WHERE o.batch_id = ? GROUP BY d.state",
                (batch_id,),
            )
        }
        bid, source, state, created, template_text, not_before = row
        return OutboxBatch(
            id=bid,
            source=source,
            state=BatchState(state),
            created_at=from_epoch(created),
            recipients=sum(counts.values()),
            counts=counts,
            template_text=template_text,
            not_before=None if not_before is None else from_epoch(not_before),
        )

    def unfinished(self) -> list[OutboxBatch]:
        """Batches with a row not yet settled (still to send, paused, waiting for its
        time or for the user), oldest first: what the app shows progress for."""
        ids = [
            int(r[0])
            for r in self._conn.execute(
                "SELECT DISTINCT batch_id FROM outbox WHERE batch_id IS NOT NULL "
                "AND state NOT IN ('sent', 'failed', 'cancelled') ORDER BY batch_id"
            )
        ]
        return [b for b in (self.get(i) for i in ids) if b is not None]

    def items(self, batch_id: int, states: Sequence[OutboxState] = ()) -> list[OutboxItem]:
        """The batch's rows (in ``states``, or all), in the order they were written."""
        where = " WHERE batch_id = ?"
        args: list[object] = [batch_id]
        if states:
            where += f" AND state IN ({','.join('?' * len(states))})"
            args += [s.value for s in states]
        return read_items(self._conn, where + " ORDER BY id", args)

    def pause(self, batch_id: int) -> OutboxBatch:
        """Stop claiming its rows (an active batch; a paused one stays paused)."""
        return self._move(batch_id, BatchState.PAUSED, {BatchState.ACTIVE, BatchState.PAUSED})

    def resume(self, batch_id: int) -> OutboxBatch:
        """Go on with a paused batch (an active one stays active). Its rows count as on
        time from now: the user chose this moment."""
        return self._move(batch_id, BatchState.ACTIVE, {BatchState.ACTIVE, BatchState.PAUSED})

    def cancel(self, batch_id: int) -> OutboxBatch:
        """Cancel every row not yet claimed, and the batch, in one transaction (see the
        module docstring); cancelling a cancelled batch changes nothing."""
        with transaction(self._conn, durable=True):
            self._require(batch_id)
            self._conn.execute(
                "UPDATE outbox_batches SET state = 'cancelled' WHERE id = ?", (batch_id,)
            )
            marks = ",".join("?" * len(_UNCLAIMED))
            ids = [
                int(r[0])
                for r in self._conn.execute(
                    f"SELECT id FROM outbox WHERE batch_id = ? AND state IN ({marks})",
                    (batch_id, *_UNCLAIMED),
                )
            ]
            for outbox_id in ids:
                set_state(self._conn, outbox_id, OutboxState.CANCELLED, "cancelled by the user")
            return self._require(batch_id)

    def release(self, batch_id: int, texts: Mapping[int, str] | None = None) -> OutboxBatch:
        """Send a batch's waiting rows (scheduled or overdue) now: they are queued with
        a not-before time of now, with a new text for the rows ``texts`` names (their
        placeholders filled for this moment). A paused batch becomes active."""
        now = to_epoch(self._clock())
        new_texts = texts or {}
        with transaction(self._conn, durable=True):
            self._require(batch_id)
            state = self._state(batch_id)
            if state is BatchState.CANCELLED:
                raise OutboxError(f"bulk send {batch_id} was cancelled")
            rows = self._conn.execute(
                "SELECT id FROM outbox WHERE batch_id = ? AND state IN ('scheduled', 'overdue')",
                (batch_id,),
            ).fetchall()
            for (outbox_id,) in rows:
                self._conn.execute(
                    "UPDATE outbox SET state = 'queued', not_before = ?, "
                    "text = coalesce(?, text), error = NULL WHERE id = ?",
                    (now, new_texts.get(outbox_id), outbox_id),
                )
                set_destinations(self._conn, outbox_id, OutboxState.QUEUED)
            self._conn.execute(
                "UPDATE outbox_batches SET state = 'active', resumed_at = ? WHERE id = ?",
                (now, batch_id),
            )
            return self._require(batch_id)

    # -- internals ----------------------------------------------------------------------

    def _move(self, batch_id: int, to: BatchState, allowed: set[BatchState]) -> OutboxBatch:
        with transaction(self._conn, durable=True):
            state = self._state(batch_id)
            if state not in allowed:
                raise OutboxError(f"bulk send {batch_id} is {state.value}")
            if state is not to:
                self._conn.execute(
                    "UPDATE outbox_batches SET state = ?, resumed_at = CASE WHEN ? = 'active' "
                    "THEN ? ELSE resumed_at END WHERE id = ?",
                    (to.value, to.value, to_epoch(self._clock()), batch_id),
                )
            return self._require(batch_id)

    def _state(self, batch_id: int) -> BatchState:
        row = self._conn.execute(
            "SELECT state FROM outbox_batches WHERE id = ?", (batch_id,)
        ).fetchone()
        if row is None:
            raise OutboxError(f"no bulk send {batch_id}")
        return BatchState(row[0])

    def _require(self, batch_id: int) -> OutboxBatch:
        batch = self.get(batch_id)
        if batch is None:
            raise OutboxError(f"no bulk send {batch_id}")
        return batch
