"""The address book: contacts (UK numbers as E.164 digits, unique) and named groups."""

from __future__ import annotations

import builtins
import sqlite3
from collections.abc import Sequence
from typing import Any

from hubdesk.domain import Contact
from hubdesk.domain.numbers import format_number, is_uk
from hubdesk.store.transactions import transaction


class ContactError(ValueError):
    """A contact or group that cannot be written: duplicate number, bad number, unknown id."""


_SELECT = """
SELECT c.id, c.number, c.name, c.notes,
       (SELECT group_concat(name, char(31)) FROM (
            SELECT g.name FROM contact_group_members m
              JOIN contact_groups g ON g.id = m.group_id
             WHERE m.contact_id = c.id ORDER BY g.name COLLATE NOCASE))
  FROM contacts c
"""


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isascii() and ch.isdigit())


class Contacts:
    """Repository over ``contacts``, ``contact_groups`` and ``contact_group_members``."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    # -- contacts ----------------------------------------------------------------------

    def add(self, number: str, name: str, notes: str = "") -> Contact:
        """Add a contact; ``number`` must already be a UK number as E.164 digits."""
        self._validate(number, name)
        with transaction(self._conn):
            try:
                cur = self._conn.execute(
                    "INSERT INTO contacts (number, name, notes) VALUES (?, ?, ?)",
                    (number, name.strip(), notes),
                )
            except sqlite3.IntegrityError:
                raise self._duplicate(number) from None
            return self._require(int(cur.lastrowid or 0))

    def _duplicate(self, number: str) -> ContactError:
        row = self._conn.execute("SELECT name FROM contacts WHERE number = ?", (number,))
        found = row.fetchone()
        owner = f": {found[0]}" if found else ""
        return ContactError(f"a contact with number {format_number(number)} already exists{owner}")

    def update(self, contact: Contact) -> Contact:
        """Write ``contact``'s number, name and notes (by id); groups are set separately."""
        if contact.id is None:
            raise ContactError("cannot update a contact without an id")
        self._validate(contact.number, contact.name)
        with transaction(self._conn):
            try:
                cur = self._conn.execute(
                    "UPDATE contacts SET number = ?, name = ?, notes = ? WHERE id = ?",
                    (contact.number, contact.name.strip(), contact.notes, contact.id),
                )
            except sqlite3.IntegrityError:
                raise self._duplicate(contact.number) from None
            if cur.rowcount == 0:
                raise ContactError(f"no contact {contact.id}")
            return self._require(contact.id)

    def delete(self, contact_id: int) -> bool:
        with transaction(self._conn):
            cur = self._conn.execute("DELETE FROM contacts WHERE id = ?", (contact_id,))
        return cur.rowcount > 0

    def get(self, contact_id: int) -> Contact | None:
        row = self._conn.execute(_SELECT + " WHERE c.id = ?", (contact_id,)).fetchone()
        return None if row is None else _build(row)

    def get_by_number(self, number: str) -> Contact | None:
        row = self._conn.execute(_SELECT + " WHERE c.number = ?", (number,)).fetchone()
        return None if row is None else _build(row)

    def list(self, search: str | None = None) -> list[Contact]:
        """All contacts by name, or those whose name contains ``search`` or whose number
        contains its digits (a leading 0 is read as the UK trunk prefix: 07400 -> 447400)."""
        if not search or not search.strip():
            rows = self._conn.execute(_SELECT + " ORDER BY c.name COLLATE NOCASE, c.id")
            return [_build(r) for r in rows]
        text = search.strip()
        like = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        digits = _digits(text)
        number_like = "\x00"  # matches nothing
        if digits:
            number_like = ("44" + digits[1:] + "%") if digits.startswith("0") else f"%{digits}%"
        rows = self._conn.execute(
            _SELECT + " WHERE c.name LIKE ? ESCAPE '\\' OR c.number LIKE ? "
            "ORDER BY c.name COLLATE NOCASE, c.id",
            (like, number_like),
        )
        return [_build(r) for r in rows]

    # -- groups ------------------------------------------------------------------------

    def create_group(self, name: str) -> int:
        """Create a group (names are unique, case-insensitively); return its id."""
        clean = name.strip()
        if not clean:
            raise ContactError("a group needs a name")
        with transaction(self._conn):
            try:
                cur = self._conn.execute("INSERT INTO contact_groups (name) VALUES (?)", (clean,))
            except sqlite3.IntegrityError:
                raise ContactError(f"a group named {clean!r} already exists") from None
        return int(cur.lastrowid or 0)

    def rename_group(self, old: str, new: str) -> int:
        """Rename a group in place: its id and members stay. Returns the id.

        Names compare case-insensitively, so ``new`` may differ from ``old`` in case only;
        ``ContactError`` when there is no group ``old``, ``new`` is empty, or another group
        is already called ``new``.
        """
        clean = new.strip()
        if not clean:
            raise ContactError("a group needs a name")
        with transaction(self._conn):
            row = self._conn.execute(
                "SELECT id FROM contact_groups WHERE name = ?", (old,)
            ).fetchone()
            if row is None:
                raise ContactError(f"no group named {old!r}")
            try:
                self._conn.execute(
                    "UPDATE contact_groups SET name = ? WHERE id = ?", (clean, row[0])
                )
            except sqlite3.IntegrityError:
                raise ContactError(f"a group named {clean!r} already exists") from None
        return int(row[0])

    def delete_group(self, name: str) -> bool:
        with transaction(self._conn):
            cur = self._conn.execute("DELETE FROM contact_groups WHERE name = ?", (name,))
        return cur.rowcount > 0

    def groups(self) -> builtins.list[str]:
        rows = self._conn.execute("SELECT name FROM contact_groups ORDER BY name COLLATE NOCASE")
        return [r[0] for r in rows]

    def add_to_group(self, contact_id: int, group: str) -> None:
        """Add a contact to a group, creating the group when it does not exist yet."""
        with transaction(self._conn):
            if self.get(contact_id) is None:
                raise ContactError(f"no contact {contact_id}")
            self._conn.execute(
                "INSERT INTO contact_groups (name) VALUES (?) ON CONFLICT (name) DO NOTHING",
                (group.strip(),),
            )
            self._conn.execute(
                "INSERT OR IGNORE INTO contact_group_members (group_id, contact_id) "
                "SELECT id, ? FROM contact_groups WHERE name = ?",
                (contact_id, group.strip()),
            )

    def remove_from_group(self, contact_id: int, group: str) -> bool:
        with transaction(self._conn):
            cur = self._conn.execute(
                "DELETE FROM contact_group_members WHERE contact_id = ? AND group_id = "
                "(SELECT id FROM contact_groups WHERE name = ?)",
                (contact_id, group),
            )
        return cur.rowcount > 0

    def members(self, group: str) -> builtins.list[Contact]:
        rows = self._conn.execute(
            _SELECT + " JOIN contact_group_members m ON m.contact_id = c.id "
            "JOIN contact_groups g ON g.id = m.group_id WHERE g.name = ? "
            "ORDER BY c.name COLLATE NOCASE, c.id",
            (group,),
        )
        return [_build(r) for r in rows]

    # -- internals ---------------------------------------------------------------------

    @staticmethod
    def _validate(number: str, name: str) -> None:
        if not (number.isascii() and number.isdigit() and number.startswith("44")) or not is_uk(
            number
        ):
            raise ContactError(f"not a UK number as E.164 digits: {number!r}")
        if not name.strip():
            raise ContactError("a contact needs a name")

    def _require(self, contact_id: int) -> Contact:
        contact = self.get(contact_id)
        if contact is None:
            raise ContactError(f"no contact {contact_id}")
        return contact


def _build(row: Sequence[Any]) -> Contact:
    contact_id, number, name, notes, groups = row
    return Contact(
        number=number,
        name=name,
        notes=notes,
        groups=tuple(groups.split("\x1f")) if groups else (),
        id=contact_id,
    )
