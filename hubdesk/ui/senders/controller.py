"""The Sender IDs page wired to ``core.senders.SenderIds``: the cached list at once, a
refresh from the API when the page is shown (at most once a minute) or asked for, and
requests for new IDs with the server's answer shown under the list.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QObject

from hubdesk.core.errors import describe_error, not_signed_in
from hubdesk.domain import SenderId
from hubdesk.ui.qt.async_slots import async_slot
from hubdesk.ui.shell.services import Services
from hubdesk.ui.shell.window import SENDER_IDS, MainWindow

__all__ = ["SendersController"]

REFRESH_ON_SHOW_AFTER_S = 60.0


class SendersController(QObject):
    def __init__(self, window: MainWindow, services: Services) -> None:
        super().__init__(window)
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
