"""The maintained ``conversations`` table: one row per chat partner, and the list read
through the user's views.

``refresh_conversations`` recomputes the rows of the partners a write touched, inside
the writer's transaction, from indexed look-ups (the newest message via
``messages_thread``, counts via partial indexes): it stays correct whatever order
messages arrive in and costs a few index probes per partner. The same step brings a
Done conversation back to the inbox when a newer message was received from that person.

The failure mark (``Conversation.has_failed``) counts a failed outgoing message until it
is settled: resent (``store.resends``), or followed by a later message to the same person
that was delivered. A refused outbox entry (the server said no) marks it too.

Reading the list is one scan of the list's index (newest first) with contact names,
opt-outs and the user's marks (``store.marks``) joined, after the few pinned rows read
from the marks, plus partners that so far have only unsent outbox entries. The views
(``ConversationFilter``): the inbox (not Done), Unread (Done or not), Done, All.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from hubdesk.domain import Conversation, ConversationFilter, SmsType
from hubdesk.store.timecodec import from_epoch

# A failed outbound message counts for the list's failure mark until something settles
# it: a resend (``resends``, whatever became of it: a resend that fails shows as its own
# failed entry), or a later message to the same person that was delivered: someone has
# acted on the conversation since, and the person can be reached.
UNSETTLED_FAILED = """(
    SELECT count(*) FROM messages f
     WHERE f.partner = :p AND f.delivery_status = '2' AND f.type = '1'
       AND NOT EXISTS (SELECT 1 FROM resends r WHERE r.sms_id = f.sms_id)
       AND NOT EXISTS (
           SELECT 1 FROM messages n
            WHERE n.partner = :p AND n.type = '1' AND n.delivery_status = '1'
              AND n.time >= f.time AND (n.time > f.time OR n.sms_id > f.sms_id)))"""

_REFRESH = f"""
INSERT INTO conversations (partner, last_sms_id, last_time, last_text, last_direction,
                           last_sender_id, unread, failed)
SELECT partner, sms_id, time, text, type, sender_id,
       (SELECT count(*) FROM messages WHERE partner = :p AND unread = 1),
       {UNSETTLED_FAILED}
  FROM messages WHERE partner = :p
 ORDER BY time DESC, sms_id DESC LIMIT 1
ON CONFLICT (partner) DO UPDATE SET
    last_sms_id = excluded.last_sms_id, last_time = excluded.last_time,
    last_text = excluded.last_text, last_direction = excluded.last_direction,
    last_sender_id = excluded.last_sender_id, unread = excluded.unread,
    failed = excluded.failed
"""

# A Done conversation comes back to the inbox when a message is received after the one
# that was newest when it was marked Done (an older one found by a backfill does not).
_UNDONE = """
UPDATE conversation_marks SET done_time = NULL, done_sms_id = NULL
 WHERE partner = :p AND done_time IS NOT NULL AND EXISTS (
       SELECT 1 FROM messages m
        WHERE m.partner = :p AND m.type = '2' AND m.time >= conversation_marks.done_time
          AND (m.time > conversation_marks.done_time
               OR m.sms_id > conversation_marks.done_sms_id))
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
       o.number IS NOT NULL, c.last_sender_id,
       s.pinned_at IS NOT NULL, s.done_time IS NOT NULL, s.kept_unread_sms_id IS NOT NULL
  FROM {source}
  LEFT JOIN contacts k ON k.number = c.partner
  LEFT JOIN optouts o ON o.number = c.partner
 WHERE {pinned} {where}
 ORDER BY c.last_time DESC, c.last_sms_id DESC
 {limit}
"""

# The few pinned rows are found from the marks, the others in one scan of the list's
# index (in its order): no sort of every row to bring the pinned ones first.
_PINNED = (
    (
        "conversation_marks s JOIN conversations c ON c.partner = s.partner",
        "s.pinned_at IS NOT NULL",
    ),
    (
        "conversations c LEFT JOIN conversation_marks s ON s.partner = c.partner",
        "s.pinned_at IS NULL",
    ),
)
_WHERE = {
    ConversationFilter.INBOX: "AND s.done_time IS NULL",
    ConversationFilter.UNREAD: "AND c.unread > 0",
    ConversationFilter.DONE: "AND s.done_time IS NOT NULL",
    ConversationFilter.ALL: "",
}

_OUTBOX_ONLY = f"""
SELECT d.destination, k.name, ob.text, ob.created_at, ob.source,
       d.state = 'failed', opt.number IS NOT NULL, ob.id,
       s.pinned_at IS NOT NULL, s.done_time IS NOT NULL
  FROM outbox_destinations d
  JOIN outbox ob ON ob.id = d.outbox_id
  LEFT JOIN contacts k ON k.number = d.destination
  LEFT JOIN optouts opt ON opt.number = d.destination
  LEFT JOIN conversation_marks s ON s.partner = d.destination
 WHERE {OPEN_DESTINATION}
   AND NOT EXISTS (SELECT 1 FROM conversations c WHERE c.partner = d.destination)
 ORDER BY ob.created_at, ob.id
"""


def refresh_conversations(conn: sqlite3.Connection, partners: Iterable[str]) -> None:
    """Recompute the conversation rows of ``partners`` (call inside the write transaction);
    a Done conversation with a newly received message goes back to the inbox."""
    params = [{"p": p} for p in partners]
    conn.executemany(_REFRESH, params)
    conn.executemany(_DROP_EMPTY, params)
    conn.executemany(_UNDONE, params)


def list_conversations(
    conn: sqlite3.Connection,
    unread_only: bool = False,
    limit: int | None = None,
    view: ConversationFilter = ConversationFilter.ALL,
) -> list[Conversation]:
    """Pinned first, then newest first. Partners with only unsent outbox entries are
    listed too (never unread). ``unread_only`` is ``view=UNREAD``."""
    if unread_only:
        view = ConversationFilter.UNREAD
    received = SmsType.RECEIVED.value
    result: list[Conversation] = []
    for source, pinned in _PINNED:
        wanted = None if limit is None else limit - len(result)
        if wanted is not None and wanted <= 0:
            break
        sql = _LIST.format(
            source=source,
            pinned=pinned,
            where=_WHERE[view],
            limit="" if wanted is None else "LIMIT ?",
        )
        # Positional, in Conversation's field order: 5,000 rows, the list's hot loop.
        result += [
            Conversation(
                partner,
                name,
                text,
                from_epoch(time),
                SmsType.RECEIVED if direction == received else SmsType.SENT,
                unread,
                failed == 1,
                opted_out == 1,
                sender_id,
                pinned_ == 1,
                done == 1,
                kept == 1,
            )
            for (
                partner,
                name,
                text,
                time,
                direction,
                unread,
                failed,
                opted_out,
                sender_id,
                pinned_,
                done,
                kept,
            ) in conn.execute(sql, () if wanted is None else (wanted,))
        ]
    if view is ConversationFilter.UNREAD:
        return result
    extra = [c for c in _outbox_only(conn) if _shown(c, view)]
    if not extra:
        return result
    merged = sorted(result + extra, key=lambda c: (c.pinned, c.last_time), reverse=True)
    return merged if limit is None else merged[:limit]


def _shown(conv: Conversation, view: ConversationFilter) -> bool:
    if view is ConversationFilter.INBOX:
        return not conv.done
    if view is ConversationFilter.DONE:
        return conv.done
    return view is ConversationFilter.ALL


def _outbox_only(conn: sqlite3.Connection) -> list[Conversation]:
    latest: dict[str, Conversation] = {}
    failed: set[str] = set()
    for row in conn.execute(_OUTBOX_ONLY):
        partner, name, text, created, source, is_failed, opted_out, _id, pinned, done = row
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
            pinned=bool(pinned),
            done=bool(done),
        )
    return list(latest.values())


def unread_total(conn: sqlite3.Connection) -> int:
    row = conn.execute("SELECT coalesce(sum(unread), 0) FROM conversations").fetchone()
    return int(row[0])
