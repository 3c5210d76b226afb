"""``senders`` and ``sender-add``."""

from __future__ import annotations

from argparse import Namespace

from hubdesk.cli import inputs
from hubdesk.cli.context import Context
from hubdesk.cli.output import clean, local_time, sender_id_json, table

__all__ = ["add_sender", "list_senders"]

_STATUS = {"approved": "approved", "awaiting_approval": "awaiting approval"}


async def list_senders(args: Namespace, ctx: Context) -> None:
    client = await ctx.client()
    senders = list(await client.all_sender_ids())
    data = [sender_id_json(s) for s in senders]
    if not senders:
        human = "No sender IDs yet: add one with 'hubdesk-cli sender-add SENDER_ID'."
    else:
        rows = [
            [
                clean(s.sender_id, one_line=True),
                _STATUS.get(str(d["status"]), str(d["status"])),
                local_time(s.created_at),
                str(s.id),
            ]
            for s, d in zip(senders, data, strict=True)
        ]
        human = table(["SENDER ID", "STATUS", "CREATED", "ID"], rows)
    ctx.out.result(data, human)


async def add_sender(args: Namespace, ctx: Context) -> None:
    sender_id = inputs.sender_id(args.sender_id, "SENDER_ID")
    client = await ctx.client()
    message = await client.add_sender_id(sender_id)
    ctx.out.result(
        {"sender_id": sender_id, "message": message},
        clean(message) or f"Sender ID {sender_id} added; it awaits approval.",
    )
