"""Contacts page <-> ContactBook, against the simulator and a real store."""

from __future__ import annotations

from pathlib import Path

import pytest

from hubdesk.core.contacts import ImportStatus
from hubdesk.ui.shell.window import CONTACTS, MESSAGES
from tests.unit.ui.appkit import Driver, in_loop, shell_driver, signed_in  # noqa: F401

pytestmark = pytest.mark.sim_config(delivery_delay=0.3)


async def contacts_page(d: Driver):  # type: ignore[no-untyped-def]
    d.window.show_page(CONTACTS)
    await d.until(lambda: d.controller.address_book.loaded, what="contacts loaded")
    return d.window.contacts_page


@in_loop
async def test_add_edit_and_delete_through_the_page_editor(driver: Driver) -> None:
    page = await contacts_page(driver)
    assert page.model.rowCount() == 0
    editor = page.open_new()
    editor.name_edit.setText("Alice Smith")
    editor.number_edit.setText("07400 111222")
    editor.new_group.setText("Patients")
    editor.add_group_button.click()
    editor.save_button.click()
    await driver.until(lambda: page.model.rowCount() == 1, what="added")
    await driver.until(lambda: page.editor is None, what="editor closed")
    alice = page.model.rows()[0]
    assert (alice.name, alice.number) == ("Alice Smith", "447400111222")
    assert alice.groups == ("Patients",)
    assert page.group_combo.findData("Patients") > 0

    # a duplicate number: the book refuses, the editor stays open with the reason
    editor = page.open_new()
    editor.name_edit.setText("Someone Else")
    editor.number_edit.setText("+44 7400 111222")
    editor.save_button.click()
    await driver.until(lambda: editor.error_text() != "", what="refused")
    assert editor.isVisible() and page.model.rowCount() == 1
    assert editor.error_text().endswith("07400 111222 already exists: Alice Smith.")
    editor.number_edit.setText("07400 111223")  # the message was about the old number
    assert editor.error_text() == ""
    editor.reject()

    page.select_contact(alice.id)
    editor = page.open_edit()
    assert editor is not None
    editor.name_edit.setText("Alice Jones")
    editor.save_button.click()
    await driver.until(lambda: page.model.rows()[0].name == "Alice Jones", what="edited")

    page.delete_requested.emit(alice.id)
    await driver.until(lambda: page.model.rowCount() == 0, what="deleted")
    assert await driver.intents.contacts.list() == []


@in_loop
async def test_import_shows_the_report_and_export_writes_the_file(driver: Driver) -> None:
    page = await contacts_page(driver)
    tmp_path: Path = driver.shell.home
    source = tmp_path / "in.csv"
    source.write_text(
        "name,phone,groups\nBob,07400 222333,Staff\nBob again,07400222333,\nNo Number,,\n",
        encoding="utf-8",
    )
    page.import_requested.emit(str(source))
    await driver.until(lambda: page.report_dialog is not None, what="report")
    report = page.report_dialog
    assert report is not None and report.isVisible()
    statuses = [r.status for r in report.model.rows()]
    assert statuses == [ImportStatus.ADDED, ImportStatus.SKIPPED, ImportStatus.REJECTED]
    assert page.model.rowCount() == 1 and page.group_combo.findData("Staff") > 0
    report.reject()

    out = tmp_path / "out.vcf"
    page.export_requested.emit(str(out))
    await driver.until(out.exists, what="exported")
    text = out.read_text(encoding="utf-8")
    assert "BEGIN:VCARD" in text and "Bob" in text
    assert "Exported 1 contact" in page.empty_label.text()


@in_loop
async def test_text_opens_the_conversation_and_call_dials(driver: Driver) -> None:
    await signed_in(driver)
    await driver.intents.contacts.add("Carol King", "07400 333444")
    page = await contacts_page(driver)
    await driver.until(lambda: page.model.rowCount() == 1, what="listed")
    page.table.selectRow(0)
    page.text_button.click()
    await driver.until(lambda: driver.page.header.partner() == "447400333444", what="open")
    assert driver.window.pages.currentIndex() == MESSAGES
    assert driver.page.header.name_label.text() == "Carol King"

    driver.window.show_page(CONTACTS)
    page.call_button.click()
    await driver.until(lambda: len(driver.posts("/api/click-to-dial/dial")) == 1, what="dial")
    assert driver.posts("/api/click-to-dial/dial")[0]["form"]["destination"] == ["447400333444"]
    await driver.until(lambda: "Call ID" in driver.window.toast.text(), what="toast")


@in_loop
async def test_add_to_contacts_opens_the_editor_with_the_number(driver: Driver) -> None:
    await signed_in(driver)
    driver.intents.add_contact("447400555666")
    page = driver.window.contacts_page
    await driver.until(lambda: page.editor is not None, what="editor")
    editor = page.editor
    assert editor.windowTitle() == "New contact"
    assert editor.number_edit.text() == "07400 555666"
    editor.name_edit.setText("Dan Brown")
    editor.save_button.click()
    await driver.until(lambda: page.editor is None, what="saved")
    found = await driver.intents.contacts.find_by_number("447400555666")
    assert found is not None and found.name == "Dan Brown"
