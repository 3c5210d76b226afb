"""Notifier against dunst in the real headless desktop: what reaches the daemon, and
that a click (dunst's NotificationAction, i.e. ``dunstctl action``) opens the right
conversation."""

from __future__ import annotations

import html
from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from hubdesk.core.notify import Notice
from hubdesk.ui.shell.notifications import Backend, Notifier
from hubdesk.ui.shell.tray import TrayIcon
from tests.fixtures_desktop import NOTIFICATIONS, Desktop
from tests.qt_fixtures import _no_window_left_open  # noqa: F401  (autouse, by name)

pytestmark = pytest.mark.desktop

HOSTILE_TITLE = "Mallory <b>&amp;</b>"
HOSTILE_BODY = "<b>bold</b> <a href='https://evil.test'>link</a> & <img src=x> 😀"


@pytest.fixture
def notifier(desktop_session: Desktop, qapp: QApplication) -> Iterator[Notifier]:
    desktop_session.close_all_notifications()
    made = Notifier()
    yield made
    made.close_all()
    made.shutdown()


def test_summary_and_body_reach_dunst_exactly(
    desktop_session: Desktop, notifier: Notifier, qtbot: QtBot
) -> None:
    assert notifier.backend is Backend.FREEDESKTOP
    notifier.show(Notice("Alice Example", "Table for two at 8?", "447700900001", (1,)))
    notifier.show(Notice(HOSTILE_TITLE, HOSTILE_BODY, "447700900666", (2,)))
    qtbot.waitUntil(lambda: len(notifier.open_notifications) == 2, timeout=5000)
    seen: dict[str, dict[str, object]] = {}
    for entry in desktop_session.notifications():  # newest first: earlier tests' are older
        seen.setdefault(entry["summary"], entry)
    alice = seen["Alice Example"]
    assert alice["appname"] == "HubDesk"
    assert alice["body"] == "Table for two at 8?"
    # dunst advertises "actions": the buttons (no Call back: 07700 900xxx is not a
    # number the dialler rings).
    assert alice["actions"] == {"default": "Open", "reply": "Reply", "mark-read": "Mark as read"}
    assert alice["urgency"] == 1
    hostile = seen[HOSTILE_TITLE]  # the summary is plain text by spec: sent as is
    # The body is escaped, so no tag is live; unescaping gives back exactly the text.
    body = str(hostile["body"])
    assert "<" not in body and ">" not in body
    assert body == (
        "&lt;b&gt;bold&lt;/b&gt; &lt;a href='https://evil.test'&gt;link&lt;/a&gt; "
        "&amp; &lt;img src=x&gt; 😀"
    )
    assert html.unescape(body) == HOSTILE_BODY


def test_clicking_the_notification_emits_its_partner(
    desktop_session: Desktop, notifier: Notifier, qtbot: QtBot
) -> None:
    notifier.show(Notice("Alice", "first", "447700900001", (1,)))
    notifier.show(Notice("Bob", "second", "447700900002", (2,)))
    qtbot.waitUntil(lambda: desktop_session.displayed_count() == 2, timeout=5000)
    qtbot.waitUntil(lambda: len(notifier.open_notifications) == 2, timeout=5000)
    partners = {"447700900001", "447700900002"}
    with qtbot.waitSignal(notifier.activated, timeout=5000) as clicked:
        desktop_session.invoke_action(0)
    (first,) = clicked.args
    assert first in partners
    # The clicked notification leaves the screen; the notifier forgets exactly that one.
    (other,) = partners - {first}
    assert list(notifier.open_notifications.values()) == [other]
    qtbot.waitUntil(lambda: desktop_session.displayed_count() == 1, timeout=5000)
    with qtbot.waitSignal(notifier.activated, timeout=5000) as again:
        desktop_session.invoke_action(0)
    assert again.args == [other]


def test_clicking_a_summary_emits_activated_summary(
    desktop_session: Desktop, notifier: Notifier, qtbot: QtBot
) -> None:
    notifier.show(Notice("HubDesk", "5 new messages from 3 people", None, (1, 2, 3, 4, 5)))
    qtbot.waitUntil(lambda: desktop_session.displayed_count() == 1, timeout=5000)
    qtbot.waitUntil(lambda: len(notifier.open_notifications) == 1, timeout=5000)
    with qtbot.waitSignal(notifier.activated_summary, timeout=5000):
        desktop_session.invoke_action(0)


def test_close_all_removes_ours_from_the_screen(
    desktop_session: Desktop, notifier: Notifier, qtbot: QtBot
) -> None:
    for i in range(3):
        notifier.show(Notice(f"Person {i}", "hello", f"44770090010{i}", (i,)))
    qtbot.waitUntil(lambda: desktop_session.displayed_count() == 3, timeout=5000)
    qtbot.waitUntil(lambda: len(notifier.open_notifications) == 3, timeout=5000)
    notifier.close_all()
    qtbot.waitUntil(lambda: desktop_session.displayed_count() == 0, timeout=5000)


# -- hostile text, the tray path and a lost connection ------------------------------------

NUL_TITLE = "Mallory\x00 <b>bold</b> &amp; \u202etxt.exe"
NUL_BODY = 'a\x00b <img src="http://127.0.0.1:1/x"> <b>c</b> & \u202ed \ud83d'
SHOWN_TITLE = "Mallory <b>bold</b> &amp; ⟨U+202E⟩txt.exe"
SHOWN_BODY = '<img src="http://127.0.0.1:1/x"> <b>c</b> & ⟨U+202E⟩d \ufffd'


def newest(desktop: Desktop, summary: str) -> dict[str, object]:
    return next(n for n in desktop.notifications() if n["summary"] == summary)


def test_a_nul_message_shows_literally_and_the_next_one_still_goes_over_dbus(
    desktop_session: Desktop, notifier: Notifier, qtbot: QtBot
) -> None:
    """The message that used to make dbus-daemon drop the connection (and every later
    one go to the tray, unescaped): dunst shows its text literally, and the next
    notification, with markup in it, still comes over the same D-Bus connection."""
    notifier.show(Notice(NUL_TITLE, NUL_BODY, "447700900667", (5,)))
    notifier.show(Notice("Next after NUL", '<img src="http://127.0.0.1:1/y"> &', "4477009", (6,)))
    qtbot.waitUntil(lambda: len(notifier.open_notifications) == 2, timeout=5000)
    assert notifier.backend is Backend.FREEDESKTOP and notifier.connections == 1
    hostile = newest(desktop_session, SHOWN_TITLE)
    assert hostile["shown"] == f"{SHOWN_TITLE}\na b {SHOWN_BODY}"
    after = newest(desktop_session, "Next after NUL")
    assert after["shown"] == 'Next after NUL\n<img src="http://127.0.0.1:1/y"> &'
    assert after["actions"] == {"default": "Open", "reply": "Reply", "mark-read": "Mark as read"}


def test_the_tray_fallback_escapes_too(
    desktop_session: Desktop, qapp: QApplication, qtbot: QtBot
) -> None:
    """With no connection of its own the notifier uses the tray; on Linux Qt forwards
    ``showMessage`` to the notification server as markup, so the body is escaped."""
    desktop_session.close_all_notifications()
    tray = TrayIcon()
    tray.show()
    notifier = Notifier(tray.system_tray_icon, use_bus=False)
    try:
        assert tray.is_visible() and notifier.backend is Backend.TRAY
        notifier.show(Notice(NUL_TITLE, NUL_BODY, "447700900668", (7,)))
        qtbot.waitUntil(lambda: desktop_session.displayed_count() == 1, timeout=5000)
        shown = newest(desktop_session, SHOWN_TITLE)
        assert shown["shown"] == f"{SHOWN_TITLE}\na b {SHOWN_BODY}"
    finally:
        tray.dispose()


def test_a_dropped_connection_is_remade(
    desktop_session: Desktop, notifier: Notifier, qtbot: QtBot
) -> None:
    """dbus-daemon drops a connection that sends a malformed message (the NUL the old
    code sent, here sent raw): the next notification comes over a new connection."""
    from jeepney import new_method_call

    bus = notifier._bus
    assert bus is not None
    bus.connection.send(new_method_call(NOTIFICATIONS, "Notify", "s", ("\x00",)))
    qtbot.waitUntil(lambda: notifier.backend is not Backend.FREEDESKTOP, timeout=5000)
    notifier.show(Notice("After the drop", "<b>still escaped</b>", "447700900669", (8,)))
    assert notifier.backend is Backend.FREEDESKTOP and notifier.connections == 2
    qtbot.waitUntil(lambda: len(notifier.open_notifications) == 1, timeout=5000)
    assert newest(desktop_session, "After the drop")["shown"] == (
        "After the drop\n<b>still escaped</b>"
    )
