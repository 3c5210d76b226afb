"""Stored SMS, keyed by the server's ``sms_id``: what the sync engine writes and the UI reads.

Every write keeps the ``conversations`` table in step inside the same transaction.
Local read state: a message never seen before is unread when it was received and the
server calls it unread; after that only ``mark_read`` / ``mark_unread`` / ``mark_seen``
change it ("Mark unread" sticks: see ``store.marks``).

Text is stored as UTF-8, which cannot hold a lone surrogate. The API repairs server text
where it is parsed (``hubdesk.api.text``); :func:`storable` is the backstop here, so a
message that reached the store some other way can never make a batch raise
``UnicodeEncodeError`` (one such message used to stop receiving for good).
"""

from __future__ import annotations

import dataclasses
import logging
import re
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from hubdesk.domain import (
    Conversation,
    ConversationFilter,
    DeliveryStatus,
    ReadStatus,
    Sms,
    SmsType,
    ThreadEntry,
)
from hubdesk.store.conversations import list_conversations, refresh_conversations, unread_total
from hubdesk.store.marks import clear_mark, set_mark
from hubdesk.store.threads import thread_page
from hubdesk.store.timecodec import Clock, from_epoch, to_epoch, utc_now
from hubdesk.store.transactions import transaction

# Well under SQLite's bound-parameter limit (32766 since 3.32; 999 before).
_CHUNK = 900
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
log = logging.getLogger(__name__)


def _replaced(text: str) -> str:
    return _LONE_SURROGATE.sub("\ufffd", text)


def storable(message: Sms) -> Sms:
    """``message`` with every lone surrogate in its text fields replaced by U+FFFD."""
    texts = (message.source, message.destination, message.text, message.chat_partner or "")
    if not any(_LONE_SURROGATE.search(text) for text in texts):
        return message
    log.warning("message %d: lone surrogates in its text replaced by U+FFFD", message.sms_id)
    partner = message.chat_partner
    return dataclasses.replace(
        message,
        source=_replaced(message.source),
        destination=_replaced(message.destination),
        text=_replaced(message.text),
        chat_partner=None if partner is None else _replaced(partner),
    )


_COLUMNS = (
    "sms_id, source, destination, partner, text, type, delivery_status, server_read, time, segments"
)

_INSERT = f"""
INSERT INTO messages ({_COLUMNS}, sender_id, unread, stored_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
"""

_UPDATE = """
UPDATE messages
   SET text = ?, delivery_status = ?, server_read = ?, segments = coalesce(?, segments)
 WHERE sms_id = ?
"""


@dataclass(frozen=True, slots=True)
class UpsertResult:
    """What one ``upsert_messages`` call changed.

    ``new_ids``: sms_ids stored for the first time. ``new_inbound``: the received ones
    among them, in the order given (for "new message" notifications; never an id that
    was stored before, so poll overlap and restarts announce nothing twice).
    ``status_changed``: already-stored outbound ids whose delivery status changed.
    ``partners``: conversations whose row may have changed (to refresh the list).
    """

    new_ids: frozenset[int]
    new_inbound: tuple[Sms, ...]
    status_changed: tuple[int, ...]
    partners: frozenset[str]


def row_to_sms(row: Sequence[Any]) -> Sms:
    """Build an ``Sms`` from a row of ``_COLUMNS`` (in that order)."""
    sms_id, source, destination, partner, text, type_, status, read, time, segments = row
    sms_type = SmsType(type_)
    derived = destination if sms_type is SmsType.SENT else source
    return Sms(
        sms_id=int(sms_id),
        source=str(source),
        destination=str(destination),
        text=str(text),
        type=sms_type,
        delivery_status=DeliveryStatus(status),
        read_status=ReadStatus(read),
        time=from_epoch(int(time)),
        sms_count=None if segments is None else int(segments),
        chat_partner=None if partner == derived else str(partner),
    )


class Messages:
    """Repository over ``messages`` (and the conversation rows derived from it)."""

    def __init__(self, conn: sqlite3.Connection, clock: Clock = utc_now) -> None:
        self._conn = conn
        self._clock = clock

    # -- writes -------------------------------------------------------------------------

    def upsert_messages(self, sms: Sequence[Sms]) -> UpsertResult:
        """Store a batch (a poll result, a send response) in ONE transaction."""
        batch: dict[int, Sms] = {}
        for message in sms:  # the same id twice in one batch: the last copy wins
            batch[message.sms_id] = storable(message)
        if not batch:
            return UpsertResult(frozenset(), (), (), frozenset())
        stored_at = to_epoch(self._clock())
        inserts: list[tuple[object, ...]] = []
        updates: list[tuple[object, ...]] = []
        new_inbound: list[Sms] = []
        changed: list[int] = []
        partners: set[str] = set()
        existing: dict[int, tuple[str, str, str, str, int | None]] = {}
        with transaction(self._conn):
            existing = self._existing(batch)
            for m in batch.values():
                old = existing.get(m.sms_id)
                if old is None:
                    received = m.type is SmsType.RECEIVED
                    unread = int(received and m.read_status is ReadStatus.UNREAD)
                    inserts.append(
                        (
                            m.sms_id,
                            m.source,
                            m.destination,
                            m.partner,
                            m.text,
                            m.type.value,
                            m.delivery_status.value,
                            m.read_status.value,
                            to_epoch(m.time),
                            m.sms_count,
                            m.sender_id,
                            unread,
                            stored_at,
                        )
                    )
                    partners.add(m.partner)
                    if received:
                        new_inbound.append(m)
                    continue
                partner, text, status, read, segments = old
                if m.type is SmsType.SENT and status != m.delivery_status.value:
                    changed.append(m.sms_id)
                fresh_segments = m.sms_count is not None and m.sms_count != segments
                if (text, status, read) != (
                    m.text,
                    m.delivery_status.value,
                    m.read_status.value,
                ) or fresh_segments:
                    updates.append(
                        (
                            m.text,
                            m.delivery_status.value,
                            m.read_status.value,
                            m.sms_count,
                            m.sms_id,
                        )
                    )
                    partners.add(partner)
            self._conn.executemany(_INSERT, inserts)
            self._conn.executemany(_UPDATE, updates)
            refresh_conversations(self._conn, partners)
        return UpsertResult(
            new_ids=frozenset(m.sms_id for m in batch.values() if m.sms_id not in existing),
            new_inbound=tuple(new_inbound),
            status_changed=tuple(changed),
            partners=frozenset(partners),
        )

    def mark_read(self, partner: str) -> int:
        """Mark every message with ``partner`` read locally (the user opened the
        conversation or asked for it): also ends "kept unread". Returns how many changed."""
        with transaction(self._conn):
            cur = self._conn.execute(
                "UPDATE messages SET unread = 0 WHERE partner = ? AND unread = 1", (partner,)
            )
            self._conn.execute("UPDATE conversations SET unread = 0 WHERE partner = ?", (partner,))
            clear_mark(self._conn, partner, ("kept_unread_sms_id",))
        return cur.rowcount

    def mark_seen(self, partner: str) -> int:
        """The open conversation was shown again (a refresh, not the user opening it):
        read, unless the user marked it unread and nothing was received since.

        A conversation kept unread stays exactly as it is until a message newer than the
        one "Mark unread" flagged is received; seeing that one reads the whole
        conversation (and ends "kept unread"), as opening it does. Returns how many
        messages changed (0 while kept unread)."""
        with transaction(self._conn):
            row = self._conn.execute(
                """SELECT k.time, k.sms_id FROM conversation_marks s
                     JOIN messages k ON k.sms_id = s.kept_unread_sms_id
                    WHERE s.partner = ?""",
                (partner,),
            ).fetchone()
            if row is not None:
                newer = self._conn.execute(
                    """SELECT 1 FROM messages
                        WHERE partner = ? AND type = '2' AND unread = 1 AND time >= ?
                          AND (time > ? OR sms_id > ?) LIMIT 1""",
                    (partner, row[0], row[0], row[1]),
                ).fetchone()
                if newer is None:
                    return 0
            return self.mark_read(partner)

    def mark_unread(self, partner: str) -> bool:
        """Mark the newest received message unread and keep it so (see ``mark_seen``);
        False if nothing was received from them."""
        with transaction(self._conn):
            row = self._conn.execute(
                """SELECT sms_id FROM messages WHERE partner = ? AND type = '2'
                    ORDER BY time DESC, sms_id DESC LIMIT 1""",
                (partner,),
            ).fetchone()
            if row is None:
                return False
            self._conn.execute("UPDATE messages SET unread = 1 WHERE sms_id = ?", (row[0],))
            set_mark(self._conn, partner, {"kept_unread_sms_id": row[0]})
            refresh_conversations(self._conn, (partner,))
        return True

    def refresh(self, partners: Iterable[str]) -> None:
        """Recompute the conversation rows of ``partners`` (after a change outside the
        messages, e.g. a discarded resend: its failure counts again)."""
        with transaction(self._conn):
            refresh_conversations(self._conn, partners)

    # -- reads --------------------------------------------------------------------------

    def get(self, sms_id: int) -> Sms | None:
        row = self._conn.execute(
            f"SELECT {_COLUMNS} FROM messages WHERE sms_id = ?", (sms_id,)
        ).fetchone()
        return None if row is None else row_to_sms(row)

    def known_ids(self, ids: Iterable[int]) -> set[int]:
        """The subset of ``ids`` already stored."""
        wanted = list(dict.fromkeys(ids))
        known: set[int] = set()
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            marks = ",".join("?" * len(chunk))
            known.update(
                r[0]
                for r in self._conn.execute(
                    f"SELECT sms_id FROM messages WHERE sms_id IN ({marks})", chunk
                )
            )
        return known

    def newest_server_time(self) -> datetime | None:
        row = self._conn.execute("SELECT max(time) FROM messages").fetchone()
        return None if row[0] is None else from_epoch(row[0])

    def oldest_server_time(self) -> datetime | None:
        row = self._conn.execute("SELECT min(time) FROM messages").fetchone()
        return None if row[0] is None else from_epoch(row[0])

    def pending_outbound(self, limit: int = 100) -> list[Sms]:
        """Sent messages whose delivery is still PENDING, newest first."""
        rows = self._conn.execute(
            f"""SELECT {_COLUMNS} FROM messages
                 WHERE delivery_status = '0' AND type = '1'
                 ORDER BY time DESC LIMIT ?""",
            (limit,),
        )
        return [row_to_sms(r) for r in rows]

    def newer_in_thread(self, partner: str, sms_id: int) -> int | None:
        """How many stored messages with ``partner`` are newer than ``sms_id`` (thread
        order: time, then id); None when ``sms_id`` is not a stored message with them."""
        row = self._conn.execute(
            """SELECT (SELECT count(*) FROM messages n
                        WHERE n.partner = m.partner AND n.time >= m.time
                          AND (n.time > m.time OR n.sms_id > m.sms_id))
                 FROM messages m WHERE m.sms_id = ? AND m.partner = ?""",
            (sms_id, partner),
        ).fetchone()
        return None if row is None else int(row[0])

    def newer_than_outbox(self, partner: str, outbox_id: int) -> int | None:
        """How many stored messages with ``partner`` are placed at or after the outbox
        entry ``outbox_id`` in the thread (its not-before time, else its creation time);
        None when the entry has no destination ``partner``."""
        row = self._conn.execute(
            """SELECT (SELECT count(*) FROM messages n
                        WHERE n.partner = d.destination
                          AND n.time >= coalesce(ob.not_before, ob.created_at))
                 FROM outbox ob JOIN outbox_destinations d ON d.outbox_id = ob.id
                WHERE ob.id = ? AND d.destination = ?""",
            (outbox_id, partner),
        ).fetchone()
        return None if row is None else int(row[0])

    def count(self) -> int:
        return int(self._conn.execute("SELECT count(*) FROM messages").fetchone()[0])

    def thread(
        self,
        partner: str,
        limit: int = 50,
        before: tuple[datetime, int] | None = None,
        *,
        calls: bool = False,
    ) -> list[ThreadEntry]:
        """A newest-first page of the thread with ``partner`` (with the calls placed to it
        when ``calls``); see ``threads.thread_page``."""
        return thread_page(self._conn, partner, limit, before, calls=calls)

    def conversations(
        self,
        unread_only: bool = False,
        limit: int | None = None,
        view: ConversationFilter = ConversationFilter.ALL,
    ) -> list[Conversation]:
        """The list (pinned first, then newest first) through ``view``."""
        return list_conversations(self._conn, unread_only, limit, view)

    def unread_total(self) -> int:
        return unread_total(self._conn)

    # -- internals ----------------------------------------------------------------------

    def _existing(self, batch: dict[int, Sms]) -> dict[int, tuple[str, str, str, str, int | None]]:
        ids = list(batch)
        found: dict[int, tuple[str, str, str, str, int | None]] = {}
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start : start + _CHUNK]
            marks = ",".join("?" * len(chunk))
            for sms_id, partner, text, status, read, segments in self._conn.execute(
                "SELECT sms_id, partner, text, delivery_status, server_read, segments "
                f"FROM messages WHERE sms_id IN ({marks})",
                chunk,
            ):
                found[sms_id] = (partner, text, status, read, segments)
        return found
