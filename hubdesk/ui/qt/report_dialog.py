"""``RowsReportDialog``: a one-line summary over a table of rows, and Close.

What an import did, row by row (contacts, templates): each feature gives its heading,
its summary sentence, its ``RecordTableModel`` already filled, and the widths of its
first columns. Open it with ``open()`` or ``show()``; "Close" (or Escape) closes it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QVBoxLayout, QWidget

from hubdesk.ui.qt.fields import plain_label
from hubdesk.ui.qt.tables import RecordTableModel, make_table

__all__ = ["RowsReportDialog"]


class RowsReportDialog(QDialog):
    """``summary`` above ``model``'s rows (plain text), focus on the table."""

    def __init__(
        self,
        heading: str,
        summary: str,
        model: RecordTableModel[Any],
        table_name: str,
        widths: Sequence[int],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(heading)
        self.setAccessibleName(heading)
        self.summary = plain_label(summary, self, name="Import summary", wrap=True)
        model.setParent(self)
        self.model = model
        self.table = make_table(model, table_name, self)
        self.table.setAccessibleDescription(summary)
        for column, width in enumerate(widths):
            self.table.setColumnWidth(column, width)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.close_button = buttons.button(QDialogButtonBox.StandardButton.Close)
        self.close_button.setAccessibleName("Close import report")
        self.close_button.setDefault(True)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.resize(640, 370)
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)
