"""Numbers that asked not to be texted (e.g. replied STOP), and which message said so."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from hubdesk.store.timecodec import Clock, from_epoch, to_epoch, utc_now
from hubdesk.store.transactions import transaction


@dataclass(frozen=True, slots=True)
class OptOut:
    number: str
    since: datetime
    sms_id: int | None = None


class OptOuts:
    """Repository over ``optouts``."""

    def __init__(self, conn: sqlite3.Connection, clock: Clock = utc_now) -> None:
        self._conn = conn
        self._clock = clock

    def add(self, number: str, sms_id: int | None = None, since: datetime | None = None) -> OptOut:
        """Record an opt-out; an existing one keeps its original date and message."""
        moment = to_epoch(since or self._clock())
        with transaction(self._conn):
            self._conn.execute(
                "INSERT INTO optouts (number, since, sms_id) VALUES (?, ?, ?) "
                "ON CONFLICT (number) DO NOTHING",
                (number, moment, sms_id),
            )
            row = self._conn.execute(
                "SELECT since, sms_id FROM optouts WHERE number = ?", (number,)
            ).fetchone()
        return OptOut(number, from_epoch(row[0]), row[1])

    def remove(self, number: str) -> bool:
        with transaction(self._conn):
            cur = self._conn.execute("DELETE FROM optouts WHERE number = ?", (number,))
        return cur.rowcount > 0

    def is_opted_out(self, number: str) -> bool:
        row = self._conn.execute("SELECT 1 FROM optouts WHERE number = ?", (number,)).fetchone()
        return row is not None

    def stopped_after(self, numbers: Iterable[str], moment: datetime) -> list[str]:
        """Those of ``numbers`` that opted out after ``moment`` (a message written
        before they said STOP: whoever wrote it could not know)."""
        return [
            n
            for n in dict.fromkeys(numbers)
            if (row := self._conn.execute(
                "SELECT since FROM optouts WHERE number = ?", (n,)
            ).fetchone()) is not None and row[0] > to_epoch(moment)
        ]  # fmt: skip

    def list(self) -> list[OptOut]:
        rows = self._conn.execute(
            "SELECT number, since, sms_id FROM optouts ORDER BY since, number"
        )
        return [OptOut(n, from_epoch(s), i) for n, s, i in rows]
