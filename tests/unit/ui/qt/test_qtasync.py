from __future__ import annotations

import asyncio
import logging
import threading

import pytest
from PySide6.QtWidgets import QApplication, QPushButton, QWidget

from hubdesk.ui.qt.async_slots import BLOCKING_WORKERS, async_slot, cancel_all, running_tasks, spawn


class Panel(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.button = QPushButton("Go", self)
        self.errors: list[Exception] = []
        self.runs = 0
        self.gate = asyncio.Event()

    def show_error(self, exc: Exception) -> None:
        self.errors.append(exc)

    @async_slot(trigger="button", on_error="show_error")
    async def go(self, fail: bool = False) -> None:
        self.runs += 1
        await self.gate.wait()
        if fail:
            raise ValueError("nope")


def test_disables_trigger_and_ignores_second_run(
    qapp: QApplication, qloop: asyncio.AbstractEventLoop
) -> None:
    panel = Panel()
    task = panel.go()
    assert task is not None
    assert not panel.button.isEnabled()
    assert panel.go() is None  # in flight: ignored
    panel.gate.set()
    qloop.run_until_complete(task)
    assert panel.button.isEnabled() and panel.runs == 1 and panel.errors == []


def test_routes_errors_and_reenables(qapp: QApplication, qloop: asyncio.AbstractEventLoop) -> None:
    panel = Panel()
    panel.gate.set()
    task = panel.go(True)
    assert task is not None
    qloop.run_until_complete(task)
    assert [str(e) for e in panel.errors] == ["nope"]
    assert panel.button.isEnabled()


def test_stays_disabled_if_it_was(qapp: QApplication, qloop: asyncio.AbstractEventLoop) -> None:
    panel = Panel()
    panel.button.setEnabled(False)
    panel.gate.set()
    task = panel.go()
    assert task is not None
    qloop.run_until_complete(task)
    assert not panel.button.isEnabled()


def test_spawn_keeps_reference_and_logs(
    qapp: QApplication, qloop: asyncio.AbstractEventLoop, caplog: pytest.LogCaptureFixture
) -> None:
    async def boom() -> None:
        raise RuntimeError("background")

    with caplog.at_level(logging.ERROR):
        task = spawn(boom(), name="boom-task")
        assert task in running_tasks()
        qloop.run_until_complete(asyncio.wait([task]))
        qloop.run_until_complete(asyncio.sleep(0))
    assert task not in running_tasks()
    assert "boom-task" in caplog.text


def test_cancel_all(qapp: QApplication, qloop: asyncio.AbstractEventLoop) -> None:
    task = spawn(asyncio.sleep(60), name="sleeper")
    qloop.run_until_complete(cancel_all())
    assert task.cancelled()


def test_blocking_calls_share_a_few_lazily_started_threads(
    qapp: QApplication, qloop: asyncio.AbstractEventLoop
) -> None:
    """``asyncio.to_thread`` runs on the loop's small pool, not qasync's ten QThreads."""
    before = {t.ident for t in threading.enumerate()}
    assert qloop.run_until_complete(asyncio.to_thread(threading.current_thread)).name.startswith(
        "hubdesk-io"
    )
    started = {t.ident for t in threading.enumerate()} - before
    assert len(started) == 1  # one call, one thread (qasync would have started ten)

    release = threading.Event()
    running: set[str] = set()

    def block() -> None:
        running.add(threading.current_thread().name)
        release.wait(5)

    async def many() -> None:
        calls = [asyncio.to_thread(block) for _ in range(3 * BLOCKING_WORKERS)]
        gathered = asyncio.gather(*calls)
        await asyncio.sleep(0.2)
        release.set()
        await gathered

    qloop.run_until_complete(many())
    assert len(running) == BLOCKING_WORKERS  # bounded: the rest queued behind them
