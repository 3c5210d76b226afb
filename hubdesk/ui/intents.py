"""What the user asks for outside the open conversation: links (``tel:``/``sms:``), a new
message, add to contacts, export, settings, bulk send, do-not-disturb.

Every dialog is opened with ``open()`` and answers through its signals (never ``exec()``
inside a coroutine). Dialogs from ``hubdesk.ui.dialogs`` plug in here as they land;
until then a small built-in ``QInputDialog`` stands in.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QFileDialog, QInputDialog, QLineEdit, QMessageBox

from hubdesk.core.contacts import ContactBook
from hubdesk.core.errors import describe_error
from hubdesk.core.inbox import Inbox
from hubdesk.core.settings import SettingsStore
from hubdesk.domain.numbers import NumberError, format_number, parse_number
from hubdesk.domain.uris import ComposeRequest, DialRequest, UriError, parse_uri
from hubdesk.ui.controller import MainController
from hubdesk.ui.qtasync import async_slot, spawn
from hubdesk.ui.window import MainWindow

log = logging.getLogger(__name__)


class IntentServices(Protocol):
    inbox: Inbox
    settings: SettingsStore


class Intents(QObject):
    """Handles links and the window's requests that open a dialog."""

    def __init__(
        self,
        window: MainWindow,
        controller: MainController,
        services: IntentServices,
        contacts: ContactBook,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.controller = controller
        self.services = services
        self.contacts = contacts
        window.new_message_requested.connect(self.new_message)
        window.add_contact_requested.connect(self.add_contact)
        window.export_requested.connect(self.export)
        window.settings_requested.connect(self.settings)
        window.bulk_send_requested.connect(self.bulk_send)

    # --- links ----------------------------------------------------------------------
    def open_uri(self, text: str) -> None:
        """A ``tel:`` link asks before dialling; an ``sms:`` link opens a compose."""
        try:
            request = parse_uri(text)
        except UriError as exc:
            self._warn("This link cannot be opened", f"{describe_error(exc)}\n\n{text[:200]}")
            return
        if isinstance(request, DialRequest):
            self.confirm_dial(request.number.digits)
        elif isinstance(request, ComposeRequest):
            self.compose_to(request)

    def confirm_dial(self, digits: str) -> QMessageBox:
        number = format_number(digits)
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Call?",
            f"Call {number}? HubWork rings your phone first, then connects you.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            self.window,
        )
        box.setAccessibleName("Confirm call")
        box.button(QMessageBox.StandardButton.Yes).setText("Call")
        box.setDefaultButton(QMessageBox.StandardButton.Yes)

        def done(result: int) -> None:
            if result == QMessageBox.StandardButton.Yes:
                self.controller.call(digits)
            box.deleteLater()

        box.finished.connect(done)
        box.open()
        return box

    def compose_to(self, request: ComposeRequest) -> None:
        if request.bulk:
            numbers = ", ".join(n.international() for n in request.numbers)
            self.window.show_toast(
                f"A link to several numbers ({numbers}) needs Bulk send (Ctrl+Shift+B)."
            )
            return
        digits = request.numbers[0].digits
        self.window.show_page(0)
        task = self.controller.open_conversation(digits)
        if request.body:

            def fill(_task: object) -> None:
                if self.controller.partner == digits:
                    self.window.compose.set_text(request.body)
                    self.window.compose.draft_changed.emit(request.body)
                self.window.compose.focus_editor()

            task.add_done_callback(fill)

    # --- new message ----------------------------------------------------------------
    def new_message(self) -> QInputDialog:
        """Ask for a number (any valid number; non-UK gets a visible note)."""
        dialog = QInputDialog(self.window)
        dialog.setWindowTitle("New message")
        dialog.setLabelText("Number to text (UK numbers can also be called):")
        dialog.setInputMode(QInputDialog.InputMode.TextInput)
        dialog.setAccessibleName("New message")
        dialog.textValueSelected.connect(self._new_message_to)
        dialog.finished.connect(lambda _r: dialog.deleteLater())
        dialog.open()
        return dialog

    def _new_message_to(self, text: str) -> None:
        try:
            number = parse_number(text)
        except NumberError as exc:
            self.window.show_toast(describe_error(exc), error=True)
            return
        if not number.is_uk:
            self.window.show_toast(
                f"{number.international()} is not a UK number: texts are allowed, "
                "calls are not."
            )
        self.window.show_page(0)
        task = self.controller.open_conversation(number.digits)
        task.add_done_callback(lambda _t: self.window.compose.focus_editor())

    # --- contacts, export -----------------------------------------------------------
    def add_contact(self, partner: str) -> QInputDialog:
        dialog = QInputDialog(self.window)
        dialog.setWindowTitle("Add to contacts")
        dialog.setLabelText(f"Name for {format_number(partner)}:")
        dialog.setTextEchoMode(QLineEdit.EchoMode.Normal)
        dialog.textValueSelected.connect(lambda name: self._save_contact(partner, name))
        dialog.finished.connect(lambda _r: dialog.deleteLater())
        dialog.open()
        return dialog

    def _save_contact(self, partner: str, name: str) -> None:
        async def save() -> None:
            try:
                contact = await self.contacts.add(name, partner)
            except Exception as exc:
                self.window.show_toast(describe_error(exc), error=True)
                return
            self.window.show_toast(f"Added {contact.name} to contacts.")

        spawn(save(), name="add-contact")

    def export(self, partner: str) -> QFileDialog:
        dialog = QFileDialog(self.window, "Export conversation")
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setNameFilter("CSV files (*.csv)")
        dialog.setDefaultSuffix("csv")
        dialog.selectFile(f"conversation-{partner}.csv")
        dialog.fileSelected.connect(lambda path: self._export_to(partner, Path(path)))
        dialog.finished.connect(lambda _r: dialog.deleteLater())
        dialog.open()
        return dialog

    def _on_error(self, exc: Exception) -> None:
        self.window.show_toast(describe_error(exc), error=True)

    @async_slot(on_error="_on_error")
    async def _export_to(self, partner: str, path: Path) -> None:
        rows = await self.services.inbox.export_conversation_csv(partner, path)
        self.window.show_toast(f"Exported {rows} messages to {path.name}.")

    # --- settings, bulk, do not disturb ---------------------------------------------
    def settings(self) -> None:
        self.window.show_toast("The settings dialog is not available in this build yet.")

    def bulk_send(self) -> None:
        self.window.show_toast("Bulk send is not available in this build yet.")

    @async_slot(on_error="_on_error")
    async def set_dnd(self, enabled: bool) -> None:
        await self.services.settings.update(do_not_disturb=enabled)
        self.window.show_toast("Do not disturb is on." if enabled else "Do not disturb is off.")

    def _warn(self, title: str, text: str) -> QMessageBox:
        box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok,
                          self.window)  # fmt: skip
        box.finished.connect(lambda _r: box.deleteLater())
        box.open()
        return box
