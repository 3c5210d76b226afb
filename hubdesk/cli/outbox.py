"""Sending through the local outbox: the CLI's side of ``hubdesk.sync.outbox``.

Order of a send (every step before the POST is local):

1. the command checked its input (exit 2 for bad input, nothing stored);
2. a number that opted out (STOP) is refused (single send, exit 2) or dropped (bulk,
   reported on stderr) unless ``--override-optout``;
3. the session is made ready without a request: restored from the keyring (no token
   refresh yet), or, with ``--no-store``, the ``HUBDESK_*`` credentials are checked;
4. the outbox row is committed (state ``queued``);
5. only now the network: the ``--no-store`` sign-in, the token refresh, the POST, all
   driven by ``OutboxSender`` (``sending`` -> ``sent`` | ``unknown`` | ``queued`` |
   ``failed``, one committed transaction per step).

A row left ``unknown`` (the request may have reached the server) is settled later by
``hubdesk-cli outbox --flush``, which reconciles with ``/sms/list`` and re-sends only a
message that is certainly absent; a row left ``queued`` was certainly not sent and goes
out with that flush.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from hubdesk.cli.context import Context
from hubdesk.cli.errors import (
    EXIT_API_REFUSED,
    EXIT_FAILURE,
    EXIT_NOT_LOGGED_IN,
    LOGIN_HINT,
    CliError,
    UsageError,
)
from hubdesk.domain import OutboxItem, OutboxState, Sms
from hubdesk.domain.numbers import format_number

if TYPE_CHECKING:
    from hubdesk.api import HubClient
    from hubdesk.store.database import Database
    from hubdesk.store.resends import Resent
    from hubdesk.store.worker import DbWorker
    from hubdesk.sync.outbox import Attempt, OutboxSender

__all__ = [
    "FLUSH_HINT",
    "OVERRIDE_FLAG",
    "BulkSent",
    "OutboxOutgoing",
    "SendFailed",
    "Sent",
    "elsewhere_sentence",
    "make_sender",
]

OVERRIDE_FLAG = "--override-optout"
FLUSH_HINT = "hubdesk-cli outbox --flush"
UNKNOWN_STATE = "state unknown — will be reconciled"


class SendFailed(CliError):
    """The outbox row did not end ``sent``; ``str()`` says where it stands."""

    def __init__(self, message: str, exit_code: int, item: OutboxItem, detail: str = "") -> None:
        super().__init__(message)
        self.exit_code = exit_code
        self.item = item
        self.detail = detail  # the API error's type, operation and HTTP status (for -v)


@dataclass(frozen=True, slots=True)
class Sent:
    """A single send that reached the server: its outbox row and the stored message."""

    item: OutboxItem
    sms: Sms | None


@dataclass(frozen=True, slots=True)
class BulkSent:
    """A bulk send the server accepted; ``messages`` are those found and attached so far."""

    item: OutboxItem
    messages: tuple[Sms, ...]
    opted_out: tuple[str, ...]


@dataclass(slots=True)
class _SessionTrouble:
    expired: bool = False


def make_sender(
    ctx: Context, client: HubClient, worker: DbWorker
) -> tuple[OutboxSender, _SessionTrouble]:
    """An ``OutboxSender`` on the context's server clock, and a flag set when an attempt
    came back "not sent" because the session had expired (used by ``outbox --flush``; a
    single send reads its ``Attempt`` instead)."""
    from hubdesk.sync.events import SyncEvents, SyncStatus, SyncStatusKind
    from hubdesk.sync.outbox import OutboxSender

    events = SyncEvents()
    trouble = _SessionTrouble()

    def on_status(status: SyncStatus) -> None:
        if status.kind is SyncStatusKind.SESSION_EXPIRED:
            trouble.expired = True

    events.sync_state.connect(on_status)
    return OutboxSender(client, worker, server_clock=ctx.clock, events=events), trouble


_IDS_SHOWN = 10  # ids named in a sentence; 'hubdesk-cli outbox' lists them all


def elsewhere_sentence(ids: Sequence[int]) -> str:
    """The flush left these rows alone: another process sharing the profile has them."""
    entries = ", ".join(str(i) for i in ids[:_IDS_SHOWN])
    if len(ids) > _IDS_SHOWN:
        entries += f" and {len(ids) - _IDS_SHOWN} more"
    noun = "entry" if len(ids) == 1 else "entries"
    return (
        f"Outbox {noun} {entries} {'is' if len(ids) == 1 else 'are'} being sent by another "
        "HubDesk process (left to it; see 'hubdesk-cli outbox')."
    )


def _opted_out_sentence(numbers: Sequence[str]) -> str:
    shown = ", ".join(format_number(n) for n in numbers)
    return f"{shown} opted out of messages (replied STOP)"


class OutboxOutgoing:
    """``Outgoing`` through the profile's outbox (see the module docstring)."""

    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx

    async def send(
        self, source: str, destination: str, text: str, *, override_optout: bool
    ) -> Sent:
        worker = await self._ctx.store()
        opted = await worker.run(lambda db: db.optouts.is_opted_out(destination))
        if opted and not override_optout:
            raise UsageError(
                f"{_opted_out_sentence([destination])}; not sent. Send anyway only if they "
                f"asked to hear from you again: add {OVERRIDE_FLAG}"
            )
        item = await self._send(worker, source, [destination], text, bulk=False)
        sms = None
        if item.sms_ids:
            sms_id = item.sms_ids[0]
            sms = await worker.run(lambda db: db.messages.get(sms_id))
        return Sent(item, sms)

    async def bulk_send(
        self, source: str, destinations: Sequence[str], text: str, *, override_optout: bool
    ) -> BulkSent:
        worker = await self._ctx.store()
        wanted = list(destinations)
        opted = await worker.run(lambda db: [d for d in wanted if db.optouts.is_opted_out(d)])
        skipped: tuple[str, ...] = ()
        if opted and not override_optout:
            skipped = tuple(opted)
            wanted = [d for d in wanted if d not in skipped]
            self._ctx.out.note(
                f"Left out: {_opted_out_sentence(skipped)}; add {OVERRIDE_FLAG} to include them."
            )
            if not wanted:
                raise UsageError("every number opted out of messages; nothing was sent")
        item = await self._send(worker, source, wanted, text, bulk=True)
        ids = list(item.sms_ids)
        found = await worker.run(lambda db: [db.messages.get(i) for i in ids])
        return BulkSent(item, tuple(m for m in found if m is not None), skipped)

    async def resend(
        self, failed_sms_id: int, source: str | None, *, override_optout: bool
    ) -> Resent:
        """Send a failed message again, linked to it (``core.resend``): queued (committed)
        like any send, then attempted once here. A second retry of the same message is
        refused (``AlreadyResent``) while the first resend is queued, sending, unknown or
        sent; one the server refused goes out again as the same outbox entry."""
        from hubdesk.core.resend import queue_resend
        from hubdesk.store.resends import Resent

        worker = await self._ctx.store()
        queued: list[Resent] = []

        def queue(db: Database) -> OutboxItem:
            resent = queue_resend(db, failed_sms_id, source, override_optout=override_optout)
            queued.append(resent)
            return resent.item

        def undo(db: Database, item: OutboxItem) -> None:
            if queued and queued[0].requeued:  # an earlier, refused resend: refused again
                db.outbox.mark_failed(item.id, "not sent: signing in failed")
            else:
                db.outbox.delete(item.id)

        item = await self._send_queued(worker, queue, undo)
        resent = queued[0]
        return Resent(item, resent.failed_sms_id, resent.partner, resent.requeued)

    async def schedule(
        self,
        source: str,
        destinations: Sequence[str],
        text: str,
        when: datetime,
        *,
        override_optout: bool,
        template_text: str | None = None,
    ) -> OutboxItem:
        """Commit a message sent later (one destination: a single send; several: one
        bulk row). Nothing reaches the network: the session is not even needed now, but
        it must exist for the message to go out later (checked, no request)."""
        ctx = self._ctx
        worker = await ctx.store()
        wanted = list(dict.fromkeys(destinations))
        opted = await worker.run(lambda db: [d for d in wanted if db.optouts.is_opted_out(d)])
        if opted and not override_optout:
            if len(wanted) == 1:
                raise UsageError(
                    f"{_opted_out_sentence(opted)}; not scheduled. Send anyway only if they "
                    f"asked to hear from you again: add {OVERRIDE_FLAG}"
                )
            wanted = [d for d in wanted if d not in opted]
            self._ctx.out.note(
                f"Left out: {_opted_out_sentence(opted)}; add {OVERRIDE_FLAG} to include them."
            )
            if not wanted:
                raise UsageError("every number opted out of messages; nothing was scheduled")
        if ctx.options.no_store:
            raise UsageError(
                "--at needs a stored session (run 'hubdesk-cli login'): a --no-store "
                "session ends with the command, before the message is due"
            )
        ctx.base_url  # noqa: B018 - validated (no I/O)
        await ctx.client()  # restored from the keyring: no request
        return await worker.run(
            lambda db: db.outbox.enqueue(
                source, wanted, text, bulk=len(wanted) > 1, not_before=when,
                template_text=template_text,
            )
        )  # fmt: skip

    async def _send(
        self, worker: DbWorker, source: str, dests: list[str], text: str, *, bulk: bool
    ) -> OutboxItem:
        return await self._send_queued(
            worker,
            lambda db: db.outbox.enqueue(source, dests, text, bulk=bulk),
            lambda db, item: db.outbox.delete(item.id),
        )

    async def _send_queued(
        self,
        worker: DbWorker,
        queue: Callable[[Database], OutboxItem],
        undo: Callable[[Database, OutboxItem], object],
    ) -> OutboxItem:
        """Make the session ready (no request), commit the row with ``queue``, then send
        it once; ``undo`` takes the row back when a ``--no-store`` sign-in fails first."""
        ctx = self._ctx
        credentials = None
        url = ctx.base_url  # validated (no I/O)
        if ctx.options.no_store:
            credentials = ctx.env_credentials()  # checked before anything is queued
        else:
            await ctx.client()  # restored from the keyring: no request yet
        item = await worker.run(queue)
        ctx.out.detail(f"Queued as outbox entry {item.id}.")
        if credentials is not None:
            try:
                await ctx.manager.login(url, credentials)
            except BaseException:
                # Signing in failed before the message was attempted: nothing was sent,
                # and a --no-store session leaves nothing behind.
                await worker.run(lambda db: undo(db, item))
                raise
        return await self.attempt(worker, item)

    async def attempt(self, worker: DbWorker, item: OutboxItem) -> OutboxItem:
        """Send a queued row now (signed in by then); returns it when sent, else raises
        ``SendFailed`` saying where it stands."""
        from hubdesk.store.database import DatabaseBusy
        from hubdesk.store.outbox import StateChanged

        ctx = self._ctx
        client = await ctx.client()
        sender, _ = make_sender(ctx, client, worker)
        try:
            attempt = await sender.attempt(item)
        except StateChanged:
            return await _claimed_elsewhere(worker, item)
        except DatabaseBusy:
            raise await _busy_after_queueing(worker, item) from None
        item = attempt.item
        if item.state is OutboxState.SENT:
            return item
        failure = _failure(attempt)
        ctx.out.detail(
            f"outbox entry {item.id}: state={item.state.value} attempts={item.attempts} "
            f"executed={attempt.executed}"
        )
        if failure.detail:
            ctx.out.detail(failure.detail)  # the error's type, operation and HTTP status
        raise failure


async def _claimed_elsewhere(worker: DbWorker, item: OutboxItem) -> OutboxItem:
    """Another process sharing the profile (the window's outbox loop, an 'outbox --flush')
    took the row between its commit and this attempt: it sends it, exactly once."""
    current = await worker.run(lambda db: db.outbox.get(item.id)) or item
    if current.state is OutboxState.SENT:
        return current
    raise SendFailed(
        f"Another HubDesk process is sending this message (outbox entry {item.id}, "
        f"{current.state.value}); it is not sent twice: see 'hubdesk-cli outbox' for how "
        "it ends, and do not send it again",
        EXIT_FAILURE,
        current,
    )


async def _busy_after_queueing(worker: DbWorker, item: OutboxItem) -> SendFailed:
    """The database stayed locked by another process during the attempt. Before the POST
    (the row is still queued) nothing was sent; after it (the row is left in 'sending',
    which the next open turns into 'unknown') the message may be on the server. Either
    way the flush settles it: running 'send' again would send it twice."""
    from hubdesk.store.database import DatabaseBusy

    busy = "The local message database stayed busy (another HubDesk or program was writing)"
    try:
        current = await worker.run(lambda db: db.outbox.get(item.id)) or item
    except DatabaseBusy:
        current = None
    entry = f"outbox entry {item.id}"
    if current is not None and current.state is OutboxState.QUEUED:
        return SendFailed(
            f"{busy}. The message was not sent; it stays queued as {entry} and goes out "
            f"with '{FLUSH_HINT}'",
            EXIT_FAILURE,
            current,
        )
    return SendFailed(
        f"{busy}, so the send could not be recorded. The message may or may not have been "
        f"sent: {UNKNOWN_STATE} by '{FLUSH_HINT}' ({entry}); do not send it again",
        EXIT_FAILURE,
        current or item,
    )


def _failure(attempt: Attempt) -> SendFailed:
    """The attempt's real error decides the sentence and the exit code (as for any other
    command, see ``cli.errors``); the row's state says what happens to the message next.
    Without an error (nothing was attempted) the row's stored reason is used."""
    from hubdesk.api import Unauthenticated
    from hubdesk.cli.errors import describe
    from hubdesk.core.errors import describe_error

    item, error = attempt.item, attempt.error
    described = describe(error) if error is not None else None
    reason = describe_error(error) if error is not None else (item.error or "")
    reason = reason.strip().rstrip(".")
    detail = described.detail if described is not None else ""
    entry = f"outbox entry {item.id}"
    if item.state is OutboxState.FAILED:
        return SendFailed(
            f"{reason or 'The server refused the message'} ({entry}, marked failed)",
            described.exit_code if described is not None else EXIT_API_REFUSED,
            item,
            detail,
        )
    if item.state is OutboxState.QUEUED:
        expired = isinstance(error, Unauthenticated)
        hint = f" {LOGIN_HINT}" if expired else ""
        code = EXIT_FAILURE if described is None else described.exit_code
        return SendFailed(
            f"{reason or 'Not sent'}. The message was not sent; it stays queued as {entry} "
            f"and goes out with '{FLUSH_HINT}'.{hint}",
            EXIT_NOT_LOGGED_IN if expired else code,
            item,
            detail,
        )
    # unknown (or still sending: a crash-safe state the next flush settles the same way)
    reason = reason or "The server did not confirm the message"
    if "may or may not" not in reason:
        reason += ". The message may or may not have been sent"
    return SendFailed(
        f"{reason}: {UNKNOWN_STATE} by '{FLUSH_HINT}' ({entry}); do not send it again",
        EXIT_FAILURE,
        item,
        detail,
    )
