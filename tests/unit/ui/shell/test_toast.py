"""Issue 14: a toast never covers a control or a message. It sits in the status bar: on
every page, with the longest notices, its rectangle meets no visible enabled control
(buttons, fields, lists) and no bubble of the thread: Delete/Text/Call on Contacts and
the top message of a thread (where it covered them before) included."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot

from hubdesk.domain import Contact
from hubdesk.ui.qt.theme import apply_theme
from hubdesk.ui.shell.toast import Toast
from hubdesk.ui.shell.window import CALLS, CONTACTS, MESSAGES, SENDER_IDS, MainWindow
from tests.qt_fixtures import hide_window
from tests.unit.ui.values import make_conversation, make_entry

PARTNER = "447911123456"
SHORT = "Calling 07911 123456: answer your phone. Call ID 8f2c1a"
LONG = (
    "The server refused the message: the sender ID HUBWORK is not approved for this "
    "account any more. Choose another sender ID in the compose box, or ask an "
    "administrator to approve it again under Sender IDs, then press Send."
)
CONTACTS_LIST = [
    Contact("447400123456", "Alice Smith", "front desk", ("Staff",), id=1),
    Contact("447911100456", "Bob Jones", "", ("Patients",), id=2),
]


def in_window(w: MainWindow, widget: QWidget) -> QRect:
    return QRect(widget.mapTo(w, QPoint(0, 0)), widget.size())


def controls(w: MainWindow) -> dict[str, QRect]:
    """Every visible, enabled control of the window's current page, and every bubble
    of the thread, in window coordinates."""
    page = w.pages.currentWidget()
    assert page is not None
    found: dict[str, QRect] = {}
    kinds = (QAbstractButton, QLineEdit, QTextEdit, QPlainTextEdit, QAbstractItemView)
    for child in page.findChildren(QWidget):
        if isinstance(child, kinds) and child.isVisible() and child.isEnabled():
            found[f"{type(child).__name__} {child.accessibleName() or child.objectName()}"] = (
                in_window(w, child)
            )
    if w.pages.currentIndex() == MESSAGES:
        view = w.messages_page.thread_view
        model = view.model()
        for row in range(model.rowCount()):
            rect = view.visualRect(model.index(row, 0))
            visible = rect.intersected(view.viewport().rect())
            if not visible.isEmpty():
                top_left = view.viewport().mapTo(w, visible.topLeft())
                found[f"bubble {row}"] = QRect(top_left, visible.size())
    return found


def filled_window(qtbot: QtBot) -> MainWindow:
    w = MainWindow()
    qtbot.addWidget(w, before_close_func=hide_window)
    w.resize(1000, 680)
    page = w.messages_page
    page.set_conversations([make_conversation(PARTNER, name="Alice Smith", unread=1)])
    page.show_partner(PARTNER, "Alice Smith", "07911 123456", True)
    page.show_thread([make_entry(i) for i in reversed(range(12))])  # newest first
    page.compose.setEnabled(True)
    w.contacts_page.set_contacts(CONTACTS_LIST)
    w.show()
    qtbot.waitExposed(w)
    return w


def assert_covers_nothing(w: MainWindow, where: str) -> None:
    toast = w.toast
    assert toast.isVisible()
    QApplication.processEvents()  # the status bar's layout places the toast
    rect = in_window(w, toast)
    assert in_window(w, w.status).contains(rect), where
    assert not rect.intersects(in_window(w, w.pages)), where
    hits = {name: r for name, r in controls(w).items() if r.intersects(rect)}
    assert hits == {}, f"{where}: the toast {rect} covers {hits}"


def test_on_every_page_the_toast_covers_no_control_and_no_bubble(qtbot: QtBot) -> None:
    w = filled_window(qtbot)
    w.messages_page.thread_view.scrollToTop()  # the top message, where toasts sat
    for text in (SHORT, LONG):
        w.show_toast(text)
        assert_covers_nothing(w, f"Messages: {text[:20]}")
    assert len([n for n in controls(w) if n.startswith("bubble")]) > 3
    w.show_page(CONTACTS)
    w.contacts_page.select_contact(1)  # Delete / Text / Call enabled
    names = " ".join(controls(w))
    assert "Delete" in names and "Call" in names
    for text in (SHORT, LONG):
        w.show_toast(text, error=True)
        assert_covers_nothing(w, f"Contacts: {text[:20]}")
    for index in (SENDER_IDS, CALLS):
        w.show_page(index)
        w.show_toast(LONG)
        assert_covers_nothing(w, f"page {index}")


def test_a_narrow_window_elides_the_toast_without_covering(qtbot: QtBot) -> None:
    w = filled_window(qtbot)
    w.resize(640, 520)
    w.show_toast(LONG, error=True)
    QApplication.processEvents()
    assert w.toast.height() < w.toast.fontMetrics().height() * 2  # one line, elided
    assert w.toast.is_elided() and w.toast.text() == LONG
    assert_covers_nothing(w, "narrow")


def layout_above(w: MainWindow) -> dict[str, QRect]:
    """Where the page, the Send button and the status bar are, in window coordinates."""
    QApplication.processEvents()
    send = w.messages_page.compose.send_button
    return {
        "page": in_window(w, w.pages),
        "Send": in_window(w, send),
        "thread": in_window(w, w.messages_page.thread_view),
        "status bar": in_window(w, w.status),
    }


def test_a_notice_never_moves_what_is_above_it(qtbot: QtBot) -> None:
    """A day in the window: a long notice wrapped, the status bar grew a line and the
    buttons above moved up while it showed; the user clicked a button that had just
    moved back. Now any notice (the first one built, long, multi-line, in a narrow
    window) is one line and the page, Send and the bar keep their geometry."""
    w = filled_window(qtbot)
    multi_line = "Sent.\nThe server said:\nline three\nline four"
    for width in (1000, 640):
        w.resize(width, 600)
        before = layout_above(w)
        for text in (LONG, SHORT, multi_line, LONG + " " + LONG):
            w.show_toast(text, error=True)
            assert layout_above(w) == before, f"{width} px: {text[:30]!r}"
            assert w.toast.text() == text
            assert w.toast.accessibleDescription() == text
            assert text.split("\n")[-1] in w.toast.toolTip()
        w.toast.hide()
        assert layout_above(w) == before


def test_a_click_on_an_elided_notice_shows_it_whole_without_moving_anything(
    qtbot: QtBot,
) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QToolTip

    w = filled_window(qtbot)
    w.resize(640, 520)
    w.show_toast(LONG)
    before = layout_above(w)
    assert w.toast.is_elided()
    QTest.mouseClick(w.toast, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(QToolTip.isVisible)
    assert "administrator to approve it again" in QToolTip.text()
    assert w.toast.isVisible() and layout_above(w) == before
    QTest.mouseClick(w.toast, Qt.MouseButton.LeftButton)  # the second click dismisses it
    assert not w.toast.isVisible()
    w.show_toast(SHORT)  # not elided: a click dismisses it at once
    assert not w.toast.is_elided()
    QTest.mouseClick(w.toast, Qt.MouseButton.LeftButton)
    assert not w.toast.isVisible()


def test_the_toast_is_plain_text_hides_on_page_change_and_follows_the_theme(
    qtbot: QtBot, qapp: QApplication
) -> None:
    w = filled_window(qtbot)
    w.show_toast("<b>Call ID</b> 123")
    assert w.toast.text() == "<b>Call ID</b> 123" and isinstance(w.toast, Toast)
    before = w.toast.palette().color(QPalette.ColorRole.Window)
    apply_theme(qapp, "dark" if before.lightness() > 128 else "light")
    QApplication.processEvents()
    try:
        after = w.toast.palette().color(QPalette.ColorRole.Window)
        assert (after.lightness() > 128) != (before.lightness() > 128)
    finally:
        apply_theme(qapp, "system")
    w.show_page(CONTACTS)  # a note about one page does not follow to the next
    assert not w.toast.isVisible()


def test_a_status_tip_does_not_hide_the_toast(qtbot: QtBot) -> None:
    w = filled_window(qtbot)
    w.show_toast(SHORT)
    w.status.showMessage("Write to a number")  # what hovering File > New message does
    QApplication.processEvents()
    assert w.toast.isVisible()
    assert_covers_nothing(w, "with a status tip")


def test_a_toast_with_a_long_unbroken_word_does_not_widen_the_window(qtbot: QtBot) -> None:
    """A notice quoting a long URL (a server's sentence, a file's path): the label asked
    for the width of that word and the window grew to 2,359 px, past the screen."""
    w = MainWindow()
    qtbot.addWidget(w, before_close_func=hide_window)
    w.resize(1000, 680)
    w.show()
    qtbot.waitExposed(w)
    w.show_toast("The server said: https://example.com/" + "a" * 300, error=True)
    QApplication.processEvents()
    assert w.minimumSizeHint().width() < 1000
    assert w.width() == 1000


def test_the_notice_sits_between_the_connection_state_and_the_unread_count(
    qtbot: QtBot,
) -> None:
    """Qt counts insertPermanentWidget's index over every item of the bar: index 0 was
    out of range (a warning at each start) and the notice went after the unread count."""
    w = filled_window(qtbot)
    w.set_unread(3, False)
    w.show_toast(SHORT)
    bar = w.status
    qtbot.waitUntil(lambda: w.toast.isVisible())
    assert bar.sync_label.geometry().right() < w.toast.geometry().left()
    assert w.toast.geometry().right() < bar.unread_label.geometry().left()
