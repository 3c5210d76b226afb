"""Bulk send (File > Bulk send…, Ctrl+Shift+B, or a new message to several numbers):
the dialog wired to ``core.bulk.BulkSender``.

"Check recipients" runs ``BulkSender.plan`` and shows the pre-send report; "Send now"
queues ONE bulk entry (``send_bulk``) and shows its result. The sent messages reach their
threads with the next poll, which is asked for at once.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal

from hubdesk.core.bulk import BulkSender
from hubdesk.core.contacts import ContactBook
from hubdesk.core.errors import describe_error, not_signed_in
from hubdesk.domain.numbers import format_number
from hubdesk.ui.bulk.dialog import BulkSendDialog
from hubdesk.ui.bulk.report import BulkInputs, BulkSendRequest
from hubdesk.ui.qt.async_slots import async_slot, spawn
from hubdesk.ui.qt.errors import show_error
from hubdesk.ui.shell.services import Services
from hubdesk.ui.shell.window import MainWindow

__all__ = ["BulkController"]


class BulkController(QObject):
    """Opens the Bulk send dialog and runs its plan and send.

    Signals:
        dialog_opened(object): a new ``BulkSendDialog`` was opened (for Ctrl+T's
            templates, wired in ``app.shell``).
    """

    dialog_opened = Signal(object)

    def __init__(self, window: MainWindow, services: Services, contacts: ContactBook) -> None:
        super().__init__(window)
        self.window = window
        self.services = services
        self.contacts = contacts
        self.dialog: BulkSendDialog | None = None
        window.bulk_send_requested.connect(self.open)

    def open(self, numbers: Sequence[str] = ()) -> BulkSendDialog:
        """The dialog, with ``numbers`` (E.164 digits) already in "Paste numbers"."""
        if self.dialog is not None:
            self.dialog.close()
        dialog = BulkSendDialog(self.window, self.window.icons)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        settings = self.services.settings.current
        dialog.set_sender_ids(self.services.sender_ids.items, settings.default_sender_id)
        if numbers:
            dialog.prefill_numbers([format_number(n) for n in numbers])
        dialog.plan_requested.connect(self.plan)
        dialog.send_requested.connect(self.send)
        dialog.finished.connect(lambda _r: self._forget(dialog))
        self.dialog = dialog
        dialog.open()
        self.dialog_opened.emit(dialog)
        spawn(self._fill(dialog), name="ui-bulk-contacts")
        return dialog

    async def _fill(self, dialog: BulkSendDialog) -> None:
        contacts = await self.contacts.list()
        groups = await self.contacts.groups()
        if dialog is self.dialog:
            dialog.set_contacts(contacts)
            dialog.set_groups(groups)

    def _forget(self, dialog: BulkSendDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None

    def _sender(self) -> BulkSender:
        if self.services.bulk is None:
            raise not_signed_in("bulk_send")
        return self.services.bulk

    def _on_error(self, exc: Exception) -> None:
        if self.dialog is not None:
            self.dialog.show_error(describe_error(exc))
        else:
            show_error(self.window, exc)

    @async_slot(on_error=_on_error)
    async def plan(self, inputs: BulkInputs) -> None:
        """The report; a text with placeholders (or braces) is also planned per
        recipient (``BulkSender.personalise``): their own texts and parts, and who has
        no value for a placeholder."""
        dialog = self.dialog
        sender = self._sender()
        csv_path = Path(inputs.csv_path) if inputs.csv_path else None
        plan = await sender.plan(
            inputs.text,
            contacts=inputs.contacts,
            groups=inputs.groups,
            pasted=inputs.pasted,
            csv_path=csv_path,
        )
        personal = None
        if ("{" in inputs.text or "}" in inputs.text) and inputs.sender_id is not None:
            personal = await sender.personalise(
                inputs.text,
                inputs.sender_id,
                contacts=inputs.contacts,
                groups=inputs.groups,
                pasted=inputs.pasted,
                csv_path=csv_path,
            )
            if not personal.parsed.has_placeholders:
                personal = None  # only "{{" escapes: one text for everyone
        if dialog is not None and dialog is self.dialog:
            dialog.show_plan(plan, personal)

    @async_slot(on_error=_on_error)
    async def send(self, request: BulkSendRequest) -> None:
        dialog = self.dialog
        people = request.plan.recipients
        if dialog is not None:
            dialog.show_progress(0, 0, f"Sending to {people} recipient{'s' * (people != 1)}…")
        key = uuid.uuid4().hex
        if request.personal is not None:
            result = await self._sender().send_personalised(
                request.personal, request.sender_id, uuid=key
            )
        else:
            result = await self._sender().send_bulk(
                request.plan, request.sender_id, request.text, uuid=key
            )
        self.services.poke()  # the sent messages come back with the next poll
        if dialog is not None and dialog is self.dialog:
            dialog.show_result(result)
        else:
            self.window.show_toast(result.summary)
