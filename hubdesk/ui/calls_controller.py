"""Calls: the header's Call and Masked call, "Call" on the Contacts page, ``tel:`` links
(confirmed first) and the Calls page (the call log, call again) wired to ``core.dialer``.

Every call ends in a toast: the call ID, or the error sentence (``describe_error``); the
call log is re-read after each attempt (the dialer logs failures too).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt

from hubdesk.core.contacts import ContactBook
from hubdesk.core.dialer import Dialer
from hubdesk.core.errors import describe_error
from hubdesk.domain.numbers import format_number
from hubdesk.ui.dialogs import DialConfirmDialog, MaskedCallDialog
from hubdesk.ui.qtasync import Trigger, async_slot, spawn
from hubdesk.ui.services import Services, not_signed_in
from hubdesk.ui.window import CALLS, MainWindow

__all__ = ["CallsController", "number_text"]


def number_text(digits: str) -> str:
    try:
        return format_number(digits)
    except ValueError:
        return digits


def _call_buttons(self: CallsController) -> list[Trigger]:
    w = self.window
    return [w.header.call_button, w.call_action, w.calls_page.again_button,
            w.contacts_page.call_button]  # fmt: skip


class CallsController(QObject):
    """Places calls and keeps the Calls page current."""

    def __init__(self, window: MainWindow, services: Services, contacts: ContactBook) -> None:
        super().__init__(window)
        self.window = window
        self.services = services
        self.contacts = contacts
        self.masked_dialog: MaskedCallDialog | None = None
        self.confirm_dialog: DialConfirmDialog | None = None
        self._loaded = False
        page = window.calls_page
        window.call_requested.connect(self.call)
        window.masked_call_requested.connect(self.ask_masked)
        window.page_changed.connect(self._on_page)
        page.call_requested.connect(self.call)
        page.masked_call_requested.connect(self.masked_call)
        page.refresh_requested.connect(self.refresh)

    # --- placing calls --------------------------------------------------------------
    def _on_call_error(self, exc: Exception) -> None:
        self.window.show_toast(describe_error(exc), error=True)
        self.refresh()

    @async_slot(trigger=_call_buttons, on_error="_on_call_error")
    async def call(self, partner: str) -> None:
        result = await self._dialer().dial(partner)
        self.window.show_toast(
            f"Calling {number_text(partner)}: answer your phone. Call ID {result.call_id}"
        )
        self.refresh()

    @async_slot(trigger=_call_buttons, on_error="_on_call_error")
    async def masked_call(self, source: str, partner: str) -> None:
        result = await self._dialer().dial_masked(source, partner)
        self.window.show_toast(
            f"Masked call to {number_text(partner)} showing {number_text(source)}. "
            f"Call ID {result.call_id}"
        )
        self.refresh()

    def ask_masked(self, partner: str = "") -> MaskedCallDialog:
        """The masked-call dialog, prefilled with ``partner`` and the remembered source."""
        if self.masked_dialog is not None:
            self.masked_dialog.close()
        remembered = self.services.settings.current.masked_source
        dialog = MaskedCallDialog(partner, remembered, self.window, self.window.icons)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.source_remembered.connect(self.remember_source)
        dialog.masked_call_requested.connect(self.masked_call)
        dialog.finished.connect(lambda _r: self._forget(dialog))
        self.masked_dialog = dialog
        dialog.open()
        return dialog

    def confirm_dial(self, digits: str) -> DialConfirmDialog:
        """Ask before dialling a number that came from outside (a ``tel:`` link)."""
        if self.confirm_dialog is not None:
            self.confirm_dialog.close()
        dialog = DialConfirmDialog(digits, None, self.window, self.window.icons)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.call_requested.connect(self.call)
        dialog.finished.connect(lambda _r: self._forget(dialog))
        self.confirm_dialog = dialog
        dialog.open()
        spawn(self._name_confirm(dialog, digits), name="ui-dial-name")
        return dialog

    async def _name_confirm(self, dialog: DialConfirmDialog, digits: str) -> None:
        contact = await self.contacts.find_by_number(digits)
        if contact is None or dialog is not self.confirm_dialog or dialog.number is None:
            return
        dialog.set_name(contact.name)

    def _on_error(self, exc: Exception) -> None:
        self.window.show_toast(describe_error(exc), error=True)

    @async_slot(on_error="_on_error")
    async def remember_source(self, digits: str) -> None:
        await self.services.settings.update(masked_source=digits)

    def _forget(self, dialog: QObject) -> None:
        if self.masked_dialog is dialog:
            self.masked_dialog = None
        if self.confirm_dialog is dialog:
            self.confirm_dialog = None

    def _dialer(self) -> Dialer:
        if self.services.dialer is None:
            raise not_signed_in("dial")
        return self.services.dialer

    # --- the Calls page -------------------------------------------------------------
    def _on_page(self, index: int) -> None:
        if index == CALLS:
            self.refresh()

    def refresh(self) -> None:
        spawn(self._refresh(), name="ui-calls")

    async def _refresh(self) -> None:
        page, dialer = self.window.calls_page, self.services.dialer
        if dialer is None:
            if not self._loaded:
                page.show_status("Sign in to see the calls placed from HubDesk.")
            return
        try:
            records = await dialer.call_history(200)
            names = await self.contacts.names()
        except Exception as exc:
            page.show_status(describe_error(exc), error=True)
            return
        self._loaded = True
        page.set_names(names)
        page.set_records(records)
