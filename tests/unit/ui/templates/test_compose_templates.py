"""Templates in the compose pane of the real window: Ctrl+T's popup (filter, Up/Down,
Enter inserts at the cursor, Esc closes), the preview line and the meter counting the
text as sent, the refusal of a missing value, and the flag of a landline."""

from __future__ import annotations

from datetime import datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtTest import QTest

from hubdesk.domain.placeholders import format_date
from hubdesk.ui.templates.popup import TemplatePopup
from tests.unit.ui.appkit import Driver, in_loop, shell_driver, signed_in  # noqa: F401

pytestmark = pytest.mark.sim_config(delivery_delay=0.3)

ALICE = "447400123456"
STRANGER = "447912345678"
LANDLINE = "442079460123"
MAIN = "447520602706"


async def open_partner(d: Driver, partner: str) -> None:
    await d.controller.open_conversation(partner)
    await d.until(lambda: d.page.header.partner() == partner, what="open")
    compose = d.page.compose
    await d.until(lambda: compose.select_sender(MAIN), what="sender listed")


async def add_templates(d: Driver) -> None:
    templates = d.shell.templates
    assert templates is not None
    await templates.book.add("Table ready", "Hi {first_name|there}, your table is ready.")
    await templates.book.add("Late", "Running 10 minutes late, sorry!")
    await templates.book.add("Reminder", "{first_name}, see you on {date}.")
    await d.until(lambda: len(templates.templates) == 3, what="list loaded for the popup")


def popup(d: Driver) -> TemplatePopup:
    templates = d.shell.templates
    assert templates is not None and templates.popup is not None
    return templates.popup


@in_loop
async def test_ctrl_t_filters_and_enter_inserts_at_the_cursor(driver: Driver) -> None:
    await signed_in(driver)
    await driver.intents.contacts.add("Alice Smith", "07400 123456")
    await add_templates(driver)
    await open_partner(driver, ALICE)
    compose = driver.page.compose
    compose.editor.setPlainText("Hello! ")
    compose.editor.moveCursor(QTextCursor.MoveOperation.Start)
    compose.editor.setFocus()
    QTest.keyClick(compose.editor, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    shown = popup(driver)
    assert shown.isVisible()
    assert [t.name for t in shown.shown()] == ["Table ready", "Late", "Reminder"]

    QTest.keyClicks(shown.filter, "l")  # "Late" (name starts) before "Table ready"
    assert [t.name for t in shown.shown()] == ["Late", "Table ready"]
    QTest.keyClick(shown.filter, Qt.Key.Key_Down)
    assert shown.current() is not None and shown.current().name == "Table ready"  # type: ignore[union-attr]
    QTest.keyClick(shown.filter, Qt.Key.Key_Up)
    QTest.keyClick(shown.filter, Qt.Key.Key_Return)
    await driver.until(lambda: driver.shell.templates.popup is None, what="popup closed")  # type: ignore[union-attr]
    assert compose.text() == "Running 10 minutes late, sorry!Hello! "  # at the cursor
    QTest.keyClick(compose.editor, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert compose.text() == "Hello! "  # one undoable edit

    # the text of a template is matched too; Esc closes without inserting
    QTest.keyClick(compose.editor, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClicks(popup(driver).filter, "see you")
    assert [t.name for t in popup(driver).shown()] == ["Reminder"]
    QTest.keyClick(popup(driver).filter, Qt.Key.Key_Escape)
    await driver.until(lambda: driver.shell.templates.popup is None, what="closed by Esc")  # type: ignore[union-attr]
    assert compose.text() == "Hello! "


@in_loop
async def test_preview_and_meter_show_the_text_as_sent(driver: Driver) -> None:
    await signed_in(driver)
    await driver.intents.contacts.add("Alice Smith", "07400 123456")
    await open_partner(driver, ALICE)
    compose = driver.page.compose
    await driver.until(lambda: compose.preview.flag_text() == "", what="recipient known")
    compose.editor.setPlainText("{first_name}")
    await driver.until(lambda: "Alice" in compose.preview.preview_text(), what="preview")
    assert compose.preview.preview_text() == "Sends as: Alice"
    assert compose.meter.full_text().startswith("5 characters")  # not the 12 typed
    long = "Dear {name}, " + "x" * 150  # 163 typed, 5 + 11 + 2 + 150 = 168 sent
    compose.editor.setPlainText(long)
    assert compose.meter.full_text().startswith("168 characters · 2 parts")
    compose.editor.setPlainText("See you {date}")
    today = format_date(datetime.now().astimezone())
    assert compose.preview.preview_text() == f"Sends as: See you {today}"
    compose.editor.setPlainText("Plain text, no braces")
    assert compose.preview.preview_text() == ""
    compose.editor.setPlainText("50% off } today")
    assert "closes no placeholder" in compose.preview.preview_text()


@in_loop
async def test_a_missing_value_is_refused_naming_recipient_and_placeholder(
    driver: Driver,
) -> None:
    await signed_in(driver)
    await open_partner(driver, STRANGER)
    compose = driver.page.compose
    compose.editor.setPlainText("Hi {first_name}, your table is ready")
    await driver.until(lambda: "{first_name}" in compose.preview.preview_text(), what="said")
    assert "no contact has this number" in compose.preview.preview_text()
    before = len(driver.posts("/api/sms/send"))
    # Send is possible once the sender ID is checked for this person (asynchronous: on
    # a slow machine request_send() before that was a no-op and no refusal could show).
    await driver.until(compose.can_send, what="Send possible")
    compose.request_send()
    await driver.until(lambda: driver.window.toast.isVisible(), what="refusal shown")
    said = driver.window.toast.text()
    assert "{first_name}" in said and "07912 345678" in said and "nothing was sent" in said
    await driver.until(lambda: compose.text() != "", what="text given back")
    assert compose.text() == "Hi {first_name}, your table is ready"
    assert len(driver.posts("/api/sms/send")) == before
    outbox = await driver.runtime.worker.run(lambda db: db.outbox.all())
    assert not [i for i in outbox if STRANGER in i.destinations]

    # saved as a contact meanwhile: the preview follows the address book
    await driver.intents.contacts.add("Zoe Park", "07912 345678")
    await driver.until(
        lambda: compose.preview.preview_text() == "Sends as: Hi Zoe, your table is ready",
        what="preview with the new contact's name",
    )

    await driver.until(compose.can_send, what="Send possible again")
    compose.request_send()
    await driver.until(lambda: len(driver.posts("/api/sms/send")) == before + 1, what="sent")
    assert driver.posts("/api/sms/send")[-1]["form"]["text"] == ["Hi Zoe, your table is ready"]


@in_loop
async def test_a_landline_is_flagged_under_the_box_a_mobile_is_quiet(driver: Driver) -> None:
    await signed_in(driver)
    await open_partner(driver, LANDLINE)
    compose = driver.page.compose
    await driver.until(lambda: compose.preview.flag_text() != "", what="flag")
    assert compose.preview.flag_text() == "⚠ landline — usually cannot receive SMS"
    assert compose.preview.isVisible()
    await open_partner(driver, STRANGER)
    await driver.until(lambda: compose.preview.flag_text() == "", what="mobile quiet")
    assert not compose.preview.isVisible()
