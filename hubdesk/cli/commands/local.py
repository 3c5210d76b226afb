"""``conversations``, ``thread``, ``search``, ``optouts``: read the local store only.

Dates read as everywhere in HubDesk (``domain.dates``): "Today", "Yesterday", a weekday
within the week, a date before that. ``search`` marks what matched in brackets.

These work offline and without a session: they never build a client, so neither the
base URL nor the keyring is consulted. A profile that has never been synced has no
database yet; it is not created just to say so.
"""

from __future__ import annotations

from argparse import Namespace
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from hubdesk.cli import inputs
from hubdesk.cli.context import Context
from hubdesk.cli.errors import UsageError
from hubdesk.cli.output import (
    JsonValue,
    clean,
    conversation_json,
    enum_name,
    marked,
    party,
    shorten,
    table,
    thread_entry_json,
    utc_iso,
)
from hubdesk.domain import Conversation, ConversationFilter, MessageState, SmsType, ThreadEntry
from hubdesk.domain.dates import day_label, list_time, when

if TYPE_CHECKING:
    from hubdesk.core.inbox import SearchHit
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


def _view(args: Namespace) -> ConversationFilter:
    if args.unread:
        return ConversationFilter.UNREAD
    if args.done:
        return ConversationFilter.DONE
    if args.all:
        return ConversationFilter.ALL
    return ConversationFilter.INBOX


_EMPTY = {
    ConversationFilter.INBOX: "No conversations in the inbox.",
    ConversationFilter.UNREAD: "No unread conversations.",
    ConversationFilter.DONE: "No conversations marked Done.",
    ConversationFilter.ALL: "No conversations.",
}


def _flags(c: Conversation) -> str:
    flags = [
        name
        for name, on in (
            ("pinned", c.pinned),
            ("done", c.done),
            ("opted out", c.opted_out),
            ("failed", c.has_failed),
        )
        if on
    ]
    return ", ".join(flags)


async def conversations(args: Namespace, ctx: Context) -> None:
    from hubdesk.core.inbox import Inbox

    view = _view(args)
    worker = await local_store(ctx)
    if worker is None:
        _no_data(ctx, "conversations")
        return
    found = await Inbox(worker).conversations(view=view)
    data = {
        "conversations": [conversation_json(c) for c in found],
        "view": view.value,
        "local_data": True,
    }
    if not found:
        human = _EMPTY[view]
    else:
        now = datetime.now(UTC)
        rows = [
            [
                _who(c.partner, c.name),
                list_time(c.last_time, now),
                str(c.unread) if c.unread else "",
                _flags(c),
                ("you: " if c.last_direction is SmsType.SENT else "")
                + shorten(clean(c.last_text, one_line=True), _TEXT_WIDTH),
            ]
            for c in found
        ]
        human = table(["WITH", "LAST", "UNREAD", "FLAGS", "MESSAGE"], rows)
    ctx.out.result(data, human)


def _state(entry: ThreadEntry) -> str:
    """What a line of the thread says after who wrote it."""
    if entry.call is not None:
        return "call" if entry.call.ok else "call failed"
    words = [enum_name(entry.state)]
    if entry.resent:
        again = f" as SMS {entry.resend_sms_id}" if entry.resend_sms_id is not None else ""
        words.append(f"resent{again} (outbox entry {entry.resend_outbox_id})")
    elif entry.state is MessageState.FAILED and entry.stored:
        words.append(f"retry with: hubdesk-cli retry {entry.sms_id}")
    if entry.resend_of is not None:
        words.append(f"resend of SMS {entry.resend_of}")
    if entry.stored:
        words.append(f"SMS {entry.sms_id}")
    return " · ".join(words)


async def thread(args: Namespace, ctx: Context) -> None:
    from hubdesk.core.inbox import Inbox

    partner = inputs.filter_party(args.number, "NUMBER")
    limit = inputs.positive_int(args.limit, "--limit") if args.limit is not None else 20
    worker = await local_store(ctx)
    if worker is None:
        _no_data(ctx, "messages")
        return
    page = await Inbox(worker).thread(partner, limit=limit, calls=True)
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
        now = datetime.now(UTC)
        lines = [f"Conversation with {_who(partner, name)}"]
        day = None
        for e in entries:
            label = day_label(e.time, now)
            if label != day:
                lines.append(f"— {label} —")
                day = label
            clock = e.time.astimezone().strftime("%H:%M")
            if e.call is not None:
                lines.append(f"[{clock}] you called · {_state(e)}")
                lines.append("  " + clean(e.text, one_line=True))
                continue
            sent = e.direction is SmsType.SENT
            who = f"you ({party(e.sender_id)})" if sent else "them"
            lines.append(f"[{clock}] {who} · {_state(e)}")
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
                "direction": enum_name(h.direction) if h.direction is not None else None,
                "state": enum_name(h.state) if h.outbox_id is not None and h.state else None,
                "outbox_id": h.outbox_id,
                "snippet": h.snippet or None,
                "snippet_ranges": [list(r) for r in h.snippet_ranges],
                "match_ranges": [list(r) for r in h.match_ranges],
            }
            for h in hits
        ],
        "local_data": True,
    }
    if not hits:
        human = f"Nothing found for {clean(query, one_line=True)!r}."
    else:
        now = datetime.now(UTC)
        rows = [
            [
                _kind(h),
                _who(h.partner, h.name),
                when(h.time, now) if h.time is not None else "",
                marked(h.snippet_segments)
                if h.snippet
                else shorten(clean(h.text, one_line=True), _TEXT_WIDTH),
            ]
            for h in hits
        ]
        human = table(["KIND", "WITH", "WHEN", "MATCH"], rows)
    ctx.out.result(data, human)


def _kind(hit: SearchHit) -> str:
    """``message``, or for one not sent yet where it stands: ``scheduled``, ``queued``,
    ``not sent``..."""
    if hit.outbox_id is not None and hit.state is not None:
        return "not sent" if hit.state is MessageState.FAILED else enum_name(hit.state)
    return enum_name(hit.kind)


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
        now = datetime.now(UTC)
        rows = [
            [party(o.number), when(o.since, now), "" if o.sms_id is None else str(o.sms_id)]
            for o in found
        ]
        human = table(["NUMBER", "SINCE", "SMS ID"], rows)
        human += "\nSending to these needs --override-optout."
    ctx.out.result(data, human)
