"""Wires the compose pane of the open conversation to ``core.messenger``: send, drafts,
retry of a failed bubble, the sender-ID choice and why sending is blocked.

``MainController`` owns one and tells it which conversation is open (``current``). It
uses the Messages page's compose pane (``MessagesPage.compose``, built when this
controller is: after the first paint) through the pane's signals and methods.

The editor's text belongs to one conversation, its *owner*: the one whose draft was last
put in it. Opening another conversation takes a moment (the thread and the draft come
from the store), and the user may go on typing meanwhile, or an ``sms:`` link from
another program may start the switch under their hands. Everything typed until the new
draft is shown is the owner's: saved as the owner's draft, never as the new
conversation's, and never sent while the header already shows someone else.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from datetime import UTC, datetime

from PySide6.QtCore import QObject

from hubdesk.core.messenger import CHOOSE_SENDER
from hubdesk.domain import ThreadEntry
from hubdesk.domain.numbers import charge_of
from hubdesk.ui.messages.retry import RetryConfirm, RetryFlow
from hubdesk.ui.messages.schedule_times import scheduled_phrase
from hubdesk.ui.qt.async_slots import async_slot, spawn
from hubdesk.ui.shell.services import Services
from hubdesk.ui.shell.window import MainWindow

__all__ = ["ComposeController"]


class ComposeController(QObject):
    """Send, drafts and sender IDs for the conversation ``current()`` returns."""

    def __init__(
        self, window: MainWindow, services: Services, current: Callable[[], str | None]
    ) -> None:
        super().__init__(window)
        self.window = window
        self.page = window.messages_page
        self.compose = self.page.compose
        self.services = services
        self._current = current
        self._owner: str | None = None  # whose text the editor holds
        self._drafts: dict[str, str] = {}
        self._draft_task: asyncio.Task[None] | None = None
        self.compose.send_requested.connect(self.send)
        self.compose.send_later_requested.connect(self.send_later)
        self.compose.draft_changed.connect(self.save_draft)
        self.compose.sender_changed.connect(self.update_blocked)
        self.retrying = RetryFlow(window, services)
        self.page.retry_requested.connect(self.retry)

    # --- opening --------------------------------------------------------------------
    def enable_for(self, partner: str) -> None:
        """The pane takes text for ``partner``, flagged when texting it costs more
        (premium rate, 070, 087…)."""
        self.compose.setEnabled(True)
        self.compose.set_charge(charge_of(partner))

    async def show_draft(self, partner: str) -> bool:
        """Put ``partner``'s saved draft in the editor; False when another conversation
        was opened meanwhile."""
        messenger = self.services.messenger
        draft = await messenger.draft(partner) if messenger is not None else None
        if partner != self._current():
            return False
        compose = self.compose
        compose.flush_draft()  # what was typed while switching: the previous owner's
        compose.set_text(draft or "")
        self._owner = partner
        return True

    def owner(self) -> str | None:
        """The conversation whose draft the editor holds (during a switch, the previous
        one)."""
        return self._owner

    async def fill_senders(self, partner: str, *, keep_choice: bool = False) -> None:
        """The sender ids, ``partner``'s preselected (``Messenger.sender_for``); with
        ``keep_choice`` (a refreshed list, same conversation) the user's pick stays."""
        messenger = self.services.messenger
        default = await messenger.sender_for(partner) if messenger is not None else None
        self.compose.set_sender_ids(
            self.services.sender_ids.items, default, keep_current=keep_choice
        )
        await self._update_blocked()

    def refresh_senders(self) -> None:
        partner = self._current()
        if partner is not None:
            spawn(self.fill_senders(partner, keep_choice=True), name="ui-senders")

    def update_blocked(self) -> None:
        spawn(self._update_blocked(), name="ui-blocked")

    async def _update_blocked(self) -> None:
        partner, messenger = self._current(), self.services.messenger
        compose = self.compose
        if partner is None:
            return
        if messenger is None:
            compose.set_send_blocked(None if self.services.signed_in else "Sign in to send.")
            return
        reason = await messenger.send_blocked_reason(partner, compose.sender_id())
        if partner == self._current():  # no sender ID picked yet: a prompt, not an error
            compose.set_send_blocked(reason, hint=reason == CHOOSE_SENDER)

    # --- sending --------------------------------------------------------------------
    @async_slot()
    async def send(self, sender_id: str, text: str) -> None:
        partner, messenger = self._current(), self.services.messenger
        compose = self.compose
        if partner is None or partner != self._owner:
            return  # switching: the text is another conversation's (kept as its draft)
        if messenger is None:
            raise RuntimeError("not signed in")
        compose.clear_after_send()  # the outbox holds it from here on
        try:
            receipt = await messenger.send(partner, text, sender_id, uuid=uuid.uuid4().hex)
        except Exception:
            if partner == self._current() and not compose.text():
                compose.set_text(text)  # refused before queueing: give the text back
                await messenger.save_draft(partner, text)
            raise
        if receipt.note:
            self.window.show_toast(f"Sent to a number outside the UK: {receipt.note}")
        self.page.scroll_to_newest()

    @async_slot()
    async def send_later(self, sender_id: str, text: str, when: datetime) -> None:
        """Send later: committed at once as a ``scheduled`` outbox row (its bubble shows
        "Scheduled · Tue 09:00"); refused before queueing, the text stays in the box."""
        partner, messenger = self._current(), self.services.messenger
        if partner is None or partner != self._owner:
            return
        if messenger is None:
            raise RuntimeError("not signed in")
        receipt = await messenger.send_later(partner, text, when, sender_id, uuid=uuid.uuid4().hex)
        if partner == self._current() and self.compose.text() == text:
            self.compose.clear_after_send()
        shown = scheduled_phrase(when, datetime.now(UTC))
        self.window.show_toast(f"Scheduled for {shown}. It goes out while HubDesk runs.")
        if receipt.note:
            self.window.show_toast(f"A number outside the UK: {receipt.note}")
        self.page.scroll_to_newest()

    def retry(self, entry: ThreadEntry) -> RetryConfirm | None:
        """Retry on a failed bubble: confirm, then the outbox (``ui.messages.retry``)."""
        return self.retrying.request(entry)

    # --- drafts ---------------------------------------------------------------------
    def save_draft(self, text: str) -> None:
        """Keep the newest text per conversation, as the draft of the conversation it was
        typed in (the owner); one writer task saves them in turn (an ``async_slot``
        would drop a save that arrives while the previous one runs)."""
        partner = self._owner
        if partner is None:
            return
        self._drafts[partner] = text
        if self._draft_task is None or self._draft_task.done():
            self._draft_task = spawn(self._save_drafts(), name="ui-drafts")

    async def _save_drafts(self) -> None:
        while self._drafts:
            partner, text = next(iter(self._drafts.items()))
            del self._drafts[partner]
            messenger = self.services.messenger
            if messenger is not None:
                await messenger.save_draft(partner, text)

    async def drain_drafts(self) -> None:
        """Save what is typed now (before quitting)."""
        self.compose.flush_draft()
        if self._drafts and (self._draft_task is None or self._draft_task.done()):
            self._draft_task = spawn(self._save_drafts(), name="ui-drafts")
        if self._draft_task is not None:
            await asyncio.shield(self._draft_task)
