"""The SQL the outbox's repositories share: reading rows into ``OutboxItem``s, writing a
new row with its destinations, and the state changes every repository needs.

``store.outbox`` (the send path), ``store.schedule`` (messages sent later) and
``store.batches`` (bulk sends made of several rows) are views of the same two tables,
``outbox`` and ``outbox_destinations``; the functions here run inside their callers'
transactions and never open one themselves.

Destination states follow their row's (``set_destinations``), except that a destination
already ``sent`` stays sent: a bulk row can be partly on the server.

A row of a *cancelled* batch that goes back to the queue (its attempt certainly did not
run, or a reconcile found it certainly absent) is cancelled instead
(``requeue_or_cancel``): cancelling a batch leaves each recipient sent once or not at
all, never sent after the user said stop.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from hubdesk.domain import BatchState, OutboxItem, OutboxState
from hubdesk.store.timecodec import from_epoch, to_epoch

__all__ = [
    "CHUNK",
    "SELECT_ITEMS",
    "batch_state",
    "build_items",
    "insert_row",
    "late_since",
    "read_items",
    "requeue_or_cancel",
    "row_state",
    "set_destinations",
    "set_state",
]

SELECT_ITEMS = """
SELECT id, source, text, state, bulk, created_at, attempts, error, not_before,
       template_text, batch_id
  FROM outbox
"""
CHUNK = 900  # ids per IN (...) query, below SQLite's variable limit


def read_items(
    conn: sqlite3.Connection, where: str = "", args: Sequence[Any] = ()
) -> list[OutboxItem]:
    """The rows ``SELECT_ITEMS + where`` finds, as items (in the order ``where`` gives)."""
    return build_items(conn, conn.execute(SELECT_ITEMS + where, tuple(args)).fetchall())


def build_items(conn: sqlite3.Connection, rows: Sequence[Sequence[Any]]) -> list[OutboxItem]:
    """``SELECT_ITEMS`` rows as items, with their destinations and server ids."""
    if not rows:
        return []
    ids = [r[0] for r in rows]
    dests: dict[int, list[tuple[str, int | None]]] = {i: [] for i in ids}
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        marks = ",".join("?" * len(chunk))
        for outbox_id, dest, sms_id in conn.execute(
            "SELECT outbox_id, destination, sms_id FROM outbox_destinations "
            f"WHERE outbox_id IN ({marks}) ORDER BY outbox_id, position",
            chunk,
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
            not_before=None if not_before is None else from_epoch(not_before),
            template_text=template_text,
            batch_id=batch_id,
        )
        for (
            oid, source, text, state, bulk, created, attempts, error, not_before,
            template_text, batch_id,
        ) in rows
    ]  # fmt: skip


def insert_row(
    conn: sqlite3.Connection,
    *,
    uuid: str,
    source: str,
    destinations: Sequence[str],
    text: str,
    bulk: bool,
    created_at: datetime,
    not_before: datetime | None = None,
    template_text: str | None = None,
    batch_id: int | None = None,
) -> int:
    """Write one new row (``scheduled`` when it has a ``not_before``, else ``queued``)
    and its destinations; return its id."""
    state = OutboxState.QUEUED if not_before is None else OutboxState.SCHEDULED
    cur = conn.execute(
        "INSERT INTO outbox (uuid, source, text, state, bulk, created_at, not_before, "
        "template_text, batch_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            uuid, source, text, state.value, int(bulk), to_epoch(created_at),
            None if not_before is None else to_epoch(not_before), template_text, batch_id,
        ),
    )  # fmt: skip
    outbox_id = int(cur.lastrowid or 0)
    conn.executemany(
        "INSERT INTO outbox_destinations (outbox_id, position, destination, state) "
        "VALUES (?, ?, ?, ?)",
        [(outbox_id, pos, dest, state.value) for pos, dest in enumerate(destinations)],
    )
    return outbox_id


def row_state(conn: sqlite3.Connection, outbox_id: int) -> OutboxState | None:
    """The row's state; None when there is no such row."""
    row = conn.execute("SELECT state FROM outbox WHERE id = ?", (outbox_id,)).fetchone()
    return None if row is None else OutboxState(row[0])


def batch_state(conn: sqlite3.Connection, outbox_id: int) -> BatchState | None:
    """The state of the batch the row belongs to; None for a row of its own."""
    row = conn.execute(
        "SELECT b.state FROM outbox o JOIN outbox_batches b ON b.id = o.batch_id WHERE o.id = ?",
        (outbox_id,),
    ).fetchone()
    return None if row is None else BatchState(row[0])


def late_since(conn: sqlite3.Connection, outbox_id: int) -> datetime | None:
    """The moment a row's lateness counts from: its not-before time (None: it has
    none, it is never late); for a row of a batch, the batch's latest sign of life when
    later (a row of it claimed, the user's resume), so that a long batch sent at the
    rate limit is not "late" while it is being worked through, but one left
    half-sent while the computer was off is."""
    row = conn.execute(
        "SELECT o.not_before, b.resumed_at, "
        "       (SELECT max(last_attempt_at) FROM outbox WHERE batch_id = o.batch_id) "
        "  FROM outbox o LEFT JOIN outbox_batches b ON b.id = o.batch_id WHERE o.id = ?",
        (outbox_id,),
    ).fetchone()
    if row is None or row[0] is None:
        return None
    if row[1] is None and row[2] is None:
        return from_epoch(row[0])
    return from_epoch(max(v for v in row if v is not None))


def set_destinations(
    conn: sqlite3.Connection, outbox_id: int, state: OutboxState, only_unsent: bool = True
) -> None:
    sql = "UPDATE outbox_destinations SET state = ? WHERE outbox_id = ?"
    if only_unsent:
        sql += " AND state <> 'sent'"
    conn.execute(sql, (state.value, outbox_id))


def set_state(
    conn: sqlite3.Connection, outbox_id: int, state: OutboxState, error: str | None = None
) -> None:
    """Move the row and its unsent destinations to ``state`` (``error`` replaces the
    row's stored reason when given)."""
    if error is None:
        conn.execute("UPDATE outbox SET state = ? WHERE id = ?", (state.value, outbox_id))
    else:
        conn.execute(
            "UPDATE outbox SET state = ?, error = ? WHERE id = ?", (state.value, error, outbox_id)
        )
    set_destinations(conn, outbox_id, state)


def requeue_or_cancel(conn: sqlite3.Connection, outbox_id: int) -> OutboxState:
    """Put the row back in the queue, or cancel it when its batch was cancelled (see the
    module docstring); return the state it now has."""
    if batch_state(conn, outbox_id) is BatchState.CANCELLED:
        set_state(conn, outbox_id, OutboxState.CANCELLED)
        return OutboxState.CANCELLED
    set_state(conn, outbox_id, OutboxState.QUEUED)
    return OutboxState.QUEUED
