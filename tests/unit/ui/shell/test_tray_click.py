"""Windows and macOS: a new SMS is announced with the tray's own message
(``QSystemTrayIcon.showMessage``: no D-Bus there), and a click on it opens that
conversation (``messageClicked``).

The shell is built as on those systems (a tray, no session bus). Offscreen, nobody can
click the balloon, so the test does what the desktop does on a click: it emits the
tray icon's ``messageClicked``. On the Windows and macOS runners the same test runs
with Qt's native tray.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from hubdesk.sim import SimApp, SimState
from hubdesk.ui.shell.notifications import Backend
from tests.unit.ui.appkit import Driver, make_shell, signed_in

PARTNER = "447700900123"  # not in the demo history: a new conversation
pytestmark = pytest.mark.sim_config(delivery_delay=0.3)


@pytest.fixture
def driver(
    qapp: QApplication,
    qloop: asyncio.AbstractEventLoop,
    tmp_path: Path,
    sim_app: SimApp,
    sim_state: SimState,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Driver]:
    monkeypatch.setenv("HUBDESK_HOME", str(tmp_path))
    monkeypatch.delenv("HUBDESK_API_URL", raising=False)
    monkeypatch.delenv("HUBDESK_POLL_INTERVAL", raising=False)
    shell = make_shell(
        qapp,
        tmp_path,
        sim_app,
        shell={"use_tray": True, "tray_available": lambda: True, "use_bus": False},
    )
    d = Driver(qloop, shell, sim_state)
    d.run(shell.start())
    try:
        yield d
    finally:
        d.run(shell.shutdown())


def test_clicking_the_tray_message_opens_its_conversation(driver: Driver) -> None:
    d = driver
    d.run(signed_in(d))
    shell = d.shell
    assert shell.tray is not None and shell.notifier is not None
    assert shell.notifier.backend is Backend.TRAY
    clicks = shell.tray.system_tray_icon.messageClicked

    other = d.page.conversation_model.conversation_at(0).partner
    d.run(d.controller.open_conversation(other))
    assert d.page.open_partner() == other
    clicks.emit()  # a click with no message of ours shown: nothing opens
    d.run(asyncio.sleep(0.2))
    assert d.page.open_partner() == other

    d.sim.inject_inbound(PARTNER, "Is the 3 o'clock still free?")
    d.run(d.poll())

    def click_opens() -> bool:  # the user clicks the message as soon as it shows
        clicks.emit()
        return bool(d.page.open_partner() == PARTNER)

    d.run(d.until(click_opens, what="the clicked message's conversation"))
    texts = [e.text for e in d.page.thread_model.entries()]
    assert texts[-1] == "Is the 3 o'clock still free?"
    assert d.window.isVisible()
