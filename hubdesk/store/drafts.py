"""Unsent text typed into a conversation, one draft per partner."""

from __future__ import annotations

import sqlite3

from hubdesk.store.timecodec import Clock, to_epoch, utc_now
from hubdesk.store.transactions import transaction


class Drafts:
    """Repository over ``drafts``."""

    def __init__(self, conn: sqlite3.Connection, clock: Clock = utc_now) -> None:
        self._conn = conn
        self._clock = clock

    def get(self, partner: str) -> str | None:
        row = self._conn.execute("SELECT text FROM drafts WHERE partner = ?", (partner,)).fetchone()
        return None if row is None else str(row[0])

    def set(self, partner: str, text: str) -> None:
        """Save the draft; an empty or blank text deletes it."""
        if not text.strip():
            self.delete(partner)
            return
        with transaction(self._conn):
            self._conn.execute(
                "INSERT INTO drafts (partner, text, updated_at) VALUES (?, ?, ?) "
                "ON CONFLICT (partner) DO UPDATE SET text = excluded.text, "
                "updated_at = excluded.updated_at",
                (partner, text, to_epoch(self._clock())),
            )

    def delete(self, partner: str) -> bool:
        with transaction(self._conn):
            cur = self._conn.execute("DELETE FROM drafts WHERE partner = ?", (partner,))
        return cur.rowcount > 0

    def partners(self) -> list[str]:
        """Partners with a draft (to mark them in the conversation list)."""
        return [r[0] for r in self._conn.execute("SELECT partner FROM drafts ORDER BY partner")]
