"""``dial`` and ``dial-mask`` (UK numbers only)."""

from __future__ import annotations

from argparse import Namespace

from hubdesk.cli import inputs
from hubdesk.cli.context import Context
from hubdesk.cli.output import clean, dial_json

__all__ = ["dial", "dial_mask"]


async def dial(args: Namespace, ctx: Context) -> None:
    number = inputs.uk_number(args.number, "NUMBER")
    client = await ctx.client()
    result = await client.dial(number.digits)
    ctx.out.result(
        dial_json(result, destination=number.digits),
        f"Calling {number.national()} (call id {clean(result.call_id, one_line=True)}).",
    )


async def dial_mask(args: Namespace, ctx: Context) -> None:
    source = inputs.uk_number(args.source, "--from")
    number = inputs.uk_number(args.number, "NUMBER")
    client = await ctx.client()
    result = await client.dial_masked(source.digits, number.digits)
    ctx.out.result(
        dial_json(result, source=source.digits, destination=number.digits),
        f"Calling {number.national()}, showing {source.national()} "
        f"(call id {clean(result.call_id, one_line=True)}).",
    )
