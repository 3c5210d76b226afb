"""Advisory file locks between the processes that share one profile folder.

A :class:`FileLock` is an exclusive or shared lock on one lock file. The operating system
drops it when its holder exits, however it exits (``kill -9``, ``TerminateProcess``), so
a lock that is held always means a live holder. Lock files are created on first use and
never deleted (deleting a lock file lets two processes lock two different files).

The locking itself is ``portalocker``'s (``lock``/``unlock`` with ``SHARED`` or
``EXCLUSIVE`` and ``NON_BLOCKING``), a library tested on Linux, macOS and Windows in its
own CI: ``fcntl.flock`` on POSIX; on Windows ``LockFileEx`` (pywin32, the ``win32``
extra) for shared locks and ``msvcrt.locking`` for exclusive ones, over overlapping byte
ranges from offset 0, so the two modes exclude each other. Both lock an open file
(a descriptor or handle), not a process: each ``FileLock`` opens its own descriptor, so
two ``FileLock`` objects conflict even inside one process.

Used for:

* ``REFRESH_LOCK`` in the profile folder: held around a token refresh, so two processes
  sharing a session never spend the same single-use refresh token (``core.session``).
* ``sender_lock_path(db)``: live outbox senders hold it shared; recovering rows a dead
  sender left in ``sending`` needs it exclusive (``store.outbox``).

``acquire`` blocks (polling), so asyncio code uses :func:`hold`, which waits in a thread
(``asyncio.to_thread``) and stays correct when the waiting task is cancelled.
"""

from __future__ import annotations

import asyncio
import os
import threading
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Literal

import portalocker

__all__ = [
    "REFRESH_LOCK",
    "FileLock",
    "LockTimeout",
    "Mode",
    "hold",
    "sender_lock_path",
]

REFRESH_LOCK = "refresh.lock"
Mode = Literal["shared", "exclusive"]
_POLL = 0.02  # seconds between attempts while waiting
_FLAGS: dict[Mode, portalocker.LockFlags] = {
    "shared": portalocker.LockFlags.SHARED | portalocker.LockFlags.NON_BLOCKING,
    "exclusive": portalocker.LockFlags.EXCLUSIVE | portalocker.LockFlags.NON_BLOCKING,
}


class LockTimeout(TimeoutError):
    """The lock stayed held by another holder for the whole wait."""


def sender_lock_path(db_path: Path) -> Path:
    """The outbox sender lock of the database at ``db_path`` (beside it)."""
    return db_path.with_name(db_path.name + ".sender.lock")


class FileLock:
    """An exclusive or shared advisory lock on ``path``; not re-entrant.

    One object holds at most one lock at a time. Not thread-safe: one thread at a time
    may use it (acquiring in a worker thread and releasing on the event loop is fine).
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None
        self._mode: Mode | None = None

    def __repr__(self) -> str:
        return f"<FileLock {self.path.name} {self._mode or 'free'}>"

    @property
    def mode(self) -> Mode | None:
        """How this object holds the lock now, or None."""
        return self._mode

    @property
    def held(self) -> bool:
        return self._mode is not None

    def try_acquire(self, mode: Mode = "exclusive") -> bool:
        """Take the lock without waiting; False when another holder prevents it."""
        if self._mode is not None:
            raise RuntimeError(f"{self!r} is already held")
        fd = self._open()
        try:
            portalocker.lock(fd, _FLAGS[mode])
        except portalocker.AlreadyLocked:
            os.close(fd)
            return False
        except portalocker.LockException as exc:  # not contention: the file system refused
            os.close(fd)
            raise OSError(f"cannot lock {self.path}: {exc}") from exc
        except BaseException:
            os.close(fd)
            raise
        self._fd, self._mode = fd, mode
        return True

    def acquire(
        self,
        mode: Mode = "exclusive",
        *,
        timeout: float | None = None,
        stop: threading.Event | None = None,
    ) -> bool:
        """Wait for the lock; False when ``timeout`` ran out or ``stop`` was set first."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            if stop is not None and stop.is_set():
                return False
            if self.try_acquire(mode):
                return True
            if deadline is not None and time.monotonic() >= deadline:
                return False
            if stop is not None:
                stop.wait(_POLL)
            else:
                time.sleep(_POLL)

    def release(self) -> None:
        """Drop the lock (nothing happens when it is not held). Never blocks."""
        fd, self._fd, self._mode = self._fd, None, None
        if fd is None:
            return
        try:
            portalocker.unlock(fd)
        except portalocker.LockException:
            pass  # closing the descriptor below drops the lock anyway
        finally:
            os.close(fd)

    def __enter__(self) -> FileLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()

    def _open(self) -> int:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0)
        return os.open(self.path, flags, 0o600)


@asynccontextmanager
async def hold(
    path: Path, mode: Mode = "exclusive", *, timeout: float | None = None
) -> AsyncIterator[FileLock]:
    """Hold the lock on ``path`` for the ``async with`` block, waiting in a thread.

    Raises ``LockTimeout`` when ``timeout`` runs out first. If the waiting task is
    cancelled, the waiting thread is told to stop, and a lock it got anyway is released.
    """
    lock = FileLock(path)
    stop = threading.Event()
    waiting = asyncio.ensure_future(
        asyncio.to_thread(lock.acquire, mode, timeout=timeout, stop=stop)
    )
    try:
        got = await asyncio.shield(waiting)
    except asyncio.CancelledError:
        stop.set()
        waiting.add_done_callback(_release_when_done(lock))
        raise
    if not got:
        raise LockTimeout(f"{path.name} is held by another process")
    try:
        yield lock
    finally:
        lock.release()


def _release_when_done(lock: FileLock) -> Callable[[asyncio.Future[bool]], None]:
    def done(future: asyncio.Future[bool]) -> None:
        if not future.cancelled() and future.exception() is None and future.result():
            lock.release()

    return done
