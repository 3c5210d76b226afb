"""Links from other programs (``Intents``) against the in-process simulator: an ``sms:``
link never takes what the user is typing into another conversation, never replaces a
draft or an open bulk message, and a Return right after it does not send; a ``tel:``
link cannot be answered by a Return meant for something else."""

from __future__ import annotations

import asyncio
import logging

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from hubdesk.ui.shell import intents as intents_module
from hubdesk.ui.shell.intents import DRAFT_KEPT
from tests.unit.ui.appkit import Driver, in_loop, shell_driver, signed_in

__all__ = ["shell_driver"]

pytestmark = pytest.mark.sim_config(delivery_delay=0)

BOB = "447400123456"
ALICE = "447400123999"
ALICE_LINK = "sms:+447400123999?body=Link%20text"


async def open_and_type(d: Driver, partner: str, text: str) -> None:
    await d.controller.open_conversation(partner)
    await d.until(lambda: d.controller.composer.owner() == partner, what="open")
    compose = d.page.compose
    await d.until(lambda: compose.sender_combo.count() > 0, what="sender ids")
    if compose.sender_id() is None:  # several approved, no default: the user picks
        approved = [s["sender_id"] for s in d.sim.sender_ids() if s.get("status") == "1"]
        assert compose.select_sender(approved[0])
    compose.editor.setFocus()
    QTest.keyClicks(compose.editor, text)


async def draft(d: Driver, partner: str) -> str | None:
    messenger = d.runtime.messenger
    assert messenger is not None
    await d.controller.drain_drafts()
    return await messenger.draft(partner)


def sends(d: Driver) -> int:
    return len(d.posts("/api/sms/send"))


@in_loop
async def test_typing_during_an_sms_link_stays_the_draft_it_was_typed_for(
    driver: Driver,
) -> None:
    await signed_in(driver)
    await open_and_type(driver, BOB, "Hello Bob")
    compose = driver.page.compose
    driver.intents.open_uri(ALICE_LINK)
    QTest.keyClicks(compose.editor, " more")  # the switch is under way: still Bob's text
    await driver.until(lambda: driver.page.header.partner() == ALICE, what="Alice")
    await driver.until(lambda: compose.text() == "Link text", what="the link's text")
    await asyncio.sleep(0.4)  # past the draft debounce
    assert await draft(driver, BOB) == "Hello Bob more"
    assert await draft(driver, ALICE) == "Link text"


@in_loop
async def test_an_sms_link_never_replaces_a_draft(driver: Driver) -> None:
    await signed_in(driver)
    await open_and_type(driver, ALICE, "my own words")
    await driver.controller.open_conversation(BOB)
    driver.intents.open_uri(ALICE_LINK)
    compose = driver.page.compose
    await driver.until(lambda: driver.page.header.partner() == ALICE, what="Alice")
    await driver.until(lambda: driver.window.toast.text() == DRAFT_KEPT, what="the note")
    assert compose.text() == "my own words"
    assert await draft(driver, ALICE) == "my own words"


@in_loop
async def test_return_right_after_an_sms_link_does_not_send(driver: Driver) -> None:
    await signed_in(driver)
    await open_and_type(driver, BOB, "")
    compose = driver.page.compose
    before = sends(driver)
    # The product holds Send for 1 s; 3 s here, so that a pause of a loaded machine
    # between the link's text showing and the key cannot end the hold first.
    assert intents_module.LINK_HOLD_MS == 1000
    intents_module.LINK_HOLD_MS = 3000
    try:
        driver.intents.open_uri("sms:+447400123999?body=Pay%20now")
        await driver.until(lambda: compose.text() == "Pay now", what="the link's text")
    finally:
        intents_module.LINK_HOLD_MS = 1000
    if compose.sender_id() is None:
        approved = [s["sender_id"] for s in driver.sim.sender_ids() if s.get("status") == "1"]
        assert compose.select_sender(approved[0])
    QTest.keyClick(compose.editor, Qt.Key.Key_Return)  # meant for Bob's conversation
    await asyncio.sleep(0.3)
    assert sends(driver) == before and compose.text() == "Pay now"
    assert compose.is_send_held() and not compose.send_button.isEnabled()
    await driver.until(lambda: not compose.is_send_held(), what="the hold to end")
    QTest.keyClick(compose.editor, Qt.Key.Key_Return)  # now it is the user's choice
    await driver.until(lambda: sends(driver) == before + 1, what="the send")


@in_loop
async def test_a_send_while_switching_is_ignored(driver: Driver) -> None:
    """Enter pressed after the header shows the new conversation but before its draft
    is in the editor: the text is the previous conversation's, so nothing is sent."""
    await signed_in(driver)
    await open_and_type(driver, BOB, "for Bob only")
    composer = driver.controller.composer
    driver.controller.partner = ALICE  # the new conversation shows; its draft not yet
    await composer.send("HUBWORK", "for Bob only")
    assert sends(driver) == 0
    assert composer.owner() == BOB


@in_loop
async def test_an_sms_link_keeps_an_open_bulk_message(driver: Driver) -> None:
    await signed_in(driver)
    dialog = driver.intents.bulk.open()
    dialog.set_text("the newsletter I am writing")
    driver.intents.open_uri("sms:07400123456,07400123457?body=Win%20a%20prize")
    assert driver.intents.bulk.dialog is dialog and dialog.isVisible()
    assert dialog.text.toPlainText() == "the newsletter I am writing"
    assert "bulk send you have open was kept" in driver.window.toast.text()
    await asyncio.sleep(0.3)  # the dialog's contact list loads before teardown


@in_loop
async def test_a_premium_rate_conversation_is_flagged_in_compose(driver: Driver) -> None:
    await signed_in(driver)
    driver.intents.open_uri("sms:09065551234")
    compose = driver.page.compose
    await driver.until(lambda: compose.charge_label.isVisible(), what="the flag")
    assert compose.charge_label.text() == "⚠ Recipient: Premium rate"
    await driver.controller.open_conversation(BOB)
    await driver.until(lambda: not compose.charge_label.isVisible(), what="no flag for a mobile")


@in_loop
async def test_return_on_a_tel_link_never_dials(driver: Driver) -> None:
    await signed_in(driver)
    await open_and_type(driver, BOB, "typing away")
    driver.intents.open_uri("tel:09065551234")
    dialog = driver.controller.calls.confirm_dialog
    assert dialog is not None and dialog.isVisible()
    assert "premium-rate" in dialog.warning.text()
    QTest.keyClick(dialog, Qt.Key.Key_Return)  # swallowed: the buttons ignore input
    await driver.until(lambda: not dialog.is_guarding(), what="the guard to end")
    QTest.keyClick(dialog, Qt.Key.Key_Return)  # Cancel is the default
    await driver.until(lambda: driver.controller.calls.confirm_dialog is None, what="closed")
    await asyncio.sleep(0.2)
    assert driver.posts("/api/click-to-dial/dial") == []


def test_the_link_log_line_names_the_validated_link_without_its_text(
    driver: Driver, caplog: pytest.LogCaptureFixture
) -> None:
    driver.run(signed_in(driver))
    with caplog.at_level(logging.INFO, logger="hubdesk.app.shell"):
        driver.shell.open_link("sms:+447400123999?body=my%20secret%20PIN%201234")
        driver.shell.open_link("tel:07400%20123456")
        driver.shell.open_link("tel:<b>x</b>\u202e")
        driver.run(asyncio.sleep(0.6))  # what the links opened settles before teardown
    lines = [r.getMessage() for r in caplog.records if r.name == "hubdesk.app.shell"]
    assert "opening sms: link to +447400123999 (text of 18 characters)" in lines
    assert "opening tel: link to +447400123456" in lines
    assert "ignoring a tel: link that is not valid (13 characters)" in lines
    logged = "\n".join(lines)
    assert "secret" not in logged and "<b>" not in logged and "\u202e" not in logged


@in_loop
async def test_exporting_one_message_says_one_message(driver: Driver) -> None:
    """It said "Exported 1 messages to conversation.csv."."""
    import tempfile
    from pathlib import Path

    folder = Path(tempfile.mkdtemp(prefix="hubdesk-export-"))
    driver.sim.inject_inbound(BOB, "just one")
    await signed_in(driver)
    await driver.until(lambda: driver.page.conversation_model.rowCount() > 0, what="the list")
    export = driver.intents.export(BOB)
    export.selectFile(str(folder / "one.csv"))
    export.accept()
    toast = driver.window.toast
    await driver.until(lambda: toast.text().startswith("Exported"), what="the toast")
    assert toast.text() == "Exported 1 message to one.csv."
    (folder / "one.csv").unlink()
    folder.rmdir()
