"""async_slot, spawn and the event loop helpers of ui.qt.async_slots."""

from __future__ import annotations

import asyncio
import logging
import threading

import pytest
from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QPushButton, QWidget

from hubdesk.api import errors as api
from hubdesk.core.errors import describe_error
from hubdesk.ui.qt.async_slots import (
    BLOCKING_WORKERS,
    Trigger,
    async_slot,
    cancel_all,
    running_tasks,
    spawn,
)


class Window(QWidget):
    """The toast host of the default error path: records what it was asked to show."""

    def __init__(self) -> None:
        super().__init__()
        self.toasts: list[tuple[str, bool]] = []

    def show_toast(self, text: str, *, error: bool = False) -> None:
        self.toasts.append((text, error))


class Panel(QObject):
    """A controller: one slot with its own error handler, one on the default path."""

    def __init__(self) -> None:
        super().__init__()
        self.window = Window()
        self.button = QPushButton("Go", self.window)
        self.action = QAction("Go", self.window)
        self.errors: list[Exception] = []
        self.runs = 0
        self.gate = asyncio.Event()

    def _triggers(self) -> list[Trigger]:
        return [self.button, self.action]

    def _record(self, exc: Exception) -> None:
        self.errors.append(exc)

    @async_slot(trigger=_triggers, on_error=_record)
    async def go(self, fail: bool = False) -> None:
        self.runs += 1
        await self.gate.wait()
        if fail:
            raise ValueError("nope")

    def _button(self) -> QPushButton:
        return self.button

    @async_slot(trigger=_button)
    async def plain(self, exc: Exception | None = None) -> None:
        self.runs += 1
        await self.gate.wait()
        if exc is not None:
            raise exc


def test_disables_trigger_and_ignores_second_run(
    qapp: QApplication, qloop: asyncio.AbstractEventLoop
) -> None:
    panel = Panel()
    task = panel.go()
    assert task is not None
    assert not panel.button.isEnabled() and not panel.action.isEnabled()
    assert panel.go() is None  # in flight: ignored
    panel.gate.set()
    qloop.run_until_complete(task)
    assert panel.button.isEnabled() and panel.action.isEnabled()
    assert panel.runs == 1 and panel.errors == []


def test_routes_errors_to_the_handler_and_reenables(
    qapp: QApplication, qloop: asyncio.AbstractEventLoop
) -> None:
    panel = Panel()
    panel.gate.set()
    task = panel.go(True)
    assert task is not None
    qloop.run_until_complete(task)
    assert [str(e) for e in panel.errors] == ["nope"]
    assert panel.window.toasts == []  # the handler decided: nothing shown by default
    assert panel.button.isEnabled()


def test_stays_disabled_if_it_was(qapp: QApplication, qloop: asyncio.AbstractEventLoop) -> None:
    panel = Panel()
    panel.button.setEnabled(False)
    panel.gate.set()
    task = panel.go()
    assert task is not None
    qloop.run_until_complete(task)
    assert not panel.button.isEnabled()
    assert panel.action.isEnabled()


def test_without_a_handler_the_window_shows_the_sentence_and_the_log_has_it(
    qapp: QApplication, qloop: asyncio.AbstractEventLoop, caplog: pytest.LogCaptureFixture
) -> None:
    panel = Panel()
    panel.gate.set()
    secret = "def502-refresh-token-value"
    with caplog.at_level(logging.WARNING):
        for exc in (api.ConnectFailed("down", operation="dial"), KeyError(secret)):
            task = panel.plain(exc)
            assert task is not None
            qloop.run_until_complete(task)
    assert panel.window.toasts == [
        (describe_error(api.ConnectFailed("down", operation="dial")), True),
        ("Something went wrong (KeyError); the details are in the log.", True),
    ]
    assert all(secret not in text for text, _error in panel.window.toasts)
    failures = [r for r in caplog.records if "Panel.plain failed" in r.getMessage()]
    assert [type(r.exc_info[1]).__name__ for r in failures if r.exc_info] == [
        "ConnectFailed",
        "KeyError",
    ]
    assert panel.button.isEnabled() and panel.runs == 2


class Faulty(Panel):
    def _explode(self, exc: Exception) -> None:
        raise RuntimeError("the handler has a bug")

    @async_slot(on_error=_explode)
    async def boom(self) -> None:
        raise ValueError("x")


def test_a_failing_error_handler_is_logged_not_raised(
    qapp: QApplication, qloop: asyncio.AbstractEventLoop, caplog: pytest.LogCaptureFixture
) -> None:
    panel = Faulty()
    with caplog.at_level(logging.ERROR):
        task = panel.boom()
        assert task is not None
        qloop.run_until_complete(task)
    assert "the error handler of Faulty.boom failed" in caplog.text
    assert task.exception() is None


@pytest.mark.parametrize("given", [{"trigger": "button"}, {"on_error": "_record"}])
def test_names_of_methods_are_refused_when_decorating(given: dict[str, str]) -> None:
    with pytest.raises(TypeError, match="takes a function of the owner"):
        async_slot(**given)  # type: ignore[call-overload]


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


def test_a_task_started_as_the_loop_stops_runs_on_that_loop_without_an_error(
    qapp: QApplication, qloop: asyncio.AbstractEventLoop, caplog: pytest.LogCaptureFixture
) -> None:
    """qasync's run_until_complete processes Qt's events once more after the loop stopped:
    a task started as the coroutine ended (on quit: by the window closing) was stepped
    there with no running loop, failed with "no running event loop" and logged a traceback
    (qasync 0.28)."""
    seen: list[asyncio.AbstractEventLoop] = []

    async def late() -> None:
        seen.append(asyncio.get_running_loop())

    async def ending() -> None:
        current = asyncio.current_task()
        assert current is not None
        current.add_done_callback(lambda _t: spawn(late(), name="late"))

    with caplog.at_level(logging.ERROR):
        for _ in range(3):
            qloop.run_until_complete(ending())
    assert seen == [qloop] * 3
    assert asyncio.events._get_running_loop() is None  # and not left set afterwards
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []


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


def test_a_refusal_is_shown_and_logged_in_one_line_without_a_traceback(
    qapp: QApplication, qloop: asyncio.AbstractEventLoop, caplog: pytest.LogCaptureFixture
) -> None:
    """Enter on "Hi {first_name}" to a number without a contact: the toast said why,
    and the terminal got a WARNING with a 15-line traceback for a refusal the user
    caused and was told about. A core refusal (CoreError) is one INFO line."""
    from hubdesk.core.errors import InvalidInput

    panel = Panel()
    panel.gate.set()
    refusal = InvalidInput("no value for {first_name} for 020 7946 0000; nothing was sent")
    with caplog.at_level(logging.DEBUG):
        task = panel.plain(refusal)
        assert task is not None
        qloop.run_until_complete(task)
    assert panel.window.toasts == [(describe_error(refusal), True)]
    records = [r for r in caplog.records if "Panel.plain" in r.getMessage()]
    assert records and all(r.exc_info is None for r in records)
    assert all(r.levelno < logging.WARNING for r in records)
