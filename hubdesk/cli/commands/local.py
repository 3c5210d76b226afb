"""``conversations``, ``thread``, ``search``, ``optouts``: read the local store only.

These work offline and without a session: they never build a client, so neither the
base URL nor the keyring is consulted. A profile that has never been synced has no
database yet; it is not created just to say so.
"""

from __future__ import annotations

from argparse import Namespace
from typing import TYPE_CHECKING

from hubdesk.cli import inputs
from hubdesk.cli.context import Context
from hubdesk.cli.errors import UsageError
from hubdesk.cli.output import (
    JsonValue,
    clean,
    conversation_json,
    enum_name,
    local_time,
    party,
    shorten,
    table,
    thread_entry_json,
    utc_iso,
)
from hubdesk.domain import SmsType

if TYPE_CHECKING:
    from hubdesk.store.database import Database
    from hubdesk.store.worker import DbWorker

__all__ = [
    "NO_LOCAL_DATA",
    "conversations",
    "local_store",
    "optouts",
    "search",
    "thread",
]

NO_LOCAL_DATA = "No local data yet — run `hubdesk-cli sync`."
_TEXT_WIDTH = 48


def _has_data(db: Database) -> bool:
    from hubdesk.store.syncstate import HIGH_WATER

    return (
        db.messages.count() > 0
        or db.sync_state.get(HIGH_WATER) is not None
        or bool(db.outbox.all(1))
    )


async def local_store(ctx: Context) -> DbWorker | None:
    """The profile's database when it holds synced data (or outbox rows), else None."""
    if not ctx.has_store():
        return None
    worker = await ctx.store()
    return worker if await worker.run(_has_data) else None


def _no_data(ctx: Context, key: str) -> None:
    ctx.out.result({key: [], "local_data": False}, NO_LOCAL_DATA)


def _who(partner: str, name: str | None) -> str:
    shown = party(partner)
    return f"{clean(name, one_line=True)} ({shown})" if name else shown


async def conversations(args: Namespace, ctx: Context) -> None:
    from hubdesk.core.inbox import Inbox

    worker = await local_store(ctx)
    if worker is None:
        _no_data(ctx, "conversations")
        return
    found = await Inbox(worker).conversations(unread_only=args.unread)
    data = {"conversations": [conversation_json(c) for c in found], "local_data": True}
    if not found:
        human = "No unread conversations." if args.unread else "No conversations."
    else:
        rows = [
            [
                _who(c.partner, c.name),
                local_time(c.last_time),
                str(c.unread) if c.unread else "",
                ("opted out" if c.opted_out else "") + (" failed" if c.has_failed else ""),
                ("you: " if c.last_direction is SmsType.SENT else "")
                + shorten(clean(c.last_text, one_line=True), _TEXT_WIDTH),
            ]
            for c in found
        ]
        human = table(["WITH", "LAST", "UNREAD", "FLAGS", "MESSAGE"], rows)
    ctx.out.result(data, human)


async def thread(args: Namespace, ctx: Context) -> None:
    from hubdesk.core.inbox import Inbox

    partner = inputs.filter_party(args.number, "NUMBER")
    limit = inputs.positive_int(args.limit, "--limit") if args.limit is not None else 20
    worker = await local_store(ctx)
    if worker is None:
        _no_data(ctx, "messages")
        return
    page = await Inbox(worker).thread(partner, limit=limit)
    name = await worker.run(lambda db: _contact_name(db, partner))
    entries = list(reversed(page.entries))  # oldest first, like a chat
    data: dict[str, JsonValue] = {
        "partner": partner,
        "name": name,
        "messages": [thread_entry_json(e) for e in entries],
        "has_more": page.has_more,
        "local_data": True,
    }
    if not entries:
        human = f"No messages with {_who(partner, name)} in the local store."
    else:
        lines = [f"Conversation with {_who(partner, name)}"]
        for e in entries:
            sent = e.direction is SmsType.SENT
            who = f"you ({party(e.sender_id)})" if sent else "them"
            lines.append(f"[{local_time(e.time)}] {who} · {enum_name(e.state)}")
            lines.append("  " + clean(e.text).replace("\n", "\n  "))
        if page.has_more:
            lines.append(f"(older messages not shown: use --limit {limit * 2})")
        human = "\n".join(lines)
    ctx.out.result(data, human)


def _contact_name(db: Database, partner: str) -> str | None:
    contact = db.contacts.get_by_number(partner)
    return None if contact is None else contact.name


def _query(text: str) -> str:
    """The search words as typed: not empty, not binary (the store would search around
    such characters, but on the command line they are a mistake worth naming)."""
    if not text.strip():
        raise UsageError("QUERY is empty")
    if any("\ud800" <= ch <= "\udfff" for ch in text):
        # Bytes that are not UTF-8 arrive as lone surrogates (surrogateescape).
        raise UsageError("QUERY is not valid UTF-8; type it as UTF-8 text")
    control = next((ch for ch in text if _is_control(ch)), None)
    if control is not None:
        raise UsageError(
            f"QUERY contains a control character (U+{ord(control):04X}); search for words "
            "or a number"
        )
    return text


def _is_control(ch: str) -> bool:
    return ch not in "\t\n\r" and (ch < " " or "\x7f" <= ch <= "\x9f")


async def search(args: Namespace, ctx: Context) -> None:
    from hubdesk.core.inbox import Inbox

    query = _query(args.query)
    worker = await local_store(ctx)
    if worker is None:
        _no_data(ctx, "hits")
        return
    hits = await Inbox(worker).search(query)
    data = {
        "hits": [
            {
                "kind": enum_name(h.kind),
                "partner": h.partner,
                "name": h.name,
                "text": h.text,
                "time": utc_iso(h.time),
                "sms_id": h.sms_id,
            }
            for h in hits
        ],
        "local_data": True,
    }
    if not hits:
        human = f"Nothing found for {clean(query, one_line=True)!r}."
    else:
        rows = [
            [
                enum_name(h.kind),
                _who(h.partner, h.name),
                local_time(h.time),
                shorten(clean(h.text, one_line=True), _TEXT_WIDTH),
            ]
            for h in hits
        ]
        human = table(["KIND", "WITH", "TIME", "TEXT"], rows)
    ctx.out.result(data, human)


async def optouts(args: Namespace, ctx: Context) -> None:
    worker = await local_store(ctx)
    if worker is None:
        _no_data(ctx, "optouts")
        return
    found = await worker.run(lambda db: db.optouts.list())
    data = {
        "optouts": [
            {"number": o.number, "since": utc_iso(o.since), "sms_id": o.sms_id} for o in found
        ],
        "local_data": True,
    }
    if not found:
        human = "No number has opted out."
    else:
        rows = [
            [party(o.number), local_time(o.since), "" if o.sms_id is None else str(o.sms_id)]
            for o in found
        ]
        human = table(["NUMBER", "SINCE", "SMS ID"], rows)
        human += "\nSending to these needs --override-optout."
    ctx.out.result(data, human)
