"""MainWindow: shortcuts, pages, close behaviour, unread title, status bar, toast."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QKeySequence, QPalette
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot

from hubdesk.domain import SenderId, SenderIdStatus
from hubdesk.ui.qt.theme import apply_theme
from hubdesk.ui.shell.statusbar import Connection
from hubdesk.ui.shell.toast import Toast
from hubdesk.ui.shell.window import CALLS, CONTACTS, MESSAGES, SENDER_IDS, MainWindow
from tests.qt_fixtures import hide_window
from tests.unit.ui.pagekit import shown_tooltip
from tests.unit.ui.values import make_conversation


def window(qtbot: QtBot) -> MainWindow:
    w = MainWindow()
    qtbot.addWidget(w, before_close_func=hide_window)
    return w


def page_name(w: MainWindow, index: int) -> str:
    page = w.pages.widget(index)
    assert page is not None
    return page.accessibleName()


def test_every_promised_shortcut_is_bound(qtbot: QtBot) -> None:
    w = window(qtbot)
    bound = {a.shortcut().toString(QKeySequence.SequenceFormat.PortableText) for a in w.actions()}
    for key in (
        "Ctrl+N",
        "Ctrl+F",
        "Ctrl+D",
        "Alt+Down",
        "Alt+Up",
        "Ctrl+1",
        "Ctrl+2",
        "Ctrl+3",
        "Ctrl+4",
        "Ctrl+,",
        "Ctrl+Q",
    ):
        assert key in bound, key


def test_every_action_and_control_has_a_name(qtbot: QtBot) -> None:
    w = window(qtbot)
    for action in w.actions():
        assert action.text().strip()
    controls = [
        w.messages_page.search,
        w.messages_page.conversation_view,
        w.messages_page.thread_view,
        w.messages_page.compose,
        w.messages_page.header,
    ]
    controls += [
        w.messages_page.header.call_button,
        w.messages_page.header.masked_button,
        w.messages_page.compose.send_button,
    ]
    for widget in controls:
        assert widget.accessibleName(), widget


def test_pages_switch_and_plug_in(qtbot: QtBot) -> None:
    w = window(qtbot)
    with qtbot.waitSignal(w.page_changed) as changed:
        w.page_actions[CONTACTS].trigger()
    assert changed.args == [CONTACTS] and w.pages.currentIndex() == CONTACTS
    page = QLabel("contacts here")
    w.set_page(CONTACTS, page)
    w.show_page(CONTACTS)
    assert w.pages.currentWidget() is page and page.accessibleName() == "Contacts"
    w.focus_search()
    assert w.pages.currentIndex() == MESSAGES


def test_search_is_debounced(qtbot: QtBot) -> None:
    w = window(qtbot)
    with qtbot.waitSignal(w.messages_page.search_changed, timeout=10_000) as searched:
        w.messages_page.search.setText("a")
        w.messages_page.search.setText("al")
        w.messages_page.search.setText("ali")
    assert searched.args == ["ali"]


def test_close_hides_to_tray_or_asks_to_quit(qtbot: QtBot, qapp: QApplication) -> None:
    qapp.setQuitOnLastWindowClosed(False)  # as AppShell does: quitting is the app's call
    w = window(qtbot)
    w.show()
    w.hide_on_close = True
    with qtbot.waitSignal(w.hidden_to_tray):
        w.close()
    assert not w.isVisible()
    w.show()
    w.hide_on_close = False
    with qtbot.waitSignal(w.quit_requested):
        w.close()


def test_unread_in_title_only_without_tray(qtbot: QtBot) -> None:
    w = window(qtbot)
    w.set_unread(3, in_title=True)
    assert w.windowTitle() == "HubDesk (3 unread)"
    w.set_unread(3, in_title=False)
    assert w.windowTitle() == "HubDesk"
    assert w.status.unread_label.text() == "3 unread"


def test_context_menu_offers_conversation_actions(qtbot: QtBot) -> None:
    w = window(qtbot)
    menu = w.messages_page.conversation_menu(make_conversation("447400123456", unread=2))
    texts = [a.text() for a in menu.actions() if a.text()]
    assert texts == [
        "Mark read",
        "Pin to top",
        "Done",
        "Call",
        "Masked call",
        "Add to contacts…",
        "Export conversation…",
    ]
    kept = make_conversation("447400123456", pinned=True, done=True)
    texts = [a.text() for a in w.messages_page.conversation_menu(kept).actions() if a.text()]
    assert texts[1:3] == ["Unpin", "Back to inbox"]
    foreign = w.messages_page.conversation_menu(make_conversation("15167259623", name="Bob"))
    call = next(a for a in foreign.actions() if a.text() == "Call")
    assert not call.isEnabled()


def test_status_bar_states(qtbot: QtBot) -> None:
    w = window(qtbot)
    bar = w.status
    bar.set_connection(Connection.RATE_LIMITED, "Too Many Attempts.", 30)
    assert "retrying in 30 s" in bar.state_label.text()
    bar.set_connection(Connection.SESSION_EXPIRED)
    assert "sign in" in bar.state_label.text().lower()
    bar.set_last_sync(datetime(2026, 3, 1, 12, 0, tzinfo=UTC))
    assert bar.sync_label.text().startswith("Last sync ")
    bar.set_backfill(20, 100, False)
    assert not bar.backfill_bar.isHidden() and bar.backfill_bar.value() == 20
    bar.set_backfill(100, 100, True)
    assert bar.backfill_bar.isHidden()


def test_toast_shows_text_literally(qtbot: QtBot) -> None:
    w = window(qtbot)
    w.show()
    w.show_toast("<b>Call ID</b> 123")
    assert w.toast.isVisible() and w.toast.text() == "<b>Call ID</b> 123"


def test_a_toast_leaves_the_compose_pane_clear_and_follows_the_theme(
    qtbot: QtBot, qapp: QApplication
) -> None:
    w = window(qtbot)
    w.resize(1000, 680)
    w.show()
    qtbot.waitExposed(w)
    w.show_toast("Settings saved.")
    QApplication.processEvents()
    toast = QRect(w.toast.mapTo(w, QPoint(0, 0)), w.toast.size())
    compose = QRect(w.messages_page.compose.mapTo(w, QPoint(0, 0)), w.messages_page.compose.size())
    thread = QRect(
        w.messages_page.thread_view.mapTo(w, QPoint(0, 0)), w.messages_page.thread_view.size()
    )
    assert not toast.intersects(compose)
    assert not toast.intersects(thread)  # in the status bar (tests/unit/ui/shell/test_toast.py)
    assert QRect(w.status.mapTo(w, QPoint(0, 0)), w.status.size()).contains(toast)
    before = w.toast.palette().color(QPalette.ColorRole.Window)
    apply_theme(qapp, "dark" if before.lightness() > 128 else "light")
    QApplication.processEvents()  # the new palette reaches the widgets as events
    try:
        after = w.toast.palette().color(QPalette.ColorRole.Window)
        assert (after.lightness() > 128) != (before.lightness() > 128)
    finally:
        apply_theme(qapp, "system")
    w.show_page(CONTACTS)  # a note about the thread does not follow to another page
    assert not w.toast.isVisible()


def test_ctrl_2_to_4_show_the_real_pages(qtbot: QtBot) -> None:
    w = window(qtbot)
    pages = {CONTACTS: w.contacts_page, SENDER_IDS: w.senders_page, CALLS: w.calls_page}
    for index, page in pages.items():
        assert w.page_actions[index].shortcut().toString() == f"Ctrl+{index + 1}"
        w.page_actions[index].trigger()
        assert w.pages.currentWidget() is page
    assert [page_name(w, i) for i in range(4)][1:] == [
        "Contacts",
        "Sender IDs",
        "Call history",
    ]


def test_pages_are_built_on_first_use(qtbot: QtBot) -> None:
    w = window(qtbot)
    assert not any(w.is_built(i) for i in (CONTACTS, SENDER_IDS, CALLS))
    placeholder = w.pages.widget(SENDER_IDS)
    assert placeholder is not None and placeholder.accessibleName() == "Sender IDs"
    w.show_page(SENDER_IDS)  # Ctrl+3
    assert w.is_built(SENDER_IDS) and w.pages.currentWidget() is w.senders_page
    assert w.pages.currentWidget() is not placeholder
    assert not w.is_built(CONTACTS) and not w.is_built(CALLS)
    contacts = w.page("contacts")  # by name, without showing it
    assert contacts is w.contacts_page and w.pages.currentIndex() == SENDER_IDS
    assert w.page(CALLS) is w.calls_page and w.page("messages") is w.messages_page
    w.set_page(CALLS, QLabel("calls here"))
    with pytest.raises(LookupError):
        _ = w.calls_page


def test_a_long_message_never_widens_a_narrow_window(qtbot: QtBot) -> None:
    """Typing cannot raise the window's minimum width: the meter asks for its short form
    only (with a plain label, the line's width was the pane's minimum and Qt widened the
    window while the user typed)."""
    w = window(qtbot)
    w.messages_page.compose.set_sender_ids(DEMO_SENDER_IDS)
    w.resize(640, 480)
    w.show()
    qtbot.waitExposed(w)
    width, compose_minimum = w.width(), w.messages_page.compose.minimumSizeHint().width()
    meter = w.messages_page.compose.meter

    w.messages_page.compose.set_text(
        "Café ☕ " * 300
    )  # 2,100 characters, Unicode: a long meter line
    QApplication.processEvents()
    assert w.messages_page.compose.minimumSizeHint().width() <= compose_minimum
    assert w.width() == width
    assert meter.full_text() == "2100 characters · 32 parts · Unicode"
    assert meter.text() in (meter.full_text(), "32 parts · Unicode")
    assert meter.fontMetrics().horizontalAdvance(meter.text()) <= meter.contentsRect().width()
    assert meter.full_text() in meter.toolTip()
    assert meter.accessibleDescription() == meter.full_text()

    meter.resize(meter.minimumSizeHint())  # squeezed: the short form, whole
    assert meter.text() == "32 parts · Unicode"
    w.resize(1400, 700)
    QApplication.processEvents()
    assert meter.text() == meter.full_text()  # room for the whole line again


DEMO_SENDER_IDS = [
    SenderId(1, 1, "447520602706", SenderIdStatus.APPROVED),
    SenderId(61, 1, "13234710258", SenderIdStatus.APPROVED),
    SenderId(678, 1, "SMTEST", SenderIdStatus.AWAITING_APPROVAL),
    SenderId(813, 1, "44123456789", SenderIdStatus.AWAITING_APPROVAL),
]


def test_search_field_keys_clear_and_go_to_the_results(qtbot: QtBot) -> None:
    w = window(qtbot)
    w.messages_page.conversation_model.set_conversations(
        [make_conversation("447400000001", 1), make_conversation("447400000002", 2)]
    )
    w.show()
    w.focus_search()
    QTest.keyClicks(w.messages_page.search, "ali")
    QTest.keyClick(w.messages_page.search, Qt.Key.Key_Escape)
    assert w.messages_page.search.text() == ""
    QTest.keyClick(w.messages_page.search, Qt.Key.Key_Down)
    assert w.focusWidget() is w.messages_page.conversation_view
    assert w.messages_page.list_cursor() == "447400000001"  # newest first
    with qtbot.waitSignal(w.messages_page.search_submitted) as submitted:
        w.focus_search()
        QTest.keyClicks(w.messages_page.search, "bob")
        QTest.keyClick(w.messages_page.search, Qt.Key.Key_Return)
    assert submitted.args == ["bob"]


def test_a_long_contact_name_never_widens_the_window(qtbot: QtBot) -> None:
    w = window(qtbot)
    w.resize(1000, 680)
    w.show()
    qtbot.waitExposed(w)
    before = w.minimumSizeHint().width()
    name = "Dr " + "Bartholomew-Featherstonehaugh " * 4
    w.messages_page.header.set_partner("447400123456", name, "07400 123456", True)
    QApplication.processEvents()
    assert w.width() == 1000 and w.minimumSizeHint().width() <= before
    label = w.messages_page.header.name_label
    assert label.text() == name.strip() and label.is_elided()
    assert shown_tooltip(label.toolTip()) == name.strip()
    w.messages_page.header.set_partner("447400123457", "Ann", "07400 123457", True)
    QApplication.processEvents()
    assert not label.is_elided() and label.toolTip() == ""


def test_sending_leaves_the_focus_in_the_message_box(qtbot: QtBot) -> None:
    """After Send (mouse or Space on the button) and Make GSM-safe, typing goes on into
    the message box, not into the search field (the next in the tab order)."""
    w = window(qtbot)
    compose = w.messages_page.compose
    compose.set_sender_ids(DEMO_SENDER_IDS[:1])
    compose.setEnabled(True)
    compose.send_requested.connect(lambda _s, _t: compose.clear_after_send())
    w.show()
    qtbot.waitExposed(w)
    w.activateWindow()
    compose.focus_editor()
    compose.set_text("It’s fine")
    QTest.mouseClick(compose.gsm_button, Qt.MouseButton.LeftButton)
    assert compose.text() == "It's fine" and w.focusWidget() is compose.editor
    QTest.mouseClick(compose.send_button, Qt.MouseButton.LeftButton)
    assert compose.text() == "" and w.focusWidget() is compose.editor
    compose.set_text("again")
    compose.send_button.setFocus()  # Tab to it, then Space
    QTest.keyClick(compose.send_button, Qt.Key.Key_Space)
    assert compose.text() == "" and w.focusWidget() is compose.editor


def test_call_triggers_are_those_of_the_pages_built(qtbot: QtBot) -> None:
    w = window(qtbot)
    header_call = w.messages_page.header.call_button
    assert w.call_triggers() == [w.call_action, header_call]
    assert not w.is_built(CONTACTS) and not w.is_built(CALLS)  # asking built nothing
    w.show_page(CALLS)
    assert w.call_triggers() == [w.call_action, header_call, w.calls_page.again_button]
    w.show_page(CONTACTS)
    assert w.contacts_page.call_button in w.call_triggers()
    w.set_page(CALLS, QLabel("a page that places no call"))
    assert w.call_triggers() == [w.call_action, header_call, w.contacts_page.call_button]


def test_the_toast_is_built_with_the_first_notice(qtbot: QtBot) -> None:
    w = window(qtbot)
    assert not w.findChildren(Toast)
    w.show_toast("Saved.")
    assert [t.text() for t in w.findChildren(Toast)] == ["Saved."]


def test_the_conversation_menu_asks_for_the_open_conversation(qtbot: QtBot) -> None:
    w = window(qtbot)
    page = w.messages_page
    page.show_partner("447400123456", "Alice", "07400 123456", dialable=True)
    for action, signal in (
        (w.call_action, page.call_requested),
        (w.masked_action, page.masked_call_requested),
        (w.mark_unread_action, page.mark_unread_requested),
        (w.add_contact_action, page.add_contact_requested),
        (w.export_action, page.export_requested),
    ):
        with qtbot.waitSignal(signal) as asked:
            action.trigger()
        assert asked.args == ["447400123456"], action.text()


def test_the_first_frame_builds_no_compose_pane_and_closing_still_saves_a_draft(
    qtbot: QtBot, qapp: QApplication
) -> None:
    qapp.setQuitOnLastWindowClosed(False)
    w = window(qtbot)
    w.show()
    qtbot.waitExposed(w)
    assert not w.messages_page.has_compose()
    w.messages_page.compose.setEnabled(True)
    w.messages_page.compose.editor.insertPlainText("half a reply")
    with qtbot.waitSignal(w.messages_page.compose.draft_changed, timeout=100) as saved:
        with qtbot.waitSignal(w.quit_requested):
            w.close()
    assert saved.args == ["half a reply"]
