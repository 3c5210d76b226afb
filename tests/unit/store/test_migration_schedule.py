"""The scheduled-sends migration (the outbox rebuilt with new states and columns, and
batches), from the version before it, on a profile full of data: messages, contacts,
templates, and outbox rows in every state with their destinations, ids and attempt
windows.

The version numbers come from ``MIGRATIONS`` (never written here): another migration may
be ordered before or after this one when branches are merged.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from hubdesk.domain import OutboxState
from hubdesk.store import migrations
from hubdesk.store.database import Database, DatabaseUnavailable
from hubdesk.store.migrations import LATEST_VERSION, MigrationFailed, migrate, schema_version
from hubdesk.store.timecodec import to_epoch
from hubdesk.store.transactions import transaction

VERSION = migrations.MIGRATIONS.index(migrations._SCHEDULED_SENDS) + 1
WHEN = to_epoch(datetime(2024, 3, 1, 9, 30, tzinfo=UTC))
P, Q = "447400123456", "447400123457"


def _profile_before(path: Path) -> None:
    """The schema just before this migration, with data in every table it touches."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA foreign_keys = ON")
    migrate(conn, target=VERSION - 1)
    assert "outbox_batches" not in _tables(conn)
    with transaction(conn):
        conn.execute(
            "INSERT INTO messages (sms_id, source, destination, partner, sender_id, text, type, "
            "delivery_status, server_read, unread, time, segments, stored_at) VALUES "
            "(501, 'HubWork', ?, ?, 'HubWork', 'Your table is ready', '1', '1', '1', 0, ?, 1, ?)",
            (P, P, WHEN, WHEN),
        )
        conn.execute("INSERT INTO contacts (id, number, name) VALUES (1, ?, 'Priya Patel')", (P,))
        if "templates" in _tables(conn):  # phase 1's templates, when ordered before this
            conn.execute(
                "INSERT INTO templates (name, name_key, text, position, created_at, updated_at) "
                "VALUES ('Table', 'table', 'Hi {first_name|there}', 0, ?, ?)",
                (WHEN, WHEN),
            )
        rows = (
            (1, "sent", 0, 1, WHEN, WHEN + 1),
            (2, "unknown", 0, 1, WHEN, None),
            (3, "queued", 1, 0, None, None),
            (7, "failed", 0, 1, WHEN, WHEN),
        )
        for oid, state, bulk, attempts, started, ended in rows:
            conn.execute(
                "INSERT INTO outbox (id, uuid, source, text, state, bulk, created_at, attempts, "
                "error, attempt_started_at, attempt_ended_at) "
                "VALUES (?, ?, 'HubWork', 'Your table is ready', ?, ?, ?, ?, ?, ?, ?)",
                (oid, f"u{oid}", state, bulk, WHEN, attempts, f"e{oid}", started, ended),
            )
        conn.executemany(
            "INSERT INTO outbox_destinations (outbox_id, position, destination, sms_id, state) "
            "VALUES (?, ?, ?, ?, ?)",
            [
                (1, 0, P, 501, "sent"),
                (2, 0, P, None, "unknown"),
                (3, 0, P, None, "queued"),
                (3, 1, Q, None, "queued"),
                (7, 0, Q, None, "failed"),
            ],
        )
    conn.close()


def _tables(conn: sqlite3.Connection) -> set[str]:
    return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def test_every_row_survives_and_the_new_states_work(tmp_path: Path) -> None:
    path = tmp_path / "before.sqlite3"
    _profile_before(path)
    with Database.open(path) as db:
        assert schema_version(db.conn) == LATEST_VERSION
        assert db.conn.execute("PRAGMA foreign_keys").fetchone() == (1,)  # switched back on
        items = {i.id: i for i in db.outbox.all()}
        assert {i: (items[i].state, items[i].attempts, items[i].error) for i in items} == {
            1: (OutboxState.SENT, 1, "e1"),
            2: (OutboxState.UNKNOWN, 1, "e2"),
            3: (OutboxState.QUEUED, 0, "e3"),
            7: (OutboxState.FAILED, 1, "e7"),
        }
        assert items[1].sms_ids == (501,) and items[3].destinations == (P, Q)
        assert all(i.not_before is None and i.batch_id is None for i in items.values())
        window = db.outbox.attempt_window(1)
        assert window.started is not None and to_epoch(window.started) == WHEN
        assert [i.id for i in db.outbox.pending()] == [2, 3]
        assert db.messages.get(501) is not None and db.contacts.list()[0].name == "Priya Patel"
        if "templates" in _tables(db.conn):
            assert [t.name for t in db.templates.list()] == ["Table"]
        # The rebuilt tables keep their rules: one server message per destination...
        with pytest.raises(sqlite3.IntegrityError):
            db.conn.execute("UPDATE outbox_destinations SET sms_id = 501 WHERE outbox_id = 2")
        # ... destinations go with their row, and the new states are accepted.
        assert db.outbox.delete(7)
        assert db.outbox.destination_states(7) == {}
        later = db.outbox.enqueue(
            "HubWork", [P], "later", not_before=datetime.now(UTC) + timedelta(hours=1)
        )
        assert later.state is OutboxState.SCHEDULED
        assert db.schedule.cancel(later.id).state is OutboxState.CANCELLED
        assert later.id not in (1, 2, 3)


def test_a_row_pointing_at_nothing_stops_the_migration_and_keeps_the_old_version(
    tmp_path: Path,
) -> None:
    path = tmp_path / "dangling.sqlite3"
    _profile_before(path)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA foreign_keys = OFF")  # as a damaged or hand-edited file might be
    conn.execute(
        "INSERT INTO outbox_destinations (outbox_id, position, destination, state) "
        "VALUES (99, 0, ?, 'queued')",
        (P,),
    )
    conn.execute("PRAGMA foreign_keys = ON")
    with pytest.raises(MigrationFailed, match="pointing at nothing"):
        migrate(conn)
    assert schema_version(conn) == VERSION - 1
    assert "outbox_batches" not in _tables(conn)
    assert conn.execute("PRAGMA foreign_keys").fetchone() == (1,)
    conn.close()
    with pytest.raises(DatabaseUnavailable, match="pointing at nothing"):
        Database.open(path)


def test_a_second_process_that_migrated_first_is_not_migrated_again(tmp_path: Path) -> None:
    path = tmp_path / "twice.sqlite3"
    _profile_before(path)
    first = sqlite3.connect(path, isolation_level=None)
    second = sqlite3.connect(path, isolation_level=None)
    assert schema_version(second) == VERSION - 1  # both read the old version...
    migrate(first)
    # ... the second finds the work done once it holds the lock, instead of failing on
    # "table outbox_batches already exists".
    migrations.migrate(second)
    assert schema_version(second) == LATEST_VERSION
    first.close()
    second.close()
