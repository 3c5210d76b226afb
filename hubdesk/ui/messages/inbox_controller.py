"""``InboxController``: the inbox states of the Messages page, wired to ``core.inbox``:
Done / Back to inbox (menu, Ctrl+Shift+E) and Pin / Unpin. The list follows by itself:
``Inbox`` announces the change (``conversations_changed``) and the main controller
reloads the rows through the view chosen above the list."""

from __future__ import annotations

from PySide6.QtCore import QObject

from hubdesk.core.inbox import Inbox, SearchHit
from hubdesk.ui.qt.async_slots import async_slot
from hubdesk.ui.shell.window import MainWindow

__all__ = ["DONE_NOTE", "InboxController", "hit_key"]

DONE_NOTE = "Marked done: it comes back to the inbox when a new message arrives."


def hit_key(hit: SearchHit) -> str | None:
    """The thread entry a search hit opens at (``sms:<id>``, or ``outbox:<id>:<position>``
    for a message not sent yet), None for a contact or a conversation found by name or
    number."""
    return hit.key


class InboxController(QObject):
    """Done and Pin for the window's Messages page, over one ``Inbox``."""

    def __init__(self, window: MainWindow, inbox: Inbox) -> None:
        super().__init__(window)
        self.window = window
        self.page = page = window.messages_page
        self.inbox = inbox
        page.done_requested.connect(self.set_done)
        page.pin_requested.connect(self.set_pinned)

    @async_slot()
    async def set_done(self, partner: str, done: bool) -> None:
        if done:
            if await self.inbox.mark_done(partner):
                self.window.show_toast(DONE_NOTE)
        else:
            await self.inbox.mark_undone(partner)

    @async_slot()
    async def set_pinned(self, partner: str, pinned: bool) -> None:
        if pinned:
            await self.inbox.pin(partner)
        else:
            await self.inbox.unpin(partner)
