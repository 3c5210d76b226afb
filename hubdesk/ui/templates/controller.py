"""Templates in the window, wired to ``core.templates.TemplateBook``.

* The Templates page (View > Templates, Ctrl+5): add, edit (name and text), duplicate,
  delete, reorder, import and export CSV (with the report of every row). A save the
  core refuses (an unknown placeholder: it names it and lists the known ones) is shown
  on the page, the cursor on the placeholder.
* The quick-filter popup (``ui.templates.popup``), opened by Ctrl+T in a message box:
  the compose pane, and every box given to :meth:`TemplatesController.attach` (Bulk
  send, New message). The chosen text goes in at the cursor.
* The compose pane's preview knows whom it fills placeholders for: the open
  conversation's number and its contact's name (updated when the address book changes).
"""

from __future__ import annotations

import builtins
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QObject, QRect, SignalInstance
from PySide6.QtWidgets import QWidget

from hubdesk.core.contacts import ContactBook
from hubdesk.core.errors import describe_error
from hubdesk.core.templates import TemplateBook, TemplateTextError
from hubdesk.domain import Template
from hubdesk.ui.qt.async_slots import async_slot, spawn
from hubdesk.ui.shell.window import TEMPLATES, MainWindow
from hubdesk.ui.templates.popup import TemplatePopup

__all__ = ["TemplateTarget", "TemplatesController"]


class TemplateTarget(Protocol):
    """A message box's owner that takes templates (compose, Bulk send, New message)."""

    def insert_template(self, text: str) -> None: ...

    def template_anchor(self) -> QRect: ...

    def window(self) -> QWidget: ...


class TemplatesController(QObject):
    """The Templates page, the popup, and the compose preview's recipient."""

    def __init__(self, window: MainWindow, book: TemplateBook, contacts: ContactBook) -> None:
        super().__init__(window)
        self.window = window
        self.book = book
        self.contacts = contacts
        self.templates: list[Template] = []
        self.loaded = False
        self.popup: TemplatePopup | None = None
        self.page = window.templates_page
        self._partner: str | None = None
        page = self.page
        page.add_requested.connect(self.add)
        page.edit_requested.connect(self.edit)
        page.duplicate_requested.connect(self.duplicate)
        page.delete_requested.connect(self.delete)
        page.move_requested.connect(self.move)
        page.import_requested.connect(lambda path: self.import_file(Path(path)))
        page.export_requested.connect(lambda path: self.export(Path(path)))
        window.page_changed.connect(self._on_page)
        compose = window.messages_page.compose
        self.attach(compose.templates_requested, compose)
        book.changed.connect(lambda _none: self.reload())
        contacts.changed.connect(self._on_contacts)

    # --- the list ---------------------------------------------------------------------
    def reload(self) -> None:
        spawn(self.load(), name="ui-templates")

    async def load(self, select: int | None = None) -> builtins.list[Template]:
        try:
            self.templates = await self.book.list()
        except Exception as exc:
            self.page.show_status(describe_error(exc), error=True)
            return self.templates
        self.loaded = True
        self.page.set_templates(self.templates, select)
        return self.templates

    def _on_page(self, index: int) -> None:
        if index == TEMPLATES and not self.loaded:
            self.reload()

    # --- editing ----------------------------------------------------------------------
    def _failed(self, exc: Exception) -> None:
        if isinstance(exc, TemplateTextError):
            self.page.show_text_error(str(exc), exc.position)
        else:
            self.page.show_status(describe_error(exc), error=True)

    @async_slot(on_error=_failed)
    async def add(self, name: str, text: str) -> None:
        template = await self.book.add(name, text)
        await self.load(select=template.id)
        self.page.show_status(f"Saved “{template.name}”.")

    @async_slot(on_error=_failed)
    async def edit(self, template_id: int, name: str, text: str) -> None:
        current = await self.book.get(template_id)
        if current is None:
            raise LookupError("that template was deleted meanwhile")
        if text != current.text:
            current = await self.book.edit(template_id, text)
        if " ".join(name.split()) != current.name:
            current = await self.book.rename(template_id, name)
        await self.load(select=template_id)
        self.page.show_status(f"Saved “{current.name}”.")

    @async_slot(on_error=_failed)
    async def duplicate(self, template_id: int) -> None:
        copy = await self.book.duplicate(template_id)
        await self.load(select=copy.id)
        self.page.show_status(f"Added “{copy.name}”: rename it and save.")

    @async_slot(on_error=_failed)
    async def delete(self, template_id: int) -> None:
        gone = next((t for t in self.templates if t.id == template_id), None)
        await self.book.delete(template_id)
        await self.load()
        if gone is not None:
            self.page.show_status(f"Deleted “{gone.name}”.")

    @async_slot(on_error=_failed)
    async def move(self, template_id: int, index: int) -> None:
        await self.book.move(template_id, index)
        await self.load(select=template_id)

    # --- CSV --------------------------------------------------------------------------
    @async_slot(on_error=_failed)
    async def import_file(self, path: Path) -> None:
        self.page.show_status(f"Importing {path.name}…")
        report = await self.book.import_file(path)
        await self.load()
        self.page.show_import_report(report, path.name)

    @async_slot(on_error=_failed)
    async def export(self, path: Path) -> None:
        count = await self.book.export_csv(path)
        said = f"Exported {count} template{'s' if count != 1 else ''} to {path.name}."
        self.page.show_status(said)
        self.window.show_toast(said)

    # --- the popup --------------------------------------------------------------------
    def attach(self, requested: SignalInstance, target: TemplateTarget) -> None:
        """Ctrl+T in ``target``'s box (its ``requested`` signal) opens the popup for it."""
        requested.connect(lambda: self.open_popup(target))

    def open_popup(self, target: TemplateTarget) -> TemplatePopup:
        """The popup at ``target``'s cursor, over the list as last loaded (loaded now
        when it never was)."""
        if self.popup is not None:
            self.popup.close()
        # Parented to the box's own window: a modal dialog (New message, Bulk send)
        # would block a popup of the main window.
        popup = TemplatePopup(self.templates, target.window())
        popup.chosen.connect(target.insert_template)
        popup.destroyed.connect(lambda _o=None: self._forget(popup))
        self.popup = popup
        popup.show_at(target.template_anchor())
        if not self.loaded:
            spawn(self._fill_popup(popup), name="ui-template-popup")
        return popup

    async def _fill_popup(self, popup: TemplatePopup) -> None:
        templates = await self.load()
        if popup is self.popup:
            popup.set_templates(templates)

    def _forget(self, popup: TemplatePopup) -> None:
        if self.popup is popup:
            self.popup = None

    # --- the compose preview ----------------------------------------------------------
    def show_partner(self, partner: str) -> None:
        """The conversation ``partner`` (E.164 digits) is open: the preview fills its
        placeholders from its contact."""
        self._partner = partner
        spawn(self._fill_recipient(partner), name="ui-compose-recipient")

    async def _fill_recipient(self, partner: str) -> None:
        contact = await self.contacts.find_by_number(partner)
        if partner == self._partner:
            compose = self.window.messages_page.compose
            compose.set_recipient(partner, contact.name if contact is not None else None)

    def _on_contacts(self, numbers: frozenset[str]) -> None:
        if self._partner is not None and (not numbers or self._partner in numbers):
            self.show_partner(self._partner)
