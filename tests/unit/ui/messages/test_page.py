"""MessagesPage: what it reports through its signals, what its methods show, and the
compose pane built on first use (not in the first frame) in the place kept for it."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QSplitter
from pytestqt.qtbot import QtBot

from hubdesk.domain import MessageState
from hubdesk.ui.messages.compose import ComposePane
from hubdesk.ui.messages.page import NO_CONVERSATIONS, NO_MESSAGES_YET, NOTHING_OPEN, MessagesPage
from hubdesk.ui.qt.icons import IconSet
from tests.unit.ui.values import make_conversation, make_entry, newest_first

UK, US = "447400123456", "15167259623"


def make_page(qtbot: QtBot) -> MessagesPage:
    page = MessagesPage(IconSet())
    qtbot.addWidget(page)
    page.resize(960, 640)
    return page


def test_the_compose_pane_is_built_on_first_use_in_the_place_kept_for_it(qtbot: QtBot) -> None:
    page = make_page(qtbot)
    page.show()
    qtbot.waitExposed(page)
    assert not page.has_compose() and not page.findChildren(ComposePane)
    splitter: QSplitter = page.thread_splitter
    kept = splitter.sizes()
    assert kept[1] >= 120  # the placeholder holds the pane's height from the first frame
    pane = page.compose
    assert page.has_compose() and page.compose is pane  # built once
    assert splitter.widget(1) is pane and splitter.count() == 2
    assert not pane.isEnabled()  # until a conversation is open
    QApplication.processEvents()
    assert splitter.sizes() == kept and pane.isVisible()


def test_a_draft_is_flushed_only_once_there_is_a_pane(qtbot: QtBot) -> None:
    page = make_page(qtbot)
    page.flush_draft()  # nothing typed, nothing built
    assert not page.has_compose()
    page.compose.setEnabled(True)
    page.compose.set_text("typed")
    page.compose.editor.insertPlainText("!")
    with qtbot.waitSignal(page.compose.draft_changed, timeout=100) as changed:
        page.flush_draft()
    assert changed.args == ["typed!"]


def test_the_list_keeps_its_cursor_and_says_when_it_is_empty(qtbot: QtBot) -> None:
    page = make_page(qtbot)
    page.show()
    rows = [make_conversation(f"4474001000{i:02d}", minutes_ago=i) for i in range(5)]
    page.set_conversations(rows)
    assert page.conversations() == rows and page.empty_list.isHidden()
    page.conversation_view.setCurrentIndex(page.conversation_model.index(3))
    cursor = page.list_cursor()
    page.set_conversations([rows[3], *rows[:3], *rows[4:]])  # the cursor's row moved up
    assert page.list_cursor() == cursor
    page.set_conversations(rows[:2], open_partner=rows[1].partner)  # its row is gone
    assert page.list_cursor() == rows[1].partner
    page.set_conversations([], empty_text="Nothing matches “zz”")
    assert page.empty_list.isVisible() and page.empty_list.text() == "Nothing matches “zz”"
    page.set_conversations(rows)
    assert page.empty_list.isHidden() and page.empty_list.text() == NO_CONVERSATIONS


def test_rows_and_the_search_field_report_through_the_page(qtbot: QtBot) -> None:
    page = make_page(qtbot)
    rows = [make_conversation(UK), make_conversation(US, minutes_ago=5)]
    page.set_conversations(rows)
    with qtbot.waitSignal(page.conversation_chosen) as chosen:
        page.conversation_view.conversation_activated.emit(rows[1])
    assert chosen.args == [US]
    with qtbot.waitSignal(page.conversation_chosen) as first:
        page.open_first_result()
    assert first.args == [UK]
    with qtbot.waitSignal(page.search_changed, timeout=10_000) as searched:
        page.search.setText("al")
        page.search.setText("ali")
    assert searched.args == ["ali"]
    page.search.setText("bob")
    with qtbot.waitSignal(page.search_submitted) as submitted:
        page.search.open_result.emit()
    assert submitted.args == ["bob"]


def test_the_thread_reports_older_and_retry_through_the_page(qtbot: QtBot) -> None:
    page = make_page(qtbot)
    with qtbot.waitSignal(page.older_requested):
        page.thread_view.older_requested.emit()
    failed = make_entry(1, state=MessageState.FAILED, sent=True)
    with qtbot.waitSignal(page.retry_requested) as retry:
        page.thread_view.retry_requested.emit(failed)
    assert retry.args == [failed]


def test_the_open_thread_is_shown_updated_and_extended(qtbot: QtBot) -> None:
    page = make_page(qtbot)
    assert page.thread_view.empty_text() == NOTHING_OPEN
    page.show_thread([])
    assert page.thread_view.empty_text() == NO_MESSAGES_YET
    entries = [make_entry(i) for i in range(10, 20)]
    page.show_thread(newest_first(entries))
    assert [e.key for e in page.thread_entries()] == [e.key for e in entries]
    page.update_thread(["sms:10"], [make_entry(20)])
    assert [e.key for e in page.thread_entries()][0] == "sms:11"
    assert page.thread_entries()[-1].key == "sms:20"
    page.add_older(newest_first([make_entry(i) for i in range(5)]))
    assert page.thread_entries()[0].key == "sms:0"


def test_the_conversation_menu_acts_on_the_open_conversation(qtbot: QtBot) -> None:
    page = make_page(qtbot)
    signals = {
        page.call_open: page.call_requested,
        page.masked_call_open: page.masked_call_requested,
        page.mark_open_unread: page.mark_unread_requested,
        page.add_open_to_contacts: page.add_contact_requested,
        page.export_open: page.export_requested,
    }
    for ask, signal in signals.items():  # nothing open: nothing asked
        with qtbot.assertNotEmitted(signal):
            ask()
    page.show_partner(UK, "Alice", "07400 123456", dialable=True)
    assert page.open_partner() == UK
    for ask, signal in signals.items():
        with qtbot.waitSignal(signal) as asked:
            ask()
        assert asked.args == [UK]
    page.show_partner(US, "+1 516-725-9623", "+1 516-725-9623", dialable=False)
    for ask in (page.call_open, page.masked_call_open):  # not a UK number: no call
        with qtbot.assertNotEmitted(page.call_requested):
            with qtbot.assertNotEmitted(page.masked_call_requested):
                ask()


def test_the_header_buttons_report_through_the_page(qtbot: QtBot) -> None:
    page = make_page(qtbot)
    page.show_partner(UK, "Alice", "07400 123456", dialable=True)
    assert page.call_triggers() == [page.header.call_button]
    with qtbot.waitSignal(page.call_requested) as call:
        page.header.call_button.click()
    assert call.args == [UK]
    with qtbot.waitSignal(page.masked_call_requested) as masked:
        page.header.masked_button.click()
    assert masked.args == [UK]


def shown_page(qtbot: QtBot) -> MessagesPage:
    """The page on screen, its compose pane enabled with one approved sender ID."""
    from hubdesk.domain import SenderId, SenderIdStatus

    page = make_page(qtbot)
    page.show()
    qtbot.waitExposed(page)
    page.compose.setEnabled(True)
    page.compose.set_sender_ids([SenderId(1, 1, "HUBWORK", SenderIdStatus.APPROVED)])
    return page


def test_the_compose_lines_under_the_box_never_overlap_it(qtbot: QtBot) -> None:
    """A landline and a placeholder without a value: two warnings under the box (one of
    two lines) were painted over the bottom of the message box, the pane keeping the
    height it had without them. The pane grows (the thread gives way), and shrinks back."""
    page = shown_page(qtbot)
    pane = page.compose
    pane.set_recipient("442079460000")  # a landline: "⚠ landline — usually cannot ..."
    pane.set_text("Hi {first_name}, " + "your table is ready " * 3)  # no contact: no value

    def laid_out() -> bool:
        QApplication.processEvents()
        editor, preview = pane.editor.geometry(), pane.preview.geometry()
        buttons = pane.send_button.geometry()
        return (
            pane.preview.isVisible()
            and editor.height() >= pane.editor.minimumHeight()
            and preview.top() > editor.bottom()
            and buttons.top() > preview.bottom()
            and buttons.bottom() < pane.height()
        )

    qtbot.waitUntil(laid_out, timeout=10_000)
    grown = pane.height()
    pane.set_recipient("447400123456")  # a mobile, and a text without placeholders
    pane.set_text("Your table is ready")
    qtbot.waitUntil(lambda: pane.minimumHeight() < grown, timeout=10_000)
    assert pane.minimumHeight() >= 120  # the page's floor


def test_a_long_unbroken_word_in_the_preview_does_not_widen_the_window(qtbot: QtBot) -> None:
    """A 2,000-character template ("Hello {first_name|there} yyyy…") inserted in compose:
    the "Sends as:" line asked for the width of its longest word (300 characters), and
    the window grew past the screen, Call and Send out of reach."""
    page = shown_page(qtbot)
    pane = page.compose
    pane.set_recipient("447400123456", "Bob")
    before = page.minimumSizeHint().width()
    pane.set_text("Hello {first_name|there} " + "y" * 1990)
    QApplication.processEvents()
    assert pane.preview.preview_text().startswith("Sends as: Hello Bob yyy")
    assert page.minimumSizeHint().width() <= max(before, 700)
