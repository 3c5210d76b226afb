"""The prompt for overdue messages: scheduled ones whose time passed more than an hour
ago while HubDesk was not running. They are never sent without asking: the prompt lists
them with Send now, Cancel them and Decide later. It does not block the window (shown
with ``show()``, not modal)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QListWidget, QVBoxLayout, QWidget

from hubdesk.domain import OutboxItem
from hubdesk.ui.messages.conversations import single_line
from hubdesk.ui.messages.schedule_times import scheduled_label
from hubdesk.ui.qt.fields import plain_label
from hubdesk.ui.scheduled.rows import recipients_text

__all__ = ["OverduePrompt"]


class OverduePrompt(QDialog):
    """Asks what to do with overdue messages.

    Signals:
        decided(str, list): "send" (Send now) or "cancel" (Cancel them), and the outbox
            ids listed. "Decide later" emits nothing: they stay overdue in the
            Scheduled list.
    """

    decided = Signal(str, list)

    def __init__(
        self,
        items: Sequence[OutboxItem],
        names: Mapping[str, str],
        now: datetime,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Overdue messages")
        self.setAccessibleName("Overdue messages")
        self.setModal(False)
        self.ids = [i.id for i in items]
        count = len(items)
        self.question = plain_label("", self, name="Overdue question", wrap=True)
        self.list = QListWidget(self)
        self.list.setAccessibleName("Overdue messages")
        for item in items:
            when = scheduled_label(item.not_before or item.created_at, now)
            self.list.addItem(
                f"{when} · {recipients_text(item, names)} · {single_line(item.text, 80)}"
            )
        buttons = QDialogButtonBox(self)
        self.send_button = buttons.addButton("Send now", QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = buttons.addButton("", QDialogButtonBox.ButtonRole.DestructiveRole)
        self.later_button = buttons.addButton(
            "Decide later", QDialogButtonBox.ButtonRole.RejectRole
        )
        self.send_button.clicked.connect(lambda: self._decide("send"))
        self.cancel_button.clicked.connect(lambda: self._decide("cancel"))
        self.later_button.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.question)
        layout.addWidget(self.list, 1)
        layout.addWidget(buttons)
        self.resize(560, 300)
        self._say(count)

    def keep_only(self, overdue: set[int]) -> int:
        """Drop the messages no longer overdue (sent, cancelled or rescheduled from
        their bubble or the Scheduled list meanwhile); how many are left."""
        for row in reversed(range(len(self.ids))):
            if self.ids[row] not in overdue:
                del self.ids[row]
                self.list.takeItem(row)
        self._say(len(self.ids))
        return len(self.ids)

    def _say(self, count: int) -> None:
        self.question.setText(
            f"{count} scheduled message{'s were' if count != 1 else ' was'} not sent at "
            "the time set, because HubDesk was not running. Send now, or cancel?"
        )
        self.cancel_button.setText(f"Cancel {'them' if count != 1 else 'it'}")

    def _decide(self, what: str) -> None:
        self.accept()
        self.decided.emit(what, list(self.ids))
