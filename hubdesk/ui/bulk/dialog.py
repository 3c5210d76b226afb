"""Bulk send, step by step: choose recipients and write -> check (the pre-send report)
-> confirm -> progress -> result.

Dumb dialog; the container does the work:

* "Check recipients" emits ``plan_requested(BulkInputs)``; the container runs
  ``BulkSender.plan`` (``core.bulk.plan_bulk``) and calls :meth:`show_plan` (or
  :meth:`show_error`).
* The report shows invalid inputs with reasons, duplicates, opted-out numbers removed and
  numbers outside the UK flagged, and the total "N recipients × k parts = M messages".
* "Send…" asks for confirmation; "Send now" emits ``send_requested(BulkSendRequest)``;
  the container calls :meth:`show_progress` and then :meth:`show_result`.

Open it with ``open()``. Escape closes it, except while a send is in flight.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from PySide6.QtCore import QRect, Qt, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from hubdesk.core.bulk import BulkPlan, BulkResult
from hubdesk.core.personalised import PersonalisedPlan
from hubdesk.domain import Contact, OutboxState, SenderId
from hubdesk.domain.segments import analyse
from hubdesk.ui.bulk.recipients import BulkRecipients
from hubdesk.ui.bulk.report import (
    BulkInputs,
    BulkSendRequest,
    refusal,
    report_lines,
    report_model,
    totals_text,
)
from hubdesk.ui.messages.conversations import single_line
from hubdesk.ui.messages.meter import SegmentMeter
from hubdesk.ui.qt.fields import Tone, plain_label, set_tone
from hubdesk.ui.qt.icons import IconSet
from hubdesk.ui.qt.tables import make_table
from hubdesk.ui.templates.popup import TemplateKey

__all__ = ["BulkSendDialog", "Step"]


class Step:
    COMPOSE, REPORT, CONFIRM, PROGRESS, RESULT = range(5)


def _big(label_text: str, parent: QWidget, name: str) -> QLabel:
    label = plain_label(label_text, parent, name=name, wrap=True)
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * 1.3)
    font.setBold(True)
    label.setFont(font)
    return label


class BulkSendDialog(QDialog):
    """One text to many: write, choose recipients, check the report, send.

    Signals:
        plan_requested(object): "Check recipients": the ``BulkInputs`` to plan.
        send_requested(object): "Send now" on a checked plan: the ``BulkSendRequest``.
        templates_requested(): Ctrl+T in the message box (insert a template).
    """

    plan_requested = Signal(object)
    send_requested = Signal(object)
    templates_requested = Signal()

    def __init__(self, parent: QWidget | None = None, icons: IconSet | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Bulk send")
        self.setAccessibleName("Bulk send")
        self.setModal(True)
        self.plan: BulkPlan | None = None
        self.personal: PersonalisedPlan | None = None
        self._inputs: BulkInputs | None = None
        self._busy = False
        self.pages = QStackedWidget(self)

        # 0: compose
        page = QWidget()
        self.recipients = BulkRecipients(page)
        self.sender_combo = QComboBox(page)
        self.sender_combo.setAccessibleName("Send from")
        self.sender_combo.setPlaceholderText("Choose a sender ID")
        self.text = QPlainTextEdit(page)
        self.text.setAccessibleName("Message text")
        self.text.setPlaceholderText("Type the message every recipient gets")
        self.text.setTabChangesFocus(True)
        self.text.setFixedHeight(110)
        self.template_key = TemplateKey(self.text)
        self.template_key.requested.connect(self.templates_requested)
        self.meter = SegmentMeter(page)
        self.compose_note = plain_label("", page, name="What is missing", wrap=True)
        form = QFormLayout()
        form.addRow("&From:", self.sender_combo)
        form.addRow("&Message:", self.text)
        form.addRow("", self.meter)
        box = QVBoxLayout(page)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.recipients, 1)
        box.addLayout(form)
        box.addWidget(self.compose_note)
        self.pages.addWidget(page)

        # 1: report
        page = QWidget()
        self.totals = _big("", page, "Messages to send")
        self.report_summary = plain_label("", page, name="Report summary", wrap=True)
        self.report = report_model(page)
        self.report_table = make_table(self.report, "Recipients left out or flagged", page)
        for column, width in enumerate((110, 140, 130)):
            self.report_table.setColumnWidth(column, width)
        header = self.report_table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        box = QVBoxLayout(page)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.totals)
        box.addWidget(self.report_summary)
        box.addWidget(self.report_table, 1)
        self.pages.addWidget(page)

        # 2: confirm
        page = QWidget()
        self.confirm_question = _big("", page, "Confirm the send")
        self.confirm_detail = plain_label("", page, name="Send details", wrap=True)
        self.preview = QPlainTextEdit(page)
        self.preview.setReadOnly(True)
        self.preview.setAccessibleName("Message to send")
        self.preview.setTabChangesFocus(True)
        box = QVBoxLayout(page)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.confirm_question)
        box.addWidget(self.confirm_detail)
        box.addWidget(self.preview, 1)
        self.pages.addWidget(page)

        # 3: progress
        page = QWidget()
        self.progress_label = plain_label("Sending…", page, name="Send progress", wrap=True)
        self.progress = QProgressBar(page)
        self.progress.setAccessibleName("Send progress")
        box = QVBoxLayout(page)
        box.addStretch(1)
        box.addWidget(self.progress_label)
        box.addWidget(self.progress)
        box.addStretch(1)
        self.pages.addWidget(page)

        # 4: result
        page = QWidget()
        self.result_label = _big("", page, "Bulk send result")
        self.result_detail = plain_label("", page, name="Result details", wrap=True)
        box = QVBoxLayout(page)
        box.addStretch(1)
        box.addWidget(self.result_label)
        box.addWidget(self.result_detail)
        box.addStretch(1)
        self.pages.addWidget(page)

        self.back_button = QPushButton("&Back", self)
        self.back_button.setAccessibleName("Back")
        self.next_button = QPushButton(self)
        self.cancel_button = QPushButton("Cancel", self)
        self._send_icon = icons.icon("bulk-send") if icons is not None else QIcon()
        buttons = QHBoxLayout()
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)
        buttons.addWidget(self.next_button)
        buttons.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages, 1)
        layout.addLayout(buttons)
        self.resize(780, 600)

        self.recipients.changed.connect(self._update)
        self.sender_combo.currentIndexChanged.connect(self._update)
        self.text.textChanged.connect(self._update)
        self.next_button.clicked.connect(self.next_step)
        self.back_button.clicked.connect(self.back)
        self.cancel_button.clicked.connect(self.reject)
        self._go(Step.COMPOSE)

    # --- methods in ---------------------------------------------------------------
    def set_contacts(self, contacts: Iterable[Contact]) -> None:
        self.recipients.set_contacts(contacts)

    def set_groups(self, groups: Iterable[str]) -> None:
        self.recipients.set_groups(groups)

    def set_sender_ids(self, sender_ids: Iterable[SenderId], default: str | None = None) -> None:
        """Approved ids only (a bulk send cannot go from one awaiting approval). Selected:
        ``default``, else the only one; else the user chooses (no default set)."""
        self.sender_combo.clear()
        for sid in sender_ids:
            if sid.approved:
                self.sender_combo.addItem(single_line(sid.sender_id, 60), sid.sender_id)
        index = self.sender_combo.findData(default) if default is not None else -1
        if index < 0 and self.sender_combo.count() == 1:
            index = 0
        self.sender_combo.setCurrentIndex(index)
        self._update()

    def set_text(self, text: str) -> None:
        self.text.setPlainText(text)

    def insert_template(self, text: str) -> None:
        """Put a template's text at the message box's cursor."""
        self.template_key.insert(text)

    def template_anchor(self) -> QRect:
        return self.template_key.anchor()

    def prefill_numbers(self, numbers: Sequence[str]) -> None:
        """Start with these numbers pasted (New message to several people): their tab
        is shown and the message box has the focus, as the note says what is missing."""
        self.recipients.pasted.setPlainText("\n".join(numbers))
        tab = self.recipients.pasted.parentWidget()
        if tab is not None:
            self.recipients.setCurrentWidget(tab)
        self.text.setFocus(Qt.FocusReason.OtherFocusReason)

    def show_plan(self, plan: BulkPlan, personal: PersonalisedPlan | None = None) -> None:
        """The container's answer to ``plan_requested``: show the pre-send report
        (``personal``: each recipient's own text, for a text with placeholders)."""
        self._busy = False
        if self._inputs is None:
            self._inputs = self.inputs()
        self.plan, self.personal = plan, personal
        self.totals.setText(totals_text(plan, personal))
        summary = personal.summary() if personal is not None else plan.summary()
        lines = report_lines(plan, personal)
        self.report.set_rows(lines)
        self.report_table.setVisible(bool(lines))
        if not plan.recipients:
            summary += " There is nobody left to send to."
        refused = refusal(personal)
        self.report_summary.setText(refused or summary)
        tone: Tone = "error" if refused else "warning" if lines or plan.too_many else "muted"
        set_tone(self.report_summary, tone)
        self._go(Step.REPORT)

    def show_progress(self, done: int = 0, total: int = 0, message: str = "") -> None:
        """Sending: ``total`` 0 shows a busy bar."""
        self._busy = True
        self.progress.setRange(0, max(total, 0))
        if total:
            self.progress.setValue(done)
        self.progress_label.setText(message or "Sending…")
        self._go(Step.PROGRESS)

    def show_result(self, result: BulkResult) -> None:
        self._busy = False
        state = result.item.state if result.item is not None else None
        tones: dict[OutboxState | None, Tone] = {
            OutboxState.SENT: "ok",
            OutboxState.FAILED: "error",
            None: "error",
        }
        tone: Tone = tones.get(state, "warning")
        self.result_label.setText(result.summary)
        set_tone(self.result_label, tone)
        extra = [f"{result.recipients} recipients, {result.parts} messages."]
        if result.opted_out:
            extra.append(f"{len(result.opted_out)} opted out since the check and were skipped.")
        self.result_detail.setText(" ".join(extra))
        self._go(Step.RESULT)

    def show_error(self, message: str) -> None:
        """A failed check or send: back to where the user can fix it, with the reason."""
        self._busy = False
        step = Step.COMPOSE if self.step() in (Step.COMPOSE, Step.REPORT) else Step.CONFIRM
        self._go(step)
        note = self.compose_note if step == Step.COMPOSE else self.confirm_detail
        note.setText(message)
        set_tone(note, "error")

    # --- values out ---------------------------------------------------------------
    def step(self) -> int:
        return self.pages.currentIndex()

    def inputs(self) -> BulkInputs:
        sender = self.sender_combo.currentData()
        return BulkInputs(
            text=self.text.toPlainText(),
            sender_id=sender if isinstance(sender, str) else None,
            contacts=self.recipients.contacts(),
            groups=self.recipients.groups(),
            pasted=self.recipients.pasted_text(),
            csv_path=self.recipients.csv_path(),
        )

    def _can_confirm(self) -> bool:
        return (
            self.plan is not None
            and self.plan.recipients > 0
            and not self.plan.too_many
            and refusal(self.personal) is None
        )

    def missing(self) -> str | None:
        inputs = self.inputs()
        if inputs.empty:
            return "Choose contacts or groups, paste numbers or pick a CSV file."
        if inputs.sender_id is None:
            if self.sender_combo.count():
                return "Choose the sender ID to send from."
            return "No approved sender ID yet: request one on the Sender IDs page."
        if not inputs.text.strip():
            return "Write the message."
        return None

    # --- actions ------------------------------------------------------------------
    def next_step(self) -> None:
        step = self.step()
        if step == Step.COMPOSE and not self._busy and self.missing() is None:
            self._inputs = self.inputs()
            self._busy = True
            self._update()
            self.plan_requested.emit(self._inputs)
        elif step == Step.REPORT and self._can_confirm():
            self._go(Step.CONFIRM)
        elif step == Step.CONFIRM and self.plan is not None and self._inputs is not None:
            sender = self._inputs.sender_id
            if sender is None:
                return
            self._busy = True
            self.send_requested.emit(
                BulkSendRequest(self.plan, sender, self._inputs.text, self.personal)
            )
            if self._busy and self.step() == Step.CONFIRM:  # no answer yet
                self.show_progress()
        elif step == Step.RESULT:
            self.accept()

    def back(self) -> None:
        if self.step() in (Step.REPORT, Step.CONFIRM) and not self._busy:
            self._go(self.step() - 1)

    def reject(self) -> None:
        if self._busy and self.step() == Step.PROGRESS:
            return  # a send in flight: wait for its result
        super().reject()

    # --- internals ----------------------------------------------------------------
    def _go(self, step: int) -> None:
        if step == Step.COMPOSE:
            self.plan = self.personal = None
        if step == Step.CONFIRM and self.plan is not None and self._inputs is not None:
            plan, inputs = self.plan, self._inputs
            people = "recipient" if plan.recipients == 1 else "recipients"
            self.confirm_question.setText(
                f"Send to {plan.recipients} {people} from {inputs.sender_id}?"
            )
            totals = totals_text(plan, self.personal)
            self.confirm_detail.setText(f"{totals}. This cannot be undone or recalled.")
            set_tone(self.confirm_detail, "normal")
            self.preview.setPlainText(inputs.text)
        self.pages.setCurrentIndex(step)
        self._update()
        focus: QWidget = {
            Step.COMPOSE: self.recipients,
            Step.REPORT: self.next_button,
            Step.CONFIRM: self.back_button,
            Step.PROGRESS: self.progress,
            Step.RESULT: self.next_button,
        }[step]
        focus.setFocus(Qt.FocusReason.OtherFocusReason)

    def _update(self, *_: object) -> None:
        step = self.step()
        info = analyse(self.text.toPlainText())
        self.meter.show_info(info)
        if step == Step.COMPOSE:
            missing = self.missing()
            self.compose_note.setText(
                missing or f"Recipients: {self.recipients.summary()}. Check them before sending."
            )
            set_tone(self.compose_note, "muted")
        labels = {
            Step.COMPOSE: ("Checking…" if self._busy else "Check &recipients", "Check recipients"),
            Step.REPORT: ("&Send…", "Continue to confirm the send"),
            Step.CONFIRM: ("Send &now", "Send now"),
            Step.PROGRESS: ("Sending…", "Sending"),
            Step.RESULT: ("&Close", "Close"),
        }
        text, name = labels[step]
        self.next_button.setText(text)
        self.next_button.setAccessibleName(name)
        enabled = {
            Step.COMPOSE: not self._busy and self.missing() is None,
            Step.REPORT: self._can_confirm(),
            Step.CONFIRM: not self._busy,
            Step.PROGRESS: False,
            Step.RESULT: True,
        }[step]
        self.next_button.setEnabled(enabled)
        self.next_button.setIcon(self._send_icon if step == Step.CONFIRM else QIcon())
        self.next_button.setDefault(True)
        self.back_button.setVisible(step in (Step.REPORT, Step.CONFIRM))
        self.cancel_button.setVisible(step != Step.RESULT)
        self.cancel_button.setEnabled(step != Step.PROGRESS)
        self.cancel_button.setAccessibleName("Cancel bulk send")
