"""core.contacts (+ contacts_io, vcard) against a real SQLite file through the DbWorker."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from hubdesk.core.contacts import ContactBook, ImportStatus
from hubdesk.core.contacts_io import decode_text, parse_contacts_csv
from hubdesk.core.errors import InvalidInput
from hubdesk.core.vcard import parse_vcards
from hubdesk.store.worker import DbWorker


@pytest.fixture
async def book(tmp_path: Path) -> AsyncIterator[ContactBook]:
    worker = await DbWorker.open(tmp_path / "hubdesk.sqlite3")
    yield ContactBook(worker)
    await worker.close()


async def test_add_edit_delete_with_uk_validation(book: ContactBook) -> None:
    seen: list[frozenset[str]] = []
    book.changed.connect(seen.append)
    alice = await book.add(" Alice  Smith ", "07400 123456", "front desk", ["Staff"])
    assert (alice.name, alice.number, alice.groups) == ("Alice Smith", "447400123456", ("Staff",))
    with pytest.raises(InvalidInput, match="not a valid UK number: too short"):
        await book.add("Bob", "07400 12345")
    with pytest.raises(InvalidInput, match=r"not a UK number \(\+1\)"):
        await book.add("Bob", "+1 516 725 9623")
    with pytest.raises(InvalidInput, match="already exists"):
        await book.add("Alice again", "+44 7400 123456")
    with pytest.raises(InvalidInput, match="needs a name"):
        await book.add("  ", "07400 123457")
    assert alice.id is not None
    edited = await book.edit(alice.id, number="07400 999999", groups=["Nurses"])
    assert edited.number == "447400999999" and edited.groups == ("Nurses",)
    assert edited.notes == "front desk"
    assert await book.find_by_number("+447400999999") == edited
    assert await book.delete(alice.id)
    assert not await book.delete(alice.id)
    assert seen[-1] == frozenset({"447400999999"})


async def test_groups_create_rename_members_search(book: ContactBook) -> None:
    a = await book.add("Alice", "07400123456")
    b = await book.add("Bob", "07400123457")
    assert a.id is not None and b.id is not None
    await book.create_group("Staff")
    await book.add_to_group(a.id, "Staff")
    await book.add_to_group(b.id, "Staff")
    await book.rename_group("Staff", "Team")
    assert await book.groups() == ["Team"]
    assert [c.name for c in await book.members("Team")] == ["Alice", "Bob"]
    assert await book.remove_from_group(b.id, "Team")
    assert [c.name for c in await book.members("Team")] == ["Alice"]
    with pytest.raises(InvalidInput):
        await book.rename_group("Nope", "X")
    assert [c.name for c in await book.list("07400 123457")] == ["Bob"]
    assert [c.name for c in await book.list("ali")] == ["Alice"]
    assert await book.delete_group("Team")
    assert (await book.get(a.id)) is not None


CSV = (
    "\ufeffMobile;Full Name;Notes;Groups\r\n"
    '07400 123456;Alice Smith;"Says ""hi""; likes\r\nmornings";Staff, Nurses\r\n'
    "07400 12345;Too Short;;\r\n"
    "+44 7400 123456;Alice Dup;;\r\n"
    "+1 516 725 9623;Yank;;\r\n"
    ";;;\r\n"
    "07400123457;;;\r\n"
    "07400 123458;Carol;;\r\n"
)


async def test_csv_import_reports_every_row(book: ContactBook) -> None:
    report = await book.import_csv(CSV)
    rows = {r.where: r for r in report.rows}
    assert rows["row 2"].status is ImportStatus.ADDED
    assert rows["row 3"].status is ImportStatus.REJECTED
    assert rows["row 3"].reason == "not a valid UK number: too short"
    assert rows["row 4"].status is ImportStatus.SKIPPED
    assert rows["row 4"].reason == "duplicate of row 2"
    assert rows["row 5"].status is ImportStatus.REJECTED
    assert rows["row 5"].reason.startswith("not a UK number (+1)")
    assert rows["row 7"].reason == "no name"
    assert rows["row 8"].status is ImportStatus.ADDED
    assert (report.added, report.updated, report.skipped, report.rejected) == (2, 0, 1, 3)
    alice = await book.find_by_number("07400123456")
    assert alice is not None
    assert alice.notes == 'Says "hi"; likes\nmornings'
    assert alice.groups == ("Nurses", "Staff")
    again = await book.import_csv(CSV)
    assert again.added == 0 and again.skipped == 3  # rows 2 and 8 already there, row 4 a duplicate


def test_csv_headers_in_any_order_and_common_spellings() -> None:
    google = (
        "First Name,Last Name,Group Membership,Phone 1 - Value\n"
        "Al,Jones,* myContacts ::: Vip,07400 123456\n"
    )
    (rec,) = parse_contacts_csv(google)
    assert (rec.name, rec.numbers, rec.groups, rec.position) == (
        "Al Jones",
        ("07400 123456",),
        ("Vip",),
        2,
    )
    plain = "07400 123456,Alice\n07400 123457,Bob\n"  # no header: guessed
    assert [(r.position, r.name) for r in parse_contacts_csv(plain)] == [(1, "Alice"), (2, "Bob")]


async def test_csv_update_merges_into_the_existing_contact(book: ContactBook) -> None:
    await book.add("Alice", "07400123456", groups=["Staff"])
    report = await book.import_csv("name,number,groups\nAlice Smith,07400123456,Nurses\n")
    assert report.rows[0].status is ImportStatus.UPDATED
    alice = await book.find_by_number("07400123456")
    assert alice is not None and alice.name == "Alice Smith"
    assert alice.groups == ("Nurses", "Staff")


async def test_csv_update_that_renames_says_so(book: ContactBook) -> None:
    """A row whose number is already a contact renames that contact: the report said only
    "updated the existing contact Zara Lee", and Zara Lee was gone from the list."""
    await book.add("Zara Lee", "07400172582")
    report = await book.import_csv("name,number,notes\nDup Zara,07400172582,\n")
    (renamed,) = report.rows
    assert renamed.status is ImportStatus.UPDATED
    assert renamed.reason == "renamed the existing contact Zara Lee to Dup Zara"
    report = await book.import_csv("name,number,notes\nDup Zara,07400172582,a note\n")
    assert report.rows[0].reason == "updated the existing contact Dup Zara"  # same name


VCARDS = (
    "BEGIN:VCARD\r\n"
    "VERSION:3.0\r\n"
    "N:Smith;Alice;;Dr;\r\n"
    "TEL;TYPE=work:+1 516 725 9623\r\n"
    "TEL;TYPE=cell:07400 123456\r\n"
    "NOTE:first line\\nsecond\\, with comma and a very long folded note that goes on an\r\n"
    " d on\r\n"
    "CATEGORIES:Staff,Nurses\r\n"
    "END:VCARD\r\n"
    "BEGIN:VCARD\r\n"
    "VERSION:4.0\r\n"
    "FN:Bob Brown\r\n"
    "item1.TEL;VALUE=uri:tel:+44-7400-123457;ext=12\r\n"
    "END:VCARD\r\n"
    "BEGIN:VCARD\r\n"
    "VERSION:2.1\r\n"
    "FN;ENCODING=QUOTED-PRINTABLE;CHARSET=UTF-8:Zo=C3=AB =\r\n"
    "Quinn\r\n"
    "TEL;CELL:+15167259623\r\n"
    "END:VCARD\r\n"
)


def test_vcard_parsing() -> None:
    alice, bob, zoe = parse_vcards(VCARDS)
    assert (alice.position, alice.name, alice.groups) == (1, "Dr Alice Smith", ("Staff", "Nurses"))
    assert alice.numbers == ("+1 516 725 9623", "07400 123456")
    assert alice.notes == (
        "first line\nsecond, with comma and a very long folded note that goes on and on"
    )
    assert (bob.position, bob.name, bob.numbers) == (10, "Bob Brown", ("+44-7400-123457",))
    assert (zoe.name, zoe.numbers) == ("Zoë Quinn", ("+15167259623",))


async def test_vcard_import_takes_uk_numbers_and_reports_others(book: ContactBook) -> None:
    report = await book.import_vcard(VCARDS)
    first, second, third = report.rows
    assert first.status is ImportStatus.ADDED and first.number == "447400123456"
    assert "not imported: +1 516-725-9623 (not a UK number)" in first.reason
    assert second.status is ImportStatus.ADDED and second.where == "line 10"
    assert third.status is ImportStatus.REJECTED and third.reason.startswith("not a UK number")


async def test_export_import_round_trip(book: ContactBook, tmp_path: Path) -> None:
    await book.add(
        "Zoë O'Brien, MD", "07400123456", 'Note; with "quotes"\nand a line', ["A, B", "Staff"]
    )
    await book.add("Bob", "02073771555", "", [])
    await book.add("Long " + "n" * 120, "07400123457", "é" * 100, ["Staff"])
    before = [(c.name, c.number, c.notes, c.groups) for c in await book.list()]
    for suffix in ("csv", "vcf"):
        path = tmp_path / f"out.{suffix}"
        count = await (book.export_csv(path) if suffix == "csv" else book.export_vcard(path))
        assert count == 3
        worker = await DbWorker.open(tmp_path / f"fresh-{suffix}.sqlite3")
        try:
            fresh = ContactBook(worker)
            report = await fresh.import_file(path)
            assert report.added == 3, report.rows
            after = [(c.name, c.number, c.notes, c.groups) for c in await fresh.list()]
        finally:
            await worker.close()
        if suffix == "csv":  # groups are joined with "; " in CSV, so "A, B" splits
            assert [a[:3] for a in after] == [b[:3] for b in before]
        else:
            assert after == before
    lines = (tmp_path / "out.vcf").read_bytes().split(b"\r\n")
    assert all(len(line) <= 75 for line in lines)


async def test_export_keeps_spreadsheets_from_running_a_cell_as_a_formula(
    book: ContactBook, tmp_path: Path
) -> None:
    # A name or note from an imported file ("=HYPERLINK(...)") was written as-is, so
    # Excel ran it as a formula when the exported file was opened (CSV injection).
    evil = '=HYPERLINK("http://evil.example","Click")'
    await book.add(evil, "07400123456", "-call back", ["@vip"])
    await book.add("Plain O'Brien", "07400123457", "'=quoted already", [])
    before = [(c.name, c.number, c.notes, c.groups) for c in await book.list()]
    path = tmp_path / "out.csv"
    await book.export_csv(path)
    text = path.read_bytes().decode("utf-8-sig")
    cells = [c for row in csv.reader(io.StringIO(text, newline="")) for c in row]
    assert not [c for c in cells if c[:1] in ("=", "-", "@")]
    assert "Plain O'Brien,+447400123457" in text
    worker = await DbWorker.open(tmp_path / "fresh.sqlite3")
    try:
        fresh = ContactBook(worker)
        assert (await fresh.import_file(path)).added == 2
        after = [(c.name, c.number, c.notes, c.groups) for c in await fresh.list()]
    finally:
        await worker.close()
    assert after == before


def test_a_cell_too_long_for_csv_is_bad_input_naming_the_line() -> None:
    # Was an internal error (csv.Error: field larger than field limit).
    with pytest.raises(InvalidInput, match="line 2"):
        parse_contacts_csv("name,number\n" + "x" * 200_000 + ",07400 123456\n")


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-8-sig"])
def test_decode_text_reads_unicode_files_by_their_bom(encoding: str) -> None:
    # A UTF-16 file (Excel's "Unicode text") was read as Windows-1252: NULs between the
    # letters, every contact rejected, and the template import an internal error.
    text = "name,number\r\nZoë,07400 123456\r\n"
    data = text.encode(encoding)
    if not encoding.endswith(("sig", "16", "32")):
        data = ("\ufeff" + text).encode(encoding)
    assert decode_text(data) == text
