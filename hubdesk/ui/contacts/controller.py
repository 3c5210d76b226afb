"""The Contacts page wired to ``core.contacts.ContactBook``: list, search and groups,
add / edit / delete through the page's editor, import (with the report), export, and
"Text" / "Call" on a contact. Also "Add to contacts…" from a conversation.

The page is filled when first shown and kept current from ``ContactBook.changed``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QPushButton

from hubdesk.core.contacts import ContactBook
from hubdesk.core.errors import describe_error
from hubdesk.domain.numbers import format_number
from hubdesk.ui.contacts.editor import ContactDraft, ContactEditor
from hubdesk.ui.qt.async_slots import async_slot, spawn
from hubdesk.ui.qt.errors import show_error
from hubdesk.ui.shell.window import CONTACTS, MainWindow

__all__ = ["ContactsController"]


class ContactsController(QObject):
    """Connects :class:`ContactsPage` to the address book."""

    def __init__(
        self,
        window: MainWindow,
        contacts: ContactBook,
        *,
        text: Callable[[str], object],
        call: Callable[[str], object],
    ) -> None:
        super().__init__(window)
        self.window = window
        self.page = window.contacts_page
        self.contacts = contacts
        self.loaded = False
        page = self.page
        page.save_requested.connect(self.save)
        page.delete_requested.connect(self.delete)
        page.import_requested.connect(lambda path: self.import_file(Path(path)))
        page.export_requested.connect(lambda path: self.export(Path(path)))
        page.text_requested.connect(text)
        page.call_requested.connect(call)
        window.page_changed.connect(self._on_page)
        contacts.changed.connect(self._on_changed)

    # --- filling the page -------------------------------------------------------------
    def _on_page(self, index: int) -> None:
        if index == CONTACTS and not self.loaded:
            self.reload()

    def _on_changed(self, _numbers: frozenset[str]) -> None:
        if self.loaded:
            self.reload()

    def reload(self) -> None:
        spawn(self.load(), name="ui-contacts")

    async def load(self) -> None:
        try:
            contacts = await self.contacts.list()
            groups = await self.contacts.groups()
        except Exception as exc:
            self.page.show_status(describe_error(exc), error=True)
            return
        self.loaded = True
        self.page.set_groups(groups)
        self.page.set_contacts(contacts)

    # --- editing ----------------------------------------------------------------------
    def _editor_failed(self, exc: Exception) -> None:
        self.page.editor_failed(describe_error(exc))

    @async_slot(on_error=_editor_failed)
    async def save(self, draft: ContactDraft) -> None:
        book = self.contacts
        if draft.id is None:
            contact = await book.add(draft.name, draft.number, draft.notes, draft.groups)
            said = f"Added {contact.name} to contacts."
        else:
            contact = await book.edit(
                draft.id,
                name=draft.name,
                number=draft.number,
                notes=draft.notes,
                groups=draft.groups,
            )
            said = f"Saved {contact.name}."
        self.page.editor_saved()
        await self.load()
        self.page.select_contact(contact.id)
        self.window.show_toast(said)

    def _on_error(self, exc: Exception) -> None:
        self.page.show_status(describe_error(exc), error=True)
        show_error(self.window, exc)

    @async_slot(on_error=_on_error)
    async def delete(self, contact_id: int) -> None:
        if await self.contacts.delete(contact_id):
            self.window.show_toast("Contact deleted. Messages with the number are kept.")
        await self.load()

    def add_number(self, number: str) -> None:
        """Add to contacts… from a conversation: the editor with the number filled in."""
        spawn(self._add_number(number), name="ui-add-contact")

    async def _add_number(self, number: str) -> ContactEditor | None:
        existing = await self.contacts.find_by_number(number)
        if not self.loaded:
            await self.load()
        if existing is not None:
            self.page.select_contact(existing.id)
            editor = self.page.open_edit()
        else:
            editor = self.page.open_new(format_number(number))
        if editor is not None:
            editor.focus_name()
        return editor

    # --- import / export --------------------------------------------------------------
    def _import_trigger(self) -> QPushButton:
        return self.page.import_button

    def _export_trigger(self) -> QPushButton:
        return self.page.export_button

    @async_slot(trigger=_import_trigger, on_error=_on_error)
    async def import_file(self, path: Path) -> None:
        self.page.show_status(f"Importing {path.name}…")
        report = await self.contacts.import_file(path)
        await self.load()
        self.page.show_import_report(report, path.name)

    @async_slot(trigger=_export_trigger, on_error=_on_error)
    async def export(self, path: Path) -> None:
        if path.suffix.lower() in (".vcf", ".vcard"):
            count = await self.contacts.export_vcard(path)
        else:
            count = await self.contacts.export_csv(path)
        said = f"Exported {count} contact{'s' if count != 1 else ''} to {path.name}."
        self.page.show_status(said)
        self.window.show_toast(said)
