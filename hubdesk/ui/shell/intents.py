"""What the user asks for outside the open conversation: links (``tel:``/``sms:``), a new
message, add to contacts, export, settings, bulk send, do-not-disturb.

Every dialog is opened with ``open()`` and answers through its signals (never ``exec()``
inside a coroutine). Settings and bulk send have their own controllers
(``SettingsController``, ``BulkController``), built here.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QFileDialog, QMessageBox

from hubdesk.core.contacts import ContactBook
from hubdesk.core.errors import describe_error
from hubdesk.core.inbox import Inbox
from hubdesk.core.settings import SettingsStore
from hubdesk.domain.text import one_line
from hubdesk.domain.uris import ComposeRequest, DialRequest, UriError, parse_uri
from hubdesk.ui.bulk.controller import BulkController
from hubdesk.ui.calls.dial_confirm import DialConfirmDialog
from hubdesk.ui.messages.new_message import NewMessageDialog
from hubdesk.ui.qt.async_slots import async_slot, spawn
from hubdesk.ui.qt.filedialogs import prepare
from hubdesk.ui.qt.plaintext import message_box
from hubdesk.ui.settings.controller import SettingsController
from hubdesk.ui.shell.controller import MainController
from hubdesk.ui.shell.window import MESSAGES, MainWindow

log = logging.getLogger(__name__)

LINK_HOLD_MS = 1000
"""After a link opened a conversation, Send ignores Enter for this long (a Return typed
for the previous conversation must not send the link's text)."""
DRAFT_KEPT = "The link's text was not put in: this conversation already has a draft, which is kept."


class IntentServices(Protocol):
    inbox: Inbox
    settings: SettingsStore


class Intents(QObject):
    """Handles links and the window's requests that open a dialog.

    Signals:
        new_message_opened(object): a ``NewMessageDialog`` was opened (for its
            templates, wired in ``app.shell``).
    """

    new_message_opened = Signal(object)

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
        self.preferences = SettingsController(window, controller.services)
        self.bulk = BulkController(window, controller.services, contacts)
        self.new_message_dialog: NewMessageDialog | None = None
        window.new_message_requested.connect(self.new_message)
        window.messages_page.add_contact_requested.connect(self.add_contact)
        window.messages_page.export_requested.connect(self.export)

    # --- links ----------------------------------------------------------------------
    def open_uri(self, text: str) -> None:
        """A ``tel:`` link asks before dialling; an ``sms:`` link opens a compose."""
        try:
            request = parse_uri(text)
        except UriError as exc:
            shown = one_line(text[:200]) if isinstance(text, str) else ""
            self._warn("This link cannot be opened", f"{describe_error(exc)}\n\n{shown}")
            return
        if isinstance(request, DialRequest):
            self.confirm_dial(request.number.digits)
        elif isinstance(request, ComposeRequest):
            self.compose_to(request)

    def confirm_dial(self, digits: str) -> DialConfirmDialog:
        return self.controller.calls.confirm_dial(digits)

    def compose_to(self, request: ComposeRequest) -> None:
        """An ``sms:`` link: open the conversation (or bulk send) with the link's text.

        The link comes from another program, maybe while the user types: what they typed
        stays the draft of the conversation they typed it in (``ComposeController``
        keeps the editor's owner), the link's text never replaces a draft or an open bulk
        message, and Send ignores Enter for a moment after the switch."""
        if request.bulk:
            open_dialog = self.bulk.dialog
            if open_dialog is not None and open_dialog.isVisible():
                self.window.show_toast(
                    f"A link asked to text {len(request.numbers)} numbers; the bulk send "
                    "you have open was kept. Close it, then open the link again.",
                    error=True,
                )
                return
            dialog = self.bulk.open([n.digits for n in request.numbers])
            if request.body:
                dialog.set_text(request.body)
            return
        digits = request.numbers[0].digits
        compose = self.window.messages_page.compose
        compose.hold_send(LINK_HOLD_MS)
        self.window.show_page(MESSAGES)
        task = self.controller.open_conversation(digits)

        def fill(_task: object) -> None:
            if self.controller.partner != digits:
                return
            compose.hold_send(LINK_HOLD_MS)  # from when the new conversation shows
            if request.body and compose.text().strip():
                self.window.show_toast(DRAFT_KEPT)
            elif request.body:
                compose.set_text(request.body)
                compose.draft_changed.emit(request.body)
            compose.focus_editor()

        task.add_done_callback(fill)

    # --- new message ----------------------------------------------------------------
    def new_message(self) -> NewMessageDialog:
        """Numbers or contacts (completed by name or number); one opens its conversation,
        several open Bulk send with them filled in."""
        if self.new_message_dialog is not None:
            self.new_message_dialog.close()
        dialog = NewMessageDialog((), self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.compose_requested.connect(
            lambda numbers: self.compose_numbers(numbers, dialog.message_text())
        )
        dialog.finished.connect(lambda _r: self._forget(dialog))
        self.new_message_dialog = dialog
        dialog.open()
        self.new_message_opened.emit(dialog)
        spawn(self._fill_contacts(dialog), name="ui-new-message-contacts")
        return dialog

    async def _fill_contacts(self, dialog: NewMessageDialog) -> None:
        contacts = await self.contacts.list()
        if dialog is self.new_message_dialog:
            dialog.set_contacts(contacts)

    def _forget(self, dialog: NewMessageDialog) -> None:
        if self.new_message_dialog is dialog:
            self.new_message_dialog = None

    def compose_numbers(self, numbers: Sequence[str], text: str = "") -> None:
        """One number opens its conversation, several open Bulk send; ``text`` (a
        template chosen in New message) goes in at the message box's cursor."""
        if len(numbers) > 1:
            dialog = self.bulk.open(numbers)
            if text:
                dialog.insert_template(text)
        elif numbers:
            self.controller.text_number(numbers[0])
            if text:
                self._insert_when_open(numbers[0], text)

    def _insert_when_open(self, digits: str, text: str) -> None:
        def insert(partner: str) -> None:
            self.controller.partner_opened.disconnect(insert)
            if partner == digits:
                self.window.messages_page.compose.insert_template(text)

        self.controller.partner_opened.connect(insert)

    # --- contacts, export -----------------------------------------------------------
    def add_contact(self, partner: str) -> None:
        """The contact editor with ``partner``'s number (or the saved contact to edit)."""
        self.controller.address_book.add_number(partner)

    def export(self, partner: str) -> QFileDialog:
        dialog = prepare(QFileDialog(self.window, "Export conversation"))
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setNameFilter("CSV files (*.csv)")
        dialog.setDefaultSuffix("csv")
        dialog.selectFile(f"conversation-{partner}.csv")
        dialog.fileSelected.connect(lambda path: self._export_to(partner, Path(path)))
        dialog.finished.connect(lambda _r: dialog.deleteLater())
        dialog.open()
        return dialog

    @async_slot()
    async def _export_to(self, partner: str, path: Path) -> None:
        rows = await self.services.inbox.export_conversation_csv(partner, path)
        said = f"{rows} message{'s' if rows != 1 else ''}"
        self.window.show_toast(f"Exported {said} to {path.name}.")

    # --- settings, bulk, do not disturb ---------------------------------------------
    def settings(self) -> None:
        self.preferences.open()

    def bulk_send(self) -> None:
        self.bulk.open()

    @async_slot()
    async def set_dnd(self, enabled: bool) -> None:
        await self.services.settings.update(do_not_disturb=enabled)
        self.window.show_toast("Do not disturb is on." if enabled else "Do not disturb is off.")

    def _warn(self, title: str, text: str) -> QMessageBox:
        """A warning that shows ``text`` (which quotes the link) as plain text."""
        box = message_box(QMessageBox.Icon.Warning, title, text, self.window)
        box.finished.connect(lambda _r: box.deleteLater())
        box.open()
        return box
