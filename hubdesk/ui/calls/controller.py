"""Calls: the header's Call and Masked call, "Call" on the Contacts page, ``tel:`` links
(confirmed first) and the Calls page (the call log, call again) wired to ``core.dialer``.

A click on Call (header, row menu, Contacts, Call again) dials at once, unless the number
is in a chargeable range (premium rate, 084/087, 070, ...: ``domain.numbers.charge_of``):
then it asks first, with the cost warning, as for a ``tel:`` link.

Every call ends in a toast: the call ID, or the error sentence (``describe_error``); the
call log is re-read after each attempt (the dialer logs failures too).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal

from hubdesk.core.contacts import ContactBook
from hubdesk.core.dialer import Dialer
from hubdesk.core.errors import describe_error, not_signed_in
from hubdesk.domain.numbers import charge_of, format_number
from hubdesk.ui.calls.dial_confirm import DialConfirmDialog
from hubdesk.ui.calls.masked_call import MaskedCallDialog
from hubdesk.ui.qt.async_slots import Trigger, async_slot, spawn
from hubdesk.ui.qt.errors import show_error
from hubdesk.ui.shell.services import Services
from hubdesk.ui.shell.window import CALLS, MainWindow

__all__ = ["CallsController", "number_text"]


def number_text(digits: str) -> str:
    try:
        return format_number(digits)
    except ValueError:
        return digits


class CallsController(QObject):
    """Places calls and keeps the Calls page current.

    Signals:
        call_logged(str): a call to this number (E.164 digits) was placed and logged:
            it is now in that conversation's timeline.
    """

    call_logged = Signal(str)

    def __init__(self, window: MainWindow, services: Services, contacts: ContactBook) -> None:
        super().__init__(window)
        self.window = window
        self.services = services
        self.contacts = contacts
        self.masked_dialog: MaskedCallDialog | None = None
        self.confirm_dialog: DialConfirmDialog | None = None
        self._loaded = False
        self.page = page = window.calls_page
        window.messages_page.call_requested.connect(self.request_call)
        window.messages_page.masked_call_requested.connect(self.ask_masked)
        window.page_changed.connect(self._on_page)
        page.call_requested.connect(self.request_call)
        page.masked_call_requested.connect(self.masked_call)
        page.refresh_requested.connect(self.refresh)

    # --- placing calls --------------------------------------------------------------
    def _call_buttons(self) -> list[Trigger]:
        return self.window.call_triggers()

    def _on_call_error(self, exc: Exception) -> None:
        show_error(self.window, exc)
        self.refresh()  # the dialer logged the failed attempt

    def request_call(self, partner: str) -> DialConfirmDialog | None:
        """A Call button: dial ``partner`` now, or first ask (the dialog, returned) when
        calling it may cost more than a normal call. A premium-rate number was dialled
        on a click with no word of its cost."""
        if charge_of(partner) is not None:
            return self.confirm_dial(partner)
        self.call(partner)
        return None

    @async_slot(trigger=_call_buttons, on_error=_on_call_error)
    async def call(self, partner: str) -> None:
        result = await self._dialer().dial(partner)
        self.window.show_toast(
            f"Calling {number_text(partner)}: answer your phone. Call ID {result.call_id}"
        )
        self.call_logged.emit(partner)
        self.refresh()

    @async_slot(trigger=_call_buttons, on_error=_on_call_error)
    async def masked_call(self, source: str, partner: str) -> None:
        result = await self._dialer().dial_masked(source, partner)
        self.window.show_toast(
            f"Masked call to {number_text(partner)} showing {number_text(source)}. "
            f"Call ID {result.call_id}"
        )
        self.call_logged.emit(partner)
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
        """Ask before dialling a number that came from outside (a ``tel:`` link) or that
        costs more than a normal call (``request_call``)."""
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

    @async_slot()
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
        page, dialer = self.page, self.services.dialer
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
