"""Inbox states in the wired window (issue 14, item 7), against the in-process simulator
and a real store: Done (Ctrl+Shift+E, the row's menu) leaves the Inbox view and a new
message brings it back; the Unread and Done views; pinned rows on top with a pin mark;
calls placed from HubDesk in the thread; the list and the thread say "Yesterday" alike."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QStyleOptionViewItem

from hubdesk.domain import ConversationFilter
from hubdesk.domain.times import format_server_time
from hubdesk.ui.messages.conversations import ConversationRole
from hubdesk.ui.messages.inbox_controller import DONE_NOTE
from hubdesk.ui.messages.page import MessagesPage
from tests.unit.ui.appkit import Driver, in_loop, shell_driver, signed_in  # noqa: F401

pytestmark = pytest.mark.sim_config(delivery_delay=0.3)


async def to_front(driver: Driver) -> None:
    """The main window shown and active (shortcuts and focus need it): a dialog the
    sign-in left open (a question asked once) is dismissed first."""
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, QDialog) and widget.isVisible():
            widget.reject()
    driver.window.show()
    driver.window.activateWindow()
    await driver.until(driver.window.isActiveWindow, what="the window active")


ANN = "447400111001"
BEN = "447400111002"
CAT = "447400111003"


def listed(page: MessagesPage) -> list[str]:
    return [c.partner for c in page.conversations()]


def menu_action(page: MessagesPage, partner: str, text: str) -> None:
    conv = next(c for c in page.conversations() if c.partner == partner)
    action = next(a for a in page.conversation_menu(conv).actions() if a.text() == text)
    action.trigger()


@in_loop
async def test_done_leaves_the_inbox_until_a_new_message_arrives(driver: Driver) -> None:
    driver.sim.inject_inbound(ANN, "thanks, all sorted")
    driver.sim.inject_inbound(BEN, "see you at 3")
    await signed_in(driver)
    page: MessagesPage = driver.page
    await to_front(driver)
    await driver.until(lambda: {ANN, BEN} <= set(listed(page)), what="both listed")
    assert page.view_tabs.view() is ConversationFilter.INBOX

    view = page.conversation_view  # the keyboard: cursor on Ann's row, Ctrl+Shift+E
    view.setFocus()
    view.setCurrentIndex(page.conversation_model.index_of(ANN))
    modifiers = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    QTest.keyClick(view, Qt.Key.Key_E, modifiers)
    await driver.until(lambda: ANN not in listed(page), what="Ann out of the inbox")
    assert BEN in listed(page)
    assert driver.window.toast.text() == DONE_NOTE

    page.view_tabs.setFocus()  # the Done view, by keyboard: Right twice from Inbox
    QTest.keyClick(page.view_tabs, Qt.Key.Key_Right)
    QTest.keyClick(page.view_tabs, Qt.Key.Key_Right)
    assert page.view_tabs.view() is ConversationFilter.DONE
    await driver.until(lambda: listed(page) == [ANN], what="the Done view")

    page.view_tabs.set_view(ConversationFilter.INBOX)
    await driver.until(lambda: BEN in listed(page) and ANN not in listed(page), what="inbox")
    driver.sim.inject_inbound(ANN, "one more thing")
    await driver.poll()
    await driver.until(lambda: ANN in listed(page), what="Ann back in the inbox")
    assert listed(page)[0] == ANN


@in_loop
async def test_done_from_the_menu_and_back_to_the_inbox(driver: Driver) -> None:
    driver.sim.inject_inbound(ANN, "thanks")
    await signed_in(driver)
    page: MessagesPage = driver.page
    menu_action(page, ANN, "Done")
    await driver.until(lambda: ANN not in listed(page), what="done")
    page.view_tabs.set_view(ConversationFilter.ALL)
    await driver.until(lambda: ANN in listed(page), what="listed under All")
    menu_action(page, ANN, "Back to inbox")
    page.view_tabs.set_view(ConversationFilter.INBOX)
    await driver.until(lambda: ANN in listed(page), what="back in the inbox")


@in_loop
async def test_the_unread_view_lists_only_conversations_with_unread(driver: Driver) -> None:
    driver.sim.inject_inbound(ANN, "read me")
    driver.sim.inject_inbound(BEN, "and me")
    await signed_in(driver)
    page: MessagesPage = driver.page
    await driver.controller.open_conversation(ANN)  # read
    await driver.until(
        lambda: not next(c for c in page.conversations() if c.partner == ANN).unread,
        what="Ann read",
    )
    page.view_tabs.set_view(ConversationFilter.UNREAD)
    await driver.until(lambda: ANN not in listed(page), what="the Unread view")
    assert BEN in listed(page)
    assert all(c.unread for c in page.conversations())


@in_loop
async def test_a_conversation_opened_from_the_unread_view_stays_until_the_view_changes(
    driver: Driver,
) -> None:
    """Reading a conversation opened from Unread does not pull its row from under the
    pointer (the next click would land on another person); it leaves the Unread view
    when the view is chosen again, or another view is."""
    driver.sim.inject_inbound(ANN, "read me")
    driver.sim.inject_inbound(BEN, "and me")
    await signed_in(driver)
    page: MessagesPage = driver.page
    page.view_tabs.set_view(ConversationFilter.UNREAD)
    await driver.until(lambda: {ANN, BEN} <= set(listed(page)), what="both unread")
    order = [p for p in listed(page) if p in (ANN, BEN)]
    await driver.controller.open_conversation(ANN)
    await driver.until(lambda: driver.controller.partner == ANN, what="Ann open")
    await driver.controller.reload_conversations()  # as after a poll or a read mark
    ann = next(c for c in page.conversations() if c.partner == ANN)
    assert ann.unread == 0, "read, and shown as read"
    assert [p for p in listed(page) if p in (ANN, BEN)] == order, "kept in its place"

    page.view_tabs.set_view(ConversationFilter.ALL)
    page.view_tabs.set_view(ConversationFilter.UNREAD)
    await driver.until(lambda: ANN not in listed(page), what="gone once the view is chosen")
    assert BEN in listed(page)


@in_loop
async def test_a_pinned_conversation_stays_on_top_with_a_pin_mark(driver: Driver) -> None:
    driver.sim.inject_inbound(ANN, "oldest of the three")
    driver.sim.inject_inbound(BEN, "newer")
    await signed_in(driver)
    page: MessagesPage = driver.page
    await driver.until(lambda: listed(page)[:2] == [BEN, ANN], what="newest first")
    menu_action(page, ANN, "Pin to top")
    await driver.until(lambda: listed(page)[0] == ANN, what="Ann pinned on top")
    assert page.conversation_model.index(0).data(ConversationRole.PINNED) is True
    assert "pinned" in page.conversation_model.index(0).data(Qt.ItemDataRole.AccessibleTextRole)
    driver.sim.inject_inbound(CAT, "the newest message")
    await driver.poll()
    await driver.until(lambda: listed(page)[:3] == [ANN, CAT, BEN], what="still on top")
    menu_action(page, ANN, "Unpin")
    await driver.until(lambda: listed(page)[0] == CAT, what="unpinned")


@in_loop
async def test_a_call_placed_from_hubdesk_is_a_row_of_the_thread(driver: Driver) -> None:
    driver.sim.inject_inbound(ANN, "can you call me back please?")
    await signed_in(driver)
    page: MessagesPage = driver.page
    await driver.controller.open_conversation(ANN)
    await driver.until(lambda: page.header.partner() == ANN, what="open")
    task = driver.controller.calls.call(ANN)
    assert task is not None
    await task
    await driver.until(
        lambda: any(e.call is not None for e in page.thread_entries()), what="the call row"
    )
    driver.sim.inject_inbound(ANN, "thanks for calling")
    await driver.poll()
    await driver.until(lambda: len(page.thread_entries()) == 3, what="the reply")
    kinds = ["call" if e.call else e.text for e in page.thread_entries()]
    assert kinds == ["can you call me back please?", "call", "thanks for calling"]
    call = page.thread_entries()[1]
    index = page.thread_model.index_of(call.key)
    option = QStyleOptionViewItem()
    page.thread_view.initViewItemOption(option)
    option.rect = page.thread_view.visualRect(index)
    layout = page.thread_view.thread_delegate.layout_for(option, index)
    assert layout is not None
    clock = call.time.astimezone().strftime("%H:%M")
    assert layout.body == f"Call placed · {clock}"
    assert layout.retry is None  # a compact row, not a bubble with Retry


@in_loop
async def test_the_list_and_the_thread_both_say_yesterday(driver: Driver) -> None:
    yesterday = datetime.now().astimezone() - timedelta(days=1)
    driver.sim.inject_inbound(ANN, "from yesterday", time=format_server_time(yesterday))
    await signed_in(driver)
    page: MessagesPage = driver.page
    await driver.until(lambda: ANN in listed(page), what="listed")
    row = page.conversation_model.index_of(ANN)
    assert row.data(ConversationRole.TIME_TEXT) == "Yesterday"
    await driver.controller.open_conversation(ANN)
    await driver.until(lambda: page.header.partner() == ANN, what="open")
    page.thread_view.set_more_older_available(False)  # the oldest: its day is known
    index = page.thread_model.index(0)
    assert page.thread_view.thread_delegate.day_label(index) == "Yesterday"
