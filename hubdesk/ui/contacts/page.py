"""The Contacts page: search, group filter, the contact table and what to do with a row.

Dumb widget. Values in: :meth:`ContactsPage.set_contacts`, :meth:`set_groups`,
:meth:`show_import_report`, :meth:`editor_saved` / :meth:`editor_failed` (answers to
``save_requested``), :meth:`show_status`. Intent out:

* ``save_requested(ContactDraft)`` (``draft.id`` None: a new contact; the editor stays
  open and busy until ``editor_saved`` or ``editor_failed``),
* ``delete_requested(contact_id)`` after the user confirmed,
* ``import_requested(path)`` / ``export_requested(path)`` after a non-blocking file
  dialog (``.csv`` or ``.vcf`` by extension; an export name without one gets the
  chosen filter's),
* ``text_requested(digits)`` / ``call_requested(digits)``.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from hubdesk.core.contacts import ImportReport
from hubdesk.domain import Contact
from hubdesk.domain.numbers import charge_of, format_number
from hubdesk.ui.contacts.editor import ContactEditor
from hubdesk.ui.contacts.filter import ContactFilter
from hubdesk.ui.contacts.import_report import ImportReportDialog
from hubdesk.ui.messages.conversations import single_line
from hubdesk.ui.qt.fields import Tone, plain_label, set_tone
from hubdesk.ui.qt.filedialogs import prepare
from hubdesk.ui.qt.icons import IconSet
from hubdesk.ui.qt.tables import Column, RecordTableModel, make_table
from hubdesk.ui.qt.textedit import LineBox

__all__ = ["ALL_GROUPS", "ContactsPage", "contact_model", "export_path"]

ALL_GROUPS = "All contacts"
IMPORT_FILTERS = ["Contacts (*.csv *.vcf *.vcard)", "CSV (*.csv)", "vCard (*.vcf *.vcard)"]
EXPORT_FILTERS = ["CSV (*.csv)", "vCard (*.vcf)"]
_SUFFIXES = (".csv", ".vcf", ".vcard")


def export_path(path: str, name_filter: str) -> str:
    """``path`` with ``.vcf`` or ``.csv`` added (from the chosen filter) if it has neither."""
    if Path(path).suffix.lower() in _SUFFIXES:
        return path
    return path + (".vcf" if "vcf" in name_filter.lower() else ".csv")


def contact_model(parent: QWidget | None = None) -> RecordTableModel[Contact]:
    return RecordTableModel(
        [
            Column("Name", lambda c: c.name),
            Column("Number", _number_text, tone=_number_tone),
            Column("Groups", lambda c: ", ".join(c.groups)),
            Column("Notes", lambda c: c.notes),
        ],
        parent,
    )


def _number_text(contact: Contact) -> str:
    """The number, flagged when it is in a chargeable range ("0906 555 1234 ⚠ Premium
    rate")."""
    charge = charge_of(contact.number)
    shown = format_number(contact.number)
    return shown if charge is None else f"{shown} ⚠ {charge.label}"


def _number_tone(contact: Contact) -> Tone | None:
    return "warning" if charge_of(contact.number) is not None else None


class ContactsPage(QWidget):
    """The address book: search, group filter, the table, and its commands.

    Signals:
        save_requested(object): the editor's "Save": a ``ContactDraft``.
        delete_requested(int): deletion confirmed: the contact's id.
        import_requested(str): a file to import was chosen: its path.
        export_requested(str): a file to export to was chosen: its path.
        text_requested(str): "Text": the contact's E.164 digits.
        call_requested(str): "Call": the contact's E.164 digits.
    """

    save_requested = Signal(object)
    delete_requested = Signal(int)
    import_requested = Signal(str)
    export_requested = Signal(str)
    text_requested = Signal(str)
    call_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None, icons: IconSet | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Contacts")
        self._groups: list[str] = []
        self.editor: ContactEditor | None = None
        self.file_dialog: QFileDialog | None = None
        self.confirm: QMessageBox | None = None
        self.report_dialog: ImportReportDialog | None = None

        self.search = LineBox(self)
        self.search.setPlaceholderText("Search by name or number")
        self.search.setAccessibleName("Search contacts")
        self.search.setClearButtonEnabled(True)
        self.group_combo = QComboBox(self)
        self.group_combo.setAccessibleName("Show group")
        self.group_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)

        self.model = contact_model(self)
        self.proxy = ContactFilter(self)
        self.proxy.setSourceModel(self.model)
        self.table = make_table(self.proxy, "Contact list", self)  # type: ignore[arg-type]
        self.table.setColumnWidth(0, 200)
        self.table.setColumnWidth(1, 230)  # room for "⚠ Premium rate"
        self.table.setColumnWidth(2, 160)
        self.empty_label = plain_label("", self, name="Contacts status", wrap=True)

        def button(text: str, name: str, icon: str | None = None) -> QPushButton:
            b = QPushButton(text, self)
            b.setAccessibleName(name)
            if icons is not None and icon:
                b.setIcon(icons.icon(icon))
            return b

        self.new_button = button("&New…", "New contact", "contacts")
        self.edit_button = button("Ed&it…", "Edit contact")
        self.delete_button = button("&Delete…", "Delete contact")
        self.text_button = button("&Text", "Text contact", "new-message")
        self.call_button = button("Ca&ll", "Call contact", "call")
        self.import_button = button("I&mport…", "Import contacts")
        self.export_button = button("E&xport…", "Export contacts")

        top = QHBoxLayout()
        if icons is not None:
            self.search.addAction(icons.icon("search"), QLineEdit.ActionPosition.LeadingPosition)
        top.addWidget(self.search, 1)
        top.addWidget(self.group_combo)
        actions = QHBoxLayout()
        for b in (self.new_button, self.edit_button, self.delete_button):
            actions.addWidget(b)
        actions.addSpacing(12)
        actions.addWidget(self.text_button)
        actions.addWidget(self.call_button)
        actions.addStretch(1)
        actions.addWidget(self.import_button)
        actions.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty_label)
        layout.addLayout(actions)

        order = [
            self.search,
            self.group_combo,
            self.table,
            self.new_button,
            self.edit_button,
            self.delete_button,
            self.text_button,
            self.call_button,
            self.import_button,
            self.export_button,
        ]
        for first, second in zip(order, order[1:], strict=False):
            self.setTabOrder(first, second)

        self.search.textChanged.connect(self._on_search)
        self.group_combo.currentIndexChanged.connect(self._on_group)
        self.new_button.clicked.connect(self.open_new)
        self.edit_button.clicked.connect(self.open_edit)
        self.delete_button.clicked.connect(self.confirm_delete)
        self.text_button.clicked.connect(self._text)
        self.call_button.clicked.connect(self._call)
        self.import_button.clicked.connect(self.choose_import)
        self.export_button.clicked.connect(self.choose_export)
        self.table.activated.connect(lambda _index: self.open_edit())
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.proxy.modelReset.connect(self._update_buttons)
        self.proxy.layoutChanged.connect(self._update_buttons)
        QShortcut(QKeySequence.StandardKey.Find, self, self._focus_search)
        # Down or Enter in the search goes to the matches, as in Messages' search (both
        # did nothing: the group filter, next in the Tab order, took Down instead).
        down = QKeySequence(Qt.Key.Key_Down)
        QShortcut(down, self.search, self._to_matches, Qt.ShortcutContext.WidgetShortcut)
        self.search.returnPressed.connect(self._to_matches)
        QShortcut(QKeySequence.StandardKey.Delete, self.table, self.confirm_delete)
        self.set_groups([])
        self._update_buttons()

    # --- methods in ---------------------------------------------------------------
    def set_contacts(self, contacts: Iterable[Contact]) -> None:
        """Show ``contacts`` (kept in the given order), keeping the selected one selected."""
        keep = self.selected_contact()
        self.model.set_rows(contacts)
        if keep is not None:
            self.select_contact(keep.id)
        self._update_buttons()

    def set_groups(self, groups: Iterable[str]) -> None:
        current = self.group_combo.currentData()
        self._groups = list(dict.fromkeys(groups))
        self.group_combo.blockSignals(True)
        self.group_combo.clear()
        self.group_combo.addItem(ALL_GROUPS, None)
        for group in self._groups:
            self.group_combo.addItem(group, group)
        index = self.group_combo.findData(current) if current is not None else 0
        self.group_combo.setCurrentIndex(max(index, 0))
        self.group_combo.blockSignals(False)
        self._on_group()

    def select_contact(self, contact_id: int | None) -> bool:
        for row in range(self.proxy.rowCount()):
            contact = self._contact_at_proxy_row(row)
            if contact is not None and contact.id == contact_id:
                self.table.selectRow(row)
                return True
        return False

    def editor_saved(self) -> None:
        """The address book took the editor's draft: close the editor."""
        if self.editor is not None:
            self.editor.accept()

    def editor_failed(self, message: str) -> None:
        if self.editor is not None:
            self.editor.show_error(message)

    def show_status(self, message: str, *, error: bool = False) -> None:
        self.empty_label.setText(message)
        set_tone(self.empty_label, "error" if error else "muted")
        self.empty_label.setVisible(bool(message))

    def show_import_report(self, report: ImportReport, title: str = "") -> ImportReportDialog:
        self.report_dialog = ImportReportDialog(report, title, self)
        self.report_dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.report_dialog.open()
        self.show_status(f"Import finished: {report.summary()}")
        return self.report_dialog

    def call_triggers(self) -> list[QWidget]:
        """The controls here that place a call (disabled while one is being placed)."""
        return [self.call_button]

    # --- values out ---------------------------------------------------------------
    def selected_contact(self) -> Contact | None:
        rows = self.table.selectionModel().selectedRows()
        return self._contact_at_proxy_row(rows[0].row()) if rows else None

    def visible_contacts(self) -> list[Contact]:
        found = (self._contact_at_proxy_row(r) for r in range(self.proxy.rowCount()))
        return [c for c in found if c is not None]

    # --- actions ------------------------------------------------------------------
    def open_new(self, number: str = "") -> ContactEditor:
        """The editor for a new contact, with ``number`` typed in already."""
        return self._open_editor(None, number)

    def open_edit(self) -> ContactEditor | None:
        contact = self.selected_contact()
        return None if contact is None else self._open_editor(contact)

    def confirm_delete(self) -> QMessageBox | None:
        contact = self.selected_contact()
        if contact is None or contact.id is None:
            return None
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle("Delete contact")
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setText(f"Delete {single_line(contact.name, 80)} ({format_number(contact.number)})?")
        box.setInformativeText("Messages with this number are kept.")
        delete = box.addButton("Delete", QMessageBox.ButtonRole.DestructiveRole)
        keep = box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(keep)
        box.setEscapeButton(keep)
        contact_id = contact.id

        def done(_result: int) -> None:
            if box.clickedButton() is delete:
                self.delete_requested.emit(contact_id)

        box.finished.connect(done)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.confirm = box
        box.open()
        return box

    def choose_import(self) -> QFileDialog:
        dialog = prepare(QFileDialog(self, "Import contacts"))
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptOpen)
        dialog.setNameFilters(IMPORT_FILTERS)
        dialog.fileSelected.connect(self.import_requested.emit)
        return self._open_file_dialog(dialog)

    def choose_export(self) -> QFileDialog:
        dialog = prepare(QFileDialog(self, "Export contacts"))
        dialog.setFileMode(QFileDialog.FileMode.AnyFile)
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setNameFilters(EXPORT_FILTERS)
        dialog.selectFile("contacts.csv")
        dialog.filterSelected.connect(lambda f: dialog.selectFile(export_path("contacts", f)))
        dialog.fileSelected.connect(
            lambda path: self.export_requested.emit(export_path(path, dialog.selectedNameFilter()))
        )
        return self._open_file_dialog(dialog)

    # --- internals ----------------------------------------------------------------
    def _open_file_dialog(self, dialog: QFileDialog) -> QFileDialog:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.file_dialog = dialog
        dialog.open()
        return dialog

    def _open_editor(self, contact: Contact | None, number: str = "") -> ContactEditor:
        if self.editor is not None:
            self.editor.close()
        editor = ContactEditor(contact, self._groups, self, number=number)
        editor.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        editor.save_requested.connect(self.save_requested.emit)
        editor.finished.connect(lambda _r: self._forget_editor(editor))
        self.editor = editor
        editor.open()
        return editor

    def _forget_editor(self, editor: ContactEditor) -> None:
        if self.editor is editor:
            self.editor = None

    def _contact_at_proxy_row(self, row: int) -> Contact | None:
        source = self.proxy.mapToSource(self.proxy.index(row, 0))
        return self.model.row_at(source) if source.isValid() else None

    def _on_search(self, text: str) -> None:
        self.proxy.set_search(text)
        self._update_buttons()

    def _on_group(self, *_: object) -> None:
        group = self.group_combo.currentData()
        self.proxy.set_group(group if isinstance(group, str) else None)
        self._update_buttons()

    def _to_matches(self) -> None:
        """The first match (or the one chosen before) selected, the table focused."""
        if self.proxy.rowCount() == 0:
            return
        if self.selected_contact() is None:
            self.table.selectRow(0)
        self.table.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def _text(self) -> None:
        contact = self.selected_contact()
        if contact is not None:
            self.text_requested.emit(contact.number)

    def _call(self) -> None:
        contact = self.selected_contact()
        if contact is not None:
            self.call_requested.emit(contact.number)

    def _update_buttons(self, *_: object) -> None:
        chosen = self.selected_contact() is not None
        for b in (self.edit_button, self.delete_button, self.text_button, self.call_button):
            b.setEnabled(chosen)
        self.export_button.setEnabled(self.model.rowCount() > 0)
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        if total == 0:
            self.show_status("No contacts yet. Add one with New… or import a CSV or vCard file.")
        elif shown == 0:
            self.show_status("No contact matches this search.")
        else:
            self.show_status("")
