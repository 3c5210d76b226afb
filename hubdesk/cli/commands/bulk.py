"""``bulk-send``: one text to many numbers, a personalised text per recipient, now or
``--at`` a time.

Which requests it takes:

* one text for everyone (no placeholders, or placeholders that fill the same for all):
  one ``POST /sms/bulk-send`` per 500 numbers. Up to 500: one outbox row, sent as
  before (``cli.outbox``); more: a batch of bulk rows (``core.batches``), split
  automatically;
* a text that differs per recipient (``{first_name}``, ``{number}``...): one
  ``POST /sms/send`` per recipient, each its own outbox row in one batch.

A batch is committed whole before anything is sent, then sent now with progress on
stderr (``cli.batch_send``: paced under the rate limit; Ctrl-C cancels the rest
cleanly), or, with ``--at``, left ``scheduled`` for whichever HubDesk runs then (the
app, or ``hubdesk-cli outbox --flush`` from a timer). A recipient a placeholder has no
value for stops the command before anything is queued (exit 2, with the report).
"""

from __future__ import annotations

from argparse import Namespace
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from hubdesk.cli import compose, inputs
from hubdesk.cli.context import Context
from hubdesk.cli.errors import (
    EXIT_API_REFUSED,
    EXIT_FAILURE,
    EXIT_INTERRUPTED,
    CliError,
    UsageError,
)
from hubdesk.cli.outbox import FLUSH_HINT, OVERRIDE_FLAG, OutboxOutgoing
from hubdesk.cli.output import JsonValue, enum_name, local_time, party, sms_json, utc_iso
from hubdesk.domain import OutboxBatch, OutboxState
from hubdesk.domain.segments import analyse, long_message_note
from hubdesk.domain.segments import describe as describe_segments

if TYPE_CHECKING:
    from hubdesk.cli.batch_send import BatchOutcome
    from hubdesk.core.personalised import PersonalisedPlan
    from hubdesk.store.batches import BatchRow

__all__ = ["bulk_send", "finish_batch"]


class BatchIncomplete(CliError):
    """A batch that did not end with every recipient sent: ``str()`` says where it stands."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def _check_length(args: Namespace, texts: Sequence[str]) -> None:
    longest = max(texts, key=lambda t: analyse(t).parts)
    note = long_message_note(analyse(longest))
    if note is not None and not args.long:
        raise UsageError(f"{note.rstrip('.')}; add --long to send it anyway")


def _note_foreign(ctx: Context, found: Sequence[inputs.Destination]) -> None:
    foreign = [item for item in found if not item.number.is_uk]
    for item in foreign[:20]:
        ctx.out.note(f"Note: {item.number.international()} ({item.origin}) is not a UK number.")
    if len(foreign) > 20:
        ctx.out.note(f"Note: and {len(foreign) - 20} more numbers outside the UK.")


async def bulk_send(args: Namespace, ctx: Context) -> None:
    source = inputs.sender_id(args.source)
    compose.check_text_choice(args)
    if args.text == "-" and args.to_file == "-":
        raise UsageError("the text and --to-file cannot both come from stdin")
    groups = [" ".join(g.split()) for g in args.group or []]
    if any(not g for g in groups):
        raise UsageError("--group: the group name is empty")
    if not (args.to or args.to_file is not None or groups):
        raise UsageError("give at least one destination with --to, --to-file or --group")
    given = inputs.destinations(
        args.to or [], args.to_file, ctx.stdin, required=not groups, unique_only=False
    )
    when = compose.scheduled_for(args)
    message = await compose.message(args, ctx)
    if groups or message.parsed.has_placeholders:
        plan = await _plan(args, ctx, source, message, given, groups, when)
        _check_length(args, [m.text for m in plan.messages])
        found = [inputs.Destination(m.number, m.origin) for m in plan.messages]
        _note_foreign(ctx, found)
        compose.warn_unreachable(ctx, found)
        if not plan.uniform:
            await _personalised(args, ctx, source, message, plan, when)
            return
        from hubdesk.core.personalised import ExclusionKind

        written = message.parsed.source if message.parsed.has_placeholders else None
        opted = [
            inputs.Destination(e.number, e.origin)
            for e in plan.excluded_as(ExclusionKind.OPTED_OUT)
            if e.number is not None
        ]
        await _uniform(args, ctx, source, plan.messages[0].text, found + opted, when, written)
        return
    text = message.parsed.fill({})
    _check_length(args, [text])
    found = inputs.unique(given)
    _note_foreign(ctx, found)
    compose.warn_unreachable(ctx, found)
    await _uniform(args, ctx, source, text, found, when, None)


async def _plan(
    args: Namespace,
    ctx: Context,
    source: str,
    message: compose.Message,
    given: Sequence[inputs.Destination],
    groups: Sequence[str],
    when: datetime | None,
) -> PersonalisedPlan:
    """The plan of a send with groups or placeholders. A recipient without a value ends
    the command here (exit 2) after the report; so does a plan with nobody to send to."""
    from hubdesk.core.personalised import ExclusionKind, missing_sentence

    plan = await compose.bulk_plan(
        ctx, message, source, given, groups, override_optout=args.override_optout, when=when
    )
    if plan.missing_values:
        report = compose.plan_json(plan, message.origin)
        if not ctx.out.json_mode:  # JSON: the report goes in the error document
            ctx.out.result(report, compose.plan_text(plan, message.origin))
        raise UsageError(missing_sentence(plan.missing_values), plan=report)
    if not plan.messages:
        if plan.excluded_as(ExclusionKind.OPTED_OUT):
            raise UsageError(
                "every number opted out of messages (replied STOP); nothing was sent. Add "
                f"{OVERRIDE_FLAG} to include them"
            )
        raise UsageError(f"no recipient to send to: {plan.summary()}")
    return plan


async def _uniform(
    args: Namespace,
    ctx: Context,
    source: str,
    text: str,
    found: Sequence[inputs.Destination],
    when: datetime | None,
    written: str | None,
) -> None:
    """One text for every number: one bulk row (up to 500), else a batch of them."""
    from hubdesk.core.batches import split_rows
    from hubdesk.core.bulk import MAX_BULK_RECIPIENTS

    ctx.out.detail(f"Message: {describe_segments(analyse(text))}")
    digits = list(dict.fromkeys(item.number.digits for item in found))
    outgoing = OutboxOutgoing(ctx)
    if len(digits) > MAX_BULK_RECIPIENTS:
        kept = await _without_optouts(ctx, digits, args.override_optout)
        rows = [
            _row(r.destinations, r.text, written) for r in split_rows(kept, text)
        ]  # fmt: skip
        await _batch(ctx, source, rows, when, written, {"text": text})
        return
    if when is not None:
        item = await outgoing.schedule(
            source, digits, text, when, override_optout=args.override_optout,
            template_text=written,
        )  # fmt: skip
        count = len(item.destinations)
        what = "one message" if count == 1 else f"a bulk send to {count} numbers"
        ctx.out.result(
            _scheduled_json(source, item.id, item.destinations, text, when),
            f"Scheduled for {_local(when)}: {what} (outbox entry {item.id}). "
            + _WHILE_RUNNING.replace("cancel ID", f"cancel {item.id}"),
        )
        return
    sent = await outgoing.bulk_send(source, digits, text, override_optout=args.override_optout)
    item = sent.item
    count = len(item.destinations)
    plural = "number" if count == 1 else "numbers"
    located = f", {len(sent.messages)} found on the server" if sent.messages else ""
    ctx.out.result(
        {
            "source": source,
            "destinations": list(item.destinations),
            "opted_out": list(sent.opted_out),
            "outbox_id": item.id,
            "outbox_state": enum_name(item.state),
            "sms_ids": list(item.sms_ids),
            "messages": [sms_json(m) for m in sent.messages],
        },
        f"Bulk send accepted ({count} {plural}{located}; outbox entry {item.id}).",
    )


_WHILE_RUNNING = (
    "It goes out while HubDesk runs then (the app, or 'hubdesk-cli outbox --flush' from a "
    "timer: see the README); 'hubdesk-cli outbox cancel ID' cancels it."
)


def _local(when: datetime) -> str:
    return local_time(when)[:16]


def _scheduled_json(
    source: str, outbox_id: int, destinations: Sequence[str], text: str, when: datetime
) -> dict[str, JsonValue]:
    return {
        "source": source,
        "destinations": list(destinations),
        "outbox_id": outbox_id,
        "outbox_state": "scheduled",
        "not_before": utc_iso(when),
        "text": text,
    }


def _row(destinations: tuple[str, ...], text: str, written: str | None) -> BatchRow:
    from hubdesk.store.batches import BatchRow

    return BatchRow(destinations, text, written)


async def _without_optouts(ctx: Context, digits: list[str], override: bool) -> list[str]:
    worker = await ctx.store()
    opted = await worker.run(lambda db: [d for d in digits if db.optouts.is_opted_out(d)])
    if not opted or override:
        return digits
    shown = ", ".join(party(n) for n in opted[:20]) + (" …" if len(opted) > 20 else "")
    ctx.out.note(
        f"Left out: {shown} opted out of messages (replied STOP); add {OVERRIDE_FLAG} to "
        "include them."
    )
    kept = [d for d in digits if d not in set(opted)]
    if not kept:
        raise UsageError("every number opted out of messages; nothing was sent")
    return kept


async def _personalised(
    args: Namespace,
    ctx: Context,
    source: str,
    message: compose.Message,
    plan: PersonalisedPlan,
    when: datetime | None,
) -> None:
    """One request per recipient with their own text: a batch, sent now or later."""
    from hubdesk.core.personalised import ExclusionKind

    ctx.out.note(f"Personalised {message.origin}: {plan.summary()}")
    opted = plan.excluded_as(ExclusionKind.OPTED_OUT)
    if opted:
        shown = ", ".join(e.number.national() if e.number else e.given for e in opted[:20])
        ctx.out.note(
            f"Left out: {shown} opted out of messages (replied STOP); add {OVERRIDE_FLAG} "
            "to include them."
        )
    written = message.parsed.source
    rows = [_row((m.number.digits,), m.text, written) for m in plan.messages]
    report = compose.plan_json(plan, message.origin)
    await _batch(ctx, source, rows, when, written, {"plan": report})


async def _batch(
    ctx: Context,
    source: str,
    rows: list[BatchRow],
    when: datetime | None,
    written: str | None,
    extra: Mapping[str, JsonValue],
) -> None:
    """Commit the batch (after checking the session, without a request), then send it
    now, or leave it scheduled."""
    from hubdesk.cli.batch_send import send_batch

    worker = await ctx.store()
    await _session_ready(ctx, scheduled=when is not None)
    batch = await worker.run(
        lambda db: db.batches.create(source, rows, template_text=written, not_before=when)
    )
    ctx.out.detail(f"Queued as bulk send {batch.id} ({len(rows)} outbox entries).")
    if when is not None:
        ctx.out.result(
            {"batch": _batch_json(batch), **extra},
            f"Scheduled for {_local(when)}: bulk send {batch.id} to {batch.recipients} "
            f"recipients ({len(rows)} requests). "
            + _WHILE_RUNNING.replace("cancel ID", f"cancel --batch {batch.id}"),
        )
        return
    outcome = await send_batch(ctx, worker, batch.id)
    finish_batch(ctx, outcome, extra)


async def _session_ready(ctx: Context, *, scheduled: bool) -> None:
    """The session the batch will be sent with, ready before anything is committed."""
    ctx.base_url  # noqa: B018 - validated (no I/O)
    if ctx.options.no_store:
        if scheduled:
            raise UsageError(
                "--at needs a stored session (run 'hubdesk-cli login'): a --no-store "
                "session ends with the command, before the message is due"
            )
        await ctx.manager.login(ctx.base_url, ctx.env_credentials())
    else:
        await ctx.client()  # restored from the keyring: no request


def _batch_json(batch: OutboxBatch) -> dict[str, JsonValue]:
    from hubdesk.cli.commands.outbox import batch_json

    return batch_json(batch)


def finish_batch(ctx: Context, outcome: BatchOutcome, extra: Mapping[str, JsonValue]) -> None:
    """The result of a batch sent now, and the exit code for how it ended."""
    batch, report = outcome.batch, outcome.report
    sent = batch.count(OutboxState.SENT)
    failed = batch.count(OutboxState.FAILED)
    cancelled = batch.count(OutboxState.CANCELLED)
    open_ = batch.count(OutboxState.QUEUED, OutboxState.SENDING, OutboxState.UNKNOWN)
    human = f"Bulk send {batch.id}: sent to {sent} of {batch.recipients} recipients"
    human += f"; {failed} not sent (failed)" if failed else ""
    human += f"; {cancelled} cancelled (not sent)" if cancelled else ""
    human += "."
    ctx.out.result({"batch": _batch_json(batch), **extra}, human)
    if outcome.interrupted:
        raise BatchIncomplete(
            f"Interrupted: {sent} sent, {cancelled} cancelled and not sent"
            + (f", {open_} still settling (see '{FLUSH_HINT}')" if open_ else ""),
            EXIT_INTERRUPTED,
        )
    if open_:
        why = report.stopped.rstrip(".") if report is not None and report.stopped else ""
        raise BatchIncomplete(
            f"{open_} message(s) of bulk send {batch.id} are not settled yet"
            + (f" ({why})" if why else "")
            + f": queued ones go out, and unknown ones are checked (never sent twice), "
            f"with '{FLUSH_HINT}'",
            EXIT_FAILURE,
        )
    if failed:
        raise BatchIncomplete(
            f"{failed} message(s) were not sent and marked failed: refused by the server, or "
            "the number replied STOP since (the reason: 'hubdesk-cli outbox')",
            EXIT_API_REFUSED,
        )
