"""Bulk send, step by step: choose recipients and write -> check (the pre-send report)
-> confirm -> progress -> result.

Dumb dialog; the container does the work:

* "Check recipients" emits ``plan_requested(BulkInputs)``; the container runs
  ``BulkSender.plan`` (``core.bulk.plan_bulk``) and calls :meth:`show_plan` (or
  :meth:`show_error`).
* The report shows invalid inputs with reasons, duplicates, opted-out numbers removed and
  numbers outside the UK flagged, and the total "N recipients × k parts = M messages".
* A text with placeholders is planned per recipient: the container calls
  :meth:`show_personal_plan` (previews, parts, who is left out and why).
* "Send…" asks for confirmation; "Send now" (or a time from "Send later…") emits
  ``send_requested(BulkSendRequest)``; the container shows the batch as it goes
  (:meth:`show_batch`: n of N, Pause / Resume, Cancel the rest) and its end.

Open it with ``open()``. Escape closes it, except while a send is in flight. The pages
themselves (compose, report, confirm, result) are in ``steps``, the progress in
``progress``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from PySide6.QtCore import QRect, Qt, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from hubdesk.core.bulk import BulkPlan, BulkResult
from hubdesk.core.personalised import PersonalisedPlan
from hubdesk.domain import Contact, OutboxBatch, OutboxState, SenderId
from hubdesk.domain.segments import analyse
from hubdesk.ui.bulk.progress import BatchProgress, batch_summary, finished_detail
from hubdesk.ui.bulk.report import BulkInputs, BulkSendRequest, personal_totals, totals_text
from hubdesk.ui.bulk.steps import ComposeStep, ConfirmStep, ReportStep, ResultStep
from hubdesk.ui.messages.conversations import single_line
from hubdesk.ui.messages.schedule_menu import SendLaterButton
from hubdesk.ui.qt.fields import Tone, set_tone
from hubdesk.ui.qt.icons import IconSet

__all__ = ["BulkSendDialog", "Step"]


class Step:
    COMPOSE, REPORT, CONFIRM, PROGRESS, RESULT = range(5)


class BulkSendDialog(QDialog):
    """One text to many: write, choose recipients, check the report, send.

    Signals:
        plan_requested(object): "Check recipients": the ``BulkInputs`` to plan.
        send_requested(object): "Send now" or "Send later…" on a checked plan: the
            ``BulkSendRequest``.
        pause_requested(): Pause while it sends.
        resume_requested(): Resume a paused send.
        stop_requested(): Cancel the rest of the send.
        templates_requested(): Ctrl+T in the message box (insert a template).
    """

    plan_requested = Signal(object)
    send_requested = Signal(object)
    pause_requested = Signal()
    resume_requested = Signal()
    stop_requested = Signal()
    templates_requested = Signal()

    def __init__(self, parent: QWidget | None = None, icons: IconSet | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Bulk send")
        self.setAccessibleName("Bulk send")
        self.setModal(True)
        self.plan: BulkPlan | None = None
        self.personal: PersonalisedPlan | None = None  # a text with placeholders
        self._inputs: BulkInputs | None = None
        self._busy = False
        self.pages = QStackedWidget(self)

        # 0: compose
        page = ComposeStep()
        self.recipients, self.sender_combo = page.recipients, page.sender_combo
        self.text, self.template_key = page.text, page.template_key
        self.template_key.requested.connect(self.templates_requested)
        self.meter, self.compose_note = page.meter, page.note
        self.pages.addWidget(page)

        # 1: report, 2: confirm
        report, confirm = ReportStep(), ConfirmStep()
        self._report = report
        self.totals, self.report_summary = report.totals, report.summary
        self.report, self.report_table = report.model, report.table
        self.confirm_question, self.confirm_detail = confirm.question, confirm.detail
        self.preview = confirm.preview
        self.pages.addWidget(report)
        self.pages.addWidget(confirm)

        # 3: progress
        self.progress_page = BatchProgress()
        self.progress, self.progress_label = self.progress_page.bar, self.progress_page.label
        self.progress_page.pause_requested.connect(self.pause_requested)
        self.progress_page.resume_requested.connect(self.resume_requested)
        self.progress_page.cancel_requested.connect(self.stop_requested)
        self.pages.addWidget(self.progress_page)

        # 4: result
        result = ResultStep()
        self.result_label, self.result_detail = result.label, result.detail
        self.pages.addWidget(result)

        self.back_button = QPushButton("&Back", self)
        self.back_button.setAccessibleName("Back")
        self.next_button = QPushButton(self)
        self.cancel_button = QPushButton("Cancel", self)
        self.later_button = SendLaterButton(self)
        self.later_button.time_chosen.connect(self._send)
        self._send_icon = icons.icon("bulk-send") if icons is not None else QIcon()
        buttons = QHBoxLayout()
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)
        buttons.addWidget(self.next_button)
        buttons.addWidget(self.later_button)
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

    def show_plan(self, plan: BulkPlan) -> None:
        """The container's answer to ``plan_requested``: show the pre-send report."""
        self._busy = False
        if self._inputs is None:
            self._inputs = self.inputs()
        self.plan, self.personal = plan, None
        self._report.show_plan(plan)
        self._go(Step.REPORT)

    def show_personal_plan(self, plan: PersonalisedPlan) -> None:
        """The report of a text with placeholders: a few recipients' own texts, the
        parts, who is left out and why; a recipient without a value blocks the send."""
        self._busy = False
        if self._inputs is None:
            self._inputs = self.inputs()
        self.plan, self.personal = None, plan
        self._report.show_personal_plan(plan)
        self._go(Step.REPORT)

    def show_progress(self, done: int = 0, total: int = 0, message: str = "") -> None:
        """Sending: ``total`` 0 shows a busy bar."""
        self._busy = True
        self.progress_page.show_busy(message or "Sending…")
        if total:
            self.progress.setRange(0, total)
            self.progress.setValue(done)
        self._go(Step.PROGRESS)

    def show_batch(self, batch: OutboxBatch) -> None:
        """The bulk send as it stands: its progress while it goes, its end after."""
        self.progress_page.show_batch(batch)
        if not batch.finished:
            self._busy = True
            if self.step() != Step.PROGRESS:
                self._go(Step.PROGRESS)
            return
        self._busy = False
        text, tone = batch_summary(batch)
        self.result_label.setText(text)
        set_tone(self.result_label, tone)
        self.result_detail.setText(finished_detail(batch))
        self._go(Step.RESULT)

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
        if self.personal is not None:
            return self.personal.recipients > 0 and not self.personal.missing_values
        return self.plan is not None and self.plan.recipients > 0 and not self.plan.too_many

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
        elif step == Step.CONFIRM:
            self._send(None)
        elif step == Step.RESULT:
            self.accept()

    def _send(self, when: object) -> None:
        """Send now (``when`` None) or at ``when`` (aware UTC, from Send later…)."""
        inputs = self._inputs
        if self.step() != Step.CONFIRM or self._busy or inputs is None or not self._can_confirm():
            return
        sender = inputs.sender_id
        if sender is None:
            return
        self._busy = True
        moment = when if isinstance(when, datetime) else None
        self.send_requested.emit(
            BulkSendRequest(self.plan, sender, inputs.text, self.personal, moment)
        )
        if self._busy and self.step() == Step.CONFIRM:  # no answer yet
            self.show_progress()

    def back(self) -> None:
        if self.step() in (Step.REPORT, Step.CONFIRM) and not self._busy:
            self._go(self.step() - 1)

    def reject(self) -> None:
        if self._busy and self.step() == Step.PROGRESS:
            return  # a send in flight: wait for its result
        super().reject()

    # --- internals ----------------------------------------------------------------
    def _recipients(self) -> int:
        if self.personal is not None:
            return self.personal.recipients
        return self.plan.recipients if self.plan is not None else 0

    def _go(self, step: int) -> None:
        if step == Step.COMPOSE:
            self.plan = self.personal = None
        if step == Step.CONFIRM and self._inputs is not None and self._can_confirm():
            inputs, count = self._inputs, self._recipients()
            people = "recipient" if count == 1 else "recipients"
            self.confirm_question.setText(f"Send to {count} {people} from {inputs.sender_id}?")
            totals = (
                personal_totals(self.personal)
                if self.personal is not None
                else totals_text(self.plan)  # type: ignore[arg-type]
            )
            self.confirm_detail.setText(f"{totals}. This cannot be undone or recalled.")
            set_tone(self.confirm_detail, "normal")
            shown = self.personal.previews(1) if self.personal is not None else ()
            self.preview.setPlainText(shown[0].text if shown else inputs.text)
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
        self.cancel_button.setVisible(step not in (Step.RESULT, Step.PROGRESS))
        self.cancel_button.setEnabled(step != Step.PROGRESS)
        self.cancel_button.setAccessibleName("Cancel bulk send")
        self.later_button.setVisible(step == Step.CONFIRM)
        self.later_button.setEnabled(step == Step.CONFIRM and not self._busy)
