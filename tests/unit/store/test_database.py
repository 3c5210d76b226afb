from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any  # the conftest's FakeClock (conftest is not importable)

import pytest

from hubdesk.domain import Sms
from hubdesk.store.database import Database, DatabaseUnavailable
from hubdesk.store.migrations import LATEST_VERSION, DatabaseTooNew
from hubdesk.store.transactions import transaction

MakeSms = Callable[..., Sms]


def test_fresh_database_is_configured(db: Database) -> None:
    assert db.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.conn.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION
    assert db.recovery is None and db.recovered_from is None


def _assert_moved_aside(db: Database, path: Path, original: bytes) -> None:
    assert db.recovery is not None and db.recovered_from is not None
    moved = db.recovered_from
    assert moved.parent == path.parent
    assert moved.name.startswith(path.name + ".corrupt-")
    assert moved.read_bytes() == original  # kept byte for byte, never deleted
    assert moved.name in db.recovery.message
    # The new database works and is empty.
    assert db.messages.count() == 0 and db.messages.conversations() == []


def test_garbage_file_is_moved_aside_and_rebuilt(db_path: Path, make_sms: MakeSms) -> None:
    db_path.parent.mkdir(parents=True)
    garbage = bytes(range(256)) * 40
    db_path.write_bytes(garbage)
    with Database.open(db_path) as db:
        _assert_moved_aside(db, db_path, garbage)
        assert db.recovery is not None and "SQLITE_NOTADB" in db.recovery.reason
        db.messages.upsert_messages([make_sms(1)])
    with Database.open(db_path) as again:
        assert again.recovery is None and again.messages.count() == 1


def test_truncated_database_is_moved_aside(db_path: Path, make_sms: MakeSms) -> None:
    with Database.open(db_path) as db:
        db.messages.upsert_messages(
            [make_sms(i, f"4474{i % 300:08d}", text="x" * 200) for i in range(1, 3000)]
        )
        db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = db_path.read_bytes()
    assert len(data) > 200_000
    truncated = data[: len(data) // 2]
    db_path.write_bytes(truncated)
    with Database.open(db_path) as db:
        _assert_moved_aside(db, db_path, truncated)


def test_two_recoveries_in_the_same_second_keep_both_files(db_path: Path, clock: Any) -> None:
    db_path.parent.mkdir(parents=True)
    moved: list[Path] = []
    for content in (b"first garbage" * 100, b"second garbage" * 100):
        db_path.write_bytes(content)
        with Database.open(db_path, clock=clock) as db:
            assert db.recovered_from is not None
            moved.append(db.recovered_from)
        db_path.unlink()
        for suffix in ("-wal", "-shm"):
            db_path.with_name(db_path.name + suffix).unlink(missing_ok=True)
    assert moved[0] != moved[1]
    assert moved[0].read_bytes() == b"first garbage" * 100
    assert moved[1].read_bytes() == b"second garbage" * 100


def test_unopenable_path_is_not_moved(tmp_path: Path) -> None:
    folder = tmp_path / "actually-a-folder.sqlite3"
    folder.mkdir()
    with pytest.raises(DatabaseUnavailable):
        Database.open(folder)
    assert folder.is_dir()
    assert list(tmp_path.iterdir()) == [folder]


def test_newer_schema_is_refused_and_left_alone(db_path: Path) -> None:
    with Database.open(db_path):
        pass
    raw = sqlite3.connect(db_path)
    raw.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
    raw.close()
    with pytest.raises(DatabaseTooNew):
        Database.open(db_path)
    assert not list(db_path.parent.glob("*.corrupt-*"))


def test_foreign_keys_are_enforced(db: Database) -> None:
    with pytest.raises(sqlite3.IntegrityError):
        db.conn.execute(
            "INSERT INTO outbox_destinations (outbox_id, position, destination, state) "
            "VALUES (12345, 0, '447400123456', 'queued')"
        )


def test_outbox_steps_are_synced_to_disk_and_messages_are_not(
    db: Database, make_sms: MakeSms, monkeypatch: pytest.MonkeyPatch
) -> None:
    synced: list[int] = []
    real_fsync = os.fsync

    def recording_fsync(fd: int) -> None:
        synced.append(fd)
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", recording_fsync)
    db.messages.upsert_messages([make_sms(1)])
    assert synced == []
    item = db.outbox.enqueue("HubWork", ["447400123456"], "x")
    assert len(synced) == 1
    # Nested in a caller's transaction: synced once, after the outer commit.
    with transaction(db.conn):
        db.outbox.mark_sending(item.id)
        db.sync_state.set("attempt", "1")
        assert len(synced) == 1
    assert len(synced) == 2
    assert db.conn.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
