"""Pages of one conversation's thread: stored SMS merged with outbox entries not yet
stored, and (on request) with the calls placed to that number from HubDesk.

Pages are newest first and keyed, not offset: ``before=(time, sms_id)`` of the oldest
stored SMS on the previous page (``next_cursor`` picks it). Outbox entries are placed
by their creation time (a message sent later: by its not-before time), calls by their
time; both belong to the page whose SMS time range covers them, so every entry is
returned exactly once across pages; a page can therefore hold a few more than ``limit``
entries. Cancelled entries are not shown. Each SMS carries its resend links
(``ThreadEntry.resent``, ``resend_of``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from hubdesk.domain import DeliveryStatus, MessageState, SmsType, ThreadEntry
from hubdesk.store.calls import CALL_COLUMNS, call_from_row
from hubdesk.store.conversations import OPEN_DESTINATION
from hubdesk.store.timecodec import from_epoch, to_epoch

_SMS_STATE = {
    DeliveryStatus.PENDING.value: MessageState.PENDING,
    DeliveryStatus.SENT.value: MessageState.SENT,
    DeliveryStatus.FAILED.value: MessageState.FAILED,
}

_OUTBOX_STATE = {
    "queued": MessageState.QUEUED,
    "sending": MessageState.SENDING,
    "unknown": MessageState.UNKNOWN,
    "failed": MessageState.FAILED,
    "sent": MessageState.PENDING,  # accepted by the server, SMS not stored yet
    "scheduled": MessageState.SCHEDULED,
    "overdue": MessageState.OVERDUE,
}

# Each stored SMS with its resend links: the outbox entry that resent it (and that
# entry's server id once known), and, for a resend itself, the failed sms_id it resends.
_PAGE = """
SELECT m.sms_id, m.text, m.time, m.type, m.delivery_status, m.sender_id, m.segments,
       m.unread, r.outbox_id, rd.sms_id, rof.sms_id
  FROM messages m
  LEFT JOIN resends r ON r.sms_id = m.sms_id
  LEFT JOIN outbox_destinations rd ON rd.outbox_id = r.outbox_id
  LEFT JOIN outbox_destinations od ON od.sms_id = m.sms_id
  LEFT JOIN resends rof ON rof.outbox_id = od.outbox_id
 WHERE m.partner = ? {before}
 ORDER BY m.time DESC, m.sms_id DESC
 LIMIT ?
"""

# An outbox entry's place in the thread: when it was written, or for a message sent
# later the time it waits for (scheduled messages come after everything sent so far).
_OUTBOX = f"""
SELECT ob.id, d.position, ob.text, coalesce(ob.not_before, ob.created_at), ob.source,
       d.state, d.sms_id, rof.sms_id
  FROM outbox_destinations d JOIN outbox ob ON ob.id = d.outbox_id
  LEFT JOIN resends rof ON rof.outbox_id = ob.id
 WHERE d.destination = ? AND {OPEN_DESTINATION}
   AND coalesce(ob.not_before, ob.created_at) >= ?
   AND coalesce(ob.not_before, ob.created_at) < ?
"""

_CALLS = f"""
SELECT {CALL_COLUMNS} FROM calls
 WHERE number = ? AND time >= ? AND time < ?
"""

_FOREVER = 2**62


def thread_page(
    conn: sqlite3.Connection,
    partner: str,
    limit: int = 50,
    before: tuple[datetime, int] | None = None,
    *,
    calls: bool = False,
) -> list[ThreadEntry]:
    """Up to ``limit`` stored SMS with ``partner`` older than ``before``, plus outbox
    entries (and, with ``calls``, the calls placed to ``partner``) in the same span."""
    if limit <= 0:
        raise ValueError("limit must be positive")
    args: list[Any] = [partner]
    clause = ""
    upper = _FOREVER
    if before is not None:
        upper = to_epoch(before[0])
        clause = "AND (m.time, m.sms_id) < (?, ?)"
        args += [upper, before[1]]
    rows = conn.execute(_PAGE.format(before=clause), [*args, limit]).fetchall()
    entries = [_sms_entry(partner, row) for row in rows]
    # The last page reaches back to the beginning of time.
    lower = rows[-1][2] if len(rows) == limit else -_FOREVER
    outbox = conn.execute(_OUTBOX, (partner, lower, upper)).fetchall()
    placed = conn.execute(_CALLS, (partner, lower, upper)).fetchall() if calls else []
    if not outbox and not placed:
        return entries
    keyed = [((row[2], 0, row[0]), entry) for row, entry in zip(rows, entries, strict=True)]
    for row in outbox:
        keyed.append(((row[3], 1, row[0] * 10_000 + row[1]), _outbox_entry(partner, row)))
    for row in placed:
        keyed.append(((row[2], 2, row[0]), _call_entry(partner, row)))
    keyed.sort(key=lambda pair: pair[0], reverse=True)
    return [entry for _key, entry in keyed]


def next_cursor(entries: Sequence[ThreadEntry]) -> tuple[datetime, int] | None:
    """The ``before`` for the page after ``entries``; None when it holds no stored SMS."""
    for entry in reversed(entries):
        if entry.stored and entry.sms_id is not None:
            return (entry.time, entry.sms_id)
    return None


def _sms_entry(partner: str, row: Sequence[Any]) -> ThreadEntry:
    sms_id, text, time, type_, status, sender_id, segments, unread = row[:8]
    resend_outbox, resend_sms, resend_of = row[8:]
    received = type_ == SmsType.RECEIVED.value
    return ThreadEntry(
        key=f"sms:{sms_id}",
        partner=partner,
        text=text,
        time=from_epoch(time),
        direction=SmsType.RECEIVED if received else SmsType.SENT,
        state=MessageState.RECEIVED if received else _SMS_STATE[status],
        sender_id=sender_id,
        parts=segments,
        sms_id=sms_id,
        unread=bool(unread),
        resend_outbox_id=resend_outbox,
        resend_sms_id=resend_sms,
        resend_of=resend_of,
    )


def _outbox_entry(partner: str, row: Sequence[Any]) -> ThreadEntry:
    outbox_id, position, text, created, source, state, sms_id, resend_of = row
    return ThreadEntry(
        key=f"outbox:{outbox_id}:{position}",
        partner=partner,
        text=text,
        time=from_epoch(created),
        direction=SmsType.SENT,
        state=_OUTBOX_STATE[state],
        sender_id=source,
        sms_id=sms_id,
        outbox_id=outbox_id,
        resend_of=resend_of,
    )


def _call_entry(partner: str, row: Sequence[Any]) -> ThreadEntry:
    """A call placed from HubDesk, as an item of the timeline (``text``: its outcome)."""
    record = call_from_row(row)
    return ThreadEntry(
        key=f"call:{record.id}",
        partner=partner,
        text=record.outcome,
        time=record.time,
        direction=SmsType.SENT,
        state=MessageState.SENT,
        sender_id=record.masked_source or "",
        call=record,
    )
