"""The recipient picker of the bulk-send dialog: contacts (checkable, searchable), groups,
pasted numbers and a CSV file, one tab each. ``changed`` fires on every change."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QListView,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from hubdesk.domain import Contact
from hubdesk.ui.messages.new_message import contact_choice
from hubdesk.ui.qt.fields import plain_label
from hubdesk.ui.qt.filedialogs import prepare
from hubdesk.ui.qt.textedit import LineBox, TextBox

__all__ = ["BulkRecipients"]

CONTACT_ROLE = Qt.ItemDataRole.UserRole + 1
CSV_FILTERS = ["CSV files (*.csv *.txt)", "All files (*)"]


def _checkable(text: str) -> QStandardItem:
    item = QStandardItem(text)
    item.setCheckable(True)
    item.setEditable(False)
    item.setCheckState(Qt.CheckState.Unchecked)
    return item


def _checked(model: QStandardItemModel) -> list[QStandardItem]:
    items = (model.item(r) for r in range(model.rowCount()))
    return [i for i in items if i.checkState() == Qt.CheckState.Checked]


class BulkRecipients(QTabWidget):
    """Who a bulk send goes to: contacts, groups, pasted numbers and a CSV file (tabs).

    Signals:
        changed(): the choice of recipients changed (a box ticked, text pasted, a file
            chosen).
    """

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Recipients")
        self.file_dialog: QFileDialog | None = None
        self._csv_path: str | None = None
        self._quiet = False

        # Contacts
        self.contacts_model = QStandardItemModel(self)
        self.contacts_proxy = QSortFilterProxyModel(self)
        self.contacts_proxy.setSourceModel(self.contacts_model)
        self.contacts_proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.contact_search = LineBox()
        self.contact_search.setAccessibleName("Search contacts")
        self.contact_search.setPlaceholderText("Search by name or number")
        self.contact_search.setClearButtonEnabled(True)
        self.contact_list = QListView()
        self.contact_list.setModel(self.contacts_proxy)
        self.contact_list.setAccessibleName("Contacts to text")
        self.contact_list.setAccessibleDescription("Space checks or unchecks a contact")
        self.select_shown = QPushButton("Check &shown")
        self.select_shown.setAccessibleName("Check every contact shown")
        self.clear_contacts = QPushButton("&Uncheck all")
        self.clear_contacts.setAccessibleName("Uncheck every contact")
        self.contacts_count = plain_label("", name="Contacts chosen")
        tab = QWidget()
        row = QHBoxLayout()
        row.addWidget(self.contacts_count, 1)
        row.addWidget(self.select_shown)
        row.addWidget(self.clear_contacts)
        box = QVBoxLayout(tab)
        box.addWidget(self.contact_search)
        box.addWidget(self.contact_list, 1)
        box.addLayout(row)
        self.addTab(tab, "&Contacts")

        # Groups
        self.groups_model = QStandardItemModel(self)
        self.group_list = QListView()
        self.group_list.setModel(self.groups_model)
        self.group_list.setAccessibleName("Groups to text")
        tab = QWidget()
        box = QVBoxLayout(tab)
        box.addWidget(plain_label("Every member of the checked groups.", wrap=True))
        box.addWidget(self.group_list, 1)
        self.addTab(tab, "&Groups")

        # Pasted
        self.pasted = TextBox()
        self.pasted.setAccessibleName("Pasted numbers")
        self.pasted.setPlaceholderText("Paste numbers: one per line, or separated by commas")
        self.pasted.setTabChangesFocus(True)
        tab = QWidget()
        box = QVBoxLayout(tab)
        box.addWidget(self.pasted, 1)
        self.addTab(tab, "&Paste numbers")

        # CSV
        self.csv_edit = LineBox()
        self.csv_edit.setReadOnly(True)
        self.csv_edit.setAccessibleName("CSV file")
        self.csv_edit.setPlaceholderText("No file chosen")
        self.csv_button = QPushButton("C&hoose…")
        self.csv_button.setAccessibleName("Choose a CSV file")
        self.csv_clear = QPushButton("R&emove")
        self.csv_clear.setAccessibleName("Do not use the CSV file")
        tab = QWidget()
        row = QHBoxLayout()
        row.addWidget(self.csv_edit, 1)
        row.addWidget(self.csv_button)
        row.addWidget(self.csv_clear)
        box = QVBoxLayout(tab)
        box.addWidget(
            plain_label(
                "Every cell holding a phone number is used; a header row is skipped.", wrap=True
            )
        )
        box.addLayout(row)
        box.addStretch(1)
        self.addTab(tab, "CS&V file")

        self.contact_search.textChanged.connect(self.contacts_proxy.setFilterFixedString)
        self.select_shown.clicked.connect(lambda: self._check_shown(True))
        self.clear_contacts.clicked.connect(self._uncheck_all)
        self.contacts_model.itemChanged.connect(self._emit)
        self.groups_model.itemChanged.connect(self._emit)
        self.pasted.textChanged.connect(self._emit)
        self.csv_button.clicked.connect(self.choose_csv)
        self.csv_clear.clicked.connect(lambda: self.set_csv_path(None))
        self.set_csv_path(None)

    # --- methods in ---------------------------------------------------------------
    def set_contacts(self, contacts: Iterable[Contact]) -> None:
        self.contacts_model.clear()
        for contact in contacts:
            item = _checkable(contact_choice(contact))
            item.setData(contact, CONTACT_ROLE)
            self.contacts_model.appendRow(item)
        self._emit()

    def set_groups(self, groups: Iterable[str]) -> None:
        self.groups_model.clear()
        for group in dict.fromkeys(groups):
            self.groups_model.appendRow(_checkable(group))
        self._emit()

    def set_csv_path(self, path: str | None) -> None:
        self._csv_path = path or None
        self.csv_edit.setText(path or "")
        self.csv_clear.setEnabled(bool(path))
        self._emit()

    def choose_csv(self) -> QFileDialog:
        dialog = prepare(QFileDialog(self, "Choose a CSV file of numbers"))
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.setNameFilters(CSV_FILTERS)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.fileSelected.connect(self.set_csv_path)
        self.file_dialog = dialog
        dialog.open()
        return dialog

    # --- values out ---------------------------------------------------------------
    def contacts(self) -> tuple[Contact, ...]:
        found = (i.data(CONTACT_ROLE) for i in _checked(self.contacts_model))
        return tuple(c for c in found if isinstance(c, Contact))

    def groups(self) -> tuple[str, ...]:
        return tuple(i.text() for i in _checked(self.groups_model))

    def pasted_text(self) -> str:
        return self.pasted.toPlainText()

    def csv_path(self) -> str | None:
        return self._csv_path

    def summary(self) -> str:
        parts = []
        if n := len(self.contacts()):
            parts.append(f"{n} contact{'s' if n != 1 else ''}")
        if n := len(self.groups()):
            parts.append(f"{n} group{'s' if n != 1 else ''}")
        if self.pasted_text().strip():
            parts.append("pasted numbers")
        if self._csv_path:
            parts.append("a CSV file")
        return ", ".join(parts) if parts else "No recipients chosen yet"

    # --- internals ----------------------------------------------------------------
    def _check_shown(self, checked: bool) -> None:
        state = Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked
        self._quiet = True
        try:
            for row in range(self.contacts_proxy.rowCount()):
                source = self.contacts_proxy.mapToSource(self.contacts_proxy.index(row, 0))
                self.contacts_model.itemFromIndex(source).setCheckState(state)
        finally:
            self._quiet = False
        self._emit()

    def _uncheck_all(self) -> None:
        self._quiet = True
        try:
            for item in _checked(self.contacts_model):
                item.setCheckState(Qt.CheckState.Unchecked)
        finally:
            self._quiet = False
        self._emit()

    def _emit(self, *_: object) -> None:
        if self._quiet:
            return
        n = len(self.contacts())
        self.contacts_count.setText(f"{n} checked" if n else "")
        self.changed.emit()
