from __future__ import annotations

import asyncio
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest

from hubdesk.domain import DeliveryStatus, ReadStatus, Sms, SmsType
from hubdesk.store.database import Database
from hubdesk.store.transactions import transaction
from hubdesk.store.worker import DbWorker, WorkerClosed


def _sms(sms_id: int) -> Sms:
    return Sms(
        sms_id,
        "447400123456",
        "447700900000",
        f"m{sms_id}",
        SmsType.RECEIVED,
        DeliveryStatus.SENT,
        ReadStatus.UNREAD,
        datetime(2024, 1, 1, tzinfo=UTC),
    )


async def test_calls_run_on_one_worker_thread_off_the_loop(db_path: Path) -> None:
    worker = await DbWorker.open(db_path)
    loop_thread = threading.get_ident()
    threads = await asyncio.gather(
        *(worker.run(lambda db: threading.get_ident()) for _ in range(20))
    )
    assert len(set(threads)) == 1 and threads[0] != loop_thread
    result = await worker.run(lambda db: db.messages.upsert_messages([_sms(1)]))
    assert result.new_ids == {1}
    assert await worker.run(lambda db: db.messages.unread_total()) == 1
    await worker.close()
    assert worker.closed
    with pytest.raises(WorkerClosed):
        await worker.run(lambda db: db.messages.count())
    await worker.close()  # twice is fine


async def test_loop_stays_responsive_while_the_worker_is_busy(db_path: Path) -> None:
    worker = await DbWorker.open(db_path)
    started = threading.Event()

    def slow(db: Database) -> int:
        started.set()
        with transaction(db.conn):
            db.messages.upsert_messages([_sms(i) for i in range(1, 2001)])
            threading.Event().wait(0.3)  # stands in for a long query
        return db.messages.count()

    task = asyncio.ensure_future(worker.run(slow))
    ticks = 0
    while not task.done():
        await asyncio.sleep(0.01)
        ticks += 1
    assert started.is_set() and await task == 2000
    assert ticks >= 10  # the loop kept running meanwhile
    await worker.close()


async def test_errors_come_back_to_the_caller_and_roll_back(db_path: Path) -> None:
    worker = await DbWorker.open(db_path)

    def failing(db: Database) -> None:
        with transaction(db.conn):
            db.messages.upsert_messages([_sms(5)])
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        await worker.run(failing)
    assert await worker.run(lambda db: db.messages.known_ids([5])) == set()
    await worker.close()


async def test_open_reports_recovery(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    db_path.write_bytes(b"\x00garbage" * 500)
    worker = await DbWorker.open(db_path)
    assert worker.recovered_from is not None and worker.recovered_from.exists()
    assert worker.recovery is not None and worker.path == db_path
    await worker.close()
