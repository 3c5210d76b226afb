"""The maintained ``conversations`` table: one row per chat partner.

``refresh_conversations`` recomputes the rows of the partners a write touched, inside
the writer's transaction, from indexed look-ups (the newest message via
``messages_thread``, counts via partial indexes): it stays correct whatever order
messages arrive in and costs a few index probes per partner. Reading the list is then a
single ordered scan of at most one row per partner, with contact names and opt-outs
joined, plus partners that so far have only unsent outbox entries.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from hubdesk.domain import Conversation, SmsType
from hubdesk.store.timecodec import from_epoch

_REFRESH = """
INSERT INTO conversations (partner, last_sms_id, last_time, last_text, last_direction,
                           last_sender_id, unread, failed)
SELECT partner, sms_id, time, text, type, sender_id,
       (SELECT count(*) FROM messages WHERE partner = :p AND unread = 1),
       (SELECT count(*) FROM messages
         WHERE partner = :p AND delivery_status = '2' AND type = '1')
  FROM messages WHERE partner = :p
 ORDER BY time DESC, sms_id DESC LIMIT 1
ON CONFLICT (partner) DO UPDATE SET
    last_sms_id = excluded.last_sms_id, last_time = excluded.last_time,
    last_text = excluded.last_text, last_direction = excluded.last_direction,
    last_sender_id = excluded.last_sender_id, unread = excluded.unread,
    failed = excluded.failed
"""

_DROP_EMPTY = """
DELETE FROM conversations
 WHERE partner = :p AND NOT EXISTS (SELECT 1 FROM messages WHERE partner = :p)
"""

# An outbox destination the user should still see: not yet on the server (nor
# cancelled), or sent but its SMS not stored yet. (Bulk sends come back without ids;
# once sent they wait for attach_sms_ids and are hidden meanwhile, since the poll will
# store the real SMS.)
OPEN_DESTINATION = """(
    (d.sms_id IS NULL AND d.state NOT IN ('sent', 'cancelled'))
    OR (d.sms_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.sms_id = d.sms_id))
)"""

_LIST = """
SELECT c.partner, k.name, c.last_text, c.last_time, c.last_direction, c.unread,
       c.failed > 0 OR EXISTS (
           SELECT 1 FROM outbox_destinations d
            WHERE d.destination = c.partner AND d.state = 'failed' AND d.sms_id IS NULL),
       o.number IS NOT NULL, c.last_sender_id
  FROM conversations c
  LEFT JOIN contacts k ON k.number = c.partner
  LEFT JOIN optouts o ON o.number = c.partner
 {where}
 ORDER BY c.last_time DESC, c.last_sms_id DESC
 {limit}
"""

_OUTBOX_ONLY = f"""
SELECT d.destination, k.name, ob.text, ob.created_at, ob.source,
       d.state = 'failed', opt.number IS NOT NULL, ob.id
  FROM outbox_destinations d
  JOIN outbox ob ON ob.id = d.outbox_id
  LEFT JOIN contacts k ON k.number = d.destination
  LEFT JOIN optouts opt ON opt.number = d.destination
 WHERE {OPEN_DESTINATION}
   AND NOT EXISTS (SELECT 1 FROM conversations c WHERE c.partner = d.destination)
 ORDER BY ob.created_at, ob.id
"""


def refresh_conversations(conn: sqlite3.Connection, partners: Iterable[str]) -> None:
    """Recompute the conversation rows of ``partners`` (call inside the write transaction)."""
    params = [{"p": p} for p in partners]
    conn.executemany(_REFRESH, params)
    conn.executemany(_DROP_EMPTY, params)


def list_conversations(
    conn: sqlite3.Connection, unread_only: bool = False, limit: int | None = None
) -> list[Conversation]:
    """Newest first. Partners with only unsent outbox entries are listed too (not unread)."""
    where = "WHERE c.unread > 0" if unread_only else ""
    sql = _LIST.format(where=where, limit="LIMIT ?" if limit is not None else "")
    args: tuple[int, ...] = (limit,) if limit is not None else ()
    received = SmsType.RECEIVED.value
    result = [
        Conversation(
            partner=partner,
            name=name,
            last_text=text,
            last_time=from_epoch(time),
            last_direction=SmsType.RECEIVED if direction == received else SmsType.SENT,
            unread=unread,
            has_failed=bool(failed),
            opted_out=bool(opted_out),
            last_sender_id=sender_id,
        )
        for partner, name, text, time, direction, unread, failed, opted_out, sender_id in (
            conn.execute(sql, args)
        )
    ]
    if unread_only:
        return result
    extra = _outbox_only(conn)
    if not extra:
        return result
    merged = sorted(result + extra, key=lambda c: c.last_time, reverse=True)
    return merged if limit is None else merged[:limit]


def _outbox_only(conn: sqlite3.Connection) -> list[Conversation]:
    latest: dict[str, Conversation] = {}
    failed: set[str] = set()
    for partner, name, text, created, source, is_failed, opted_out, _id in conn.execute(
        _OUTBOX_ONLY
    ):
        if is_failed:
            failed.add(partner)
        latest[partner] = Conversation(
            partner=partner,
            name=name,
            last_text=text,
            last_time=from_epoch(created),
            last_direction=SmsType.SENT,
            unread=0,
            has_failed=partner in failed,
            opted_out=bool(opted_out),
            last_sender_id=source,
        )
    return list(latest.values())


def unread_total(conn: sqlite3.Connection) -> int:
    row = conn.execute("SELECT coalesce(sum(unread), 0) FROM conversations").fetchone()
    return int(row[0])
