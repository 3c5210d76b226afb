"""``templates list | add NAME TEXT | show NAME | remove NAME | export FILE | import FILE``.

Templates are local (the profile's database, shared with the GUI): no session, no
network. A text is checked before the database is opened: an unknown placeholder or a
brace out of place is exit 2 with the reason and the known placeholders. Names are
compared case-insensitively. CSV files hold ``name,text`` (see ``core.templates_io``);
on import an existing name is skipped unless ``--replace``.
"""

from __future__ import annotations

from argparse import Namespace
from pathlib import Path
from typing import TYPE_CHECKING

from hubdesk.cli import inputs
from hubdesk.cli.context import Context
from hubdesk.cli.errors import UsageError
from hubdesk.cli.output import clean, enum_name, shorten, table, template_json

if TYPE_CHECKING:
    from hubdesk.core.templates import TemplateBook
    from hubdesk.domain import Template

__all__ = ["templates"]

_TEXT_WIDTH = 60


async def _book(ctx: Context) -> TemplateBook:
    from hubdesk.core.templates import TemplateBook

    return TemplateBook(await ctx.store())


async def templates(args: Namespace, ctx: Context) -> None:
    action = args.templates_command
    if action == "list":
        await _list(ctx)
    elif action == "add":
        await _add(args, ctx)
    elif action == "show":
        await _show(args, ctx)
    elif action == "remove":
        await _remove(args, ctx)
    elif action == "export":
        await _export(args, ctx)
    else:
        await _import(args, ctx)


def _quoted(name: str) -> str:
    return repr(clean(name, one_line=True))


async def _list(ctx: Context) -> None:
    found = await (await _book(ctx)).list() if ctx.has_store() else []
    if not found:
        human = "No templates yet: add one with 'hubdesk-cli templates add NAME TEXT'."
    else:
        rows = [
            [clean(t.name, one_line=True), shorten(clean(t.text, one_line=True), _TEXT_WIDTH)]
            for t in found
        ]
        human = table(["NAME", "TEXT"], rows)
    ctx.out.result([template_json(t) for t in found], human)


async def _add(args: Namespace, ctx: Context) -> None:
    from hubdesk.core.templates import check_name, check_text

    name = check_name(args.name)
    text = inputs.message_text(args.text, ctx.stdin, "the template text")
    parsed = check_text(text)  # before the database is opened (or created)
    template = await (await _book(ctx)).add(name, text)
    uses = ", ".join(f"{{{n}}}" for n in parsed.names)
    ctx.out.result(
        template_json(template),
        f"Saved template {_quoted(template.name)}" + (f" (placeholders: {uses})." if uses else "."),
    )


async def _require(ctx: Context, name: str) -> tuple[TemplateBook, Template]:
    shown = _quoted(" ".join(name.split()))
    if not ctx.has_store():
        raise UsageError(f"there is no template named {shown}; there are no templates yet")
    book = await _book(ctx)
    found = await book.find(name)
    if found is None:
        raise UsageError(f"there is no template named {shown}; see 'hubdesk-cli templates list'")
    return book, found


async def _show(args: Namespace, ctx: Context) -> None:
    from hubdesk.domain.placeholders import PlaceholderError, parse

    _, template = await _require(ctx, args.name)
    try:
        names = parse(template.text).names
        uses = ", ".join(f"{{{n}}}" for n in names) if names else "none"
    except PlaceholderError as exc:
        uses = f"cannot be used: {exc}"
    lines = [
        f"Template:     {clean(template.name, one_line=True)}",
        f"Placeholders: {clean(uses, one_line=True)}",
        "",
        clean(template.text),
    ]
    ctx.out.result(template_json(template), "\n".join(lines))


async def _remove(args: Namespace, ctx: Context) -> None:
    book, template = await _require(ctx, args.name)
    await book.delete(template.id)
    ctx.out.result(
        {**template_json(template), "removed": True},
        f"Removed template {_quoted(template.name)}.",
    )


async def _export(args: Namespace, ctx: Context) -> None:
    path = Path(args.file)
    if not path.parent.is_dir():
        raise UsageError(f"FILE: the folder {str(path.parent)!r} does not exist")
    book = await _book(ctx)
    try:
        count = await book.export_csv(path)
    except OSError as exc:
        raise UsageError(f"FILE: cannot write {args.file}: {exc.strerror or exc}") from None
    plural = "template" if count == 1 else "templates"
    ctx.out.result(
        {"file": str(path), "exported": count},
        f"Exported {count} {plural} to {clean(str(path), one_line=True)}.",
    )


async def _import(args: Namespace, ctx: Context) -> None:
    from hubdesk.core.contacts_io import decode_text

    path = Path(args.file)
    try:
        text = decode_text(path.read_bytes())
    except OSError as exc:
        raise UsageError(f"FILE: cannot read {args.file}: {exc.strerror or exc}") from None
    report = await (await _book(ctx)).import_csv(text, replace=args.replace)
    data = {
        "file": str(path),
        "rows": [
            {"row": r.row, "name": r.name, "status": enum_name(r.status), "reason": r.reason}
            for r in report.rows
        ],
        "added": report.added,
        "replaced": report.replaced,
        "skipped": report.skipped,
        "rejected": report.rejected,
    }
    rows = [
        [
            str(r.row),
            clean(r.name, one_line=True),
            enum_name(r.status),
            clean(r.reason, one_line=True),
        ]
        for r in report.rows
    ]
    human = table(["ROW", "NAME", "STATUS", "REASON"], rows) + "\n" if rows else ""
    human += report.summary()
    if report.conflicts and not args.replace:
        human += " Add --replace to overwrite the templates that already exist."
    refused = None
    if not report.rows:
        refused = f"no templates found in {args.file} (expected columns name,text)"
    elif report.rejected == len(report.rows):
        refused = f"every row of {args.file} was rejected; nothing was imported"
    if refused is None or not ctx.out.json_mode:  # JSON: the report is in the error
        ctx.out.result(data, human)
    if refused is not None:
        raise UsageError(refused, report=data)
