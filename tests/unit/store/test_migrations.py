from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from hubdesk.domain import DeliveryStatus, ReadStatus, Sms, SmsType
from hubdesk.store.database import Database
from hubdesk.store.migrations import LATEST_VERSION, migrate, schema_version
from hubdesk.store.outbox import AttemptWindow
from hubdesk.store.search import HitKind
from hubdesk.store.timecodec import to_epoch
from hubdesk.store.transactions import transaction


def _v1_with_data(path: Path) -> None:
    """A profile as the first release left it: schema 1, messages and contacts in it."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    migrate(conn, target=1)
    assert schema_version(conn) == 1
    when = to_epoch(datetime(2023, 3, 1, 9, 30, tzinfo=UTC))
    with transaction(conn):
        conn.execute(
            "INSERT INTO messages (sms_id, source, destination, partner, sender_id, text, type, "
            "delivery_status, server_read, unread, time, segments, stored_at) "
            "VALUES (1, '447400123456', '447700900000', '447400123456', '447700900000', "
            "'Invoice for the plumbing job attached', '2', '1', '0', 1, ?, 1, ?)",
            (when, when),
        )
        conn.execute(
            "INSERT INTO conversations VALUES ('447400123456', 1, ?, "
            "'Invoice for the plumbing job attached', '2', '447700900000', 1, 0)",
            (when,),
        )
        conn.execute("INSERT INTO contacts (number, name) VALUES ('447400123456', 'Priya Plumber')")
    conn.close()


def test_migration_2_from_version_1_with_data(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    _v1_with_data(path)
    with Database.open(path) as db:
        assert schema_version(db.conn) == LATEST_VERSION
        # Old data is intact and now searchable (FTS back-filled).
        hits = db.search.search("plumbing")
        assert [(h.kind, h.sms_id) for h in hits] == [(HitKind.MESSAGE, 1)]
        assert hits[0].name == "Priya Plumber"
        assert [h.kind for h in db.search.search("priya")] == [HitKind.CONTACT]
        # The triggers keep the index in step from now on.
        db.messages.upsert_messages(
            [
                Sms(
                    2,
                    "HubWork",
                    "447400123456",
                    "Thanks, plumbing paid",
                    SmsType.SENT,
                    DeliveryStatus.SENT,
                    ReadStatus.READ,
                    datetime(2023, 3, 1, 10, 0, tzinfo=UTC),
                )
            ]
        )
        assert [h.sms_id for h in db.search.search("plumbing")] == [2, 1]
        (conv,) = db.messages.conversations()
        assert conv.unread == 1 and conv.name == "Priya Plumber"


def _v2_with_outbox(path: Path, *, duplicates: bool) -> None:
    """A profile at schema 2: messages, outbox rows (sent, unknown, bulk) and the sync
    engine's attempt windows as ``outbox_attempt:<id>`` sync-state keys."""
    _v1_with_data(path)
    conn = sqlite3.connect(path, isolation_level=None)
    migrate(conn, target=2)
    made = to_epoch(datetime(2023, 3, 1, 9, 0, tzinfo=UTC))
    with transaction(conn):
        for oid, state, bulk in ((1, "sent", 0), (2, "unknown", 0), (3, "sent", 1), (4, "sent", 0)):
            conn.execute(
                "INSERT INTO outbox (id, uuid, source, text, state, bulk, created_at, attempts) "
                "VALUES (?, ?, 'HubWork', 'Hi', ?, ?, ?, 1)",
                (oid, f"u{oid}", state, bulk, made),
            )
        rows = [
            (1, 0, "447400123456", 501, "sent"),
            (2, 0, "447400123456", None, "unknown"),
            (3, 0, "447400123456", 601, "sent"),
            (3, 1, "447400123457", 501 if duplicates else 602, "sent"),
            (4, 0, "447400123457", 601 if duplicates else 603, "sent"),
        ]
        conn.executemany("INSERT INTO outbox_destinations VALUES (?, ?, ?, ?, ?)", rows)
        conn.executemany(
            "INSERT INTO sync_state (key, value) VALUES (?, ?)",
            [
                ("outbox_attempt:2", '{"started": "2023-03-01 09:00:05", "ended": null}'),
                (
                    "outbox_attempt:3",
                    '{"started": "2023-03-01 09:01:00", "ended": "2023-03-01 09:01:02"}',
                ),
                ("outbox_attempt:4", "not json"),
                ("outbox_attempt:99", '{"started": "2023-03-01 09:00:00"}'),  # row gone
                ("high_water_time", "2023-03-01 09:30:00"),
            ],
        )
    conn.close()


def test_migration_3_from_version_2_with_data(tmp_path: Path) -> None:
    path = tmp_path / "v2.sqlite3"
    _v2_with_outbox(path, duplicates=False)
    with Database.open(path) as db:
        assert schema_version(db.conn) == LATEST_VERSION
        # Every row and id is intact.
        assert [i.sms_ids for i in db.outbox.all()] == [(603,), (601, 602), (), (501,)]

        # The attempt windows moved from sync_state into the outbox columns.
        def at(minute: int, second: int) -> datetime:
            return datetime(2023, 3, 1, 9, minute, second, tzinfo=UTC)

        assert db.outbox.attempt_window(2) == AttemptWindow(at(0, 5), None)
        assert db.outbox.attempt_window(3) == AttemptWindow(at(1, 0), at(1, 2))
        assert db.outbox.attempt_window(4) == AttemptWindow(None, None)  # unreadable
        assert db.outbox.attempt_window(1) == AttemptWindow(None, None)  # none kept
        keys = [r[0] for r in db.conn.execute("SELECT key FROM sync_state ORDER BY key")]
        assert keys == ["high_water_time"]
        # From now on one server message can be claimed by one destination only.
        with pytest.raises(sqlite3.IntegrityError):
            db.conn.execute("UPDATE outbox_destinations SET sms_id = 501 WHERE outbox_id = 2")
        assert db.outbox.claimed_ids([501, 601, 999]) == {501, 601}
        # The old data is still there and searchable.
        assert [h.sms_id for h in db.search.search("plumbing")] == [1]


def test_migration_3_keeps_the_first_claim_of_a_duplicated_id(tmp_path: Path) -> None:
    path = tmp_path / "v2dup.sqlite3"
    _v2_with_outbox(path, duplicates=True)
    with Database.open(path) as db:
        assert schema_version(db.conn) == LATEST_VERSION
        ids = db.conn.execute(
            "SELECT outbox_id, position, sms_id, state FROM outbox_destinations "
            "ORDER BY outbox_id, position"
        ).fetchall()
        assert ids == [
            (1, 0, 501, "sent"),  # first claim of 501: kept
            (2, 0, None, "unknown"),
            (3, 0, 601, "sent"),  # first claim of 601: kept
            (3, 1, None, "sent"),  # later claim of 501: forgotten
            (4, 0, None, "sent"),  # later claim of 601: forgotten
        ]
        assert [i.state.value for i in db.outbox.all()] == ["sent", "sent", "unknown", "sent"]


def test_migrating_twice_is_a_no_op(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "x.sqlite3", isolation_level=None)
    assert migrate(conn) == 0
    assert migrate(conn) == LATEST_VERSION
    conn.close()


def test_a_failing_migration_leaves_the_previous_version(tmp_path: Path) -> None:
    path = tmp_path / "x.sqlite3"
    conn = sqlite3.connect(path, isolation_level=None)
    migrate(conn, target=1)
    # Something in the way of migration 2's second statement: its first is rolled back.
    conn.execute("CREATE TABLE contacts_fts (x)")
    with pytest.raises(sqlite3.OperationalError):
        migrate(conn)
    assert schema_version(conn) == 1
    assert conn.execute(
        "SELECT count(*) FROM sqlite_master WHERE name = 'messages_fts'"
    ).fetchone() == (0,)
    conn.close()


def test_unknown_target_is_refused(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "x.sqlite3", isolation_level=None)
    with pytest.raises(ValueError):
        migrate(conn, target=LATEST_VERSION + 1)
    conn.close()
