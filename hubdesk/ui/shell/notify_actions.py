"""What the buttons of a notification do in the window (``Notifier``'s signals, wired to
the window's controllers through their public methods):

* the click and Reply: the window comes forward on that conversation, the cursor in the
  compose box (``MainController.text_number``);
* an inline reply (KDE): the typed text goes out through the normal send path
  (``Messenger.send``: the outbox, with one ``uuid`` per reply, so exactly once), from
  the sender ID the conversation would preselect. When it cannot go (no sender ID to
  choose for the user, signed out, refused before it was queued: an opted-out number),
  the conversation opens with the text as its draft (never over a draft being kept)
  and the reason is shown;
* Call back: the window on that conversation and the dialler's confirmation (the one a
  ``tel:`` link gets), never a call straight from the popup;
* Mark as read: the conversation is marked read (the list, the status bar and the tray
  badge follow ``Inbox.events.unread_changed``); the window stays where it is.

A conversation opened in the window takes its notification off the screen: it is read.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable

from PySide6.QtCore import QObject

from hubdesk.core.errors import describe_error
from hubdesk.ui.qt.async_slots import spawn
from hubdesk.ui.shell.controller import MainController
from hubdesk.ui.shell.notifications import Notifier

__all__ = ["NO_SENDER", "NotificationActions"]

log = logging.getLogger(__name__)

NO_SENDER = "Your reply is in the box: choose a sender ID, then press Send."
NOT_SIGNED_IN = "Your reply is in the box: sign in, then press Send."
DRAFT_KEPT = "Your reply was not sent: this conversation has a draft, which is kept."


class NotificationActions(QObject):
    """Wires a :class:`Notifier`'s buttons to the window (see the module docstring)."""

    def __init__(
        self,
        notifier: Notifier,
        controller: MainController,
        show_window: Callable[[], None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.notifier = notifier
        self.controller = controller
        self._show_window = show_window
        notifier.activated.connect(self.open)
        notifier.activated_summary.connect(show_window)
        notifier.reply_requested.connect(self.open)
        notifier.replied.connect(self.send_reply)
        notifier.call_back_requested.connect(self.call_back)
        notifier.mark_read_requested.connect(self.mark_read)
        controller.partner_opened.connect(notifier.close_for)

    def open(self, partner: str) -> None:
        """The conversation, in front, ready for the reply."""
        self._show_window()
        self.controller.text_number(partner)

    def call_back(self, partner: str) -> None:
        self._show_window()
        self.controller.text_number(partner)
        self.controller.calls.confirm_dial(partner)

    def mark_read(self, partner: str) -> None:
        spawn(self.controller.services.inbox.mark_read(partner), name="notify-mark-read")

    def send_reply(self, partner: str, text: str) -> None:
        """An inline reply: one task per reply (two replies in a row both go)."""
        spawn(self._send_reply(partner, text), name="notify-reply")

    async def _send_reply(self, partner: str, text: str) -> None:
        messenger = self.controller.services.messenger
        if messenger is None:
            await self._reply_in_window(partner, text, NOT_SIGNED_IN)
            return
        sender_id = await messenger.sender_for(partner)
        if sender_id is None:
            await self._reply_in_window(partner, text, NO_SENDER)
            return
        try:
            await messenger.send(partner, text, sender_id, uuid=uuid.uuid4().hex)
        except Exception as exc:  # refused before it was queued: nothing was sent
            log.info("inline reply not sent: %s", type(exc).__name__)
            await self._reply_in_window(partner, text, describe_error(exc), error=True)

    async def _reply_in_window(
        self, partner: str, text: str, note: str, *, error: bool = False
    ) -> None:
        """The reply could not go from the popup: the conversation with the text as its
        draft (unless it has one already), and why."""
        messenger = self.controller.services.messenger
        kept = False
        if messenger is not None:
            draft = await messenger.draft(partner)
            if draft and draft.strip() and draft != text:
                kept = True
            else:
                await messenger.save_draft(partner, text)
        self.open(partner)
        window = self.controller.window
        if kept:
            window.show_toast(DRAFT_KEPT, error=True)
        else:
            window.show_toast(note, error=error)
