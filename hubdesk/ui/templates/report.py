"""What a templates import did, row by row: row, name, status, reason.

Shows a ``core.templates_io.TemplateImportReport``; open it with ``open()`` or
``show()``; "Close" (or Escape) closes it.
"""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from hubdesk.core.templates_io import (
    TemplateImportReport,
    TemplateImportRow,
    TemplateImportStatus,
)
from hubdesk.ui.qt.fields import Tone
from hubdesk.ui.qt.report_dialog import RowsReportDialog
from hubdesk.ui.qt.tables import Column, RecordTableModel

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


class ImportReportDialog(RowsReportDialog):
    """Every row of the file and what became of it, under the one-line summary."""

    def __init__(
        self, report: TemplateImportReport, title: str = "", parent: QWidget | None = None
    ) -> None:
        model = import_report_model()
        model.set_rows(report.rows)
        heading = f"Import of {title}" if title else "Templates import"
        super().__init__(
            heading, report.summary(), model, "Imported templates", (50, 160, 80), parent
        )
