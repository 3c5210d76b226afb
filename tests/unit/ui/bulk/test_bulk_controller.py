"""Bulk send dialog -> BulkSender (plan, then one bulk entry), against the simulator."""

from __future__ import annotations

import pytest

from hubdesk.ui.bulk.dialog import Step
from tests.unit.ui.appkit import Driver, in_loop, shell_driver, signed_in  # noqa: F401

pytestmark = pytest.mark.sim_config(delivery_delay=0.3)

OPTED_OUT = "447400999888"
PASTED = "07400 100200, 07400100200\n+1 516 725 9623\n12345\n07400 999888\n07400 300400"


@in_loop
async def test_bulk_send_reports_then_posts_once_and_threads_fill(driver: Driver) -> None:
    await signed_in(driver)
    driver.sim.inject_inbound(OPTED_OUT, "STOP")
    await driver.poll()
    driver.window.bulk_action.trigger()
    dialog = driver.intents.bulk.dialog
    assert dialog is not None and dialog.isVisible()
    await driver.until(lambda: dialog.sender_combo.count() > 0, what="approved sender ids")
    dialog.recipients.pasted.setPlainText(PASTED)
    dialog.set_text("The surgery is closed on Monday for training.")
    # Two approved ids and no default sender set: the dialog asks which one.
    assert dialog.sender_combo.currentIndex() == -1
    assert dialog.compose_note.text() == "Choose the sender ID to send from."
    assert not dialog.next_button.isEnabled()
    dialog.sender_combo.setCurrentIndex(0)
    dialog.next_button.click()
    await driver.until(lambda: dialog.step() == Step.REPORT, what="report")
    issues = sorted(line.issue for line in dialog.report.rows())
    assert issues == ["Duplicate", "Invalid", "Opted out", "Outside the UK"]
    plan = dialog.plan
    assert plan is not None and plan.recipients == 3
    dialog.next_button.click()
    assert dialog.step() == Step.CONFIRM
    dialog.next_button.click()
    await driver.until(lambda: dialog.step() == Step.RESULT, what="result")
    assert dialog.result_label.text().startswith("Sent to 3 recipients")
    posts = driver.posts("/api/sms/bulk-send")
    assert len(posts) == 1
    form = posts[0]["form"]
    assert sorted(form["destination[]"]) == sorted(["447400100200", "15167259623", "447400300400"])
    assert form["source"] == [dialog.sender_combo.currentData()]
    assert driver.posts("/api/sms/send") == []

    dialog.next_button.click()  # Close
    await driver.poll()
    await driver.controller.open_conversation("447400300400")
    await driver.until(
        lambda: any(
            e.text.startswith("The surgery is closed") for e in driver.page.thread_model.entries()
        ),
        what="the sent message in its thread",
    )
    assert len(driver.posts("/api/sms/bulk-send")) == 1


@in_loop
async def test_new_message_to_several_numbers_opens_bulk_send_prefilled(driver: Driver) -> None:
    await signed_in(driver)
    await driver.intents.contacts.add("Erin Lee", "07400 700800")
    dialog = driver.intents.new_message()
    await driver.until(lambda: dialog.completer.model().rowCount() == 1, what="completions")
    dialog.to_edit.setText("Erin Lee — 07400 700800")
    dialog.add_typed()
    dialog.to_edit.setText("07400 700900")
    dialog.add_typed()
    assert dialog.digits() == ["447400700800", "447400700900"]
    dialog.write_button.click()
    bulk = driver.intents.bulk.dialog
    assert bulk is not None and bulk.isVisible()
    assert bulk.recipients.pasted_text().split("\n") == ["07400 700800", "07400 700900"]
    assert bulk.recipients.currentWidget() is bulk.recipients.pasted.parentWidget()
    await driver.until(lambda: bulk.text.hasFocus(), what="the message box focused")

    bulk.reject()
    one = driver.intents.new_message()
    one.to_edit.setText("07400 700900")
    one.write_button.click()
    await driver.until(lambda: driver.page.header.partner() == "447400700900", what="open")
    assert driver.posts("/api/sms/bulk-send") == []
