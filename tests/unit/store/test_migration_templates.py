"""The templates migration, from the version before it, on a profile full of data.

The version numbers come from ``MIGRATIONS`` (never written here): another migration may
be ordered before or after this one when branches are merged.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from hubdesk.domain import OutboxState
from hubdesk.store import migrations
from hubdesk.store.database import Database
from hubdesk.store.migrations import LATEST_VERSION, migrate, schema_version
from hubdesk.store.timecodec import to_epoch
from hubdesk.store.transactions import transaction

TEMPLATES_VERSION = migrations.MIGRATIONS.index(migrations._TEMPLATES) + 1
WHEN = to_epoch(datetime(2024, 3, 1, 9, 30, tzinfo=UTC))


def _profile_before_templates(path: Path) -> None:
    """The schema just before templates, with messages, contacts, groups, an opt-out,
    settings and outbox rows (sent, unknown, queued bulk) in it."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    migrate(conn, target=TEMPLATES_VERSION - 1)
    assert "templates" not in _tables(conn)
    with transaction(conn):
        conn.execute(
            "INSERT INTO messages (sms_id, source, destination, partner, sender_id, text, type, "
            "delivery_status, server_read, unread, time, segments, stored_at) VALUES "
            "(1, '447400123456', '447700900000', '447400123456', '447700900000', "
            "'Is my table ready?', '2', '1', '0', 1, ?, 1, ?)",
            (WHEN, WHEN),
        )
        conn.execute(
            "INSERT INTO conversations VALUES ('447400123456', 1, ?, 'Is my table ready?', "
            "'2', '447700900000', 1, 0)",
            (WHEN,),
        )
        conn.execute("INSERT INTO contacts (id, number, name) VALUES (1, '447400123456', 'Priya')")
        conn.execute("INSERT INTO contact_groups (id, name) VALUES (1, 'Regulars')")
        conn.execute("INSERT INTO contact_group_members VALUES (1, 1)")
        conn.execute("INSERT INTO optouts VALUES ('447400999999', ?, NULL)", (WHEN,))
        conn.execute("INSERT INTO settings VALUES ('theme', '\"dark\"')")
        for oid, state, bulk in ((1, "sent", 0), (2, "unknown", 0), (3, "queued", 1)):
            conn.execute(
                "INSERT INTO outbox (id, uuid, source, text, state, bulk, created_at, attempts) "
                "VALUES (?, ?, 'HubWork', 'Your table is ready', ?, ?, ?, 1)",
                (oid, f"u{oid}", state, bulk, WHEN),
            )
        conn.executemany(
            "INSERT INTO outbox_destinations (outbox_id, position, destination, sms_id, state) "
            "VALUES (?, ?, ?, ?, ?)",
            [
                (1, 0, "447400123456", 501, "sent"),
                (2, 0, "447400123456", None, "unknown"),
                (3, 0, "447400123456", None, "queued"),
                (3, 1, "447400123457", None, "queued"),
            ],
        )
    conn.close()


def _tables(conn: sqlite3.Connection) -> set[str]:
    return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def test_templates_arrive_and_everything_else_survives(tmp_path: Path) -> None:
    path = tmp_path / "before.sqlite3"
    _profile_before_templates(path)
    with Database.open(path) as db:
        assert schema_version(db.conn) == LATEST_VERSION
        assert db.templates.list() == []
        added = db.templates.add("Table ready", "Hi {first_name|there}, your table is ready.")
        assert db.templates.get_by_name("TABLE READY") == added
        # The old data is all there.
        conv = {c.partner: c for c in db.messages.conversations()}["447400123456"]
        assert (conv.unread, conv.name, conv.last_text) == (1, "Priya", "Is my table ready?")
        hits = db.search.search("table")
        assert [h.sms_id for h in hits if h.outbox_id is None] == [1]
        # and the outbox rows not sent yet (unknown, queued bulk), one per recipient
        assert sorted(h.key or "" for h in hits if h.outbox_id is not None) == [
            "outbox:2:0", "outbox:3:0", "outbox:3:1",
        ]  # fmt: skip
        (contact,) = db.contacts.list()
        assert contact.groups == ("Regulars",)
        assert db.optouts.is_opted_out("447400999999")
        assert db.settings.get("theme", "light") == "dark"
        items = {i.id: i for i in db.outbox.all()}
        assert {i: items[i].state for i in items} == {
            1: OutboxState.SENT,
            2: OutboxState.UNKNOWN,
            3: OutboxState.QUEUED,
        }
        assert items[1].sms_ids == (501,)
        assert items[3].destinations == ("447400123456", "447400123457")
        assert [i.id for i in db.outbox.pending()] == [2, 3]


def test_the_migration_step_adds_the_table_and_its_columns(tmp_path: Path) -> None:
    path = tmp_path / "step.sqlite3"
    _profile_before_templates(path)
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        start = migrate(conn, target=TEMPLATES_VERSION)
        assert start == TEMPLATES_VERSION - 1
        assert schema_version(conn) == TEMPLATES_VERSION
        assert "templates" in _tables(conn)
        columns = [r[1] for r in conn.execute("PRAGMA table_info(templates)")]
        assert columns == ["id", "name", "name_key", "text", "position", "created_at", "updated_at"]
    finally:
        conn.close()
