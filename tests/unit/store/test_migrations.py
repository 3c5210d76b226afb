from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from hubdesk.domain import DeliveryStatus, ReadStatus, Sms, SmsType
from hubdesk.store.database import Database
from hubdesk.store.migrations import LATEST_VERSION, migrate, schema_version
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
        conn.execute(
            "INSERT INTO contacts (number, name) VALUES ('447400123456', 'Priya Plumber')"
        )
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
        db.messages.upsert_messages([Sms(
            2, "HubWork", "447400123456", "Thanks, plumbing paid", SmsType.SENT,
            DeliveryStatus.SENT, ReadStatus.READ, datetime(2023, 3, 1, 10, 0, tzinfo=UTC)
        )])
        assert [h.sms_id for h in db.search.search("plumbing")] == [2, 1]
        (conv,) = db.messages.conversations()
        assert conv.unread == 1 and conv.name == "Priya Plumber"


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
