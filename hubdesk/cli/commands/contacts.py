"""``contacts list | add NAME NUMBER | remove NUMBER | import FILE | export FILE``.

The address book is local (the profile's database): no session, no network. Files are
CSV or vCard by their extension (``.csv``; ``.vcf`` or ``.vcard``).
"""

from __future__ import annotations

from argparse import Namespace
from pathlib import Path
from typing import TYPE_CHECKING

from hubdesk.cli import inputs
from hubdesk.cli.context import Context
from hubdesk.cli.errors import UsageError
from hubdesk.cli.output import clean, contact_json, enum_name, party, shorten, table

if TYPE_CHECKING:
    from hubdesk.core.contacts import ContactBook

__all__ = ["contacts"]

_CSV = (".csv",)
_VCARD = (".vcf", ".vcard")


async def _book(ctx: Context) -> ContactBook:
    from hubdesk.core.contacts import ContactBook

    return ContactBook(await ctx.store())


def _kind(path: str, option: str) -> str:
    suffix = Path(path).suffix.lower()
    if suffix in _CSV:
        return "csv"
    if suffix in _VCARD:
        return "vcard"
    raise UsageError(f"{option}: {path!r} must end in .csv or .vcf (the format follows the name)")


async def contacts(args: Namespace, ctx: Context) -> None:
    action = args.contacts_command
    if action == "list":
        await _list(ctx)
    elif action == "add":
        await _add(args, ctx)
    elif action == "remove":
        await _remove(args, ctx)
    elif action == "import":
        await _import(args, ctx)
    else:
        await _export(args, ctx)


async def _list(ctx: Context) -> None:
    if not ctx.has_store():
        found = []
    else:
        found = await (await _book(ctx)).list()
    data = [contact_json(c) for c in found]
    if not found:
        human = (
            "No contacts yet: add one with 'hubdesk-cli contacts add NAME NUMBER' or "
            "'hubdesk-cli contacts import FILE'."
        )
    else:
        rows = [
            [
                clean(c.name, one_line=True),
                party(c.number),
                clean(", ".join(c.groups), one_line=True),
                shorten(clean(c.notes, one_line=True), 40),
            ]
            for c in found
        ]
        human = table(["NAME", "NUMBER", "GROUPS", "NOTES"], rows)
    ctx.out.result(data, human)


async def _add(args: Namespace, ctx: Context) -> None:
    from hubdesk.core.contacts import uk_number
    from hubdesk.core.errors import InvalidInput

    if not " ".join(args.name.split()):
        raise UsageError("NAME is empty")
    try:
        uk_number(args.number)
    except InvalidInput as exc:  # the number's reason, before the database is opened
        raise UsageError(f"NUMBER: {exc}: {args.number!r}") from None
    contact = await (await _book(ctx)).add(args.name, args.number)
    ctx.out.result(
        contact_json(contact),
        f"Added {clean(contact.name, one_line=True)} ({party(contact.number)}).",
    )


async def _remove(args: Namespace, ctx: Context) -> None:
    number = inputs.destination(args.number, "NUMBER").number
    book = await _book(ctx) if ctx.has_store() else None
    contact = None if book is None else await book.find_by_number(number.digits)
    if book is None or contact is None or contact.id is None:
        raise UsageError(f"no contact has the number {number.national()}")
    await book.delete(contact.id)
    ctx.out.result(
        {**contact_json(contact), "removed": True},
        f"Removed {clean(contact.name, one_line=True)} ({party(contact.number)}).",
    )


async def _import(args: Namespace, ctx: Context) -> None:
    from hubdesk.core.contacts import ImportStatus
    from hubdesk.core.contacts_io import decode_text

    path = Path(args.file)
    kind = _kind(args.file, "FILE")
    try:
        text = decode_text(path.read_bytes())
    except OSError as exc:
        raise UsageError(f"FILE: cannot read {args.file}: {exc.strerror or exc}") from None
    book = await _book(ctx)
    report = await (book.import_csv(text) if kind == "csv" else book.import_vcard(text))
    data = {
        "file": str(path),
        "format": kind,
        "rows": [
            {
                "row": r.position,
                "where": r.where,
                "name": r.name,
                "number": r.number,
                "status": enum_name(r.status),
                "reason": r.reason,
            }
            for r in report.rows
        ],
        "added": report.added,
        "updated": report.updated,
        "skipped": report.skipped,
        "rejected": report.rejected,
    }
    rows = [
        [
            clean(r.where, one_line=True),
            clean(r.name, one_line=True),
            enum_name(r.status),
            clean(r.reason, one_line=True),
        ]
        for r in report.rows
    ]
    human = table(["ROW", "NAME", "STATUS", "REASON"], rows) + "\n" if rows else ""
    human += report.summary()
    refused = None
    if not report.rows:
        refused = f"no contacts found in {args.file}"
    elif report.count(ImportStatus.REJECTED) == len(report.rows):
        refused = f"every row of {args.file} was rejected; nothing was imported"
    if refused is None or not ctx.out.json_mode:  # JSON: the report is in the error
        ctx.out.result(data, human)
    if refused is not None:
        raise UsageError(refused, report=data)


async def _export(args: Namespace, ctx: Context) -> None:
    path = Path(args.file)
    kind = _kind(args.file, "FILE")
    if not path.parent.is_dir():
        raise UsageError(f"FILE: the folder {str(path.parent)!r} does not exist")
    book = await _book(ctx)
    try:
        count = await (book.export_csv(path) if kind == "csv" else book.export_vcard(path))
    except OSError as exc:
        raise UsageError(f"FILE: cannot write {args.file}: {exc.strerror or exc}") from None
    plural = "contact" if count == 1 else "contacts"
    ctx.out.result(
        {"file": str(path), "format": kind, "exported": count},
        f"Exported {count} {plural} to {clean(str(path), one_line=True)}.",
    )
