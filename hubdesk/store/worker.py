"""The single DB worker thread: asyncio code (the UI under qasync, the sync engine) never
blocks on sqlite.

``DbWorker`` owns one ``Database`` for its whole life; the database is opened, used and
closed on the worker's one thread, so the connection never crosses threads and every
call is serialised (SQLite's one writer, without lock contention inside the process)::

    worker = await DbWorker.open(path)
    if worker.recovery:
        show(worker.recovery.message)
    rows = await worker.run(lambda db: db.messages.conversations())
    await worker.close()

``fn`` runs to completion even if the awaiting task is cancelled (a write is never cut
in half); each repository call is its own transaction, and ``fn`` can group several
inside ``transaction(db.conn)``. When another process holds the database's lock for
longer than the busy time-out, ``run`` raises ``DatabaseBusy`` (the transaction was
rolled back; try again later), never a bare ``sqlite3.OperationalError``.
"""

from __future__ import annotations

import asyncio
import functools
import sqlite3
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from hubdesk.store.database import Database, DatabaseBusy, RecoveryNotice, is_busy

T = TypeVar("T")


class WorkerClosed(RuntimeError):
    """The worker was closed; no more database calls."""


class DbWorker:
    """Runs callables against one ``Database`` on one dedicated thread."""

    def __init__(self, executor: ThreadPoolExecutor, db: Database) -> None:
        self._executor = executor
        self._db = db
        self._closed = False

    @classmethod
    async def open(cls, path: Path | str, **options: Any) -> DbWorker:
        """Open the database on a new worker thread (``options`` go to ``Database.open``)."""
        executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="hubdesk-db")
        loop = asyncio.get_running_loop()
        try:
            db = await loop.run_in_executor(
                executor, functools.partial(Database.open, path, **options)
            )
        except BaseException:
            executor.shutdown(wait=False)
            raise
        return cls(executor, db)

    @property
    def recovery(self) -> RecoveryNotice | None:
        return self._db.recovery

    @property
    def recovered_from(self) -> Path | None:
        return self._db.recovered_from

    @property
    def path(self) -> Path:
        return self._db.path

    @property
    def closed(self) -> bool:
        return self._closed

    async def run(self, fn: Callable[[Database], T]) -> T:
        """Run ``fn(db)`` on the worker thread and return its result."""
        if self._closed:
            raise WorkerClosed("the database worker is closed")
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, _busy_as_such, fn, self._db)

    async def close(self) -> None:
        """Finish queued calls, close the database on its thread, stop the thread."""
        if self._closed:
            return
        self._closed = True
        loop = asyncio.get_running_loop()
        try:
            await loop.run_in_executor(self._executor, self._db.close)
        finally:
            self._executor.shutdown(wait=True)


def _busy_as_such(fn: Callable[[Database], T], db: Database) -> T:
    """``fn(db)``, with SQLite's "database is locked" raised as ``DatabaseBusy``."""
    try:
        return fn(db)
    except sqlite3.OperationalError as exc:
        if isinstance(exc, DatabaseBusy) or not is_busy(exc):
            raise
        raise DatabaseBusy(db.path) from exc
