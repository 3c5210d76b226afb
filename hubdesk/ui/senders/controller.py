"""The Sender IDs page wired to ``core.senders.SenderIds``: the cached list at once, a
refresh from the API when the page is shown (at most once a minute) or asked for, and
requests for new IDs with the server's answer shown under the list.

After a sign-in with several approved sender IDs and no default (``Messenger.
default_prompt_due``), it asks once which one new conversations should use
(``DefaultSenderPrompt``, non-modal); an answer or a skip is remembered on the profile.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QObject, Qt, Signal

from hubdesk.core.errors import describe_error, not_signed_in
from hubdesk.domain import SenderId
from hubdesk.ui.qt.async_slots import async_slot, spawn
from hubdesk.ui.senders.default_prompt import DefaultSenderPrompt
from hubdesk.ui.shell.services import Services
from hubdesk.ui.shell.window import SENDER_IDS, MainWindow

__all__ = ["SendersController"]

REFRESH_ON_SHOW_AFTER_S = 60.0


class SendersController(QObject):
    """The Sender IDs page, and the one-time default sender ID question.

    Signals:
        default_chosen(str): the user picked a default sender ID in the prompt (saved).
    """

    default_chosen = Signal(str)

    def __init__(self, window: MainWindow, services: Services) -> None:
        super().__init__(window)
        self.prompt: DefaultSenderPrompt | None = None
        self.window = window
        self.page = window.senders_page
        self.services = services
        self._refreshed_at: float | None = None
        self.page.refresh_requested.connect(self.refresh)
        self.page.request_sender_id.connect(self.request)
        window.page_changed.connect(self._on_page)
        services.sender_ids.changed.connect(self._on_list)

    def show_cached(self) -> None:
        """The list as last loaded (the cache at start-up), without asking the server."""
        self.page.set_sender_ids(self.services.sender_ids.items)

    def _on_list(self, items: list[SenderId]) -> None:
        self._refreshed_at = time.monotonic()
        self.page.set_sender_ids(items)
        if self.services.signed_in:
            spawn(self.ask_default_if_due(), name="ui-default-sender")

    # --- the default sender ID, asked once --------------------------------------------
    async def ask_default_if_due(self) -> DefaultSenderPrompt | None:
        """Ask for the default sender ID when ``default_prompt_due`` (once per profile)."""
        messenger = self.services.messenger
        if messenger is None or self.prompt is not None:
            return self.prompt
        if self.services.settings.is_locked("default_sender_id"):
            return None
        if not await messenger.default_prompt_due() or self.prompt is not None:
            return self.prompt
        prompt = DefaultSenderPrompt(self.services.sender_ids.approved(), self.window)
        prompt.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        prompt.chosen.connect(self._use_default)
        prompt.skipped.connect(self._skip_default)
        prompt.finished.connect(lambda _r: self._forget_prompt(prompt))
        self.prompt = prompt
        prompt.show()
        return prompt

    def _forget_prompt(self, prompt: DefaultSenderPrompt) -> None:
        if self.prompt is prompt:
            self.prompt = None

    def _on_default_error(self, exc: Exception) -> None:
        self.window.show_toast(f"Default sender ID not saved: {describe_error(exc)}", error=True)

    @async_slot(on_error=_on_default_error)
    async def _use_default(self, sender_id: str) -> None:
        await self.services.settings.update(default_sender_id=sender_id)
        await self._asked()
        self.default_chosen.emit(sender_id)
        self.window.show_toast(
            f"New conversations send from {sender_id}. You can change this in Settings."
        )

    @async_slot(on_error=_on_default_error)
    async def _skip_default(self) -> None:
        await self._asked()

    async def _asked(self) -> None:
        messenger = self.services.messenger
        if messenger is not None:
            await messenger.default_prompt_done()

    def _on_page(self, index: int) -> None:
        if index != SENDER_IDS:
            return
        self.show_cached()
        fresh = self._refreshed_at is not None and (
            time.monotonic() - self._refreshed_at < REFRESH_ON_SHOW_AFTER_S
        )
        if self.services.signed_in and not fresh:
            self.refresh()

    def _on_refresh_error(self, exc: Exception) -> None:
        self.page.show_status(f"Showing the saved list: {describe_error(exc)}", error=True)

    @async_slot(on_error=_on_refresh_error)
    async def refresh(self) -> None:
        if not self.services.signed_in:
            raise not_signed_in("list_sender_ids")
        self.page.set_refreshing(True)
        try:
            await self.services.sender_ids.refresh()  # ``changed`` fills the page
        finally:
            self.page.set_refreshing(False)

    def _on_request_error(self, exc: Exception) -> None:
        self.page.request_failed(describe_error(exc))

    @async_slot(on_error=_on_request_error)
    async def request(self, sender_id: str) -> None:
        message = await self.services.sender_ids.request(sender_id)
        self.page.request_done(message)
