"""What a templates import did, row by row: row, name, status, reason.

Shows a ``core.templates_io.TemplateImportReport``; open it with ``open()`` or
``show()``; "Close" (or Escape) closes it.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QVBoxLayout, QWidget

from hubdesk.core.templates_io import (
    TemplateImportReport,
    TemplateImportRow,
    TemplateImportStatus,
)
from hubdesk.ui.qt.fields import Tone, plain_label
from hubdesk.ui.qt.tables import Column, RecordTableModel, make_table

__all__ = ["ImportReportDialog", "import_report_model", "status_text"]

_TONES: dict[TemplateImportStatus, Tone] = {
    TemplateImportStatus.ADDED: "ok",
    TemplateImportStatus.REPLACED: "ok",
    TemplateImportStatus.SKIPPED: "warning",
    TemplateImportStatus.REJECTED: "error",
}


def status_text(row: TemplateImportRow) -> str:
    return row.status.value.capitalize()


def _reason(row: TemplateImportRow) -> str:
    if row.reason:
        return row.reason
    if row.status is TemplateImportStatus.SKIPPED:
        return "a template with this name exists; kept"
    return ""


def import_report_model(parent: QWidget | None = None) -> RecordTableModel[TemplateImportRow]:
    return RecordTableModel(
        [
            Column("Row", lambda r: str(r.row)),
            Column("Name", lambda r: r.name or "(no name)"),
            Column("Status", status_text, tone=lambda r: _TONES.get(r.status)),
            Column("Reason", _reason),
        ],
        parent,
    )


class ImportReportDialog(QDialog):
    """Every row of the file and what became of it, under the one-line summary."""

    def __init__(
        self, report: TemplateImportReport, title: str = "", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        heading = f"Import of {title}" if title else "Templates import"
        self.setWindowTitle(heading)
        self.setAccessibleName(heading)
        self.summary = plain_label(report.summary(), self, name="Import summary", wrap=True)
        self.model = import_report_model(self)
        self.model.set_rows(report.rows)
        self.table = make_table(self.model, "Imported templates", self)
        self.table.setAccessibleDescription(report.summary())
        self.table.setColumnWidth(0, 50)
        self.table.setColumnWidth(1, 160)
        self.table.setColumnWidth(2, 80)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.close_button = buttons.button(QDialogButtonBox.StandardButton.Close)
        self.close_button.setAccessibleName("Close import report")
        self.close_button.setDefault(True)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.resize(640, 360)
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)
