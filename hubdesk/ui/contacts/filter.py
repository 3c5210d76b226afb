"""``ContactFilter``: the Contacts page's rows whose name or number holds the search text,
in the chosen group."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel
from PySide6.QtWidgets import QWidget

from hubdesk.domain import Contact
from hubdesk.ui.qt.overrides import guarded
from hubdesk.ui.qt.tables import RecordTableModel

__all__ = ["ContactFilter"]

AnyIndex = QModelIndex | QPersistentModelIndex


class ContactFilter(QSortFilterProxyModel):
    """Rows whose name or number holds the search text, in the chosen group."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._needle = ""
        self._digits = ""
        self._group: str | None = None

    def set_search(self, text: str) -> None:
        self.beginFilterChange()
        self._needle = " ".join(text.split()).casefold()
        digits = "".join(ch for ch in text if ch.isdigit())
        # "07400…" and "447400…" both find the stored "447400…".
        self._digits = digits[1:] if digits.startswith("0") else digits
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_group(self, group: str | None) -> None:
        self.beginFilterChange()
        self._group = group
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    @guarded(True)
    def filterAcceptsRow(self, source_row: int, source_parent: AnyIndex) -> bool:
        model = self.sourceModel()
        if not isinstance(model, RecordTableModel):
            return True
        contact = model.row_at(source_row)
        if not isinstance(contact, Contact):
            return False
        if self._group is not None and self._group not in contact.groups:
            return False
        if not self._needle:
            return True
        if self._needle in contact.name.casefold():
            return True
        return bool(self._digits) and self._digits in contact.number
