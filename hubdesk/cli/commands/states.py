"""``done``, ``undone``, ``pin``, ``unpin``: the user's marks on a conversation, kept in
the local store (offline, no sign-in; the GUI shares them).

Done takes a conversation out of the inbox (``conversations`` without options) until a
new message is received from that person; pinned ones are listed first.
"""

from __future__ import annotations

from argparse import Namespace

from hubdesk.cli import inputs
from hubdesk.cli.commands.local import NO_LOCAL_DATA, local_store
from hubdesk.cli.context import Context
from hubdesk.cli.errors import UsageError
from hubdesk.cli.output import party

__all__ = ["done", "pin", "undone", "unpin"]


async def _mark(args: Namespace, ctx: Context, action: str) -> None:
    from hubdesk.core.inbox import Inbox

    partner = inputs.filter_party(args.number, "NUMBER")
    worker = await local_store(ctx)
    if worker is None:
        raise UsageError(NO_LOCAL_DATA.rstrip("."))
    inbox = Inbox(worker)
    who = party(partner)
    if action == "done":
        changed = await inbox.mark_done(partner)
        if not changed:
            raise UsageError(f"no conversation with {who} in the local store")
        human = f"Done: the conversation with {who} is out of the inbox until they write again."
    elif action == "undone":
        changed = await inbox.mark_undone(partner)
        human = (
            f"The conversation with {who} is back in the inbox."
            if changed
            else f"The conversation with {who} was not marked Done."
        )
    elif action == "pin":
        if not (await inbox.thread(partner, limit=1)).entries:
            raise UsageError(f"no conversation with {who} in the local store")
        changed = await inbox.pin(partner)
        human = (
            f"Pinned the conversation with {who}: it is listed first."
            if changed
            else f"The conversation with {who} was pinned already."
        )
    else:
        changed = await inbox.unpin(partner)
        human = (
            f"Unpinned the conversation with {who}."
            if changed
            else f"The conversation with {who} was not pinned."
        )
    marks = await inbox.marks(partner)
    data = {"partner": partner, "changed": changed, "done": marks.done, "pinned": marks.pinned}
    ctx.out.result(data, human)


async def done(args: Namespace, ctx: Context) -> None:
    await _mark(args, ctx, "done")


async def undone(args: Namespace, ctx: Context) -> None:
    await _mark(args, ctx, "undone")


async def pin(args: Namespace, ctx: Context) -> None:
    await _mark(args, ctx, "pin")


async def unpin(args: Namespace, ctx: Context) -> None:
    await _mark(args, ctx, "unpin")
