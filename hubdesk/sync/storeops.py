"""Store work the sync engine needs that the store's repositories do not (yet) offer.

Every function takes a ``Database`` and runs on the DB worker's thread
(``worker.run(lambda db: ...)``). Writes go through the repositories inside one
``transaction(db.conn)``; the only SQL here is read-only queries over the store's tables.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from hubdesk.domain import OutboxItem, Sms, SmsType
from hubdesk.domain.optouts import OptAction, classify, decisive
from hubdesk.store.database import Database
from hubdesk.store.messages import UpsertResult
from hubdesk.store.syncstate import HIGH_WATER, POLLED
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


def high_water(db: Database) -> datetime | None:
    """The poller's high-water server time (falls back to the newest stored message)."""
    return db.sync_state.get_time(HIGH_WATER) or db.messages.newest_server_time()


def polled(db: Database) -> bool:
    """The poller has finished a pass on this profile (a profile from before the marker
    has the poller's high-water mark)."""
    return db.sync_state.get(POLLED) is not None or db.sync_state.get(HIGH_WATER) is not None


def poll_view(db: Database) -> tuple[datetime | None, bool]:
    """The high-water mark and whether the poller has finished a pass on this profile."""
    return high_water(db), polled(db)


def history_only(db: Database, rows: Sequence[Sms]) -> list[Sms]:
    """The rows that are history, not news: the backfill stores these and leaves the rest
    to the poller, which announces them. Once the poller has finished a pass, a message
    newer than its high-water mark (any message, when that pass found none) arrived
    after it looked; before its first pass everything is history."""
    hw = db.sync_state.get_time(HIGH_WATER)
    if not polled(db):
        return list(rows)
    if hw is None:
        return []
    return [m for m in rows if m.time <= hw]


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
    history: bool = False,
) -> Applied:
    """Upsert ``rows``, apply opt-out keywords, and write sync-state keys: ONE transaction.

    ``state`` maps sync-state keys to values (None deletes the key). ``history``: only the
    rows that are history are stored (``history_only``; the backfill's pages).
    """
    with transaction(db.conn):
        if history:
            rows = history_only(db, rows)
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


def attach_found(
    db: Database, outbox_id: int, found: Mapping[str, Sms], *, mark_sent: bool
) -> tuple[OutboxItem, Applied, dict[str, Sms]]:
    """Store the server's messages for an outbox entry and claim their ids: one transaction.

    An id another entry already holds is not claimed (two entries never share one server
    message: the store's UNIQUE index would refuse it); the returned mapping holds the
    destinations actually attached.
    """
    with transaction(db.conn):
        taken = db.outbox.claimed_ids((m.sms_id for m in found.values()), except_outbox=outbox_id)
        usable = {d: m for d, m in found.items() if m.sms_id not in taken}
        applied = apply_messages(db, list(found.values()))
        ids = {d: m.sms_id for d, m in usable.items()}
        if mark_sent:
            item = db.outbox.mark_sent(outbox_id, ids)
        else:
            item = db.outbox.attach_sms_ids(outbox_id, ids)
    return item, applied, usable
