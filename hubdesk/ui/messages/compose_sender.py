"""The compose pane's sender chooser: the "From:" label and the sender-ID combo box.

``SenderChooser`` is no widget of its own: it makes the label and the combo box as
children of the pane (which lays them out) and fills, reads and sets the choice.
Approved sender IDs are selectable; pending ones are listed, disabled, "awaiting
approval".
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QComboBox, QLabel, QWidget

from hubdesk.domain import SenderId
from hubdesk.domain.text import one_line

AWAITING = "awaiting approval"


class SenderChooser:
    """The combo box (``combo``, on its item ``model``) and its buddy ``label``."""

    def __init__(self, parent: QWidget) -> None:
        self.combo = QComboBox(parent)
        self.combo.setAccessibleName("Send from")
        self.combo.setToolTip("Sender ID the message is sent from")
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.combo.setPlaceholderText("Choose a sender ID")
        self.model = QStandardItemModel(self.combo)
        self.combo.setModel(self.model)
        self.label = QLabel("From:", parent)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setBuddy(self.combo)

    def fill(self, sender_ids: Iterable[SenderId], wanted: Sequence[str | None]) -> None:
        """List ``sender_ids``; select the first of ``wanted`` still approved, else the
        only approved id, else nothing (the user chooses)."""
        self.model.clear()
        approved: dict[str, int] = {}
        for row, sid in enumerate(sender_ids):
            shown = one_line(sid.sender_id)  # from the server: neutralised, one line
            label = shown if sid.approved else f"{shown} ({AWAITING})"
            item = QStandardItem(label)
            item.setData(sid.sender_id, Qt.ItemDataRole.UserRole)
            item.setData(label, Qt.ItemDataRole.AccessibleTextRole)
            item.setEnabled(sid.approved)
            item.setEditable(False)
            self.model.appendRow(item)
            if sid.approved:
                approved.setdefault(sid.sender_id, row)
        rows = [approved[w] for w in wanted if w is not None and w in approved]
        if not rows and len(approved) == 1:
            rows = list(approved.values())
        chosen = rows[0] if rows else -1
        self.combo.setCurrentIndex(chosen)

    def select(self, sender_id: str) -> bool:
        """Choose ``sender_id`` if it is listed and approved; False otherwise."""
        for row in range(self.model.rowCount()):
            item = self.model.item(row)
            if item.isEnabled() and item.data(Qt.ItemDataRole.UserRole) == sender_id:
                self.combo.setCurrentIndex(row)
                return True
        return False

    def sender_id(self) -> str | None:
        """The chosen sender ID (None: nothing chosen)."""
        value = self.combo.currentData(Qt.ItemDataRole.UserRole)
        return value if isinstance(value, str) else None
