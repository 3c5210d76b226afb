"""Store work the sync engine needs that the store's repositories do not (yet) offer.

Every function takes a ``Database`` and runs on the DB worker's thread
(``worker.run(lambda db: ...)``). Writes go through the repositories inside one
``transaction(db.conn)``; the only SQL here is read-only queries over the store's tables.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from hubdesk.domain import OutboxItem, Sms, SmsType, format_server_time, parse_server_time
from hubdesk.domain.optouts import OptAction, classify, decisive
from hubdesk.store.database import Database
from hubdesk.store.messages import UpsertResult
from hubdesk.store.syncstate import HIGH_WATER
from hubdesk.store.transactions import transaction

_CHUNK = 900


def _chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    for start in range(0, len(ids), _CHUNK):
        yield ids[start : start + _CHUNK]


def delivery_statuses(db: Database, ids: Iterable[int]) -> dict[int, str]:
    """sms_id -> stored delivery_status value, for the stored ones among ``ids``."""
    wanted = list(dict.fromkeys(ids))
    found: dict[int, str] = {}
    for chunk in _chunks(wanted):
        marks = ",".join("?" * len(chunk))
        for sms_id, status in db.conn.execute(
            f"SELECT sms_id, delivery_status FROM messages WHERE sms_id IN ({marks})", chunk
        ):
            found[int(sms_id)] = str(status)
    return found


def claimed_ids(db: Database, ids: Iterable[int], *, except_outbox: int | None = None) -> set[int]:
    """The ids among ``ids`` that an outbox entry (other than ``except_outbox``) holds."""
    wanted = list(dict.fromkeys(ids))
    found: set[int] = set()
    for chunk in _chunks(wanted):
        marks = ",".join("?" * len(chunk))
        rows = db.conn.execute(
            f"SELECT sms_id, outbox_id FROM outbox_destinations WHERE sms_id IN ({marks})", chunk
        )
        found.update(int(s) for s, o in rows if except_outbox is None or o != except_outbox)
    return found


def high_water(db: Database) -> datetime | None:
    """The poller's high-water server time (falls back to the newest stored message)."""
    return db.sync_state.get_time(HIGH_WATER) or db.messages.newest_server_time()


@dataclass(frozen=True, slots=True)
class Applied:
    """What ``apply_messages`` changed."""

    upsert: UpsertResult
    previous_status: Mapping[int, str]
    optouts_changed: frozenset[str]


def apply_optouts(db: Database, received: Iterable[Sms]) -> set[str]:
    """Re-decide the opt-out state of each sender of ``received`` from its newest keyword text.

    Runs inside the caller's transaction. Only senders with a keyword among ``received``
    are looked at, so a manual change stays until that number texts a keyword again.
    """
    changed: set[str] = set()
    numbers = {m.partner for m in received if m.type is SmsType.RECEIVED}
    for number in sorted(numbers):
        if not any(m.partner == number and _keyword(m.text) for m in received):
            continue
        rows = db.conn.execute(
            "SELECT sms_id, text, time FROM messages WHERE partner = ? AND type = '2' "
            "ORDER BY time DESC, sms_id DESC",
            (number,),
        )
        found = decisive(((int(i), int(t)), str(x)) for i, x, t in rows)
        if found is None:
            continue
        (sms_id, _), action = found
        opted_out = db.optouts.is_opted_out(number)
        if action is OptAction.OPT_OUT and not opted_out:
            message = db.messages.get(sms_id)
            db.optouts.add(number, sms_id, since=None if message is None else message.time)
            changed.add(number)
        elif action is OptAction.OPT_IN and opted_out:
            db.optouts.remove(number)
            changed.add(number)
    return changed


def _keyword(text: str) -> bool:
    return classify(text) is not None


def apply_messages(
    db: Database,
    rows: Sequence[Sms],
    *,
    set_high_water: datetime | None = None,
    state: Mapping[str, str | None] | None = None,
) -> Applied:
    """Upsert ``rows``, apply opt-out keywords, and write sync-state keys: ONE transaction.

    ``state`` maps sync-state keys to values (None deletes the key).
    """
    with transaction(db.conn):
        previous = delivery_statuses(db, (m.sms_id for m in rows))
        result = db.messages.upsert_messages(rows)
        new_received = [m for m in rows if m.sms_id in result.new_ids]
        optouts = apply_optouts(db, new_received)
        if set_high_water is not None:
            current = db.sync_state.get_time(HIGH_WATER)
            if current is None or set_high_water > current:
                db.sync_state.set_time(HIGH_WATER, set_high_water)
        for key, value in (state or {}).items():
            if value is None:
                db.sync_state.delete(key)
            else:
                db.sync_state.set(key, value)
    return Applied(result, previous, frozenset(optouts))


# --- the outbox's attempt windows (server times), kept in sync_state -----------------


def window_key(outbox_id: int) -> str:
    return f"outbox_attempt:{outbox_id}"


@dataclass(frozen=True, slots=True)
class AttemptWindow:
    """Server-time bounds of the latest send attempt of one outbox entry.

    ``started``: a server time at or before the POST left (None: no reading then).
    ``ended``: a server time at or after the attempt was over (None: not known yet, e.g.
    the process died during the POST).
    """

    started: datetime | None
    ended: datetime | None

    def dumps(self) -> str:
        return json.dumps(
            {
                "started": None if self.started is None else format_server_time(self.started),
                "ended": None if self.ended is None else format_server_time(self.ended),
            }
        )

    @staticmethod
    def loads(text: str | None) -> AttemptWindow:
        if not text:
            return AttemptWindow(None, None)
        try:
            data = json.loads(text)
            started = data.get("started")
            ended = data.get("ended")
            return AttemptWindow(
                None if started is None else parse_server_time(str(started)),
                None if ended is None else parse_server_time(str(ended)),
            )
        except (ValueError, AttributeError):
            return AttemptWindow(None, None)


def read_window(db: Database, outbox_id: int) -> AttemptWindow:
    return AttemptWindow.loads(db.sync_state.get(window_key(outbox_id)))


def begin_attempt(db: Database, outbox_id: int, started: datetime | None) -> OutboxItem:
    """queued/unknown -> sending, with the attempt's start time: one transaction."""
    with transaction(db.conn):
        item = db.outbox.mark_sending(outbox_id)
        db.sync_state.set(window_key(outbox_id), AttemptWindow(started, None).dumps())
    return item


def end_attempt_unknown(
    db: Database, outbox_id: int, error: str, ended: datetime | None
) -> OutboxItem:
    with transaction(db.conn):
        item = db.outbox.mark_unknown(outbox_id, error)
        if ended is not None:
            window = read_window(db, outbox_id)
            db.sync_state.set(window_key(outbox_id), AttemptWindow(window.started, ended).dumps())
    return item


def set_window_end(db: Database, outbox_id: int, ended: datetime) -> AttemptWindow:
    """Record the end of an attempt that a dead process left open (keeps an earlier end)."""
    with transaction(db.conn):
        window = read_window(db, outbox_id)
        if window.ended is None:
            window = AttemptWindow(window.started, ended)
            db.sync_state.set(window_key(outbox_id), window.dumps())
    return window


def back_to_queue(db: Database, outbox_id: int, error: str) -> OutboxItem:
    """sending -> queued for a request that certainly did not execute: one transaction."""
    with transaction(db.conn):
        db.outbox.mark_unknown(outbox_id, error)
        db.outbox.requeue(outbox_id)
        db.sync_state.delete(window_key(outbox_id))
        item = db.outbox.get(outbox_id)
    assert item is not None
    return item


def forget_window(db: Database, outbox_id: int) -> None:
    db.sync_state.delete(window_key(outbox_id))


def attach_found(
    db: Database, outbox_id: int, found: Mapping[str, Sms], *, mark_sent: bool
) -> tuple[OutboxItem, Applied, dict[str, Sms]]:
    """Store the server's messages for an outbox entry and claim their ids: one transaction.

    An id another entry already holds is not claimed (two entries never share one server
    message); the returned mapping holds the destinations actually attached.
    """
    with transaction(db.conn):
        taken = claimed_ids(db, (m.sms_id for m in found.values()), except_outbox=outbox_id)
        usable = {d: m for d, m in found.items() if m.sms_id not in taken}
        applied = apply_messages(db, list(found.values()))
        ids = {d: m.sms_id for d, m in usable.items()}
        if mark_sent:
            item = db.outbox.mark_sent(outbox_id, ids)
        else:
            item = db.outbox.attach_sms_ids(outbox_id, ids)
        if item.state.settled:
            db.sync_state.delete(window_key(outbox_id))
    return item, applied, usable
