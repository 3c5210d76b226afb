"""The call log: every click-to-dial or masked dial attempt, with how it went."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from hubdesk.domain import CallRecord
from hubdesk.store.timecodec import Clock, from_epoch, to_epoch, utc_now
from hubdesk.store.transactions import transaction

__all__ = ["CALL_COLUMNS", "Calls", "call_from_row"]

#: The columns ``call_from_row`` reads, in its order.
CALL_COLUMNS = "id, number, time, ok, outcome, masked_source, call_id"
_SELECT = f"SELECT {CALL_COLUMNS} FROM calls"


def call_from_row(row: Sequence[Any]) -> CallRecord:
    """The ``CallRecord`` of a row selected as ``CALL_COLUMNS``."""
    call_id, number, time, ok, outcome, masked_source, server_call_id = row
    return CallRecord(
        id=call_id,
        number=number,
        time=from_epoch(time),
        ok=bool(ok),
        outcome=outcome,
        masked_source=masked_source,
        call_id=server_call_id,
    )


class Calls:
    """Repository over ``calls``."""

    def __init__(self, conn: sqlite3.Connection, clock: Clock = utc_now) -> None:
        self._conn = conn
        self._clock = clock

    def add(
        self,
        number: str,
        ok: bool,
        outcome: str,
        masked_source: str | None = None,
        call_id: str | None = None,
        time: datetime | None = None,
    ) -> CallRecord:
        moment = to_epoch(time or self._clock())
        with transaction(self._conn):
            cur = self._conn.execute(
                "INSERT INTO calls (number, masked_source, call_id, time, ok, outcome) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (number, masked_source, call_id, moment, int(ok), outcome),
            )
        return CallRecord(
            id=int(cur.lastrowid or 0),
            number=number,
            time=from_epoch(moment),
            ok=ok,
            outcome=outcome,
            masked_source=masked_source,
            call_id=call_id,
        )

    def list(self, limit: int = 100, number: str | None = None) -> list[CallRecord]:
        """Newest first; only calls to ``number`` when given."""
        if number is None:
            rows = self._conn.execute(_SELECT + " ORDER BY time DESC, id DESC LIMIT ?", (limit,))
        else:
            rows = self._conn.execute(
                _SELECT + " WHERE number = ? ORDER BY time DESC, id DESC LIMIT ?", (number, limit)
            )
        return [call_from_row(row) for row in rows]
