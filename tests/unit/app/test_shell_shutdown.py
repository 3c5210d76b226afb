"""AppShell.shutdown: nothing the window starts may reach the database once it closes."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from hubdesk.sim import SimApp, SimState
from tests.unit.ui.appkit import Driver, make_shell, signed_in


@pytest.fixture
def started(
    qapp: QApplication,
    qloop: asyncio.AbstractEventLoop,
    tmp_path: Path,
    sim_app: SimApp,
    sim_state: SimState,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Driver]:
    """A signed-in shell; the test shuts it down itself."""
    monkeypatch.setenv("HUBDESK_HOME", str(tmp_path))
    monkeypatch.delenv("HUBDESK_API_URL", raising=False)
    shell = make_shell(qapp, tmp_path, sim_app)
    d = Driver(qloop, shell, sim_state)
    d.run(shell.start())
    d.run(signed_in(d))
    yield d


def test_the_window_timers_stop_before_the_database_closes(
    started: Driver, caplog: pytest.LogCaptureFixture
) -> None:
    """The CI failure of 2026-12-07: the Scheduled list's refresh timer fired while the
    database worker closed, and its task failed with WorkerClosed (a traceback in the log)."""
    d, shell = started, started.shell
    scheduled, worker = shell.scheduled, shell.worker
    assert scheduled is not None and worker is not None
    timers = d.window.findChildren(QTimer)
    scheduled.check_overdue()  # the overdue check's timer runs all day
    assert any(t.isActive() for t in timers)

    active_at_close: list[str] = []
    close = worker.close

    async def close_and_look() -> None:
        active_at_close.extend(t.objectName() or repr(t) for t in timers if _active(t))
        await close()

    worker.close = close_and_look  # type: ignore[method-assign]
    with caplog.at_level(logging.DEBUG):
        d.run(shell.shutdown())
        d.run(asyncio.sleep(0.3))  # the loop runs on until the app quits
    assert active_at_close == []
    assert not [t for t in timers if _active(t)]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.text
    assert "WorkerClosed" not in caplog.text


def _active(timer: QTimer) -> bool:
    return shiboken6.isValid(timer) and timer.isActive()


def test_once_quitting_no_click_link_or_notification_reaches_the_closing_database(
    started: Driver, caplog: pytest.LogCaptureFixture
) -> None:
    """A click on a conversation, a link another start hands over, a notification's click:
    each opened a conversation, work on the database. Once the tasks were cancelled, one
    of them failed with WorkerClosed (a traceback in the log); the window stayed shown and
    clickable until the very end of the quit."""
    d, shell = started, started.shell
    worker = shell.worker
    assert worker is not None
    partner = d.page.conversation_model.conversation_at(0).partner
    shown_at_close: list[bool] = []
    close = worker.close

    async def close_while_asked() -> None:
        shown_at_close.append(d.window.isVisible())
        shell.receive([f"sms:+{partner}?body=one%20more"])  # another start's link
        shell.open_partner(partner)  # a notification's click
        shell.new_message()  # the tray's New message
        shown_at_close.append(d.window.isVisible())
        await close()

    worker.close = close_while_asked  # type: ignore[method-assign]
    with caplog.at_level(logging.DEBUG):
        d.run(shell.shutdown())
        d.run(asyncio.sleep(0.5))  # time for any task they started
    assert shown_at_close == [False, False]  # hidden before, and not shown again
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.text
    assert "WorkerClosed" not in caplog.text
