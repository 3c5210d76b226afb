"""What a contacts import did, record by record: where, name, status, reason.

Shows a ``core.contacts.ImportReport`` (one ``ImportRow`` per CSV row or vCard).
Non-modal-friendly: open it with ``open()`` or ``show()``; "Close" (or Escape) closes it.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QVBoxLayout, QWidget

from hubdesk.core.contacts import ImportReport, ImportRow, ImportStatus
from hubdesk.ui.qt.fields import Tone, plain_label
from hubdesk.ui.qt.tables import Column, RecordTableModel, make_table

__all__ = ["ImportReportDialog", "import_report_model"]

_STATUS_TEXT = {
    ImportStatus.ADDED: "Added",
    ImportStatus.UPDATED: "Updated",
    ImportStatus.SKIPPED: "Skipped",
    ImportStatus.REJECTED: "Rejected",
}
_STATUS_TONE: dict[ImportStatus, Tone] = {
    ImportStatus.ADDED: "ok",
    ImportStatus.UPDATED: "ok",
    ImportStatus.REJECTED: "error",
}


def import_report_model(parent: QWidget | None = None) -> RecordTableModel[ImportRow]:
    return RecordTableModel(
        [
            Column("Row", lambda r: r.where),
            Column("Name", lambda r: r.name or "(no name)"),
            Column(
                "Status",
                lambda r: _STATUS_TEXT.get(r.status, r.status.value),
                tone=lambda r: _STATUS_TONE.get(r.status),
            ),
            Column("Reason", lambda r: r.reason),
        ],
        parent,
    )


class ImportReportDialog(QDialog):
    def __init__(self, report: ImportReport, title: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        heading = f"Import of {title}" if title else "Import report"
        self.setWindowTitle(heading)
        self.setAccessibleName(heading)
        self.summary = plain_label(report.summary(), self, name="Import summary", wrap=True)
        self.model = import_report_model(self)
        self.model.set_rows(report.rows)
        self.table = make_table(self.model, "Imported records", self)
        self.table.setAccessibleDescription(report.summary())
        self.table.setColumnWidth(0, 80)
        self.table.setColumnWidth(1, 180)
        self.table.setColumnWidth(2, 90)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.close_button = buttons.button(QDialogButtonBox.StandardButton.Close)
        self.close_button.setAccessibleName("Close import report")
        self.close_button.setDefault(True)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.resize(640, 380)
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)
