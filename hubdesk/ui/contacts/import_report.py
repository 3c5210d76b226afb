"""What a contacts import did, record by record: where, name, status, reason.

Shows a ``core.contacts.ImportReport`` (one ``ImportRow`` per CSV row or vCard).
Non-modal-friendly: open it with ``open()`` or ``show()``; "Close" (or Escape) closes it.
"""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from hubdesk.core.contacts import ImportReport, ImportRow, ImportStatus
from hubdesk.ui.qt.fields import Tone
from hubdesk.ui.qt.report_dialog import RowsReportDialog
from hubdesk.ui.qt.tables import Column, RecordTableModel

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


class ImportReportDialog(RowsReportDialog):
    def __init__(
        self, report: ImportReport, title: str = "", parent: QWidget | None = None
    ) -> None:
        model = import_report_model()
        model.set_rows(report.rows)
        heading = f"Import of {title}" if title else "Import report"
        super().__init__(
            heading, report.summary(), model, "Imported records", (80, 180, 90), parent
        )
