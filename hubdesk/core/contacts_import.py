"""Importing contacts (CSV, vCard records) into the address book, and what each became.

The whole import is one transaction on the DB worker's thread. Every record is
reported: added / updated / skipped / rejected, with the reason. A record's first UK
number is used (the others are noted); a number already in the address book merges the
record into that contact (name, notes when given, missing groups added).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import Enum

from hubdesk.core.contact_records import ContactRecord
from hubdesk.domain import Contact
from hubdesk.domain.numbers import NumberError, PhoneNumber, parse_number, parse_uk_number
from hubdesk.store.database import Database
from hubdesk.store.transactions import transaction

__all__ = [
    "ImportReport",
    "ImportRow",
    "ImportStatus",
    "apply_import",
    "clean_groups",
]


class ImportStatus(Enum):
    ADDED = "added"
    UPDATED = "updated"
    SKIPPED = "skipped"
    REJECTED = "rejected"


@dataclass(frozen=True, slots=True)
class ImportRow:
    """What happened to one record. ``where`` is "row 3" (CSV) or "line 12" (vCard)."""

    where: str
    position: int
    name: str
    status: ImportStatus
    reason: str = ""
    number: str | None = None


@dataclass(frozen=True, slots=True)
class ImportReport:
    rows: tuple[ImportRow, ...]

    def count(self, status: ImportStatus) -> int:
        return sum(1 for r in self.rows if r.status is status)

    @property
    def added(self) -> int:
        return self.count(ImportStatus.ADDED)

    @property
    def updated(self) -> int:
        return self.count(ImportStatus.UPDATED)

    @property
    def skipped(self) -> int:
        return self.count(ImportStatus.SKIPPED)

    @property
    def rejected(self) -> int:
        return self.count(ImportStatus.REJECTED)

    def summary(self) -> str:
        return (
            f"{self.added} added, {self.updated} updated, {self.skipped} skipped, "
            f"{self.rejected} rejected."
        )


def clean_groups(groups: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(g.strip() for g in groups if g.strip()))


def _other_reason(text: str) -> str:
    try:
        number = parse_number(text)
    except NumberError as exc:
        return f"{text} ({exc})"
    return f"{number.international()} (not a UK number)"


def _choose_number(numbers: Sequence[str]) -> tuple[PhoneNumber | None, str]:
    """The first UK number and a note about the others (or the reason none is usable)."""
    if not numbers:
        return None, "no phone number"
    chosen: PhoneNumber | None = None
    others: list[str] = []
    first_error = ""
    for text in numbers:
        try:
            number = parse_uk_number(text)
        except NumberError as exc:
            first_error = first_error or str(exc)
            others.append(_other_reason(text))
            continue
        if chosen is None:
            chosen = number
        elif number.digits != chosen.digits:
            others.append(f"{number.national()} (only one number per contact)")
    if chosen is None:
        return None, first_error
    note = f"not imported: {', '.join(others)}" if others else ""
    return chosen, note


def apply_import(db: Database, records: Sequence[ContactRecord]) -> ImportReport:
    rows: list[ImportRow] = []
    seen: dict[str, str] = {}  # digits -> where first seen
    with transaction(db.conn):
        for rec in records:
            number, note = _choose_number(rec.numbers)
            name = " ".join(rec.name.split())
            if number is None:
                rows.append(ImportRow(rec.where, rec.position, name, ImportStatus.REJECTED, note))
                continue
            digits = number.digits
            if not name:
                rows.append(
                    ImportRow(
                        rec.where, rec.position, name, ImportStatus.REJECTED, "no name", digits
                    )
                )
                continue
            if digits in seen:
                rows.append(
                    ImportRow(
                        rec.where,
                        rec.position,
                        name,
                        ImportStatus.SKIPPED,
                        f"duplicate of {seen[digits]}",
                        digits,
                    )
                )
                continue
            seen[digits] = rec.where
            status, reason = _merge(db, digits, name, rec.notes, rec.groups)
            reason = "; ".join(p for p in (reason, note) if p)
            rows.append(ImportRow(rec.where, rec.position, name, status, reason, digits))
    return ImportReport(tuple(rows))


def _merge(
    db: Database, digits: str, name: str, notes: str, groups: Sequence[str]
) -> tuple[ImportStatus, str]:
    existing = db.contacts.get_by_number(digits)
    wanted = clean_groups(groups)
    if existing is None:
        contact = db.contacts.add(digits, name, notes.strip())
        assert contact.id is not None
        for group in wanted:
            db.contacts.add_to_group(contact.id, group)
        return ImportStatus.ADDED, ""
    assert existing.id is not None
    new_notes = notes.strip() or existing.notes
    missing = [g for g in wanted if g not in existing.groups]
    if name == existing.name and new_notes == existing.notes and not missing:
        return ImportStatus.SKIPPED, "already in contacts"
    db.contacts.update(Contact(digits, name, new_notes, existing.groups, existing.id))
    for group in missing:
        db.contacts.add_to_group(existing.id, group)
    if name != existing.name:  # say so: the row renamed someone already in contacts
        return ImportStatus.UPDATED, f"renamed the existing contact {existing.name} to {name}"
    return ImportStatus.UPDATED, f"updated the existing contact {existing.name}"
