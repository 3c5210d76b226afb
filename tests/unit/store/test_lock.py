"""FileLock and hold(): exclusive and shared modes, waiting, cancellation, other processes."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from hubdesk.store.lock import FileLock, LockTimeout, hold, sender_lock_path

ROOT = Path(__file__).resolve().parents[3]

# A process that holds the lock until its stdin closes (or it is killed).
HOLDER = """
import sys
from pathlib import Path
from hubdesk.store.lock import FileLock
lock = FileLock(Path(sys.argv[1]))
assert lock.try_acquire(sys.argv[2])
print("held", flush=True)
sys.stdin.read()
"""


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "profile" / "test.lock"


Holder = Callable[[str], "subprocess.Popen[str]"]


@pytest.fixture
def holder(path: Path) -> Iterator[Holder]:
    procs: list[subprocess.Popen[str]] = []

    def start(mode: str) -> subprocess.Popen[str]:
        proc = subprocess.Popen(
            [sys.executable, "-c", HOLDER, str(path), mode],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        assert proc.stdout is not None and proc.stdout.readline() == "held\n"
        procs.append(proc)
        return proc

    yield start
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
        proc.wait()


def test_exclusive_excludes_everyone_until_released(path: Path) -> None:
    first, second = FileLock(path), FileLock(path)
    assert first.try_acquire() and first.mode == "exclusive" and first.held
    assert not second.try_acquire("exclusive")
    assert not second.try_acquire("shared")
    first.release()
    assert not first.held
    assert second.try_acquire()
    second.release()
    assert path.exists()  # never deleted


def test_shared_holders_coexist_and_keep_exclusive_out(path: Path) -> None:
    a, b, c = FileLock(path), FileLock(path), FileLock(path)
    assert a.try_acquire("shared") and b.try_acquire("shared")
    assert not c.try_acquire("exclusive")
    a.release()
    assert not c.try_acquire("exclusive")  # b is still alive
    b.release()
    assert c.try_acquire("exclusive")
    c.release()


def test_acquiring_twice_is_a_bug(path: Path) -> None:
    lock = FileLock(path)
    with lock:
        with pytest.raises(RuntimeError):
            lock.try_acquire()
    lock.release()  # releasing a free lock does nothing


def test_acquire_waits_and_times_out(path: Path) -> None:
    with FileLock(path):
        other = FileLock(path)
        started = time.monotonic()
        assert other.acquire(timeout=0.2) is False
        assert 0.2 <= time.monotonic() - started < 2
    assert other.acquire(timeout=0.2) is True
    other.release()


async def test_hold_waits_for_the_holder_in_a_thread(path: Path) -> None:
    holder = FileLock(path)
    assert holder.try_acquire()
    order: list[str] = []

    async def contender() -> None:
        async with hold(path, timeout=5):
            order.append("contender")

    task = asyncio.create_task(contender())
    await asyncio.sleep(0.1)  # the event loop keeps running while it waits
    order.append("holder releases")
    holder.release()
    await task
    assert order == ["holder releases", "contender"]


async def test_hold_times_out(path: Path) -> None:
    with FileLock(path):
        with pytest.raises(LockTimeout):
            async with hold(path, timeout=0.1):
                pytest.fail("must not get the lock")


async def test_cancelled_wait_leaves_nothing_held(path: Path) -> None:
    holder = FileLock(path)
    assert holder.try_acquire()

    async def contender() -> None:
        async with hold(path):
            pytest.fail("must not get here")

    task = asyncio.create_task(contender())
    await asyncio.sleep(0.1)
    task.cancel()
    holder.release()  # the waiting thread may win the lock now: it must let it go
    with pytest.raises(asyncio.CancelledError):
        await task
    # Waited for off the event loop: a lock the cancelled wait got anyway is released by a
    # callback on the loop, which a blocking acquire here would hold up.
    async with hold(path, timeout=5):
        pass


def test_another_process_holds_it_until_it_dies(path: Path, holder: Holder) -> None:
    proc = holder("exclusive")
    mine = FileLock(path)
    assert not mine.try_acquire("shared")
    proc.kill()  # kill -9: the kernel drops its lock
    proc.wait()
    assert mine.acquire(timeout=5)
    mine.release()


def test_shared_across_processes(path: Path, holder: Holder) -> None:
    proc = holder("shared")
    mine = FileLock(path)
    assert mine.try_acquire("shared")
    mine.release()
    assert not mine.try_acquire("exclusive")
    assert proc.stdin is not None
    proc.stdin.close()  # the holder exits normally
    proc.wait()
    assert mine.try_acquire("exclusive")
    mine.release()


def test_sender_lock_sits_beside_the_database(tmp_path: Path) -> None:
    db = tmp_path / "hubdesk.sqlite3"
    assert sender_lock_path(db) == tmp_path / "hubdesk.sqlite3.sender.lock"
