"""The wired window against the in-process simulator and a real store (tmp_path)."""

from __future__ import annotations

import asyncio

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox

from hubdesk.domain import Conversation, MessageState
from hubdesk.ui.messages.page import NO_MESSAGES_YET, NOTHING_OPEN
from tests.unit.ui.appkit import Driver, in_loop, shell_driver, signed_in  # noqa: F401

pytestmark = pytest.mark.sim_config(delivery_delay=0.3)

PARTNER = "447400123456"


async def open_partner(d: Driver, partner: str) -> None:
    await d.controller.open_conversation(partner)
    await d.until(lambda: d.page.header.partner() == partner, what="open")


@in_loop
async def test_starts_signed_out_and_signs_in_through_the_dialog(driver: Driver) -> None:
    assert driver.controller.sign_in.is_open()
    assert not driver.page.compose.isEnabled()
    await signed_in(driver)
    assert [r["path"] for r in driver.sim.requests()][0] == "/api/oauth/token"
    assert driver.window.status.state_label.text() == "Online"


@in_loop
async def test_a_cancelled_sign_in_can_be_opened_again_from_the_file_menu(
    driver: Driver,
) -> None:
    action = driver.window.sign_out_action
    driver.controller.sign_in.dialog.reject()
    await driver.until(lambda: not driver.controller.sign_in.is_open(), what="cancelled")
    assert action.text() == "Sign &in…"
    action.trigger()
    await driver.until(driver.controller.sign_in.is_open, what="the dialog again")
    await signed_in(driver)
    assert action.text() == "Sign &out"


@in_loop
async def test_wrong_password_is_shown_inline(driver: Driver) -> None:
    dialog = driver.controller.sign_in.dialog
    cfg = driver.sim.config
    dialog.client_id.setText(cfg.client_id)
    dialog.client_secret.setText(cfg.client_secret)
    dialog.username.setText(cfg.username)
    dialog.password.setText("wrong")
    dialog.submit()
    await driver.until(lambda: dialog.error_text() != "", what="error")
    assert "password" in dialog.error_text().lower()
    assert dialog.isVisible() and dialog.password.hasFocus() or dialog.password.isEnabled()
    assert not driver.runtime.signed_in


@in_loop
async def test_open_conversation_shows_thread_and_marks_read(driver: Driver) -> None:
    await signed_in(driver)
    driver.sim.inject_inbound(PARTNER, "Hello from the front desk")
    await driver.poll()
    row = driver.page.conversation_model.index_of(PARTNER)
    assert row.isValid()
    assert driver.page.conversation_model.conversation_at(row).unread == 1
    await open_partner(driver, PARTNER)
    texts = [e.text for e in driver.page.thread_model.entries()]
    assert texts[-1] == "Hello from the front desk"
    await driver.until(
        lambda: (
            driver.page.conversation_model.conversation_at(
                driver.page.conversation_model.index_of(PARTNER)
            ).unread
            == 0
        ),
        what="marked read",
    )
    assert driver.page.compose.isEnabled()
    assert driver.page.header.call_button.isEnabled()


@in_loop
async def test_send_posts_once_and_bubble_reaches_sent(driver: Driver) -> None:
    await signed_in(driver)
    driver.sim.inject_inbound(PARTNER, "Can I book for Friday?", destination="13234710258")
    await driver.poll()
    await open_partner(driver, PARTNER)
    compose = driver.page.compose
    await driver.until(
        lambda: compose.sender_id() is not None and not compose.send_button.isEnabled()
    )
    compose.editor.setPlainText("Yes, see you Friday at 10.")
    await driver.until(lambda: compose.send_button.isEnabled(), what="send enabled")
    source = compose.sender_id()
    compose.request_send()
    await driver.until(lambda: compose.text() == "", what="compose cleared at once")
    await driver.until(lambda: len(driver.posts("/api/sms/send")) == 1, what="one POST")
    form = driver.posts("/api/sms/send")[0]["form"]
    assert form["source"] == [source] == ["13234710258"]  # the line Alice wrote to
    assert form["destination"] == [PARTNER]
    assert form["text"] == ["Yes, see you Friday at 10."]

    def mine() -> MessageState | None:
        sent = [e for e in driver.page.thread_model.entries() if e.text.startswith("Yes, see")]
        return sent[-1].state if sent else None

    await driver.until(lambda: mine() in (MessageState.PENDING, MessageState.SENT), what="pending")
    await asyncio.sleep(0.4)  # the sim delivers after delivery_delay
    poller = driver.runtime.poller
    assert poller is not None
    poller._passes = 0  # the next pass refreshes pending statuses
    await driver.poll()
    await driver.until(lambda: mine() is MessageState.SENT, what="sent")
    assert len(driver.posts("/api/sms/send")) == 1
    bubbles = [e for e in driver.page.thread_model.entries() if e.text.startswith("Yes, see")]
    assert len(bubbles) == 1


def hit_partners(d: Driver) -> list[str]:
    return [h.partner for h in d.page.results.hits()]


@in_loop
async def test_search_shows_the_matching_messages_in_place_of_the_list(driver: Driver) -> None:
    await signed_in(driver)
    driver.sim.inject_inbound(PARTNER, "the zebra crossing is closed")
    await driver.poll()
    total = driver.page.conversation_model.rowCount()
    assert total > 1
    driver.page.search.setText("zebra")
    await driver.until(lambda: hit_partners(driver) == [PARTNER], what="the hit")
    assert driver.page.results.view.isVisibleTo(driver.page)
    assert not driver.page.conversation_view.isVisibleTo(driver.page)
    assert driver.page.conversation_model.rowCount() == total  # the list itself untouched
    driver.page.search.setText("")
    await driver.until(lambda: not driver.page.results.hits(), what="search ended")
    assert driver.page.conversation_view.isVisibleTo(driver.page)
    assert not driver.page.results.view.isVisibleTo(driver.page)


@in_loop
async def test_a_query_typed_while_another_runs_is_not_dropped(driver: Driver) -> None:
    await signed_in(driver)
    driver.sim.inject_inbound(PARTNER, "the zebra crossing is closed")
    await driver.poll()
    first = driver.controller.search("the")
    second = driver.controller.search("zebra")  # while "the" is still on the worker
    await asyncio.gather(first, second)
    assert hit_partners(driver) == [PARTNER]


@in_loop
async def test_enter_in_the_search_opens_a_result_of_what_was_typed(driver: Driver) -> None:
    """Enter right after typing (before the debounced search ran) opens the match for
    the text typed, not the first row of the list as it still is."""
    await signed_in(driver)
    driver.sim.inject_inbound(PARTNER, "the zebra crossing is closed")
    driver.sim.inject_inbound("447400654321", "newer, and first in the list")
    await driver.poll()
    assert driver.page.conversation_model.conversation_at(0).partner != PARTNER
    driver.window.focus_search()
    QTest.keyClicks(driver.page.search, "zebra")
    QTest.keyClick(driver.page.search, Qt.Key.Key_Return)
    await driver.until(lambda: driver.page.header.partner() == PARTNER, what="opened")
    assert hit_partners(driver) == [PARTNER]


@in_loop
async def test_session_expired_opens_login_keeping_the_draft(driver: Driver) -> None:
    await signed_in(driver)
    driver.sim.inject_inbound(PARTNER, "hi")
    await driver.poll()
    await open_partner(driver, PARTNER)
    driver.page.compose.editor.setPlainText("half-written reply")
    driver.page.compose.flush_draft()
    driver.sim.revoke_tokens()
    driver.runtime.poke()
    await driver.until(lambda: driver.controller.sign_in.is_open(), timeout=8, what="login dialog")
    dialog = driver.controller.sign_in.dialog
    assert dialog.username.text() == driver.sim.config.username
    assert "expired" in dialog.error_text().lower()
    assert driver.page.compose.text() == "half-written reply"
    await driver.sign_in_with_dialog()
    assert driver.page.compose.text() == "half-written reply"


@in_loop
async def test_sms_uri_opens_compose_with_body(driver: Driver) -> None:
    await signed_in(driver)
    driver.intents.open_uri("sms:+447400123999?body=Hello%20there")
    await driver.until(lambda: driver.page.header.partner() == "447400123999", what="compose")
    await driver.until(lambda: driver.page.compose.text() == "Hello there", what="body")


@in_loop
async def test_tel_uri_asks_before_dialling_and_bad_uri_says_why(driver: Driver) -> None:
    await signed_in(driver)
    box = driver.intents.confirm_dial("447400123456")
    assert box.isVisible() and "07400 123456" in box.question.text()
    box.call_button.click()  # too soon: the buttons ignore input for a second
    await driver.until(lambda: box.call_button.isEnabled(), what="the buttons to wake")
    assert driver.posts("/api/click-to-dial/dial") == []
    box.call_button.click()
    await driver.until(lambda: len(driver.posts("/api/click-to-dial/dial")) == 1, what="dial")
    await driver.until(lambda: "Call ID" in driver.window.toast.text(), what="toast")
    driver.intents.open_uri("tel:+15167259623")
    boxes = [b for b in driver.window.findChildren(QMessageBox) if b.isVisible()]
    assert boxes and "UK" in boxes[-1].text()
    assert len(driver.posts("/api/click-to-dial/dial")) == 1


@in_loop
async def test_hostile_text_is_shown_literally(driver: Driver) -> None:
    await signed_in(driver)
    hostile = "<b>bold</b> <img src=x onerror=alert(1)> \u202eevil"
    driver.sim.inject_inbound(PARTNER, hostile)
    await driver.poll()
    await open_partner(driver, PARTNER)
    assert driver.page.thread_model.entries()[-1].text == hostile
    index = driver.page.conversation_model.index_of(PARTNER)
    assert driver.page.conversation_model.conversation_at(index).last_text == hostile
    assert driver.page.header.name_label.textFormat() == Qt.TextFormat.PlainText


@in_loop
async def test_header_names_a_saved_contact_opened_from_outside_the_list(driver: Driver) -> None:
    """A notification click (or Text on the Contacts page) opens a partner the loaded list
    does not name yet: the header still shows the contact's name, not the number."""
    await signed_in(driver)
    await driver.intents.contacts.add("Dr Priya Shah", "07912 345678")
    await driver.until(lambda: not driver.controller._dirty, what="list refreshed")
    driver.shell.open_partner("447912345678")  # what a notification click does
    await driver.until(lambda: driver.page.header.partner() == "447912345678", what="open")
    assert driver.page.header.name_label.text() == "Dr Priya Shah"
    assert driver.page.header.number_label.text() == "07912 345678"


@in_loop
async def test_header_follows_the_address_book_for_the_open_conversation(driver: Driver) -> None:
    await signed_in(driver)
    driver.sim.inject_inbound("447912345678", "Running late, sorry")
    await driver.poll()
    await open_partner(driver, "447912345678")
    assert driver.page.header.name_label.text() == "07912 345678"
    await driver.intents.contacts.add("Tom Reed", "447912345678")
    await driver.until(
        lambda: driver.page.header.name_label.text() == "Tom Reed",
        what="header renamed",
    )


@in_loop
async def test_a_new_number_asks_which_sender_id_when_several_are_approved(
    driver: Driver,
) -> None:
    await signed_in(driver)
    assert driver.page.thread_view.empty_text() == NOTHING_OPEN
    await open_partner(driver, "447400999777")  # no messages either way, no default set
    assert driver.page.thread_view.empty_text() == NO_MESSAGES_YET
    compose = driver.page.compose
    await driver.until(lambda: "Choose the sender ID" in compose.notice.text(), what="asks")
    assert compose.sender_id() is None
    compose.set_text("Hello")
    assert not compose.send_button.isEnabled()
    assert compose.select_sender("447520602706")
    await driver.until(lambda: compose.send_button.isEnabled(), what="send enabled")
    assert not compose.notice.isVisible()


def highlighted(d: Driver) -> list[str]:
    """The conversations the list paints as open (selected): its open one, if listed."""
    shown = d.page.conversation_view.open_partner()
    listed = shown is not None and d.page.conversation_model.index_of(shown).isValid()
    return [shown] if listed and shown is not None else []


@in_loop
async def test_the_list_never_highlights_a_conversation_that_is_not_open(driver: Driver) -> None:
    await signed_in(driver)
    other = "447400654321"
    driver.sim.inject_inbound(PARTNER, "zebra crossing")
    driver.sim.inject_inbound(other, "parking question")
    await driver.poll()
    await open_partner(driver, PARTNER)
    assert highlighted(driver) == [PARTNER]

    unlisted = "447400999888"  # a new number (New message): no row for it yet
    await open_partner(driver, unlisted)
    assert highlighted(driver) == []

    await open_partner(driver, PARTNER)
    driver.page.search.setText("parking")  # the hits do not include the open one
    await driver.until(lambda: hit_partners(driver) == [other], what="the hit")
    assert driver.page.header.partner() == PARTNER

    driver.page.search.setText("")
    await driver.until(lambda: not driver.page.results.hits(), what="search ended")
    assert highlighted(driver) == [PARTNER]


async def open_the_newest_of_several(d: Driver, count: int) -> str:
    """Sign in, add ``count`` new conversations, open the newest; its partner."""
    await signed_in(d)
    for n in range(count):
        d.sim.inject_inbound(f"44740055500{n}", f"hello {n}")
    await d.poll()
    assert d.page.conversation_model.rowCount() > count
    newest: Conversation | None = d.page.conversation_model.conversation_at(0)
    assert newest is not None
    await open_partner(d, newest.partner)
    return newest.partner


@in_loop
async def test_a_refresh_leaves_the_keyboard_cursor_where_the_user_moved_it(
    driver: Driver,
) -> None:
    await open_the_newest_of_several(driver, 4)
    model, view = (
        driver.page.conversation_model,
        driver.page.conversation_view,
    )
    view.setFocus()
    QTest.keyClick(view, Qt.Key.Key_Down)  # arrow keys move the cursor, they open nothing
    QTest.keyClick(view, Qt.Key.Key_Down)
    cursor = model.conversation_at(view.currentIndex()).partner
    assert cursor != driver.page.header.partner()

    opened = driver.page.header.partner()
    assert highlighted(driver) == [opened]  # the cursor moved; the open one is unchanged

    driver.sim.inject_inbound(PARTNER, "a new message moves its conversation to the top")
    await driver.poll()
    await driver.until(lambda: model.conversation_at(0).partner == PARTNER, what="refreshed")
    assert model.conversation_at(view.currentIndex()).partner == cursor
    assert highlighted(driver) == [opened]


@in_loop
async def test_a_right_click_on_another_row_does_not_look_like_opening_it(
    driver: Driver,
) -> None:
    opened = await open_the_newest_of_several(driver, 3)
    page = driver.window.messages_page
    model, view = page.conversation_model, page.conversation_view
    other = model.conversation_at(2).partner
    view.customContextMenuRequested.disconnect()  # no popup
    rect = view.visualRect(model.index(2))
    QTest.mouseClick(view.viewport(), Qt.MouseButton.RightButton, pos=rect.center())
    assert model.conversation_at(view.currentIndex()).partner == other  # the cursor
    assert highlighted(driver) == [opened]  # still the open one, painted as such
    assert driver.page.header.partner() == opened
