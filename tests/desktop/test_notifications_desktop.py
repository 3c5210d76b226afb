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
from hubdesk.ui.notifications import Backend, Notifier
from tests.fixtures_desktop import Desktop

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
    assert alice["actions"] == {"default": "Open"}
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
