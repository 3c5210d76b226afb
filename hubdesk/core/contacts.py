"""The address book use case: contacts with UK numbers, groups, import and export.

Every store access goes through the ``DbWorker``. Numbers are checked with
``domain.numbers.parse_uk_number`` and refused with its reason ("not a valid UK number:
too short", "not a UK number (+1)"). Imports (CSV, vCard) report every record:
added / updated / skipped / rejected, with the reason; the whole import is one
transaction.
"""

from __future__ import annotations

import asyncio
import builtins
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TypeVar

from hubdesk.core.contact_records import ContactRecord
from hubdesk.core.contacts_import import (
    ImportReport,
    ImportRow,
    ImportStatus,
    apply_import,
    clean_groups,
)
from hubdesk.core.contacts_io import decode_text, parse_contacts_csv, write_contacts_csv
from hubdesk.core.errors import InvalidInput
from hubdesk.core.vcard import parse_vcards, write_vcards
from hubdesk.domain import Contact
from hubdesk.domain.numbers import NumberError, PhoneNumber, parse_number, parse_uk_number
from hubdesk.store.contacts import ContactError
from hubdesk.store.database import Database
from hubdesk.store.private_files import write_private
from hubdesk.store.transactions import transaction
from hubdesk.store.worker import DbWorker
from hubdesk.sync.events import Channel

__all__ = ["ContactBook", "ImportReport", "ImportRow", "ImportStatus", "uk_number"]

_VCARD_SUFFIXES = (".vcf", ".vcard")
T = TypeVar("T")


def uk_number(text: str) -> PhoneNumber:
    """The UK number in ``text`` or ``InvalidInput`` with the reason."""
    try:
        return parse_uk_number(text)
    except NumberError as exc:
        raise InvalidInput(str(exc)) from None


def _clean_name(name: str) -> str:
    clean = " ".join(name.split())
    if not clean:
        raise InvalidInput("a contact needs a name")
    return clean


class ContactBook:
    """Contacts and groups over the store. ``changed`` carries the numbers touched."""

    def __init__(self, worker: DbWorker) -> None:
        self._worker = worker
        self.changed: Channel[frozenset[str]] = Channel("contacts_changed")

    # --- contacts --------------------------------------------------------------------

    async def add(
        self, name: str, number: str, notes: str = "", groups: Sequence[str] = ()
    ) -> Contact:
        """Add a contact; ``InvalidInput`` says what is wrong (number, name, duplicate)."""
        digits = uk_number(number).digits
        clean = _clean_name(name)
        wanted = clean_groups(groups)

        def add(db: Database) -> Contact:
            with transaction(db.conn):
                contact = db.contacts.add(digits, clean, notes.strip())
                assert contact.id is not None
                for group in wanted:
                    db.contacts.add_to_group(contact.id, group)
                return _require(db, contact.id)

        contact = await self._run(add)
        await self.changed.emit(frozenset({digits}))
        return contact

    async def edit(
        self,
        contact_id: int,
        *,
        name: str | None = None,
        number: str | None = None,
        notes: str | None = None,
        groups: Sequence[str] | None = None,
    ) -> Contact:
        """Change the given fields; ``groups`` replaces the contact's groups."""
        digits = None if number is None else uk_number(number).digits
        clean = None if name is None else _clean_name(name)
        wanted = None if groups is None else clean_groups(groups)

        def edit(db: Database) -> tuple[Contact, str]:
            with transaction(db.conn):
                old = _require(db, contact_id)
                new = Contact(
                    number=digits or old.number,
                    name=clean or old.name,
                    notes=old.notes if notes is None else notes.strip(),
                    groups=old.groups,
                    id=contact_id,
                )
                db.contacts.update(new)
                if wanted is not None:
                    _set_groups(db, contact_id, old.groups, wanted)
                return _require(db, contact_id), old.number

        contact, old_number = await self._run(edit)
        await self.changed.emit(frozenset({old_number, contact.number}))
        return contact

    async def delete(self, contact_id: int) -> bool:
        def delete(db: Database) -> str | None:
            contact = db.contacts.get(contact_id)
            if contact is None or not db.contacts.delete(contact_id):
                return None
            return contact.number

        number = await self._run(delete)
        if number is not None:
            await self.changed.emit(frozenset({number}))
        return number is not None

    async def get(self, contact_id: int) -> Contact | None:
        return await self._run(lambda db: db.contacts.get(contact_id))

    async def find_by_number(self, number: str) -> Contact | None:
        """The contact with this number (any spelling of it), or None."""
        try:
            digits = parse_number(number).digits
        except NumberError:
            return None
        return await self._run(lambda db: db.contacts.get_by_number(digits))

    async def list(self, search: str | None = None) -> builtins.list[Contact]:
        """All contacts by name, or those matching ``search`` by name or number."""
        return await self._run(lambda db: db.contacts.list(search))

    async def names(self) -> dict[str, str]:
        """number (E.164 digits) -> name, for notifications and lists."""
        contacts = await self.list()
        return {c.number: c.name for c in contacts}

    # --- groups ----------------------------------------------------------------------

    async def groups(self) -> builtins.list[str]:
        return await self._run(lambda db: db.contacts.groups())

    async def create_group(self, name: str) -> None:
        clean = name.strip()
        await self._run(lambda db: db.contacts.create_group(clean))

    async def rename_group(self, old: str, new: str) -> None:
        """Rename a group in place, keeping its id and members (``InvalidInput`` if there
        is no such group or ``new`` is taken)."""
        await self._run(lambda db: db.contacts.rename_group(old, new))

    async def delete_group(self, name: str) -> bool:
        """Delete a group; its members stay in the address book."""
        return await self._run(lambda db: db.contacts.delete_group(name))

    async def add_to_group(self, contact_id: int, group: str) -> None:
        """Add a contact to a group, creating the group if needed."""
        clean = group.strip()
        if not clean:
            raise InvalidInput("a group needs a name")
        await self._run(lambda db: db.contacts.add_to_group(contact_id, clean))

    async def remove_from_group(self, contact_id: int, group: str) -> bool:
        return await self._run(lambda db: db.contacts.remove_from_group(contact_id, group))

    async def members(self, group: str) -> builtins.list[Contact]:
        return await self._run(lambda db: db.contacts.members(group))

    # --- import / export -------------------------------------------------------------

    async def import_file(self, path: Path) -> ImportReport:
        """Import a ``.vcf``/``.vcard`` file as vCard, anything else as CSV."""
        data = await asyncio.to_thread(path.read_bytes)
        text = decode_text(data)
        if path.suffix.lower() in _VCARD_SUFFIXES or text.lstrip().upper().startswith(
            "BEGIN:VCARD"
        ):
            return await self.import_vcard(text)
        return await self.import_csv(text)

    async def import_csv(self, text: str) -> ImportReport:
        return await self._import(parse_contacts_csv(text))

    async def import_vcard(self, text: str) -> ImportReport:
        return await self._import(parse_vcards(text))

    async def export_csv(self, path: Path) -> int:
        """Write every contact as CSV (UTF-8 with BOM); returns how many."""
        contacts = await self.list()
        text = write_contacts_csv(contacts)
        await asyncio.to_thread(_write, path, text, "utf-8-sig")
        return len(contacts)

    async def export_vcard(self, path: Path) -> int:
        """Write every contact as vCard 4.0; returns how many."""
        contacts = await self.list()
        await asyncio.to_thread(_write, path, write_vcards(contacts), "utf-8")
        return len(contacts)

    # --- internals -------------------------------------------------------------------

    async def _import(self, records: Sequence[ContactRecord]) -> ImportReport:
        report = await self._run(lambda db: apply_import(db, records))
        touched = frozenset(
            r.number
            for r in report.rows
            if r.number and r.status in (ImportStatus.ADDED, ImportStatus.UPDATED)
        )
        if touched:
            await self.changed.emit(touched)
        return report

    async def _run(self, fn: Callable[[Database], T]) -> T:
        try:
            return await self._worker.run(fn)
        except ContactError as exc:
            raise InvalidInput(str(exc)) from None


def _write(path: Path, text: str, encoding: str) -> None:
    """Atomically, and private (0600) from the first byte: see ``store.private_files``."""
    write_private(path, text.encode(encoding, "replace"))


def _require(db: Database, contact_id: int) -> Contact:
    contact = db.contacts.get(contact_id)
    if contact is None:
        raise ContactError(f"no contact {contact_id}")
    return contact


def _set_groups(db: Database, contact_id: int, old: Iterable[str], wanted: Iterable[str]) -> None:
    old_set, wanted_list = set(old), list(wanted)
    for group in old_set - set(wanted_list):
        db.contacts.remove_from_group(contact_id, group)
    for group in wanted_list:
        if group not in old_set:
            db.contacts.add_to_group(contact_id, group)
