"""The bulk send's progress page: "n of N sent", a bar, and Pause / Resume and Cancel.

A bulk send is a batch of outbox rows (``core.batches``), sent by the outbox loop a few
at a time under the server's rate limit, whether or not this page is open; the page
shows the batch as it stands (``show_batch``) and asks for changes through its
signals. Cancel leaves nothing half-done: each recipient is sent once or not at all.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QProgressBar, QPushButton, QVBoxLayout, QWidget

from hubdesk.domain import BatchState, OutboxBatch, OutboxState
from hubdesk.ui.bulk.steps import big_label
from hubdesk.ui.qt.fields import Tone, plain_label, set_tone

__all__ = ["BatchProgress", "batch_summary", "done_of", "finished_detail"]

_DONE = (OutboxState.SENT, OutboxState.FAILED, OutboxState.CANCELLED)
_WAITING = (OutboxState.SCHEDULED, OutboxState.OVERDUE)


def _people(n: int) -> str:
    return f"{n} recipient{'s' * (n != 1)}"


def done_of(batch: OutboxBatch) -> tuple[int, int]:
    """Recipients settled (sent, failed or cancelled) and the total."""
    return batch.count(*_DONE), batch.recipients


def batch_summary(batch: OutboxBatch) -> tuple[str, Tone]:
    """One sentence on the batch as it stands, and its tone."""
    sent = batch.count(OutboxState.SENT)
    failed = batch.count(OutboxState.FAILED)
    cancelled = batch.count(OutboxState.CANCELLED)
    unknown = batch.count(OutboxState.UNKNOWN)
    total = batch.recipients
    if batch.finished:
        if sent == total:
            return f"Sent to {_people(total)}.", "ok"
        parts = [f"Sent to {sent} of {_people(total)}"]
        if cancelled:
            parts.append(f"{cancelled} cancelled (not sent)")
        if failed:
            parts.append(f"{failed} refused by the server")
        return "; ".join(parts) + ".", "warning" if not failed else "error"
    if batch.count(*_WAITING) == total:
        return f"Scheduled for {_people(total)}.", "muted"
    text = f"Sent {sent} of {total}"
    # The bar counts every settled recipient: say which are not sent, or the bar's
    # "34 of 38" stood beside "Sent 24 of 38" once Cancel had settled the rest.
    if cancelled:
        text += f", {cancelled} cancelled"
    if failed:
        text += f", {failed} refused by the server"
    if batch.state is BatchState.PAUSED:
        text += ". Paused: Resume goes on where it stopped"
    elif batch.state is BatchState.CANCELLED:
        text += ". Cancelling: messages on their way finish, the rest are not sent"
    else:
        text += ", paced under the server's rate limit"
    if unknown:
        text += f" ({unknown} being checked with the server, never sent twice)"
    return text + ".", "normal"


def finished_detail(batch: OutboxBatch) -> str:
    """The line under a finished bulk send's summary: where to go from here."""
    if batch.count(OutboxState.FAILED):
        return (
            "Each refused message shows in its conversation with the reason; "
            "Retry there sends it again."
        )
    if batch.count(OutboxState.CANCELLED):
        return "The cancelled recipients were not texted; nothing more goes out for this send."
    return "Each message is in its recipient's conversation."


class BatchProgress(QWidget):
    """Progress of one bulk send.

    Signals:
        pause_requested(): Pause.
        resume_requested(): Resume.
        cancel_requested(): Cancel the rest.
    """

    pause_requested = Signal()
    resume_requested = Signal()
    cancel_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.batch: OutboxBatch | None = None
        self.heading = big_label("Bulk send", self, "Bulk send")
        self.label = plain_label("Sending…", self, name="Send progress", wrap=True)
        self.bar = QProgressBar(self)
        self.bar.setAccessibleName("Send progress")
        self.bar.setFormat("%v of %m")
        self.pause_button = QPushButton("&Pause", self)
        self.pause_button.setAccessibleName("Pause the bulk send")
        self.pause_button.setAutoDefault(False)
        self.stop_button = QPushButton("Cancel the res&t", self)
        self.stop_button.setAccessibleName("Cancel the rest of the bulk send")
        self.stop_button.setToolTip(
            "Messages already on their way finish; nobody gets a message twice or half a send"
        )
        self.stop_button.setAutoDefault(False)
        self.pause_button.clicked.connect(self._pause_or_resume)
        self.stop_button.clicked.connect(self.cancel_requested)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.pause_button)
        buttons.addWidget(self.stop_button)
        box = QVBoxLayout(self)
        box.addStretch(1)
        box.addWidget(self.heading)
        box.addWidget(self.label)
        box.addWidget(self.bar)
        box.addLayout(buttons)
        box.addStretch(1)
        self._buttons(False)

    def show_busy(self, message: str) -> None:
        """Before the batch exists (being written): a busy bar, no buttons."""
        self.batch = None
        self.bar.setRange(0, 0)
        self.label.setText(message)
        set_tone(self.label, "normal")
        self._buttons(False)

    def show_batch(self, batch: OutboxBatch) -> None:
        self.batch = batch
        self.heading.setText(f"Bulk send from {batch.source} to {_people(batch.recipients)}")
        done, total = done_of(batch)
        self.bar.setRange(0, max(total, 1))
        self.bar.setValue(done)
        text, tone = batch_summary(batch)
        self.label.setText(text)
        set_tone(self.label, "warning" if batch.state is BatchState.PAUSED else tone)
        paused = batch.state is BatchState.PAUSED
        self.pause_button.setText("&Resume" if paused else "&Pause")
        self.pause_button.setAccessibleName(
            "Resume the bulk send" if paused else "Pause the bulk send"
        )
        self._buttons(not batch.finished and batch.state is not BatchState.CANCELLED)

    def _buttons(self, enabled: bool) -> None:
        self.pause_button.setEnabled(enabled)
        self.stop_button.setEnabled(enabled)

    def _pause_or_resume(self) -> None:
        if self.batch is not None and self.batch.state is BatchState.PAUSED:
            self.resume_requested.emit()
        else:
            self.pause_requested.emit()
