"""core.templates (+ templates_io) against a real SQLite file through the DbWorker."""

from __future__ import annotations

import csv
import io
import sqlite3
import stat
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from hubdesk.core.errors import InvalidInput, describe_error
from hubdesk.core.templates import TemplateBook, TemplateTextError, check_text, rank_templates
from hubdesk.core.templates_io import (
    TemplateImportStatus,
    parse_templates_csv,
    write_templates_csv,
)
from hubdesk.domain import Template
from hubdesk.store.worker import DbWorker


@pytest.fixture
async def book(tmp_path: Path) -> AsyncIterator[TemplateBook]:
    worker = await DbWorker.open(tmp_path / "hubdesk.sqlite3")
    yield TemplateBook(worker)
    await worker.close()


def made(name: str, text: str, position: int = 0) -> Template:
    moment = datetime(2024, 5, 1, tzinfo=UTC)
    return Template(position + 1, name, text, position, moment, moment)


# --- saving --------------------------------------------------------------------------------


async def test_saving_checks_name_text_and_placeholders(book: TemplateBook) -> None:
    changes: list[None] = []
    book.changed.connect(changes.append)
    saved = await book.add(" Table  ready ", "Hi {First_Name|there}, your table is ready.")
    assert saved.name == "Table ready"
    assert saved.text == "Hi {First_Name|there}, your table is ready."  # kept as typed
    with pytest.raises(TemplateTextError) as unknown:
        await book.add("Typo", "Dear {firstname},")
    assert unknown.value.position == 6
    sentence = describe_error(unknown.value)
    assert sentence.startswith("Unknown placeholder {firstname} at character 6")
    assert "did you mean {first_name}?" in sentence and "{date}, {time}" in sentence
    with pytest.raises(TemplateTextError, match='closes no placeholder; write "}}"') as brace:
        await book.add("Brace", "Smile :-}")
    assert brace.value.position == 9
    with pytest.raises(TemplateTextError, match="needs a text") as empty:
        await book.add("Empty", "   ")
    assert empty.value.position is None
    with pytest.raises(InvalidInput, match="needs a name"):
        await book.add("  ", "Hello")
    with pytest.raises(InvalidInput, match="'Table ready' already exists"):
        await book.add("TABLE READY", "Hello")
    with pytest.raises(
        TemplateTextError, match=r"control character \(U\+001B\) at character 4"
    ) as esc:
        await book.add("Escape", "Hi \x1b[31m")
    assert esc.value.position == 4
    with pytest.raises(InvalidInput, match=r"name cannot hold a control character \(U\+0000\)"):
        await book.add("Nul\x00name", "Hello")
    assert [t.name for t in await book.list()] == ["Table ready"]
    assert len(changes) == 1  # only the one that was saved


async def test_edit_rename_duplicate_move_delete(book: TemplateBook) -> None:
    late = await book.add("Late", "Running {time} late")
    ready = await book.add("Ready", "Table ready")
    with pytest.raises(TemplateTextError, match="unknown placeholder {tme}"):
        await book.edit(late.id, "Running {tme} late")
    edited = await book.edit(late.id, "Running 10 minutes late, {first_name|friend}")
    assert edited.text.endswith("{first_name|friend}")
    assert (await book.rename(ready.id, "Table ready")).name == "Table ready"
    with pytest.raises(InvalidInput, match="already exists"):
        await book.rename(ready.id, "late")
    copy = await book.duplicate(late.id)
    assert copy.name == "Late (copy)" and copy.position == 1
    moved = await book.move(ready.id, 0)
    assert [t.name for t in moved] == ["Table ready", "Late", "Late (copy)"]
    assert await book.delete(copy.id) is True
    assert await book.delete(copy.id) is False
    assert (await book.require("table READY")).id == ready.id
    assert await book.find("nothing") is None
    with pytest.raises(InvalidInput, match="there is no template named 'nothing'"):
        await book.require(" nothing ")
    with pytest.raises(InvalidInput, match="no template 999"):
        await book.edit(999, "x")


def test_check_text_gives_the_parsed_text() -> None:
    parsed = check_text("{{literal}} and {date}")
    assert parsed.names == ("date",) and parsed.fill({"date": "today"}) == "{literal} and today"


# --- the quick filter ------------------------------------------------------------------------


def test_the_quick_filter_ranks_name_prefix_then_word_prefix_then_substring() -> None:
    templates = [
        made("Closing time", "We close at 10, plate up soon", 0),  # "late" inside a word
        made("Running late", "Sorry, running 10 minutes behind", 1),  # name word prefix
        made("Lateness policy", "Please arrive on time", 2),  # name prefix
        made("Reminder", "You are late for your table", 3),  # text word prefix
        made("Chocolate cake", "Ready", 4),  # name substring
        made("Table ready", "Hi {first_name}", 5),  # no match
    ]
    found = rank_templates(templates, " LATE ")
    assert [t.name for t in found] == [
        "Lateness policy",
        "Running late",
        "Reminder",
        "Chocolate cake",
        "Closing time",
    ]
    assert [t.name for t in rank_templates(templates, "late", limit=2)] == [
        "Lateness policy",
        "Running late",
    ]
    assert rank_templates(templates, "") == templates
    assert rank_templates(templates, "", limit=1) == templates[:1]
    assert rank_templates(templates, "zzz") == []


def test_the_quick_filter_ignores_accents_and_case() -> None:
    templates = [made("Café open", "Bienvenue", 0), made("Other", "ÉTÉ menu", 1)]
    assert [t.name for t in rank_templates(templates, "CAFE")] == ["Café open"]
    assert [t.name for t in rank_templates(templates, "ete")] == ["Other"]


async def test_filter_reads_the_store(book: TemplateBook) -> None:
    await book.add("Running late", "Sorry")
    await book.add("Table ready", "Your table is ready")
    assert [t.name for t in await book.filter("tab")] == ["Table ready"]
    assert [t.name for t in await book.filter("")] == ["Running late", "Table ready"]


# --- CSV -------------------------------------------------------------------------------------


def test_reading_csv_headers_delimiters_quotes_and_bom() -> None:
    text = (
        "\ufeffText;Name\r\n"
        '"Hi {first_name|there};\r\nsee you";Greeting\r\n'
        ";\r\n"
        'Running late;"Late, again"\r\n'
    )
    records = parse_templates_csv(text)
    assert [(r.row, r.name, r.text) for r in records] == [
        (2, "Greeting", "Hi {first_name|there};\nsee you"),
        (4, "Late, again", "Running late"),
    ]
    plain = parse_templates_csv("Greeting,Hello there\nBye,Goodbye")
    assert [(r.row, r.name, r.text) for r in plain] == [
        (1, "Greeting", "Hello there"),
        (2, "Bye", "Goodbye"),
    ]
    assert parse_templates_csv("") == []
    assert [(r.name, r.text) for r in parse_templates_csv("only a name")] == [("only a name", "")]


def test_reading_a_csv_with_old_mac_line_ends() -> None:
    # "CSV (Macintosh)" ends lines with a lone CR: the import was an internal error
    # (csv.Error: new-line character seen in unquoted field).
    records = parse_templates_csv("name,text\rLate,Running late\rBye,Goodbye\r")
    assert [(r.row, r.name, r.text) for r in records] == [
        (2, "Late", "Running late"),
        (3, "Bye", "Goodbye"),
    ]


def test_a_cell_too_long_for_csv_is_bad_input_naming_the_line() -> None:
    # Was an internal error (csv.Error: field larger than field limit).
    with pytest.raises(InvalidInput, match="line 3"):
        parse_templates_csv("name,text\nA,fine\nB," + "x" * 200_000 + "\n")


def test_writing_csv_round_trips() -> None:
    templates = [
        made("Greeting", 'Hi {first_name|there}, "quoted", line\nbreak', 0),
        made("Café", "Ünïcödé ✓", 1),
    ]
    text = write_templates_csv(templates)
    assert text.startswith("name,text\r\n")
    back = parse_templates_csv(text)
    assert [(r.name, r.text) for r in back] == [(t.name, t.text) for t in templates]


def test_writing_csv_keeps_spreadsheets_from_running_a_cell_as_a_formula() -> None:
    # Exported as they were, "=HYPERLINK(...)" and "=cmd|..." ran in Excel when a
    # colleague opened the shared file (CSV injection).
    templates = [
        made("=cmd|' /C calc'!A0", '=HYPERLINK("http://evil.example","Click")', 0),
        made("+Offer", "-10% today", 1),
        made("@Desk", "\tTabbed", 2),
        made("'=Quoted", "'-Already quoted", 3),
        made("Plain", "O'Brien - fine as it is", 4),
    ]
    text = write_templates_csv(templates)
    cells = [c for row in csv.reader(io.StringIO(text, newline="")) for c in row]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert "Plain,O'Brien - fine as it is" in text
    back = parse_templates_csv(text)
    assert [(r.name, r.text) for r in back] == [(t.name, t.text) for t in templates]


async def test_import_reports_every_row_and_skips_or_replaces_existing_names(
    book: TemplateBook, tmp_path: Path
) -> None:
    await book.add("Table ready", "Your table is ready.")
    await book.add("Late", "Running late.")
    source = tmp_path / "team.csv"
    source.write_bytes(
        (
            "name,text\n"
            'table READY,"Hi {first_name|there}, your table is ready."\n'  # exists, other text
            "Late,Running late.\n"  # exists, same text
            "Closing,We close at {time}.\n"
            "Typo,Dear {firstname}\n"
            ",No name\n"
            "Empty,\n"
            "closing,Again\n"
        ).encode("utf-8-sig")
    )
    changes: list[None] = []
    book.changed.connect(changes.append)
    report = await book.import_file(source)
    assert [(r.row, r.status, r.name) for r in report.rows] == [
        (2, TemplateImportStatus.SKIPPED, "table READY"),
        (3, TemplateImportStatus.SKIPPED, "Late"),
        (4, TemplateImportStatus.ADDED, "Closing"),
        (5, TemplateImportStatus.REJECTED, "Typo"),
        (6, TemplateImportStatus.REJECTED, ""),
        (7, TemplateImportStatus.REJECTED, "Empty"),
        (8, TemplateImportStatus.REJECTED, "closing"),
    ]
    reasons = [r.reason for r in report.rows]
    assert reasons[0] == "a template named 'Table ready' already exists (its text was kept)"
    assert reasons[1] == "already the same"
    assert "unknown placeholder {firstname}" in reasons[3]
    assert reasons[4:] == ["no name", "no text", "the same name as row 4"]
    assert report.summary() == "1 added, 0 replaced, 2 skipped, 4 rejected."
    assert report.conflicts == 1
    assert (await book.require("Table ready")).text == "Your table is ready."
    assert changes == [None]

    again = await book.import_file(source, replace=True)
    assert [r.status for r in again.rows[:3]] == [
        TemplateImportStatus.REPLACED,
        TemplateImportStatus.SKIPPED,
        TemplateImportStatus.SKIPPED,
    ]
    assert again.rows[0].reason == "replaced the text of 'Table ready'"
    kept = await book.require("Table ready")
    assert kept.text == "Hi {first_name|there}, your table is ready." and kept.position == 0
    assert [t.name for t in await book.list()] == ["Table ready", "Late", "Closing"]


async def test_an_import_is_one_transaction(book: TemplateBook, tmp_path: Path) -> None:
    await book.add("Existing", "x")
    # Another connection makes the second insert fail, as a full disk would.
    conn = sqlite3.connect(tmp_path / "hubdesk.sqlite3", isolation_level=None)
    conn.execute(
        "CREATE TRIGGER no_third BEFORE INSERT ON templates "
        "WHEN (SELECT count(*) FROM templates) >= 2 "
        "BEGIN SELECT RAISE(ABORT, 'disk full'); END"
    )
    conn.close()
    with pytest.raises(sqlite3.IntegrityError, match="disk full"):
        await book.import_csv("name,text\nOne,1\nTwo,2\n")
    assert [t.name for t in await book.list()] == ["Existing"]  # "One" was rolled back


async def test_export_writes_a_private_bom_csv_that_imports_elsewhere(
    book: TemplateBook, tmp_path: Path
) -> None:
    await book.add("Greeting", 'Hi {first_name|there},\n"welcome" — café')
    await book.add("Late", "Running late")
    path = tmp_path / "out.csv"
    assert await book.export_csv(path) == 2
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfname,text\r\n")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    other_worker = await DbWorker.open(tmp_path / "other.sqlite3")
    try:
        other = TemplateBook(other_worker)
        report = await other.import_file(path)
        assert report.summary() == "2 added, 0 replaced, 0 skipped, 0 rejected."
        assert [(t.name, t.text) for t in await other.list()] == [
            (t.name, t.text) for t in await book.list()
        ]
    finally:
        await other_worker.close()


async def test_an_imported_row_with_a_control_character_is_rejected_naming_it(
    book: TemplateBook,
) -> None:
    report = await book.import_csv("name,text\nBell,Ding\x07dong\nFine,All good\n")
    assert [(r.name, r.status, r.reason) for r in report.rows] == [
        (
            "Bell",
            TemplateImportStatus.REJECTED,
            "the text holds a control character (U+0007) at character 5",
        ),
        ("Fine", TemplateImportStatus.ADDED, ""),
    ]
