"""The inbox-states migration (``_INBOX_STATES``), from the schema just before it, with data.

No version number is written here: the migration's place in ``MIGRATIONS`` is looked up,
so another migration appended before or after it changes nothing in this test.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hubdesk.domain import ConversationFilter, DeliveryStatus
from hubdesk.store.database import Database
from hubdesk.store.migrations import (
    _INBOX_STATES,
    LATEST_VERSION,
    MIGRATIONS,
    migrate,
    schema_version,
)
from hubdesk.store.timecodec import to_epoch
from hubdesk.store.transactions import transaction
from tests.unit.store.test_migrations import _v2_with_outbox

BEFORE = MIGRATIONS.index(_INBOX_STATES)  # the schema version just before this migration
A = "447400123456"  # from the older fixture: one received message, unread
B = "447400222333"  # a failure, then a delivered message: superseded
C = "447400444555"  # a failure and nothing since: still marked
T = datetime(2023, 3, 2, 9, 0, tzinfo=UTC)


def _message(
    sms_id: int, partner: str, minute: int, status: str, type_: str = "1"
) -> tuple[object, ...]:
    when = to_epoch(T + timedelta(minutes=minute))
    return (
        sms_id,
        "HubWork",
        partner,
        partner,
        "HubWork",
        f"text {sms_id}",
        type_,
        status,
        "1",
        0,
        when,
        None,
        when,
    )


def _before_with_data(path: Path) -> None:
    _v2_with_outbox(path, duplicates=False)
    conn = sqlite3.connect(path, isolation_level=None)
    migrate(conn, target=BEFORE)
    with transaction(conn):
        conn.executemany(
            "INSERT INTO messages (sms_id, source, destination, partner, sender_id, text, type, "
            "delivery_status, server_read, unread, time, segments, stored_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [_message(10, B, 0, "2"), _message(11, B, 5, "1"), _message(20, C, 1, "2")],
        )
        # The conversation rows as the older refresh left them: every failure counted.
        for partner, last, minute in ((B, 11, 5), (C, 20, 1)):
            conn.execute(
                "INSERT INTO conversations VALUES (?, ?, ?, ?, '1', 'HubWork', 0, 1)",
                (partner, last, to_epoch(T + timedelta(minutes=minute)), f"text {last}"),
            )
        conn.execute(
            "INSERT INTO calls (number, time, ok, outcome) VALUES (?, ?, 1, 'Call placed')",
            (C, to_epoch(T + timedelta(minutes=2))),
        )
    assert schema_version(conn) == BEFORE
    conn.close()


def test_inbox_states_migration_keeps_data_and_recounts_failures(tmp_path: Path) -> None:
    path = tmp_path / "before.sqlite3"
    _before_with_data(path)
    with Database.open(path) as db:
        assert schema_version(db.conn) == LATEST_VERSION
        rows = {c.partner: c for c in db.messages.conversations(view=ConversationFilter.ALL)}
        assert set(rows) >= {A, B, C}
        # The failure followed by a delivered message no longer marks the list; the other does.
        assert not rows[B].has_failed and rows[C].has_failed
        assert rows[A].unread == 1 and rows[A].name == "Priya Plumber"  # older data intact
        assert not any(c.pinned or c.done or c.kept_unread for c in rows.values())
        assert [i.sms_ids for i in db.outbox.all()] == [(603,), (601, 602), (), (501,)]
        # The new tables work on the old data: a resend, a mark, a call in the timeline.
        resent = db.resends.queue(20)
        assert db.resends.link(20) == resent.item.id
        assert not {c.partner: c for c in db.messages.conversations()}[C].has_failed
        assert db.marks.mark_done(B)
        assert B not in [
            c.partner for c in db.messages.conversations(view=ConversationFilter.INBOX)
        ]
        keys = [e.key for e in db.messages.thread(C, calls=True)]
        assert keys[-2:] == ["call:1", "sms:20"]
        db.messages.upsert_messages([])  # nothing to do, nothing broken
        assert db.messages.get(10) is not None
        assert db.messages.get(10).delivery_status is DeliveryStatus.FAILED  # type: ignore[union-attr]
