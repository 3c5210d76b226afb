"""The bulk send dialog's inputs (contacts ticked, groups, pasted numbers, a CSV file)
planned as a personalised send: used when the text has placeholders, so that every
recipient gets their own text (``core.personalised``) and one ``POST /sms/send`` each
(``core.batches.BulkSends.start_personalised``)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path

from hubdesk.core.bulk import Recipient, csv_recipients, split_pasted
from hubdesk.core.contacts_io import decode_text
from hubdesk.core.errors import InvalidInput
from hubdesk.core.personalised import PersonalisedPlan, Personaliser
from hubdesk.domain import Contact
from hubdesk.domain.numbers import format_number
from hubdesk.domain.placeholders import TemplateSyntaxError, parse
from hubdesk.store.worker import DbWorker

__all__ = ["has_placeholders", "plan_personalised_inputs"]


def has_placeholders(text: str) -> bool:
    """Whether ``text`` names a placeholder (a stray brace counts as one: the plan then
    says what is wrong with it)."""
    try:
        return parse(text).has_placeholders
    except TemplateSyntaxError:
        return True


async def plan_personalised_inputs(
    worker: DbWorker,
    text: str,
    sender: str,
    *,
    contacts: Sequence[Contact] = (),
    groups: Sequence[str] = (),
    pasted: str = "",
    csv_path: Path | None = None,
) -> PersonalisedPlan:
    """Every input gathered (as ``BulkSender.plan`` does) and each recipient's text
    filled; ``InvalidInput`` for a text whose braces do not parse or an unknown group."""
    try:
        parsed = parse(text)
    except TemplateSyntaxError as exc:
        raise InvalidInput(str(exc)) from None
    inputs = [Recipient(format_number(c.number), f"contact {c.name}") for c in contacts]
    inputs += [Recipient(t, "pasted") for t in split_pasted(pasted)]
    if csv_path is not None:
        data = await asyncio.to_thread(csv_path.read_bytes)
        inputs += csv_recipients(decode_text(data))
    return await Personaliser(worker).plan(parsed, sender, inputs, groups=groups)
