"""Templates and number flags in Bulk send and New message (the real window, the
simulator, a real store): Ctrl+T's popup in both, the personalised report (each
recipient's text and parts, a landline flagged), and the refusal of a recipient with no
value, before anything is queued."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from hubdesk.ui.bulk.dialog import Step
from hubdesk.ui.templates.popup import TemplatePopup
from tests.unit.ui.appkit import Driver, in_loop, shell_driver, signed_in  # noqa: F401

pytestmark = pytest.mark.sim_config(delivery_delay=0.3)

MAIN = "447520602706"


def popup(d: Driver) -> TemplatePopup:
    templates = d.shell.templates
    assert templates is not None and templates.popup is not None
    return templates.popup


async def add_templates(d: Driver) -> None:
    templates = d.shell.templates
    assert templates is not None
    await templates.book.add("Closed", "Hi {first_name}, we are closed on {date}.")
    await templates.book.add("Late", "Running 10 minutes late, sorry!")
    await d.until(lambda: len(templates.templates) == 2, what="templates loaded")


@in_loop
async def test_bulk_template_report_per_recipient_and_refusal(driver: Driver) -> None:
    await signed_in(driver)
    await add_templates(driver)
    await driver.intents.contacts.add("Alice Smith", "07400 123456")
    await driver.intents.contacts.add("Bob Jones", "07400 123457")
    driver.window.bulk_action.trigger()
    dialog = driver.intents.bulk.dialog
    assert dialog is not None
    await driver.until(lambda: dialog.sender_combo.count() > 0, what="sender ids")
    dialog.sender_combo.setCurrentIndex(dialog.sender_combo.findData(MAIN))
    dialog.recipients.pasted.setPlainText("07400 123456\n07400 123457\n07400 555666")
    dialog.text.setFocus()
    QTest.keyClick(dialog.text, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClicks(popup(driver).filter, "clo")
    QTest.keyClick(popup(driver).filter, Qt.Key.Key_Return)
    assert dialog.text.toPlainText() == "Hi {first_name}, we are closed on {date}."

    dialog.next_button.click()
    await driver.until(lambda: dialog.step() == Step.REPORT, what="report")
    said = dialog.report_summary.text()
    assert "1 recipient has no value for {first_name}: 07400 555666" in said
    assert "Nothing was sent" in said
    assert not dialog.next_button.isEnabled()  # refused before anything is queued
    rows = dialog.report.rows()
    assert [(r.issue, r.input) for r in rows if r.issue == "No value"] == [
        ("No value", "07400 555666")
    ]
    previews = [r for r in rows if r.issue == "Preview"]
    assert [(r.input, r.origin) for r in previews] == [
        ("07400 123456", "Alice Smith"),
        ("07400 123457", "Bob Jones"),
    ]
    assert previews[0].detail.startswith("Hi Alice, we are closed on ")
    assert previews[0].detail.endswith("(1 part)")
    assert dialog.totals.text() == "2 recipients, each their own text: 2 messages"

    # a default fills the gap; a landline is flagged, kept
    dialog.back_button.click()
    dialog.set_text("Hi {first_name|there}, we are closed on {date}.")
    dialog.recipients.pasted.setPlainText("07400 123456\n07400 555666\n020 7946 0123")
    dialog.next_button.click()
    await driver.until(lambda: dialog.step() == Step.REPORT, what="report again")
    flagged = [r for r in dialog.report.rows() if r.issue == "May not receive"]
    assert [(r.input, r.detail) for r in flagged] == [
        ("020 7946 0123", "Kept: landline — usually cannot receive SMS.")
    ]
    assert dialog.next_button.isEnabled()
    dialog.next_button.click()
    assert dialog.step() == Step.CONFIRM
    dialog.next_button.click()
    await driver.until(lambda: dialog.step() == Step.RESULT, timeout=15, what="result")
    assert dialog.result_label.text() == "Sent to 3 recipients."
    texts = sorted(p["form"]["text"][0] for p in driver.posts("/api/sms/send"))
    assert [t.split(",")[0] for t in texts] == ["Hi Alice", "Hi there", "Hi there"]
    assert driver.posts("/api/sms/bulk-send") == []


@in_loop
async def test_new_message_flags_a_landline_and_starts_from_a_template(driver: Driver) -> None:
    await signed_in(driver)
    await add_templates(driver)
    driver.window.new_action.trigger()
    dialog = driver.intents.new_message_dialog
    assert dialog is not None
    dialog.to_edit.setText("020 7946 0123")
    assert dialog.note.text() == "020 7946 0123: landline — usually cannot receive SMS"
    dialog.to_edit.setText("09065 551234")
    assert dialog.note.text() == "0906 555 1234: premium-rate number — cannot receive SMS"
    dialog.to_edit.setText("07400 123456")
    assert dialog.note.text() == "✓ 07400 123456"  # a mobile is quiet
    dialog.to_edit.setText("020 7946 0123")
    dialog.add_typed()
    assert dialog.recipients.item(0).text() == (
        "020 7946 0123 — ⚠ landline — usually cannot receive SMS"
    )

    dialog.to_edit.setFocus()
    QTest.keyClick(dialog.to_edit, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClicks(popup(driver).filter, "late")
    QTest.keyClick(popup(driver).filter, Qt.Key.Key_Return)
    assert dialog.message_text() == "Running 10 minutes late, sorry!"
    assert dialog.template_note.text() == "Starts with: Running 10 minutes late, sorry!"
    dialog.write_button.click()
    compose = driver.page.compose
    await driver.until(
        lambda: compose.text() == "Running 10 minutes late, sorry!", what="text in compose"
    )
    assert driver.page.header.partner() == "442079460123"
    await driver.until(  # the conversation opens, then its number is looked at
        lambda: compose.preview.flag_text() == "⚠ landline — usually cannot receive SMS",
        what="the landline flag under the box",
    )
