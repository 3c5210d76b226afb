"""``bulk-send`` of a batch (a personalised text, or a list longer than 500 numbers):
sending it now, with progress on stderr, and a clean stop on Ctrl-C.

The batch's rows are all committed before this starts (``core.batches``). Then the
outbox sender works through them, a few at a time under the rate limit
(``OutboxSender.flush(batch=...)``), and a line on stderr says how far it got, at most
twice a second. A pass that was rate limited anyway (another program shares the
account) waits as the server asks and goes on; one stopped by anything else (offline,
session expired) ends the command: the rows left queued go out with ``outbox --flush``,
or with the app.

Ctrl-C once: the rows not yet claimed are cancelled (one transaction, ``Batches.cancel``),
the ones on their way finish, and the command ends with a summary (exit 130): every
recipient was sent once or not at all. Ctrl-C again: stop at once (a message on its way
then stays ``unknown`` and ``outbox --flush`` settles it, never sending it twice).
"""

from __future__ import annotations

import asyncio
import signal
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import FrameType
from typing import TYPE_CHECKING

from hubdesk.cli.context import Context
from hubdesk.cli.outbox import elsewhere_sentence, make_sender
from hubdesk.domain import OutboxBatch, OutboxState

if TYPE_CHECKING:
    from hubdesk.store.worker import DbWorker
    from hubdesk.sync.outcomes import FlushReport

__all__ = ["BatchOutcome", "progress_line", "send_batch"]

_EVERY = 0.5  # seconds between progress lines
_MAX_RATE_WAITS = 30  # passes that may end rate limited before the command gives up


@dataclass(frozen=True, slots=True)
class BatchOutcome:
    """How a batch send ended: the batch as it stands, the last pass's report, and
    whether the user interrupted it."""

    batch: OutboxBatch
    report: FlushReport | None
    interrupted: bool


def progress_line(batch: OutboxBatch) -> str:
    """``bulk send 3: 120 of 1000 sent, 2 failed, 878 to go``."""
    sent = batch.count(OutboxState.SENT)
    parts = [f"bulk send {batch.id}: {sent} of {batch.recipients} sent"]
    for label, states in (
        ("failed", (OutboxState.FAILED,)),
        ("cancelled", (OutboxState.CANCELLED,)),
        ("unknown", (OutboxState.UNKNOWN,)),
        ("overdue", (OutboxState.OVERDUE,)),
    ):
        n = batch.count(*states)
        if n:
            parts.append(f"{n} {label}")
    left = batch.count(OutboxState.QUEUED, OutboxState.SENDING, OutboxState.SCHEDULED)
    if left:
        parts.append(f"{left} to go")
    return ", ".join(parts)


@contextmanager
def _first_interrupt(on_first: Callable[[], None]) -> Iterator[None]:
    """While the block runs, the first SIGINT calls ``on_first`` (through the event
    loop); a second one does what SIGINT did before (asyncio's: cancel the command)."""
    loop = asyncio.get_running_loop()
    previous = signal.getsignal(signal.SIGINT)
    pressed = False

    def handler(signum: int, frame: FrameType | None) -> None:
        nonlocal pressed
        if pressed:
            signal.signal(signal.SIGINT, previous)
            if callable(previous):
                previous(signum, frame)
            return
        pressed = True
        loop.call_soon_threadsafe(on_first)

    try:
        signal.signal(signal.SIGINT, handler)
    except ValueError:  # not the main thread (an embedding program): no Ctrl-C handling
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


async def send_batch(ctx: Context, worker: DbWorker, batch_id: int) -> BatchOutcome:
    """Send the batch's rows now (see the module docstring)."""
    from hubdesk.api import RateLimited
    from hubdesk.sync.health import bounded_wait

    client = await ctx.client()
    sender, _ = make_sender(ctx, client, worker)
    cancel = asyncio.Event()

    def interrupted() -> None:
        ctx.out.note(
            "Cancelling: the messages not sent yet will not be; waiting for those on their "
            "way (Ctrl-C again stops at once)…"
        )
        cancel.set()

    async def cancel_when_asked() -> None:
        await cancel.wait()
        await worker.run(lambda db: db.batches.cancel(batch_id))

    async def show_progress() -> None:
        shown = ""
        while True:
            batch = await worker.run(lambda db: db.batches.get(batch_id))
            if batch is not None and (line := progress_line(batch)) != shown:
                ctx.out.note(line)
                shown = line
            await asyncio.sleep(_EVERY)

    report: FlushReport | None = None
    with _first_interrupt(interrupted):
        helpers = [asyncio.create_task(cancel_when_asked()), asyncio.create_task(show_progress())]
        try:
            rate_waits = 0
            started = time.monotonic()
            while not cancel.is_set():
                report = await sender.flush(batch=batch_id)
                if report.elsewhere:
                    ctx.out.note(elsewhere_sentence(report.elsewhere))
                if report.settled or not isinstance(report.error, RateLimited):
                    break
                rate_waits += 1
                if rate_waits > _MAX_RATE_WAITS:
                    break
                wait = bounded_wait(report.error.retry_after, at_least=1.0, at_most=60.0)
                ctx.out.note(f"Rate limited by the server; going on in {wait:.0f} s…")
                await asyncio.sleep(wait)
            ctx.out.detail(f"bulk send {batch_id}: {time.monotonic() - started:.1f} s")
            if cancel.is_set():
                await helpers[0]  # the cancel is committed before the summary is read
        finally:
            for task in helpers:
                task.cancel()
            await asyncio.gather(*helpers, return_exceptions=True)
    batch = await worker.run(lambda db: db.batches.get(batch_id))
    assert batch is not None
    ctx.out.note(progress_line(batch))
    return BatchOutcome(batch, report, cancel.is_set())
