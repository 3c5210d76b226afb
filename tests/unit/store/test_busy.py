"""Another process holding the database's lock: ``DatabaseBusy``, and nothing half-done.

The holder is a real second process with ``BEGIN EXCLUSIVE`` on the real file; each
write here waits SQLite's real busy time-out (``BUSY_TIMEOUT``) before it gives up.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest

from hubdesk.core.errors import describe_error
from hubdesk.store.database import BUSY_TIMEOUT, Database, DatabaseBusy, is_busy
from hubdesk.store.worker import DbWorker
from tests.db_lock_holder import holding_lock

P = "447400123456"


async def test_a_write_while_another_process_holds_the_lock_is_database_busy(
    db_path: Path,
) -> None:
    worker = await DbWorker.open(db_path)
    try:
        with holding_lock(db_path):
            assert await worker.run(lambda db: db.outbox.all()) == []  # reading goes on (WAL)
            started = time.monotonic()
            with pytest.raises(DatabaseBusy) as caught:
                await worker.run(lambda db: db.outbox.enqueue("HubWork", [P], "hi"))
            assert time.monotonic() - started >= BUSY_TIMEOUT - 0.5  # SQLite waited first
        assert isinstance(caught.value, sqlite3.OperationalError)  # still a SQLite error
        assert caught.value.path == db_path
        sentence = describe_error(caught.value)
        assert "busy" in sentence and "another HubDesk" in sentence
        assert "OperationalError" not in sentence
        # Nothing was half-written, and the same write goes through once the lock is gone.
        assert await worker.run(lambda db: db.outbox.all()) == []
        item = await worker.run(lambda db: db.outbox.enqueue("HubWork", [P], "hi"))
        assert [i.id for i in await worker.run(lambda db: db.outbox.all())] == [item.id]
    finally:
        await worker.close()


def test_opening_while_a_dead_senders_rows_cannot_be_recovered_is_database_busy(
    db_path: Path,
) -> None:
    with Database.open(db_path) as db:
        item = db.outbox.enqueue("HubWork", [P], "in flight")
        db.outbox.mark_sending(item.id)
    # (that process died mid-send; opening now must turn its row into 'unknown')
    with holding_lock(db_path), pytest.raises(DatabaseBusy):
        Database.open(db_path)
    with Database.open(db_path) as db:  # nothing lost: recovered on the next open
        assert db.interrupted_sends == 1


def test_only_lock_errors_count_as_busy() -> None:
    assert not is_busy(sqlite3.OperationalError("no such table: x"))
    assert not is_busy(ValueError("database is locked"))
    assert is_busy(sqlite3.OperationalError("database is locked"))
