from __future__ import annotations

import asyncio
import logging

import pytest
from PySide6.QtWidgets import QApplication, QPushButton, QWidget

from hubdesk.ui.qtasync import async_slot, cancel_all, running_tasks, spawn


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
