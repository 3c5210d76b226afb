"""Add or edit one contact: name, UK number (checked as you type), notes, groups.

Dumb dialog: "Save" emits ``save_requested(ContactDraft)`` and the dialog stays open,
busy, until the container calls :meth:`accept` (saved) or :meth:`show_error` (the
address book refused it, e.g. a duplicate number). Open it with ``open()``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QListView,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from hubdesk.domain import Contact
from hubdesk.domain.numbers import format_number
from hubdesk.ui.qt.fields import NumberCheck, plain_label, set_tone
from hubdesk.ui.qt.overrides import guarded
from hubdesk.ui.qt.textedit import LineBox, TextBox

__all__ = ["ContactDraft", "ContactEditor"]


@dataclass(frozen=True, slots=True)
class ContactDraft:
    """What the user asked to save. ``number`` is E.164 digits (a valid UK number)."""

    name: str
    number: str
    notes: str = ""
    groups: tuple[str, ...] = ()
    id: int | None = None  # None: a new contact


class ContactEditor(QDialog):
    """Add or edit one contact: name, UK number, notes, groups.

    Signals:
        save_requested(object): "Save" with a usable name and number: the
            ``ContactDraft`` (the dialog stays open until ``accept``).
    """

    save_requested = Signal(object)

    def __init__(
        self,
        contact: Contact | None = None,
        groups: Iterable[str] = (),
        parent: QWidget | None = None,
        *,
        number: str = "",
    ) -> None:
        """Edit ``contact``, or a new one (with ``number`` typed in already)."""
        super().__init__(parent)
        self._contact = contact
        self._busy = False
        self.setModal(True)
        title = "Edit contact" if contact is not None else "New contact"
        self.setWindowTitle(title)
        self.setAccessibleName(title)

        self.name_edit = LineBox(self)
        self.name_edit.setAccessibleName("Name")
        self.name_edit.setMaxLength(200)
        self.number_edit = LineBox(self)
        self.number_edit.setAccessibleName("UK phone number")
        self.number_edit.setPlaceholderText("07400 123456")
        self.number_note = plain_label("", self, name="Number check", wrap=True)
        self.notes_edit = TextBox(self)
        self.notes_edit.setAccessibleName("Notes")
        self.notes_edit.setTabChangesFocus(True)
        self.notes_edit.setFixedHeight(60)

        self._groups = QStandardItemModel(self)
        self.groups_view = QListView(self)
        self.groups_view.setModel(self._groups)
        self.groups_view.setAccessibleName("Groups")
        self.groups_view.setAccessibleDescription("Check the groups this contact belongs to")
        self.groups_view.setFixedHeight(96)
        self.new_group = LineBox(self)
        self.new_group.setAccessibleName("New group name")
        self.new_group.setPlaceholderText("New group")
        self.add_group_button = QPushButton("Add &group", self)
        self.add_group_button.setAccessibleName("Add group")
        self.add_group_button.setAutoDefault(False)
        self.add_group_button.clicked.connect(self._add_typed_group)
        self.new_group.installEventFilter(self)
        group_row = QHBoxLayout()
        group_row.addWidget(self.new_group, 1)
        group_row.addWidget(self.add_group_button)

        self.error_label = plain_label("", self, name="Save error", wrap=True)
        self.error_label.hide()

        self.buttons = QDialogButtonBox(self)
        self.save_button = self.buttons.addButton("&Save", QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setAccessibleName("Save contact")
        self.save_button.setDefault(True)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setAccessibleName("Cancel")
        self.save_button.clicked.connect(self.submit)
        self.cancel_button.clicked.connect(self.reject)

        form = QFormLayout()
        form.addRow("&Name:", self.name_edit)
        form.addRow("N&umber:", self.number_edit)
        form.addRow("", self.number_note)
        form.addRow("N&otes:", self.notes_edit)
        form.addRow("G&roups:", self.groups_view)
        form.addRow("", group_row)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(420)

        self.check = NumberCheck(self.number_edit, self.number_note, uk_only=True)
        self.check.changed.connect(self._update_button)
        self.name_edit.textChanged.connect(self._update_button)
        for edited in (self.check.changed, self.name_edit.textChanged):
            edited.connect(self.error_label.hide)  # the error was about what was there
        self._fill(contact, groups)
        if contact is None and number:
            self.number_edit.setText(number)
        self.setTabOrder(self.name_edit, self.number_edit)
        self.setTabOrder(self.number_edit, self.notes_edit)
        self.setTabOrder(self.notes_edit, self.groups_view)
        self.setTabOrder(self.groups_view, self.new_group)
        self.setTabOrder(self.new_group, self.add_group_button)
        self.name_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def focus_name(self) -> None:
        """Put the cursor in the Name field."""
        self.name_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    # --- values out ---------------------------------------------------------------
    def draft(self) -> ContactDraft | None:
        """The contact as typed, or None while the name or number is unusable."""
        number = self.check.number
        name = " ".join(self.name_edit.text().split())
        if number is None or not name:
            return None
        return ContactDraft(
            name=name,
            number=number.digits,
            notes=self.notes_edit.toPlainText().strip(),
            groups=self.checked_groups(),
            id=None if self._contact is None else self._contact.id,
        )

    def checked_groups(self) -> tuple[str, ...]:
        found: list[str] = []
        for row in range(self._groups.rowCount()):
            item = self._groups.item(row)
            if item.checkState() == Qt.CheckState.Checked:
                found.append(item.text())
        return tuple(found)

    def error_text(self) -> str:
        return self.error_label.text() if not self.error_label.isHidden() else ""

    # --- methods in ---------------------------------------------------------------
    def set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.save_button.setText("Saving…" if busy else "&Save")
        self._update_button()

    def show_error(self, message: str) -> None:
        self.set_busy(False)
        self.error_label.setText(message)
        set_tone(self.error_label, "error")
        self.error_label.show()

    def submit(self) -> None:
        draft = self.draft()
        if draft is None or self._busy:
            return
        self.error_label.hide()
        self.set_busy(True)
        self.save_requested.emit(draft)

    def accept(self) -> None:
        self.set_busy(False)
        super().accept()

    @guarded(False)
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Enter in "New group" adds the group; it never saves the contact.
        if (
            watched is self.new_group
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        ):
            self._add_typed_group()
            return True
        return False

    # --- internals ----------------------------------------------------------------
    def _fill(self, contact: Contact | None, groups: Iterable[str]) -> None:
        wanted = set(contact.groups) if contact is not None else set()
        for group in dict.fromkeys([*groups, *(contact.groups if contact else ())]):
            self._append_group(group, group in wanted)
        if contact is not None:
            self.name_edit.setText(contact.name)
            self.number_edit.setText(format_number(contact.number))
            self.notes_edit.setPlainText(contact.notes)
        self._update_button()

    def _append_group(self, name: str, checked: bool) -> None:
        item = QStandardItem(name)
        item.setCheckable(True)
        item.setEditable(False)
        item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        self._groups.appendRow(item)

    def _add_typed_group(self) -> None:
        name = " ".join(self.new_group.text().split())
        if not name:
            return
        for row in range(self._groups.rowCount()):
            item = self._groups.item(row)
            if item.text() == name:
                item.setCheckState(Qt.CheckState.Checked)
                break
        else:
            self._append_group(name, True)
        self.new_group.clear()

    def _update_button(self, *_: object) -> None:
        self.save_button.setEnabled(not self._busy and self.draft() is not None)
