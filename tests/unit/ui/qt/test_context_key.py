"""Shift+F10 opens the context menu wherever the Menu key does (a day in the window:
the conversation list's and the thread's menus opened only with the Menu key and a
right click; most laptops have no Menu key)."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMenu, QWidget
from pytestqt.qtbot import QtBot

from hubdesk.domain import MessageState
from hubdesk.ui.shell.window import MainWindow
from tests.qt_fixtures import hide_window
from tests.unit.ui.values import make_conversation, make_entry

PARTNER = "447911123456"


def open_menus(parent: QWidget) -> list[QMenu]:
    return [m for m in parent.findChildren(QMenu) if m.isVisible()]


def close_all(qtbot: QtBot, w: MainWindow, menus: list[QMenu]) -> None:
    for menu in menus:
        menu.close()
    qtbot.waitUntil(w.isActiveWindow)  # the window's shortcuts work again


def window(qtbot: QtBot) -> MainWindow:
    w = MainWindow()
    qtbot.addWidget(w, before_close_func=hide_window)
    page = w.messages_page
    page.set_conversations(
        [
            make_conversation("447911100001", name="Bob", unread=0),
            make_conversation(PARTNER, name="Alice Smith", unread=1),
        ]
    )
    scheduled = replace(
        make_entry(2, "See you at nine", sent=True, state=MessageState.SCHEDULED),
        key="outbox:7",
        outbox_id=7,
    )
    page.show_partner(PARTNER, "Alice Smith", "07911 123456", True)
    page.show_thread([scheduled, make_entry(1, "hello")])
    w.show()
    qtbot.waitExposed(w)
    w.activateWindow()  # a window shortcut needs the window active
    qtbot.waitUntil(w.isActiveWindow)
    return w


def test_shift_f10_opens_the_conversation_menu_at_the_current_row(qtbot: QtBot) -> None:
    w = window(qtbot)
    view = w.messages_page.conversation_view
    view.setFocus()
    assert QApplication.focusWidget() is view
    view.setCurrentIndex(view.model().index(1, 0))  # Alice, the second row
    QTest.keyClick(view, Qt.Key.Key_F10, Qt.KeyboardModifier.ShiftModifier)
    menus = open_menus(w.messages_page)
    assert len(menus) == 1
    assert menus[0].accessibleName() == "Conversation actions"
    assert "Mark read" in [a.text() for a in menus[0].actions()]  # Alice's: unread
    close_all(qtbot, w, menus)
    view.setCurrentIndex(view.model().index(0, 0))  # Bob: read
    QTest.keyClick(view, Qt.Key.Key_F10, Qt.KeyboardModifier.ShiftModifier)
    menus = open_menus(w.messages_page)
    assert len(menus) == 1 and "Mark unread" in [a.text() for a in menus[0].actions()]
    close_all(qtbot, w, menus)


def test_shift_f10_opens_a_scheduled_bubbles_menu(qtbot: QtBot) -> None:
    w = window(qtbot)
    view = w.messages_page.thread_view
    view.setFocus()
    view.setCurrentIndex(w.messages_page.thread_model.index_of("outbox:7"))
    QTest.keyClick(view, Qt.Key.Key_F10, Qt.KeyboardModifier.ShiftModifier)
    menus = open_menus(view)
    assert len(menus) == 1
    assert [a.text() for a in menus[0].actions()] == ["Edit time", "Send now", "Cancel"]
    close_all(qtbot, w, menus)


def test_f10_alone_and_other_shifted_keys_open_no_menu(qtbot: QtBot) -> None:
    w = window(qtbot)
    view = w.messages_page.conversation_view
    view.setCurrentIndex(view.model().index(1, 0))
    QTest.keyClick(view, Qt.Key.Key_F10)
    QTest.keyClick(view, Qt.Key.Key_F9, Qt.KeyboardModifier.ShiftModifier)
    shift_ctrl = Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.ControlModifier
    QTest.keyClick(view, Qt.Key.Key_F10, shift_ctrl)
    assert open_menus(w.messages_page) == []
