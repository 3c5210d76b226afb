"""What the user decided about a conversation: pinned, Done, kept unread.

One row of ``conversation_marks`` per partner that has a mark (rows with none are
dropped). The marks are the user's; the ``conversations`` rows are derived from the
messages and rebuilt at will, so the two live apart and the list joins them.

* Pinned: listed first, until unpinned.
* Done: out of the inbox until a message is RECEIVED after the one that was newest when
  it was marked (``conversations.refresh_conversations`` clears it in the same
  transaction that stores that message); sending does not bring it back.
* Kept unread: "Mark unread" remembers the received message it flagged, so that merely
  refreshing the open thread (``Messages.mark_seen``) does not read it again; opening
  the conversation (``Messages.mark_read``) or reading a newer received message clears
  it. Kept here, written by ``Messages``.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Literal

from hubdesk.store.timecodec import Clock, to_epoch, utc_now
from hubdesk.store.transactions import transaction

__all__ = ["ConversationMarks", "Marks", "clear_mark", "set_mark"]

Column = Literal["pinned_at", "done_time", "done_sms_id", "kept_unread_sms_id"]

_DROP_EMPTY = """
DELETE FROM conversation_marks
 WHERE partner = ? AND pinned_at IS NULL AND done_time IS NULL
   AND kept_unread_sms_id IS NULL
"""


@dataclass(frozen=True, slots=True)
class Marks:
    """The marks of one conversation."""

    pinned: bool = False
    done: bool = False
    kept_unread: bool = False


def set_mark(conn: sqlite3.Connection, partner: str, values: dict[Column, int | None]) -> None:
    """Write ``values`` into ``partner``'s marks (creating the row); inside a transaction."""
    columns = list(values)
    names = ", ".join(columns)
    marks = ", ".join("?" * len(columns))
    updates = ", ".join(f"{c} = excluded.{c}" for c in columns)
    conn.execute(
        f"INSERT INTO conversation_marks (partner, {names}) VALUES (?, {marks}) "
        f"ON CONFLICT (partner) DO UPDATE SET {updates}",
        [partner, *values.values()],
    )
    conn.execute(_DROP_EMPTY, (partner,))


def clear_mark(conn: sqlite3.Connection, partner: str, columns: tuple[Column, ...]) -> bool:
    """Set ``columns`` of ``partner``'s marks to NULL; True when one was set."""
    sets = ", ".join(f"{c} = NULL" for c in columns)
    clauses = " OR ".join(f"{c} IS NOT NULL" for c in columns)
    cur = conn.execute(
        f"UPDATE conversation_marks SET {sets} WHERE partner = ? AND ({clauses})", (partner,)
    )
    conn.execute(_DROP_EMPTY, (partner,))
    return cur.rowcount > 0


class ConversationMarks:
    """Repository over ``conversation_marks``: pin and Done (kept unread is
    ``Messages``')."""

    def __init__(self, conn: sqlite3.Connection, clock: Clock = utc_now) -> None:
        self._conn = conn
        self._clock = clock

    def get(self, partner: str) -> Marks:
        row = self._conn.execute(
            "SELECT pinned_at IS NOT NULL, done_time IS NOT NULL, "
            "kept_unread_sms_id IS NOT NULL FROM conversation_marks WHERE partner = ?",
            (partner,),
        ).fetchone()
        return Marks() if row is None else Marks(*(bool(v) for v in row))

    def pin(self, partner: str) -> bool:
        """Pin the conversation; False when it was pinned already."""
        with transaction(self._conn):
            if self.get(partner).pinned:
                return False
            set_mark(self._conn, partner, {"pinned_at": to_epoch(self._clock())})
        return True

    def unpin(self, partner: str) -> bool:
        """False when it was not pinned."""
        with transaction(self._conn):
            return clear_mark(self._conn, partner, ("pinned_at",))

    def mark_done(self, partner: str) -> bool:
        """Move the conversation out of the inbox until a newer message is received.

        Returns False when there is no conversation with ``partner`` (nothing stored,
        nothing in the outbox). Marking it again moves the mark to the newest message.
        """
        with transaction(self._conn):
            row = self._conn.execute(
                "SELECT last_time, last_sms_id FROM conversations WHERE partner = ?", (partner,)
            ).fetchone()
            if row is None:
                # Only outbox entries so far: any message received from now on is newer.
                pending = self._conn.execute(
                    "SELECT max(ob.created_at) FROM outbox_destinations d "
                    "JOIN outbox ob ON ob.id = d.outbox_id WHERE d.destination = ?",
                    (partner,),
                ).fetchone()
                if pending[0] is None:
                    return False
                row = (int(pending[0]), 0)
            set_mark(self._conn, partner, {"done_time": row[0], "done_sms_id": row[1]})
        return True

    def mark_undone(self, partner: str) -> bool:
        """Back to the inbox; False when it was not Done."""
        with transaction(self._conn):
            return clear_mark(self._conn, partner, ("done_time", "done_sms_id"))
