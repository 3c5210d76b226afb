"""``outbox``: the local outbox, and what can be done with its messages.

    hubdesk-cli outbox [--json]         the newest 100 entries; a message sent later shows
                                        its time (local in the table, UTC in JSON)
    hubdesk-cli outbox --flush          send what is due now: queued messages, scheduled
                                        ones whose time came; reconcile unknown ones
    hubdesk-cli outbox cancel ID        cancel a message not sent yet
    hubdesk-cli outbox send ID          send a scheduled or overdue message now
    ... --batch B                       the same for every message of bulk send B

Listing, cancelling and ``--flush`` with nothing due work offline and without a session.
A scheduled message found more than an hour late (no HubDesk ran at its time) is
*overdue*: ``--flush`` leaves it and says so; ``send`` or ``cancel`` decides. Cancelling
a message that is sent, or may already be on the server, is refused (exit 2) with the
reason.
"""

from __future__ import annotations

from argparse import Namespace
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from hubdesk.cli import inputs
from hubdesk.cli.commands.local import NO_LOCAL_DATA, local_store
from hubdesk.cli.context import Context
from hubdesk.cli.errors import (
    EXIT_API_REFUSED,
    EXIT_FAILURE,
    EXIT_NOT_LOGGED_IN,
    LOGIN_HINT,
    CliError,
    UsageError,
)
from hubdesk.cli.outbox import FLUSH_HINT, OutboxOutgoing, elsewhere_sentence, make_sender
from hubdesk.cli.output import (
    JsonValue,
    clean,
    enum_name,
    local_time,
    outbox_json,
    party,
    shorten,
    table,
    utc_iso,
)
from hubdesk.domain import OutboxBatch, OutboxItem, OutboxState

if TYPE_CHECKING:
    from hubdesk.store.database import Database
    from hubdesk.store.worker import DbWorker

__all__ = ["batch_json", "outbox", "overdue_sentence"]

_LISTED = 100


class _FlushIncomplete(CliError):
    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def batch_json(batch: OutboxBatch) -> dict[str, JsonValue]:
    return {
        "id": batch.id,
        "state": enum_name(batch.state),
        "source": batch.source,
        "recipients": batch.recipients,
        "counts": {enum_name(s): n for s, n in sorted(batch.counts.items(), key=_by_value)},
        "not_before": utc_iso(batch.not_before),
        "created_at": utc_iso(batch.created_at),
        "finished": batch.finished,
    }


def _by_value(count: tuple[OutboxState, int]) -> str:
    return count[0].value


def overdue_sentence(ids: list[int]) -> str:
    entries = ", ".join(str(i) for i in ids[:20]) + (" …" if len(ids) > 20 else "")
    noun = "entry" if len(ids) == 1 else "entries"
    return (
        f"Outbox {noun} {entries}: overdue (the time passed more than an hour ago while no "
        "HubDesk was running), not sent. Send one now with 'hubdesk-cli outbox send ID', "
        "or cancel it with 'hubdesk-cli outbox cancel ID'."
    )


def _outbox_rows(items: list[OutboxItem]) -> str:
    rows = [
        [
            str(i.id),
            local_time(i.created_at),
            enum_name(i.state),
            local_time(i.not_before)[:16],
            party(i.source),
            clean(", ".join(party(d) for d in i.destinations[:3]), one_line=True)
            + (f" +{len(i.destinations) - 3}" if len(i.destinations) > 3 else ""),
            str(i.attempts),
            shorten(clean(i.text, one_line=True), 32),
            shorten(clean(i.error or "", one_line=True), 48),
        ]
        for i in items
    ]
    headers = ["ID", "CREATED", "STATE", "SEND AT", "FROM", "TO", "TRIES", "TEXT", "LAST ERROR"]
    return table(headers, rows)


async def outbox(args: Namespace, ctx: Context) -> None:
    action = getattr(args, "outbox_command", None)
    if action is not None and args.flush:
        raise UsageError(f"give either --flush or '{action} ID', not both")
    if action == "cancel":
        await _cancel(args, ctx)
    elif action == "send":
        await _send_now(args, ctx)
    elif args.flush:
        await _flush(ctx)
    else:
        await _list(ctx)


async def _list(ctx: Context) -> None:
    worker = await local_store(ctx)
    if worker is None:
        ctx.out.result({"outbox": [], "batches": [], "local_data": False}, NO_LOCAL_DATA)
        return

    def read(db: Database) -> tuple[list[OutboxItem], list[OutboxBatch], list[OutboxItem], int]:
        # The sentences count every row, not only the newest _LISTED shown.
        waiting = sum(1 for i in db.outbox.pending() if i.state is not OutboxState.SENDING)
        return db.outbox.all(_LISTED), db.batches.unfinished(), db.schedule.waiting(), waiting

    items, batches, later, waiting = await worker.run(read)
    data = {
        "outbox": [outbox_json(i) for i in items],
        "batches": [batch_json(b) for b in batches],
        "local_data": True,
    }
    if not items:
        ctx.out.result(data, "The outbox is empty.")
        return
    lines = [_outbox_rows(items)]
    lines += [_batch_line(b) for b in batches]
    if waiting:
        lines.append(f"{waiting} waiting: '{FLUSH_HINT}' sends queued ones and settles unknown.")
    scheduled = [i for i in later if i.state is OutboxState.SCHEDULED and i.not_before]
    if scheduled:  # soonest first
        lines.append(
            f"{len(scheduled)} scheduled, the next at {local_time(scheduled[0].not_before)[:16]}: "
            "sent while HubDesk or a timer running 'hubdesk-cli outbox --flush' runs then."
        )
    overdue = [i.id for i in later if i.state is OutboxState.OVERDUE]
    if overdue:
        lines.append(overdue_sentence(overdue))
    ctx.out.result(data, "\n".join(lines))


def _batch_line(batch: OutboxBatch) -> str:
    from hubdesk.cli.batch_send import progress_line

    held = f" ({batch.state.value})" if batch.state.value != "active" else ""
    return progress_line(batch)[:1].upper() + progress_line(batch)[1:] + held + "."


def _target(args: Namespace) -> int:
    return inputs.positive_int(args.id, "BATCH" if args.batch else "ID")


async def _worker_or_none(ctx: Context, what: str) -> DbWorker:
    if not ctx.has_store():
        raise UsageError(f"there is no {what}; the outbox is empty")
    return await ctx.store()


async def _cancel(args: Namespace, ctx: Context) -> None:
    from hubdesk.core.errors import InvalidInput
    from hubdesk.core.scheduling import Scheduler
    from hubdesk.store.outbox import OutboxError

    target = _target(args)
    worker = await _worker_or_none(ctx, f"{'bulk send' if args.batch else 'outbox entry'} {target}")
    if args.batch:
        try:
            batch = await worker.run(lambda db: db.batches.cancel(target))
        except OutboxError as exc:
            raise UsageError(str(exc)) from None
        ctx.out.result(
            {"batch": batch_json(batch)},
            f"Cancelled bulk send {batch.id}: {batch.count(OutboxState.CANCELLED)} "
            f"message(s) will not be sent; {batch.count(OutboxState.SENT)} already were.",
        )
        return
    try:
        item = await Scheduler(worker).cancel(target)
    except InvalidInput as exc:
        raise UsageError(str(exc)) from None
    ctx.out.result(
        {"outbox": outbox_json(item)},
        f"Cancelled outbox entry {item.id}: it will not be sent.",
    )


async def _send_now(args: Namespace, ctx: Context) -> None:
    from hubdesk.core.errors import InvalidInput
    from hubdesk.core.scheduling import Scheduler, cannot_cancel_sentence

    target = _target(args)
    worker = await _worker_or_none(ctx, f"{'bulk send' if args.batch else 'outbox entry'} {target}")
    ctx.base_url  # noqa: B018 - validated before anything changes
    await ctx.client()  # a stored session (no request): checked before anything changes
    if args.batch:
        await _send_batch_now(ctx, worker, target)
        return
    item = await worker.run(lambda db: db.outbox.get(target))
    if item is None:
        raise UsageError(f"there is no outbox entry {target}")
    if item.state in (OutboxState.SCHEDULED, OutboxState.OVERDUE):
        try:
            item = await Scheduler(worker).send_now(target)
        except InvalidInput as exc:
            raise UsageError(str(exc)) from None
    elif item.state is not OutboxState.QUEUED:
        raise UsageError(cannot_cancel_sentence(target, item.state, "sent now"))
    sent = await OutboxOutgoing(ctx).attempt(worker, item)
    ctx.out.result(
        {"outbox": outbox_json(sent)},
        f"Sent outbox entry {sent.id} to "
        f"{', '.join(party(d) for d in sent.destinations[:3])}"
        + (f" and {len(sent.destinations) - 3} more" if len(sent.destinations) > 3 else "")
        + ".",
    )


async def _send_batch_now(ctx: Context, worker: DbWorker, batch_id: int) -> None:
    from hubdesk.cli.batch_send import send_batch
    from hubdesk.cli.commands.bulk import finish_batch
    from hubdesk.core.errors import InvalidInput
    from hubdesk.core.scheduling import Scheduler

    try:
        await Scheduler(worker).send_batch_now(batch_id)
    except InvalidInput as exc:
        raise UsageError(str(exc)) from None
    outcome = await send_batch(ctx, worker, batch_id)
    finish_batch(ctx, outcome, {})


async def _flush(ctx: Context) -> None:
    ctx.base_url  # noqa: B018 - validate the URL before opening anything
    if not ctx.has_store():
        ctx.out.result({"outbox": [], "flushed": {}}, "The outbox is empty.")
        return
    worker = await ctx.store()
    now = datetime.now(UTC)
    pending, next_due, overdue = await worker.run(
        lambda db: (db.outbox.pending(), db.schedule.next_due(), db.schedule.overdue())
    )
    due = next_due is not None and next_due <= now
    if not pending and not due:
        lines = ["Nothing to send: the outbox is settled."]
        if next_due is not None:
            lines.append(f"The next scheduled message is due at {local_time(next_due)[:16]}.")
        data: dict[str, JsonValue] = {
            "outbox": [],
            "flushed": {"overdue": [i.id for i in overdue]},
            "next_due": utc_iso(next_due),
        }
        ctx.out.result(data, "\n".join(lines))
        if overdue:
            ctx.out.note(overdue_sentence([i.id for i in overdue]))
        return
    client = await ctx.client()
    sender, trouble = make_sender(ctx, client, worker)
    report = await sender.flush()
    touched = {i.id for i in pending} | set(report.due)
    items = [i for i in await worker.run(lambda db: db.outbox.all(10_000)) if i.id in touched][
        :_LISTED
    ]
    data = {
        "outbox": [outbox_json(i) for i in items],
        "flushed": {
            "sent": report.sent, "failed": report.failed, "queued": report.queued,
            "unknown": report.unknown, "resent": report.resent, "found": report.found,
            "stopped": report.stopped, "next_check_seconds": report.next_check,
            "sending_elsewhere": report.elsewhere, "due": report.due,
            "overdue": report.overdue, "paused": report.paused,
            "cancelled": report.cancelled,
        },
        "next_due": None if report.next_due is None else utc_iso(_after(report.next_due)),
    }  # fmt: skip
    summary = [
        f"{len(report.sent)} sent ({len(report.found)} found already on the server, "
        f"{len(report.resent)} re-sent after reconciling), {len(report.failed)} failed, "
        f"{len(report.queued)} still queued, {len(report.unknown)} still unknown."
    ]
    if report.paused:
        summary.append(f"{len(report.paused)} left alone: their bulk send is paused.")
    ctx.out.result(data, _outbox_rows(items) + "\n" + "\n".join(summary))
    if report.elsewhere:  # not an error: the process that claimed them settles them
        ctx.out.note(elsewhere_sentence(report.elsewhere))
    if report.overdue:  # not an error either: they wait for the user
        ctx.out.note(overdue_sentence(report.overdue))
    if report.queued or report.unknown:
        why = clean(report.stopped or "", one_line=True).rstrip(".")
        parts = [f"Not every message was settled{': ' + why if why else ''}"]
        if report.unknown and report.next_check:
            parts.append(
                f"an unknown one can be decided in about {report.next_check:.0f} s of server "
                f"time: run '{FLUSH_HINT}' again then"
            )
        elif report.unknown:
            parts.append(f"run '{FLUSH_HINT}' again later")
        message = "; ".join(parts)
        if trouble.expired:
            raise _FlushIncomplete(f"{message}. {LOGIN_HINT}", EXIT_NOT_LOGGED_IN)
        raise _FlushIncomplete(message, EXIT_FAILURE)
    if report.failed:
        raise _FlushIncomplete(
            f"{len(report.failed)} message(s) were not sent and marked failed: refused by the "
            "server, or the number replied STOP since (the reason: 'hubdesk-cli outbox')",
            EXIT_API_REFUSED,
        )


def _after(seconds: float) -> datetime:
    from datetime import timedelta

    return datetime.now(UTC) + timedelta(seconds=seconds)
