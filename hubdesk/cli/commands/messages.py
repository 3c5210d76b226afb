"""``send``, ``messages``, ``show`` (``bulk-send`` is in ``commands.bulk``).

Sending goes through :class:`Outgoing`, the one seam between "the user asked to send"
and "the API was called": :class:`~hubdesk.cli.outbox.OutboxOutgoing` commits an outbox
row in the profile's database before any network I/O and lets ``OutboxSender`` send it
exactly once (see ``hubdesk.cli.outbox``). With ``--at`` the row is committed
``scheduled`` and nothing is sent now. ``messages`` and ``show`` read the server.
"""

from __future__ import annotations

from argparse import Namespace
from collections.abc import Sequence
from typing import Protocol

from hubdesk.cli import compose, inputs
from hubdesk.cli.context import Context
from hubdesk.cli.errors import UsageError
from hubdesk.cli.outbox import BulkSent, OutboxOutgoing, Sent
from hubdesk.cli.output import (
    clean,
    enum_name,
    local_time,
    party,
    shorten,
    sms_json,
    table,
    utc_iso,
)
from hubdesk.domain import Sms, SmsType
from hubdesk.domain.segments import analyse, long_message_note
from hubdesk.domain.segments import describe as describe_segments

__all__ = [
    "Outgoing",
    "list_messages",
    "outgoing",
    "send",
    "show",
]

_TEXT_WIDTH = 48


class Outgoing(Protocol):
    """Where a checked send goes (numbers are E.164 digits, sender ids validated).

    Returns only when the server accepted the message; anything else raises a
    ``CliError`` carrying the exit code and where the message stands.
    """

    async def send(
        self, source: str, destination: str, text: str, *, override_optout: bool
    ) -> Sent: ...

    async def bulk_send(
        self, source: str, destinations: Sequence[str], text: str, *, override_optout: bool
    ) -> BulkSent: ...


def outgoing(ctx: Context) -> Outgoing:
    return OutboxOutgoing(ctx)


def _check_length(args: Namespace, text: str) -> None:
    note = long_message_note(analyse(text))
    if note is not None and not args.long:
        raise UsageError(f"{note.rstrip('.')}; add --long to send it anyway")


def _note_foreign(ctx: Context, found: Sequence[inputs.Destination]) -> None:
    for item in found:
        if not item.number.is_uk:
            ctx.out.note(f"Note: {item.number.international()} ({item.origin}) is not a UK number.")


async def send(args: Namespace, ctx: Context) -> None:
    source = inputs.sender_id(args.source)
    target = inputs.destination(args.to)
    compose.check_text_choice(args)
    when = compose.scheduled_for(args)
    found = await compose.message(args, ctx)
    text = await compose.fill_one(ctx, found, source, target.number, when)
    _check_length(args, text)
    _note_foreign(ctx, [target])
    compose.warn_unreachable(ctx, [target])
    ctx.out.detail(f"Message: {describe_segments(analyse(text))}")
    if when is not None:
        written = found.parsed.source if found.parsed.has_placeholders else None
        item = await OutboxOutgoing(ctx).schedule(
            source, [target.number.digits], text, when,
            override_optout=args.override_optout, template_text=written,
        )  # fmt: skip
        ctx.out.result(
            {
                "source": source, "destination": target.number.digits, "text": text,
                "outbox_id": item.id, "outbox_state": enum_name(item.state),
                "not_before": utc_iso(when),
            },
            f"Scheduled for {local_time(when)[:16]}: to {party(target.number.digits)} from "
            f"{party(source)} (outbox entry {item.id}). It goes out while HubDesk runs then "
            "(the app, or 'hubdesk-cli outbox --flush' from a timer: see the README); "
            f"'hubdesk-cli outbox cancel {item.id}' cancels it.",
        )  # fmt: skip
        return
    sent = await outgoing(ctx).send(
        source, target.number.digits, text, override_optout=args.override_optout
    )
    item, sms = sent.item, sent.sms
    extra = {"outbox_id": item.id, "outbox_state": enum_name(item.state)}
    if sms is None:  # accepted, but the answer carried no message to show
        ctx.out.result(
            {"sms_id": None, "source": source, "destination": target.number.digits, **extra},
            f"Sent from {party(source)} to {party(target.number.digits)} (outbox entry {item.id}).",
        )
        return
    ctx.out.result(
        {**sms_json(sms), **extra},
        f"Sent SMS {sms.sms_id} from {party(sms.source)} to {party(sms.destination)} "
        f"(status: {enum_name(sms.delivery_status)}).",
    )


def _direction(sms: Sms) -> str:
    return "out" if sms.type is SmsType.SENT else "in"


async def list_messages(args: Namespace, ctx: Context) -> None:
    sender = inputs.filter_party(args.sender, "--sender") if args.sender else None
    receiver = inputs.filter_party(args.receiver, "--receiver") if args.receiver else None
    since = inputs.server_time(args.since, "--since") if args.since is not None else None
    until = inputs.server_time(args.until, "--until") if args.until is not None else None
    if since is not None and until is not None and since > until:
        raise UsageError("--since is later than --until")
    page_number = inputs.positive_int(args.page, "--page") if args.page is not None else 1
    client = await ctx.client()
    found: list[Sms] = []
    total = 0
    last_page = 1
    skipped = 0  # items the server sent that could not be read (hubdesk.api.parsing)
    if args.all:
        async for page in client.iter_sms_pages(
            sender=sender, receiver=receiver, sent_since=since, sent_until=until
        ):
            found.extend(page.items)
            total, last_page, skipped = page.total, page.last_page, skipped + page.skipped
    else:
        page = await client.list_sms(
            sender=sender, receiver=receiver, sent_since=since, sent_until=until, page=page_number
        )
        found.extend(page.items)
        total, last_page, skipped = page.total, page.last_page, page.skipped
    if skipped:
        ctx.out.note(
            f"{skipped} message(s) the server sent could not be read and are not shown "
            "(-v logs why)."
        )
    # Newest first, and each message once (pages can shift while they are walked).
    unique = {sms.sms_id: sms for sms in found}
    ordered = sorted(unique.values(), key=lambda s: (s.time, s.sms_id), reverse=True)
    data = {
        "messages": [sms_json(s) for s in ordered],
        "page": None if args.all else page_number,
        "last_page": last_page,
        "total": total,
        "skipped": skipped,
    }
    if not ordered:
        human = "No messages."
    else:
        rows = [
            [
                str(s.sms_id),
                local_time(s.time),
                _direction(s),
                party(s.source),
                party(s.destination),
                enum_name(s.delivery_status),
                shorten(clean(s.text, one_line=True), _TEXT_WIDTH),
            ]
            for s in ordered
        ]
        human = table(["ID", "TIME", "DIR", "FROM", "TO", "STATUS", "TEXT"], rows)
        if args.all:
            human += f"\n{len(ordered)} message(s)."
        else:
            human += f"\nPage {page_number} of {last_page} ({total} message(s) in all)."
            if page_number < last_page:
                human += f" Next: --page {page_number + 1}, or --all."
    ctx.out.result(data, human)


async def show(args: Namespace, ctx: Context) -> None:
    sms_id = inputs.positive_int(args.sms_id, "SMS_ID")
    client = await ctx.client()
    sms = await client.sms_detail(sms_id)
    lines = [
        f"SMS {sms.sms_id}",
        f"Time:      {local_time(sms.time)}",
        f"Direction: {enum_name(sms.type)}",
        f"From:      {party(sms.source)}",
        f"To:        {party(sms.destination)}",
        f"Status:    {enum_name(sms.delivery_status)}",
        f"Read:      {enum_name(sms.read_status)}",
    ]
    if sms.sms_count is not None:
        lines.append(f"Parts:     {sms.sms_count}")
    lines += ["", clean(sms.text)]
    ctx.out.result(sms_json(sms), "\n".join(lines))
