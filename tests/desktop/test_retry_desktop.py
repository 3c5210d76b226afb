"""Retry in the real window of the headless desktop (Xvfb): a real pointer click on a
failed bubble's Retry (XTEST, ``xdotool``) opens the confirmation, a real Return sends it
again: exactly one POST /sms/send, the bubble then reads "Resent", the list's failure
mark clears, and the notice about it does not cover it. The wired window runs against
the in-process simulator and a real SQLite file (``tests.unit.ui.appkit``)."""

from __future__ import annotations

import asyncio

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QApplication, QStyleOptionViewItem

from hubdesk.ui.messages.retry import RetryConfirm
from tests.fixtures_desktop import Desktop
from tests.missing import require_tool
from tests.qt_fixtures import (  # noqa: F401  (fixtures, found by name)
    _collect_after_each_test,
    _gc_on_the_gui_thread,
    _no_window_left_open,
    qloop,
)
from tests.unit.ui.appkit import Driver, in_loop, shell_driver  # noqa: F401
from tests.unit.ui.messages.test_retry import PARTNER, TEXT, _entry, _open_failed

pytestmark = [pytest.mark.desktop, pytest.mark.sim_config(delivery_delay=0.3)]


@pytest.fixture(autouse=True)
def _real_desktop(desktop_session: Desktop, monkeypatch: pytest.MonkeyPatch) -> None:
    require_tool("xdotool", "Debian: xdotool")
    if QApplication.platformName() != "xcb":
        pytest.skip("needs the X11 desktop session (scripts/test starts it)")
    for key, value in desktop_session.env.items():  # xdotool talks to that display
        monkeypatch.setenv(key, value)


async def _xdotool(*args: str) -> None:
    proc = await asyncio.create_subprocess_exec("xdotool", *args)
    assert await proc.wait() == 0, args


@in_loop
async def test_a_real_click_on_retry_and_return_send_it_again_once(driver: Driver) -> None:
    d = driver
    window = d.window
    window.resize(1000, 700)
    window.show()
    window.raise_()
    failed = await _open_failed(d)
    await d.until(
        lambda: (handle := window.windowHandle()) is not None and handle.isExposed(),
        timeout=10,
        what="the window mapped",
    )
    await asyncio.sleep(0.5)  # laid out
    sends_before = len(d.posts("/api/sms/send"))

    view = d.page.thread_view
    index = view.model().index_of(failed.key)
    view.scrollTo(index)
    await asyncio.sleep(0.2)
    option = QStyleOptionViewItem()
    view.initViewItemOption(option)
    option.rect = view.visualRect(index)
    rect = view.thread_delegate.retry_rect(option, index)
    assert rect is not None
    spot = view.viewport().mapToGlobal(rect.center())
    window.raise_()  # no earlier test leaves a window shown (tests/qt_fixtures.py) to cover it
    window.activateWindow()
    await d.until(
        lambda: QApplication.widgetAt(spot) is view.viewport(),
        timeout=10,
        what="the bubble uncovered at the click's spot",
    )
    await _xdotool("windowfocus", "--sync", str(int(window.winId())))
    await _xdotool("mousemove", "--sync", str(spot.x()), str(spot.y()))
    await _xdotool("click", "1")
    await d.until(lambda: d.controller.composer.retrying.confirm is not None, what="confirm")
    confirm = d.controller.composer.retrying.confirm
    assert isinstance(confirm, RetryConfirm)
    await d.until(confirm.isVisible, what="the confirmation shown")
    assert TEXT in confirm.informativeText()
    assert len(d.posts("/api/sms/send")) == sends_before  # nothing before the yes

    await _xdotool("windowfocus", "--sync", str(int(confirm.winId())))
    await asyncio.sleep(0.2)
    await _xdotool("key", "Return")  # the default button: Send again
    await d.until(lambda: _entry(d, failed.key).resent, what="Resent")
    await d.until(
        lambda: not [c for c in d.page.conversations() if c.partner == PARTNER][0].has_failed,
        what="the failure mark cleared",
    )
    await asyncio.sleep(1.0)  # a duplicate would show up here
    assert len(d.posts("/api/sms/send")) == sends_before + 1
    bubble = d.page.bubble_rect(failed.key)
    toast = window.toast
    assert bubble is not None and toast.isVisible()
    assert not QRect(toast.mapToGlobal(QPoint(0, 0)), toast.size()).intersects(bubble)
