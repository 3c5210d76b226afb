"""Retry of a failed bubble: ONE action, a confirmation and then the outbox.

"Retry" (a click on the bubble's Retry, or Enter/R on it) opens a confirmation that
shows the text, the person and the sender ID and asks "Send again?"; "Send again" hands
the entry to ``Messenger.retry_entry``, the same outbox path as any message
(``core.resend.queue_resend`` for a message the server reports undelivered): committed
first, sent exactly once. The failed bubble then reads "Resent" and the list's failure
mark clears (the store's resend link). A message already sent again is refused with a
sentence, without a dialog; so is a second Retry the store refuses (another HubDesk
sent it meanwhile). Every notice about it keeps clear of the bubble it is about.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from hubdesk.core.errors import describe_error
from hubdesk.domain import MessageState, OutboxItem, OutboxState, ThreadEntry
from hubdesk.domain.text import one_line
from hubdesk.ui.messages.conversations.numbertext import number_text
from hubdesk.ui.qt.async_slots import async_slot
from hubdesk.ui.shell.services import Services
from hubdesk.ui.shell.window import MainWindow

__all__ = ["ALREADY_RESENT", "CONFIRM_TITLE", "RetryConfirm", "RetryFlow", "outcome_text"]

log = logging.getLogger(__name__)

CONFIRM_TITLE = "Send again?"
ALREADY_RESENT = (
    "This message was already sent again (the newer message below); it is not sent a third time."
)


def outcome_text(item: OutboxItem) -> str:
    """The notice after "Send again", by how far the resend got."""
    if item.state is OutboxState.SENT:
        return "Sent again."
    if item.state is OutboxState.FAILED:
        return "Sent again, but the server refused it: see the new message below."
    if item.state is OutboxState.UNKNOWN:
        return (
            "Sent again; the server's answer was lost. HubDesk checks before sending, "
            "so it never goes twice."
        )
    return "Queued: it is sent again as soon as the server can be reached."


class RetryConfirm(QMessageBox):
    """ "Send again?": the text, the person and the sender ID. Opened with ``open()``;
    ``accepted`` means send. Everything in it is plain text."""

    def __init__(self, entry: ThreadEntry, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.entry = entry
        self.setWindowTitle(CONFIRM_TITLE)
        self.setIcon(QMessageBox.Icon.Question)
        self.setTextFormat(Qt.TextFormat.PlainText)
        who = number_text(entry.partner)
        self.setText(f"Send this message again to {one_line(who)}?")
        self.setInformativeText(
            f"From: {one_line(entry.sender_id)}\n\n{entry.text}\n\n"
            "It goes out once, as a new message; this one will then read “Resent”."
        )
        self.send_button = self.addButton("&Send again", QMessageBox.ButtonRole.AcceptRole)
        self.cancel_button = self.addButton(QMessageBox.StandardButton.Cancel)
        self.setDefaultButton(self.send_button)
        self.setEscapeButton(self.cancel_button)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setAccessibleName(CONFIRM_TITLE)


class RetryFlow(QObject):
    """Confirm, then retry through ``Messenger.retry_entry``; one confirmation at a time."""

    def __init__(self, window: MainWindow, services: Services) -> None:
        super().__init__(window)
        self.window = window
        self.page = window.messages_page
        self.services = services
        self.confirm: RetryConfirm | None = None

    def request(self, entry: ThreadEntry) -> RetryConfirm | None:
        """Retry pressed on ``entry``: the confirmation (None when refused at once)."""
        if entry.state is not MessageState.FAILED or entry.call is not None:
            return None
        if entry.resent:
            self._notice(ALREADY_RESENT, error=True)
            return None
        if self.confirm is not None and self.confirm.isVisible():
            self.confirm.raise_()
            return self.confirm
        dialog = RetryConfirm(entry, self.window)
        dialog.accepted.connect(lambda: self.send(entry))
        dialog.finished.connect(lambda _r: self._closed(dialog))
        self.confirm = dialog
        dialog.open()
        return dialog

    def _closed(self, dialog: RetryConfirm) -> None:
        if self.confirm is dialog:
            self.confirm = None
        dialog.deleteLater()

    def _on_error(self, exc: Exception) -> None:
        log.info("retry refused: %s", type(exc).__name__)
        self._notice(describe_error(exc), error=True)

    @async_slot(on_error=_on_error)
    async def send(self, entry: ThreadEntry) -> None:
        """Send ``entry`` again (the confirmation said yes): exactly once, by the outbox."""
        messenger = self.services.messenger
        if messenger is None:
            raise RuntimeError("not signed in")
        item = await messenger.retry_entry(entry)
        self._notice(outcome_text(item), error=item.state is OutboxState.FAILED)

    def _notice(self, text: str, *, error: bool = False) -> None:
        self.window.show_toast(text, error=error)  # in the status bar: it covers no bubble
