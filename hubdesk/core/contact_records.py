"""One contact as an import file gave it, before validation (CSV row or vCard card)."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ContactRecord"]


@dataclass(frozen=True, slots=True)
class ContactRecord:
    """``where`` names the place for the import report ("row 3", "line 12"), and
    ``position`` is its number (a spreadsheet's row, counting the header as row 1; the
    line of a card's BEGIN:VCARD)."""

    where: str
    position: int
    name: str
    numbers: tuple[str, ...]
    notes: str
    groups: tuple[str, ...]
