"""ContactsPage, ContactEditor and the import report (offscreen)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QAbstractItemModelTester, QTest
from PySide6.QtWidgets import QDialog, QMessageBox
from pytestqt.qtbot import QtBot

from hubdesk.core.contacts import ImportReport, ImportRow, ImportStatus
from hubdesk.domain import Contact
from hubdesk.domain.numbers import format_number
from hubdesk.domain.text import neutralise
from hubdesk.ui.contacts.editor import ContactDraft, ContactEditor
from hubdesk.ui.contacts.page import ContactsPage, export_path
from tests.qt_fixtures import close_child_windows
from tests.unit.ui.pagekit import tab_sequence, unnamed_controls
from tests.unit.ui.values import HOSTILE

ALICE = Contact("447400123456", "Alice Smith", "front desk", ("Staff",), id=1)
BOB = Contact("447911100456", "Bob Jones", "", ("Patients", "Staff"), id=2)
CAROL = Contact("442079460000", "Carol Evans", "", (), id=3)


@pytest.fixture
def page(qtbot: QtBot) -> ContactsPage:
    p = ContactsPage()
    qtbot.addWidget(p, before_close_func=close_child_windows)
    QAbstractItemModelTester(p.model, QAbstractItemModelTester.FailureReportingMode.Fatal)
    QAbstractItemModelTester(p.proxy, QAbstractItemModelTester.FailureReportingMode.Fatal)
    p.set_groups(["Patients", "Staff"])
    p.set_contacts([ALICE, BOB, CAROL])
    p.show()
    return p


def names(page: ContactsPage) -> list[str]:
    return [c.name for c in page.visible_contacts()]


def test_rows_show_name_and_national_number(page: ContactsPage) -> None:
    assert page.model.rowCount() == 3
    assert page.model.cell_text(0, 0) == "Alice Smith"
    assert page.model.cell_text(0, 1) == "07400 123456"
    assert page.model.cell_text(1, 2) == "Patients, Staff"


def test_search_by_name_or_number_in_any_spelling(page: ContactsPage) -> None:
    page.search.setText("bob")
    assert names(page) == ["Bob Jones"]
    page.search.setText("07400 123")
    assert names(page) == ["Alice Smith"]
    page.search.setText("+44 20 7946")
    assert names(page) == ["Carol Evans"]
    page.search.setText("nobody")
    assert names(page) == []
    assert "No contact matches" in page.empty_label.text()


def test_group_filter_combines_with_search(page: ContactsPage) -> None:
    page.group_combo.setCurrentIndex(page.group_combo.findData("Staff"))
    assert names(page) == ["Alice Smith", "Bob Jones"]
    page.search.setText("bob")
    assert names(page) == ["Bob Jones"]
    page.set_groups(["Staff", "Patients"])  # refreshed list keeps the chosen group
    assert page.group_combo.currentData() == "Staff"


def test_text_and_call_need_a_selection_and_emit_digits(page: ContactsPage, qtbot: QtBot) -> None:
    assert not page.text_button.isEnabled() and not page.call_button.isEnabled()
    page.table.selectRow(1)
    with qtbot.waitSignal(page.text_requested) as text:
        page.text_button.click()
    with qtbot.waitSignal(page.call_requested) as call:
        page.call_button.click()
    assert text.args == ["447911100456"] and call.args == ["447911100456"]


def test_selection_survives_a_refresh(page: ContactsPage) -> None:
    page.table.selectRow(2)
    page.set_contacts([CAROL, ALICE])
    selected = page.selected_contact()
    assert selected is not None and selected.id == 3


def test_new_contact_editor_validates_inline(page: ContactsPage, qtbot: QtBot) -> None:
    editor = page.open_new()
    assert editor.isVisible() and not editor.save_button.isEnabled()
    editor.name_edit.setText("  Dave   Brown ")
    editor.number_edit.setText("07400 12345")
    assert editor.number_note.text() == "Not a valid UK number: too short."
    assert not editor.save_button.isEnabled()
    editor.number_edit.setText("+1 516 725 9623")
    assert editor.number_note.text().startswith("Not a UK number (+1)")
    assert not editor.save_button.isEnabled()
    editor.number_edit.setText("07400 123457")
    assert editor.number_note.text() == "✓ 07400 123457"
    assert editor.save_button.isEnabled()
    with qtbot.waitSignal(page.save_requested) as saved:
        editor.save_button.click()
    draft = saved.args[0]
    assert draft == ContactDraft("Dave Brown", "447400123457", "", (), None)
    assert editor.isVisible() and not editor.save_button.isEnabled()  # busy until answered
    page.editor_failed("That number is already in contacts (Alice Smith).")
    assert editor.error_text().startswith("That number is already")
    assert editor.save_button.isEnabled()
    editor.save_button.click()
    page.editor_saved()
    assert editor.result() == QDialog.DialogCode.Accepted
    assert page.editor is None


def test_edit_prefills_and_assigns_groups(page: ContactsPage, qtbot: QtBot) -> None:
    page.table.selectRow(0)
    editor = page.open_edit()
    assert editor is not None
    assert editor.number_edit.text() == "07400 123456"
    assert editor.checked_groups() == ("Staff",)
    editor.new_group.setText("Night shift")
    QTest.keyClick(editor.new_group, Qt.Key.Key_Return)  # adds the group, does not save
    assert editor.isVisible()
    assert editor.checked_groups() == ("Staff", "Night shift")
    with qtbot.waitSignal(page.save_requested) as saved:
        editor.submit()
    assert saved.args[0].id == 1 and saved.args[0].groups == ("Staff", "Night shift")


def test_escape_closes_the_editor_without_saving(page: ContactsPage, qtbot: QtBot) -> None:
    editor = page.open_new()
    with qtbot.assertNotEmitted(page.save_requested):
        QTest.keyClick(editor, Qt.Key.Key_Escape)
    assert editor.result() == QDialog.DialogCode.Rejected


def test_delete_asks_first(page: ContactsPage, qtbot: QtBot) -> None:
    page.table.selectRow(1)
    box = page.confirm_delete()
    assert box is not None and box.isVisible()
    assert "Bob Jones" in box.text() and box.textFormat() == Qt.TextFormat.PlainText
    with qtbot.assertNotEmitted(page.delete_requested):
        box.button(QMessageBox.StandardButton.Cancel).click()
    box = page.confirm_delete()
    assert box is not None
    delete = next(b for b in box.buttons() if b.text() == "Delete")
    with qtbot.waitSignal(page.delete_requested) as deleted:
        delete.click()
    assert deleted.args == [2]


def test_import_and_export_use_open_file_dialogs(page: ContactsPage, qtbot: QtBot) -> None:
    dialog = page.choose_import()
    assert dialog.isVisible() and dialog.isModal()  # open(), not exec()
    with qtbot.waitSignal(page.import_requested) as imported:
        dialog.fileSelected.emit("/tmp/people.vcf")
    assert imported.args == ["/tmp/people.vcf"]
    dialog = page.choose_export()
    dialog.selectNameFilter("vCard (*.vcf)")
    with qtbot.waitSignal(page.export_requested) as exported:
        dialog.fileSelected.emit("/tmp/backup")
    assert exported.args == ["/tmp/backup.vcf"]


@pytest.mark.parametrize(
    ("path", "chosen", "expected"),
    [
        ("/a/b", "CSV (*.csv)", "/a/b.csv"),
        ("/a/b", "vCard (*.vcf)", "/a/b.vcf"),
        ("/a/b.VCF", "CSV (*.csv)", "/a/b.VCF"),
        ("/a/b.csv", "vCard (*.vcf)", "/a/b.csv"),
    ],
)
def test_export_path_by_extension(path: str, chosen: str, expected: str) -> None:
    assert export_path(path, chosen) == expected


def test_import_report_dialog_lists_every_row(page: ContactsPage) -> None:
    report = ImportReport(
        (
            ImportRow("row 2", 2, "Alice", ImportStatus.ADDED, number="447400123456"),
            ImportRow("row 3", 3, "<b>Eve</b>", ImportStatus.REJECTED, "not a UK number (+1)"),
            ImportRow("row 4", 4, "Bob", ImportStatus.SKIPPED, "already in contacts"),
        )
    )
    dialog = page.show_import_report(report, "people.csv")
    assert dialog.isVisible() and dialog.windowTitle() == "Import of people.csv"
    assert dialog.summary.text() == "1 added, 0 updated, 1 skipped, 1 rejected."
    assert dialog.model.rowCount() == 3
    assert [dialog.model.cell_text(1, c) for c in range(4)] == [
        "row 3",
        "<b>Eve</b>",
        "Rejected",
        "not a UK number (+1)",
    ]
    QAbstractItemModelTester(dialog.model, QAbstractItemModelTester.FailureReportingMode.Fatal)


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_names_show_literally(qtbot: QtBot, text: str) -> None:
    p = ContactsPage()
    qtbot.addWidget(p)
    p.set_contacts([Contact("447400123456", text, text, (text[:40],), id=9)])
    shown = p.model.cell_text(0, 0)
    assert "\x00" not in shown and len(shown) <= 201
    if text and "\x00" not in text and len(text) < 200 and "  " not in text:
        assert shown == neutralise(text)
    p.resize(600, 300)
    p.show()
    p.grab()  # paints without raising


def test_every_control_is_named(page: ContactsPage) -> None:
    assert unnamed_controls(page) == []
    page.table.selectRow(0)
    editor = page.open_edit()
    assert editor is not None and unnamed_controls(editor) == []


def test_tab_order_reaches_the_table_from_search(page: ContactsPage) -> None:
    page.table.selectRow(0)
    order = tab_sequence(page.search, 5)
    assert order == [
        page.group_combo,
        page.table,
        page.new_button,
        page.edit_button,
        page.delete_button,
    ]
    assert not page.table.tabKeyNavigation()


def test_editor_standalone_hostile_contact(qtbot: QtBot) -> None:
    editor = ContactEditor(Contact("447400123456", "a\u202eevil", "<i>x</i>", ("G",), id=4))
    qtbot.addWidget(editor)
    assert editor.name_edit.text() == "a\u202eevil"
    draft = editor.draft()
    assert draft is not None and draft.notes == "<i>x</i>" and draft.id == 4


def test_a_chargeable_number_is_flagged(qtbot: QtBot) -> None:
    p = ContactsPage()
    qtbot.addWidget(p)
    p.set_contacts([Contact("449065551234", "Tarot line", id=1), ALICE])
    rows = {p.model.cell_text(r, 0): r for r in range(2)}
    premium, plain = rows["Tarot line"], rows[ALICE.name]
    assert p.model.cell_text(premium, 1) == "0906 555 1234 ⚠ Premium rate"
    assert p.model.cell_text(plain, 1) == format_number(ALICE.number)
    tone = p.model.index(premium, 1).data(Qt.ItemDataRole.ForegroundRole)
    assert tone is not None and p.model.index(plain, 1).data(Qt.ItemDataRole.ForegroundRole) is None


def test_the_editor_says_what_a_chargeable_number_costs(qtbot: QtBot) -> None:
    editor = ContactEditor(None)
    qtbot.addWidget(editor)
    editor.number_edit.setText("070 1234 5678")
    assert "⚠ Personal number: calls to it can cost far more" in editor.number_note.text()
    assert editor.check.valid  # still a valid UK number: flagged, not refused
    editor.number_edit.setText("07400 123456")
    assert "⚠" not in editor.number_note.text()


@pytest.mark.parametrize("key", [Qt.Key.Key_Down, Qt.Key.Key_Return])
def test_down_or_enter_in_the_search_goes_to_the_first_match(
    page: ContactsPage, qtbot: QtBot, key: Qt.Key
) -> None:
    """Typing a name then Down or Enter did nothing (Tab went to the group filter, where
    Down changed the group): the keyboard could not reach the contact it had found."""
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)
    page.search.setFocus()
    QTest.keyClicks(page.search, "jones")
    QTest.keyClick(page.search, key)
    assert page.table.hasFocus()
    assert page.selected_contact() == BOB
    assert page.edit_button.isEnabled()
    page.search.setFocus()
    page.search.setText("nobody")
    QTest.keyClick(page.search, key)  # nothing to go to: the search keeps the focus
    assert page.search.hasFocus()
