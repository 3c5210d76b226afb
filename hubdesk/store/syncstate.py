"""The sync engine's bookkeeping: high-water server time, backfill cursor and the like.

Plain key -> text; times are kept in the server's own format (``YYYY-MM-DD HH:MM:SS``,
UTC) so that what goes back into ``sent_since`` is exactly what the server sent.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime

from hubdesk.domain.times import format_server_time, parse_server_time
from hubdesk.store.transactions import transaction

HIGH_WATER = "high_water_time"
BACKFILL_CURSOR = "backfill_cursor"
BACKFILL_DONE = "backfill_done"
#: Set by the poller's first finished pass: from then on, a new message is news.
POLLED = "poller_polled"


class SyncState:
    """Repository over ``sync_state``."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def get(self, key: str) -> str | None:
        row = self._conn.execute("SELECT value FROM sync_state WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set(self, key: str, value: str) -> None:
        with transaction(self._conn):
            self._conn.execute(
                "INSERT INTO sync_state (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    def delete(self, key: str) -> bool:
        with transaction(self._conn):
            cur = self._conn.execute("DELETE FROM sync_state WHERE key = ?", (key,))
        return cur.rowcount > 0

    def get_time(self, key: str) -> datetime | None:
        """A stored server time; None when unset or unreadable (the engine starts over)."""
        text = self.get(key)
        if text is None:
            return None
        try:
            return parse_server_time(text)
        except ValueError:
            return None

    def set_time(self, key: str, moment: datetime) -> None:
        self.set(key, format_server_time(moment))
