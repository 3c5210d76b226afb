"""A real ``DbWorker`` (real SQLite file, real worker thread) that fails on demand.

``fail_next(exc, ...)``: each of the next calls of ``run`` raises one of ``exc`` (in
order) from the worker thread, where a real store error is raised, instead of running
its function; after them it behaves again. For "a store that raises once": the
``UnicodeEncodeError`` of a text the store cannot bind, ``sqlite3.OperationalError``
("database is locked"), a bug.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from hubdesk.store.database import Database
from hubdesk.store.worker import DbWorker

T = TypeVar("T")


class FlakyWorker(DbWorker):
    def __init__(self, executor: ThreadPoolExecutor, db: Database) -> None:
        super().__init__(executor, db)
        self._failures: list[BaseException] = []
        self.failed = 0  # calls that raised

    def fail_next(self, *errors: BaseException) -> None:
        self._failures.extend(errors)

    async def run(self, fn: Callable[[Database], T]) -> T:
        if not self._failures:
            return await super().run(fn)
        error = self._failures.pop(0)
        self.failed += 1

        def fail(db: Database) -> T:
            raise error

        return await super().run(fail)
