"""``retry SMS_ID``: send a failed message again, once.

The message the server reports undelivered is queued again as a new outbox entry linked
to it (``core.resend``), committed before any request, and sent like ``send`` sends (the
same exit codes: 5 and "state unknown" when the server may or may not have it). A
second ``retry`` of the same message is refused (exit 2) while that resend is queued,
being sent, of unknown outcome or sent: that is what keeps the next person on shift from
sending a duplicate. A resend the server refused goes out again as the same entry.
"""

from __future__ import annotations

from argparse import Namespace

from hubdesk.cli import inputs
from hubdesk.cli.context import Context
from hubdesk.cli.outbox import OutboxOutgoing
from hubdesk.cli.output import enum_name, party, sms_json

__all__ = ["retry"]


async def retry(args: Namespace, ctx: Context) -> None:
    sms_id = inputs.positive_int(args.sms_id, "SMS_ID")
    source = inputs.sender_id(args.source) if args.source is not None else None
    resent = await OutboxOutgoing(ctx).resend(sms_id, source, override_optout=args.override_optout)
    item = resent.item
    worker = await ctx.store()
    new_id = item.sms_ids[0] if item.sms_ids else None
    sms = await worker.run(lambda db: db.messages.get(new_id)) if new_id is not None else None
    data = {
        "resend_of": sms_id,
        "outbox_id": item.id,
        "outbox_state": enum_name(item.state),
        "requeued": resent.requeued,
        **(sms_json(sms) if sms is not None else {"sms_id": new_id}),
    }
    again = " (the earlier resend the server refused, sent again)" if resent.requeued else ""
    as_sms = f" as SMS {new_id}" if new_id is not None else ""
    ctx.out.result(
        data,
        f"Resent SMS {sms_id}{as_sms} from {party(item.source)} to "
        f"{party(resent.partner)}{again} (outbox entry {item.id}).",
    )
