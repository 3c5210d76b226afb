"""Contacts as CSV (pure, no database): reading with header detection, and writing.

Reading accepts what spreadsheets and phone exports produce: UTF-8 with or without a
BOM (Windows-1252 as a fallback), comma / semicolon / tab delimiters, Excel-style
quoting (doubled quotes, line breaks inside quoted cells), and a header row naming the
columns in any order with the common spellings ("Name", "Full name", "First name" +
"Last name", "Mobile", "Phone number", "Tel", "Notes", "Groups", "Categories", "Labels",
Google's "Phone 1 - Value" and "Group Membership" ...). Without a recognisable header
the first cell that looks like a phone number is the number and the first other
non-empty cell the name. Each record keeps its row number as a spreadsheet shows it.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from hubdesk.core.contact_records import ContactRecord
from hubdesk.core.errors import InvalidInput
from hubdesk.domain import Contact

__all__ = [
    "CSV_COLUMNS",
    "csv_rows",
    "decode_text",
    "from_spreadsheet_cell",
    "parse_contacts_csv",
    "spreadsheet_cell",
    "write_contacts_csv",
]

CSV_COLUMNS = ("name", "number", "notes", "groups")

_NAME = {"name", "fullname", "displayname", "contact", "contactname", "formattedname", "fn"}
_FIRST = {"firstname", "givenname", "forename", "first"}
_MIDDLE = {"middlename", "additionalname"}
_LAST = {"lastname", "surname", "familyname", "last"}
_NUMBER = {
    "number", "phone", "phonenumber", "phoneno", "mobile", "mobilenumber", "mobileno",
    "mobilephone", "cell", "cellphone", "cellular", "tel", "telephone", "telephonenumber",
    "msisdn", "primaryphone", "homephone", "businessphone", "workphone", "otherphone",
    "telno", "contactnumber",
}  # fmt: skip
_NOTES = {"notes", "note", "comments", "comment", "description", "memo"}
_GROUPS = {"groups", "group", "categories", "category", "labels", "label", "tags", "tag",
           "groupmembership", "lists", "list"}  # fmt: skip
_GOOGLE_PHONE = re.compile(r"^phone\d+value$")
_GROUP_SPLIT = re.compile(r"\s*(?::::|[;,|])\s*")
_PHONE_LIKE = re.compile(r"^\s*\+?[\d\s().\-/]{6,}\s*$")
# A cell a spreadsheet would run as a formula, behind any apostrophes written before it.
_FORMULA = re.compile(r"'*[=+\-@\t\r]")


@dataclass(frozen=True, slots=True)
class _Columns:
    name: tuple[int, ...]  # one "name" column, or first/middle/last columns joined
    numbers: tuple[int, ...]
    notes: tuple[int, ...]
    groups: tuple[int, ...]


_UNICODE_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16's: it starts the same way
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode_text(data: bytes) -> str:
    """UTF-8 (a BOM is dropped); UTF-16 or UTF-32 when a BOM says so (Notepad's and
    Excel's "Unicode text"); Windows-1252 when the bytes are not UTF-8."""
    for bom, encoding in _UNICODE_BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)  # the BOM is read and dropped
            except UnicodeDecodeError:
                break
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", "replace")


def _key(cell: str) -> str:
    return re.sub(r"[^a-z0-9]", "", cell.lower())


def _header_columns(header: Sequence[str]) -> _Columns | None:
    name: list[int] = []
    first: list[int] = []
    middle: list[int] = []
    last: list[int] = []
    numbers: list[int] = []
    notes: list[int] = []
    groups: list[int] = []
    for index, cell in enumerate(header):
        key = _key(cell)
        if key in _NAME:
            name.append(index)
        elif key in _FIRST:
            first.append(index)
        elif key in _MIDDLE:
            middle.append(index)
        elif key in _LAST:
            last.append(index)
        elif key in _NUMBER or _GOOGLE_PHONE.match(key):
            numbers.append(index)
        elif key in _NOTES:
            notes.append(index)
        elif key in _GROUPS:
            groups.append(index)
    if not numbers or not (name or first or last):
        return None
    names = tuple(name[:1]) if name else tuple(first[:1] + middle[:1] + last[:1])
    return _Columns(names, tuple(numbers), tuple(notes[:1]), tuple(groups[:1]))


def _guess_columns(row: Sequence[str]) -> _Columns | None:
    number = next((i for i, c in enumerate(row) if _PHONE_LIKE.match(c)), None)
    if number is None:
        return None
    others = [i for i, c in enumerate(row) if i != number and c.strip()]
    name = tuple(others[:1])
    notes = tuple(others[1:2])
    groups = tuple(others[2:3])
    return _Columns(name, (number,), notes, groups)


def spreadsheet_cell(value: str) -> str:
    """``value`` for a CSV cell: after an apostrophe (which spreadsheets hide) when a
    spreadsheet would run it as a formula (it starts with ``=``, ``+``, ``-``, ``@``, a
    tab or a carriage return; CSV injection)."""
    return "'" + value if _FORMULA.match(value) else value


def from_spreadsheet_cell(value: str) -> str:
    """A cell read back: ``spreadsheet_cell``'s apostrophe dropped, so files round-trip."""
    return value[1:] if value.startswith("'") and _FORMULA.match(value) else value


def _cell(row: Sequence[str], index: int) -> str:
    return from_spreadsheet_cell(row[index].strip()) if index < len(row) else ""


def csv_rows(
    text: str, dialect: type[csv.Dialect] | csv.Dialect = csv.excel, delimiter: str | None = None
) -> list[list[str]]:
    """Every row of ``text`` (line breaks of any kind); ``InvalidInput`` names the line
    of one that cannot be read (a cell longer than the csv module's limit)."""
    reader = csv.reader(
        io.StringIO(text, newline=""), dialect, delimiter=delimiter or dialect.delimiter
    )
    try:
        return list(reader)
    except csv.Error as exc:
        where = f"line {reader.line_num}: {exc}"
        raise InvalidInput(f"the file cannot be read as CSV ({where})") from None


def _dialect(text: str) -> type[csv.Dialect] | csv.Dialect:
    sample = text[:8192]
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        return csv.excel


def parse_contacts_csv(text: str) -> list[ContactRecord]:
    """Every data row of ``text`` (blank rows skipped)."""
    text = text.lstrip("\ufeff")
    rows = csv_rows(text, _dialect(text))
    if not rows:
        return []
    columns = _header_columns(rows[0])
    first_data = 1
    if columns is None:
        first_data = 0
        sample = next((r for r in rows if any(c.strip() for c in r)), [])
        columns = _guess_columns(sample)
        if columns is None:  # nothing looks like a number: report every row as it is
            columns = _Columns((0,), (1,), (2,), (3,))
    records: list[ContactRecord] = []
    for index in range(first_data, len(rows)):
        row = rows[index]
        if not any(c.strip() for c in row):
            continue
        name = " ".join(p for p in (_cell(row, i) for i in columns.name) if p)
        numbers = tuple(n for n in (_cell(row, i) for i in columns.numbers) if n)
        notes = "\n".join(n for n in (_cell(row, i) for i in columns.notes) if n)
        notes = notes.replace("\r\n", "\n").replace("\r", "\n")
        groups: list[str] = []
        for i in columns.groups:
            for group in _GROUP_SPLIT.split(_cell(row, i)):
                # Google's system groups ("* myContacts") are not the user's groups.
                if group and not group.startswith("*"):
                    groups.append(group)
        records.append(
            ContactRecord(
                where=f"row {index + 1}",
                position=index + 1,
                name=" ".join(name.split()),
                numbers=numbers,
                notes=notes,
                groups=tuple(dict.fromkeys(groups)),
            )
        )
    return records


def write_contacts_csv(contacts: Iterable[Contact]) -> str:
    """CSV text (header ``name,number,notes,groups``; numbers as ``+44…``; groups joined
    with "; "). Write it with ``encoding="utf-8-sig"`` so Excel reads the accents."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for c in contacts:
        cells = (c.name, c.notes, "; ".join(c.groups))
        name, notes, groups = (spreadsheet_cell(cell) for cell in cells)
        writer.writerow([name, "+" + c.number, notes, groups])
    return out.getvalue()
