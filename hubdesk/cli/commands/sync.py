"""``sync``: one pass of the sync engine into the local store.

One poll (new messages and status changes since the newest server time seen, plus a
status refresh of pending outbound messages), then the backfill of older history
(resumable; paced to leave rate-limit headroom). Progress goes to stderr, the summary to
stdout. (``outbox`` is in ``commands.outbox``.)
"""

from __future__ import annotations

import time
from argparse import Namespace
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from hubdesk.cli.context import Context
from hubdesk.cli.errors import (
    UsageError,
)
from hubdesk.cli.outbox import FLUSH_HINT
from hubdesk.cli.output import (
    Output,
    party,
    utc_iso,
)

if TYPE_CHECKING:
    from hubdesk.store.database import Database
    from hubdesk.sync.events import BackfillProgress

__all__ = ["sync"]

_PROGRESS_EVERY = 0.5  # seconds between progress lines on stderr
_MAX_BACKFILL_DAYS = 3650


class _Progress:
    """``pulled N new · backfill 120/2000`` on stderr, at most every half second."""

    def __init__(self, out: Output) -> None:
        self._out = out
        self.pulled: int | None = None
        self._last = 0.0
        self._shown = ""

    def _line(self, backfill: str = "") -> str:
        parts = []
        if self.pulled is not None:
            parts.append(f"pulled {self.pulled} new")
        if backfill:
            parts.append(backfill)
        return " · ".join(parts)

    def show(self, line: str, force: bool = False) -> None:
        now = time.monotonic()
        if line and line != self._shown and (force or now - self._last >= _PROGRESS_EVERY):
            self._out.note(line)
            self._shown, self._last = line, now

    def poll_done(self, new: int) -> None:
        self.pulled = new
        self.show(self._line(), force=True)

    def backfill(self, progress: BackfillProgress) -> None:
        line = self._line(f"backfill {progress.done}/{progress.total}")
        self.show(line, force=progress.finished)


def _depth(args: Namespace) -> timedelta | None | str:
    """The backfill depth: a timedelta, None for everything, or "settings"."""
    if args.full:
        return None
    if args.backfill_days is None:
        return "settings"
    text = str(args.backfill_days).strip()
    try:
        days = int(text)
    except ValueError:
        raise UsageError(f"--backfill-days: expected a whole number, got {text!r}") from None
    if not 0 <= days <= _MAX_BACKFILL_DAYS:
        raise UsageError(f"--backfill-days: must be 0 to {_MAX_BACKFILL_DAYS}, got {days}")
    return timedelta(days=days)


def _counts(db: Database) -> tuple[int, int]:
    return db.messages.count(), len(db.outbox.pending())


async def sync(args: Namespace, ctx: Context) -> None:
    from hubdesk.sync.backfill import Backfill
    from hubdesk.sync.events import SyncEvents
    from hubdesk.sync.poller import Poller

    depth = _depth(args)
    ctx.base_url  # noqa: B018 - validate the URL before opening anything
    worker = await ctx.store()
    if depth == "settings":
        from hubdesk.core.settings import SettingsStore

        settings = await SettingsStore(worker).load()
        depth = timedelta(days=settings.backfill_days)
    assert not isinstance(depth, str)
    client = await ctx.client()
    events = SyncEvents()
    progress = _Progress(ctx.out)
    events.backfill_progress.connect(progress.backfill)
    poll = await Poller(client, worker, events=events).poll_once()
    progress.poll_done(len(poll.new_ids))
    backfill_data: dict[str, Any] = {"depth_days": None if depth is None else depth.days}
    if depth is None or depth > timedelta(0):
        backfill = Backfill(client, worker, events=events, server_clock=ctx.clock)
        done = await backfill.run(depth)
        backfill_data.update(
            fetched=done.fetched,
            total=done.total,
            finished=done.finished,
            resumed=done.resumed,
            requests=done.requests,
        )
    else:
        backfill_data.update(fetched=0, total=0, finished=False, resumed=False, requests=0)
    stored, pending = await worker.run(_counts)
    data = {
        "new": len(poll.new_ids),
        "new_inbound": sorted(m.sms_id for m in poll.new_inbound),
        "status_changed": len(poll.status_changed),
        "optouts_changed": sorted(poll.optouts_changed),
        "high_water": utc_iso(poll.high_water),
        "poll_requests": poll.requests,
        "backfill": backfill_data,
        "messages_stored": stored,
        "outbox_pending": pending,
    }
    lines = [
        f"Pulled {len(poll.new_ids)} new message(s); {len(poll.status_changed)} status update(s)."
    ]
    if depth is not None and depth <= timedelta(0):
        lines.append("Backfill skipped (--backfill-days 0).")
    else:
        reach = "all history" if depth is None else f"{depth.days} day(s)"
        if backfill_data["requests"] == 0 and backfill_data["fetched"] == 0:
            lines.append(f"Backfill: already complete ({reach}).")
        else:
            lines.append(
                f"Backfill: {backfill_data['fetched']}/{backfill_data['total']} ({reach})."
            )
    if poll.optouts_changed:
        shown = ", ".join(party(n) for n in sorted(poll.optouts_changed))
        lines.append(f"Opt-out changed for: {shown} (see 'hubdesk-cli optouts').")
    lines.append(f"{stored} message(s) stored locally.")
    if pending:
        lines.append(f"Outbox: {pending} waiting; send them with '{FLUSH_HINT}'.")
    ctx.out.result(data, "\n".join(lines))
