"""Templates as CSV, so a team can share one set: reading, writing, and importing.

The file has two columns, ``name`` and ``text``, under a header row::

    name,text
    Table ready,"Hi {first_name|there}, your table is ready."

Reading accepts UTF-8 with or without a BOM (the caller decodes bytes with
``contacts_io.decode_text``, which falls back to Windows-1252), Excel-style quoting
(doubled quotes, line breaks inside a quoted cell), and a header naming the columns in
either order ("Name"/"Title"/"Template", "Text"/"Message"/"Body"/"Content"), separated
by commas, semicolons or tabs. Without such a header the first column is the name and
the second the text, separated by commas. Texts are kept as written (a CRLF line end
inside a cell becomes a plain line feed, as in a message).

Import rules (every row is reported, with its row number as a spreadsheet shows it):

* a row without a name or text, with an unknown placeholder or a brace out of place,
  or with a name already used by an earlier row of the file is **rejected**;
* a name that already exists (compared case-insensitively) is **skipped** and the
  saved template kept, unless ``replace`` is asked for: then its text is **replaced**
  (name and place stay; the same text again is skipped);
* anything else is **added**, at the end of the list.

The whole import is one transaction. Writing gives the same two columns, in the list's
order, CRLF line ends; the caller writes it as UTF-8 with a BOM so Excel reads accents.
A cell that a spreadsheet would run as a formula (it starts with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return) is written after an apostrophe, which spreadsheets
hide; reading drops that one apostrophe again, so a file round-trips unchanged.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import Enum

from hubdesk.core.contacts_io import csv_rows, from_spreadsheet_cell, spreadsheet_cell
from hubdesk.domain import Template
from hubdesk.domain.placeholders import TemplateSyntaxError, parse
from hubdesk.store.database import Database
from hubdesk.store.templates import (
    TemplateError,
    clean_name,
    control_at,
    control_sentence,
    name_key,
)
from hubdesk.store.transactions import transaction

__all__ = [
    "CSV_COLUMNS",
    "TemplateImportReport",
    "TemplateImportRow",
    "TemplateImportStatus",
    "TemplateRecord",
    "apply_template_import",
    "parse_templates_csv",
    "write_templates_csv",
]

CSV_COLUMNS = ("name", "text")
_NAME = {"name", "title", "template", "templatename"}
_TEXT = {"text", "message", "body", "content", "templatetext", "messagetext"}


class TemplateImportStatus(Enum):
    ADDED = "added"
    REPLACED = "replaced"
    SKIPPED = "skipped"
    REJECTED = "rejected"


REJECTED = TemplateImportStatus.REJECTED


@dataclass(frozen=True, slots=True)
class TemplateRecord:
    """One data row of a file: its row number (the header is row 1) and its cells."""

    row: int
    name: str
    text: str


@dataclass(frozen=True, slots=True)
class TemplateImportRow:
    """What became of one row."""

    row: int
    name: str
    status: TemplateImportStatus
    reason: str = ""
    conflict: bool = False  # skipped: the name exists with another text (kept)


@dataclass(frozen=True, slots=True)
class TemplateImportReport:
    rows: tuple[TemplateImportRow, ...]

    def count(self, status: TemplateImportStatus) -> int:
        return sum(1 for r in self.rows if r.status is status)

    @property
    def added(self) -> int:
        return self.count(TemplateImportStatus.ADDED)

    @property
    def replaced(self) -> int:
        return self.count(TemplateImportStatus.REPLACED)

    @property
    def skipped(self) -> int:
        return self.count(TemplateImportStatus.SKIPPED)

    @property
    def rejected(self) -> int:
        return self.count(TemplateImportStatus.REJECTED)

    @property
    def conflicts(self) -> int:
        """Rows skipped because a template of that name exists with another text."""
        return sum(1 for r in self.rows if r.conflict)

    def summary(self) -> str:
        return (
            f"{self.added} added, {self.replaced} replaced, {self.skipped} skipped, "
            f"{self.rejected} rejected."
        )


def _key(cell: str) -> str:
    return re.sub(r"[^a-z]", "", cell.lower())


def _header(text: str) -> tuple[str, int, int] | None:
    """(delimiter, name column, text column) when the first line is a header."""
    first_line = re.split(r"\r\n|\r|\n", text, maxsplit=1)[0]  # CR alone: old Macs
    for delimiter in (",", ";", "\t"):
        cells = next(csv.reader([first_line], delimiter=delimiter), [])
        keys = [_key(c) for c in cells]
        name = next((i for i, k in enumerate(keys) if k in _NAME), None)
        body = next((i for i, k in enumerate(keys) if k in _TEXT), None)
        if name is not None and body is not None:
            return delimiter, name, body
    return None


def parse_templates_csv(text: str) -> list[TemplateRecord]:
    """Every non-blank data row of ``text`` (see the module docstring)."""
    text = text.lstrip("\ufeff")
    header = _header(text)
    delimiter, name_col, text_col = header if header is not None else (",", 0, 1)
    records: list[TemplateRecord] = []
    for index, row in enumerate(csv_rows(text, delimiter=delimiter), start=1):
        if index == 1 and header is not None:
            continue
        if not any(cell.strip() for cell in row):
            continue
        name = from_spreadsheet_cell(row[name_col]) if name_col < len(row) else ""
        body = from_spreadsheet_cell(row[text_col]) if text_col < len(row) else ""
        records.append(TemplateRecord(index, name, body.replace("\r\n", "\n")))
    return records


def write_templates_csv(templates: Iterable[Template]) -> str:
    """CSV text with a ``name,text`` header, one row per template, in order."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for template in templates:
        writer.writerow([spreadsheet_cell(template.name), spreadsheet_cell(template.text)])
    return out.getvalue()


def _problem(record: TemplateRecord) -> str | None:
    """Why a row cannot be a template, or None."""
    if not record.name.strip():
        return "no name"
    try:
        clean_name(record.name)
    except TemplateError as exc:
        return str(exc)
    if not record.text.strip():
        return "no text"
    control = control_at(record.text)
    if control is not None:
        return f"the text holds {control_sentence(record.text, control)}"
    try:
        parse(record.text)
    except TemplateSyntaxError as exc:
        return str(exc)
    return None


def apply_template_import(
    db: Database, records: Sequence[TemplateRecord], *, replace: bool = False
) -> TemplateImportReport:
    """Write ``records`` in one transaction and report every row (see the module docstring)."""
    rows: list[TemplateImportRow] = []
    seen: dict[str, int] = {}  # name key -> the row that used it first
    with transaction(db.conn):
        for record in records:
            shown = " ".join(record.name.split())
            problem = _problem(record)
            if problem is not None:
                rows.append(TemplateImportRow(record.row, shown, REJECTED, problem))
                continue
            name = clean_name(record.name)
            key = name_key(name)
            if key in seen:
                reason = f"the same name as row {seen[key]}"
                rows.append(TemplateImportRow(record.row, name, REJECTED, reason))
                continue
            seen[key] = record.row
            rows.append(_merge(db, record.row, name, record.text, replace))
    return TemplateImportReport(tuple(rows))


def _merge(db: Database, row: int, name: str, text: str, replace: bool) -> TemplateImportRow:
    existing = db.templates.get_by_name(name)
    if existing is None:
        db.templates.add(name, text)
        return TemplateImportRow(row, name, TemplateImportStatus.ADDED)
    if existing.text == text:
        return TemplateImportRow(row, name, TemplateImportStatus.SKIPPED, "already the same")
    if not replace:
        return TemplateImportRow(
            row,
            name,
            TemplateImportStatus.SKIPPED,
            f"a template named {existing.name!r} already exists (its text was kept)",
            conflict=True,
        )
    db.templates.edit(existing.id, text)
    return TemplateImportRow(
        row, name, TemplateImportStatus.REPLACED, f"replaced the text of {existing.name!r}"
    )
