"""The bulk send dialog's pages: write and choose recipients, the pre-send report, the
confirmation and the result (plain widgets; the dialog fills them and moves between
them)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from hubdesk.core.bulk import BulkPlan
from hubdesk.core.personalised import PersonalisedPlan, missing_sentence
from hubdesk.ui.bulk.recipients import BulkRecipients
from hubdesk.ui.bulk.report import (
    personal_lines,
    personal_totals,
    report_lines,
    report_model,
    totals_text,
)
from hubdesk.ui.messages.meter import SegmentMeter
from hubdesk.ui.qt.fields import plain_label, sentence, set_tone
from hubdesk.ui.qt.tables import make_table
from hubdesk.ui.qt.textedit import TextBox
from hubdesk.ui.templates.popup import TemplateKey

__all__ = ["ComposeStep", "ConfirmStep", "ReportStep", "ResultStep", "big_label"]


def big_label(label_text: str, parent: QWidget, name: str) -> QLabel:
    label = plain_label(label_text, parent, name=name, wrap=True)
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * 1.3)
    font.setBold(True)
    label.setFont(font)
    return label


class ComposeStep(QWidget):
    """The recipients' tabs, the sender ID, the message box with its meter, and a note
    (what is missing, or whom the send goes to)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.recipients = BulkRecipients(self)
        self.sender_combo = QComboBox(self)
        self.sender_combo.setAccessibleName("Send from")
        self.sender_combo.setPlaceholderText("Choose a sender ID")
        self.text = TextBox(self)
        self.text.setAccessibleName("Message text")
        self.text.setPlaceholderText("Type the message every recipient gets")
        self.text.setTabChangesFocus(True)
        self.text.setFixedHeight(110)
        self.template_key = TemplateKey(self.text)
        self.meter = SegmentMeter(self)
        self.note = plain_label("", self, name="What is missing", wrap=True)
        form = QFormLayout()
        form.addRow("&From:", self.sender_combo)
        form.addRow("&Message:", self.text)
        form.addRow("", self.meter)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.recipients, 1)
        box.addLayout(form)
        box.addWidget(self.note)


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

    def show_plan(self, plan: BulkPlan) -> None:
        """The pre-send report of one text for all."""
        self.totals.setText(totals_text(plan))
        self.summary.setText(plan.summary())
        lines = report_lines(plan)
        self.model.set_rows(lines)
        self.table.setVisible(bool(lines))
        if not plan.recipients:
            self.summary.setText(plan.summary() + " There is nobody left to send to.")
        set_tone(self.summary, "warning" if lines or plan.too_many else "muted")

    def show_personal_plan(self, plan: PersonalisedPlan) -> None:
        """The report of a text with placeholders: a few recipients' own texts, the
        parts, who is left out and why (a recipient without a value, in the error tone)."""
        self.totals.setText(personal_totals(plan))
        summary = plan.summary()
        if plan.missing_values:
            summary += " " + sentence(missing_sentence(plan.missing_values))
        elif not plan.recipients:
            summary += " There is nobody left to send to."
        self.summary.setText(summary)
        lines = personal_lines(plan)
        self.model.set_rows(lines)
        self.table.setVisible(bool(lines))
        set_tone(self.summary, "error" if plan.missing_values else "muted")


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
