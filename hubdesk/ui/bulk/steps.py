"""The bulk send dialog's middle and last pages: the pre-send report, the confirmation
and the result (plain widgets; the dialog fills them)."""

from __future__ import annotations

from PySide6.QtWidgets import QHeaderView, QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from hubdesk.ui.bulk.report import report_model
from hubdesk.ui.qt.fields import plain_label
from hubdesk.ui.qt.tables import make_table

__all__ = ["ConfirmStep", "ReportStep", "ResultStep", "big_label"]


def big_label(label_text: str, parent: QWidget, name: str) -> QLabel:
    label = plain_label(label_text, parent, name=name, wrap=True)
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * 1.3)
    font.setBold(True)
    label.setFont(font)
    return label


class ReportStep(QWidget):
    """The totals, a summary and the table of previews, exclusions and flags."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.totals = big_label("", self, "Messages to send")
        self.summary = plain_label("", self, name="Report summary", wrap=True)
        self.model = report_model(self)
        self.table = make_table(self.model, "Recipients left out or flagged", self)
        for column, width in enumerate((110, 140, 130)):
            self.table.setColumnWidth(column, width)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.totals)
        box.addWidget(self.summary)
        box.addWidget(self.table, 1)


class ConfirmStep(QWidget):
    """The question, the details and the text (a recipient's own, when personalised)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.question = big_label("", self, "Confirm the send")
        self.detail = plain_label("", self, name="Send details", wrap=True)
        self.preview = QPlainTextEdit(self)
        self.preview.setReadOnly(True)
        self.preview.setAccessibleName("Message to send")
        self.preview.setTabChangesFocus(True)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.question)
        box.addWidget(self.detail)
        box.addWidget(self.preview, 1)


class ResultStep(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = big_label("", self, "Bulk send result")
        self.detail = plain_label("", self, name="Result details", wrap=True)
        box = QVBoxLayout(self)
        box.addStretch(1)
        box.addWidget(self.label)
        box.addWidget(self.detail)
        box.addStretch(1)
