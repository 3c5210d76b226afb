"""Bulk send: turn recipient inputs into a checked plan, then send it as one bulk entry.

``plan_bulk`` (pure) takes recipient inputs (contacts, members of groups, numbers pasted
with any separators, rows of a CSV file) and returns a ``BulkPlan``: the valid
destinations deduplicated by E.164 digits, and a report of what was left out or flagged:
invalid inputs with the reason, duplicates, numbers outside the UK (kept, flagged), and
numbers that opted out (removed). ``parts x recipients`` comes from ``domain.segments``.

``BulkSender.send_bulk`` queues ONE bulk outbox row (the API's bulk endpoint) through
``OutboxSender.submit`` and summarises what happened. A list longer than one bulk
request may carry (:data:`MAX_BULK_RECIPIENTS`) is split: one bulk row per 500 numbers,
written together as a batch (``core.batches``) and sent at once, paced under the rate
limit.
"""

from __future__ import annotations

import asyncio
import csv
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from hubdesk.core.contacts_io import csv_rows, decode_text
from hubdesk.core.errors import InvalidInput, NoApprovedSender
from hubdesk.core.senders import SenderIds
from hubdesk.domain import Contact, OutboxItem, OutboxState
from hubdesk.domain.numbers import NumberError, PhoneNumber, format_number, parse_number
from hubdesk.domain.segments import SegmentInfo, analyse
from hubdesk.store.database import Database
from hubdesk.store.outbox import MAX_BULK_DESTINATIONS
from hubdesk.store.worker import DbWorker
from hubdesk.sync.outbox import OutboxSender

if TYPE_CHECKING:
    from hubdesk.core.personalised import PersonalisedPlan

__all__ = [
    "MAX_BULK_RECIPIENTS",
    "BulkIssue",
    "BulkPlan",
    "BulkResult",
    "BulkSender",
    "Recipient",
    "csv_recipients",
    "plan_bulk",
    "split_pasted",
]

#: Recipients of one bulk request (one outbox entry); longer lists are split.
MAX_BULK_RECIPIENTS = MAX_BULK_DESTINATIONS

_CHUNKS = re.compile(r"[\n\r,;\t]+")
_MAX_TOKENS_PER_NUMBER = 6


@dataclass(frozen=True, slots=True)
class Recipient:
    """One input: ``text`` as given, ``origin`` says where it came from ("pasted", "row 4",
    "contact Alice Smith", "group Staff")."""

    text: str
    origin: str


@dataclass(frozen=True, slots=True)
class BulkIssue:
    """An input left out, and why."""

    recipient: Recipient
    reason: str


@dataclass(frozen=True, slots=True)
class BulkPlan:
    destinations: tuple[PhoneNumber, ...]
    invalid: tuple[BulkIssue, ...]
    duplicates: tuple[BulkIssue, ...]
    non_uk: tuple[PhoneNumber, ...]  # kept, but flagged
    opted_out: tuple[PhoneNumber, ...]  # removed
    segments: SegmentInfo
    #: E.164 digits -> the input that gave the number first (for the report)
    origins: Mapping[str, Recipient] = field(default_factory=dict)

    @property
    def recipients(self) -> int:
        return len(self.destinations)

    @property
    def total_parts(self) -> int:
        """SMS parts billed: parts of the text x recipients."""
        return self.segments.parts * len(self.destinations)

    @property
    def digits(self) -> tuple[str, ...]:
        return tuple(d.digits for d in self.destinations)

    @property
    def requests(self) -> int:
        """Bulk requests the send takes (a list of more than 500 numbers is split)."""
        return -(-len(self.destinations) // MAX_BULK_RECIPIENTS)

    @property
    def too_many(self) -> bool:
        """Always False: a list of any length is split into bulk requests of at most
        :data:`MAX_BULK_RECIPIENTS` numbers (kept for the bulk dialog, which checked it)."""
        return False

    def summary(self) -> str:
        parts = "part" if self.total_parts == 1 else "parts"
        people = "recipient" if self.recipients == 1 else "recipients"
        text = f"{self.recipients} {people}, {self.total_parts} {parts}"
        if self.requests > 1:
            text += f", sent as {self.requests} bulk requests of at most {MAX_BULK_RECIPIENTS}"
        extras = [
            (len(self.invalid), "invalid"),
            (len(self.duplicates), "duplicate"),
            (len(self.opted_out), "opted out"),
            (len(self.non_uk), "outside the UK"),
        ]
        said = [f"{n} {label}" for n, label in extras if n]
        return text + (f" ({', '.join(said)})" if said else "") + "."


@dataclass(frozen=True, slots=True)
class BulkResult:
    """What ``send_bulk`` did. ``item``: the outbox row that says how far the send got
    (for a split list, the first row not sent yet, else the first); ``items``: every
    row (one, or one per 500 numbers); ``batch_id``: the batch of a split list."""

    item: OutboxItem | None
    recipients: int
    parts: int
    opted_out: tuple[str, ...]
    summary: str
    items: tuple[OutboxItem, ...] = ()
    batch_id: int | None = None


def _try(text: str) -> PhoneNumber | None:
    try:
        return parse_number(text)
    except NumberError:
        return None


def split_pasted(text: str) -> list[str]:
    """Numbers from pasted text: newlines, commas, semicolons and tabs always separate;
    spaces separate too, except inside a number written with spaces ("07400 123456")."""
    found: list[str] = []
    for chunk in _CHUNKS.split(text):
        chunk = chunk.strip()
        if not chunk:
            continue
        if _try(chunk) is not None or " " not in chunk:
            found.append(chunk)
            continue
        tokens = chunk.split()
        unmatched: list[str] = []  # neighbouring tokens that form no number stay together
        i = 0
        while i < len(tokens):
            for j in range(min(len(tokens), i + _MAX_TOKENS_PER_NUMBER), i, -1):
                candidate = " ".join(tokens[i:j])
                if _try(candidate) is not None:
                    if unmatched:
                        found.append(" ".join(unmatched))
                        unmatched = []
                    found.append(candidate)
                    i = j
                    break
            else:
                unmatched.append(tokens[i])
                i += 1
        if unmatched:
            found.append(" ".join(unmatched))
    return found


def csv_recipients(text: str) -> list[Recipient]:
    """Every cell that holds digits, row by row ("row N" origins); a first row without
    digits is a header and skipped; other rows without digits are reported as invalid."""
    text = text.lstrip("\ufeff")
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(
            text[:8192], delimiters=",;\t"
        )
    except csv.Error:
        dialect = csv.excel
    found: list[Recipient] = []
    for index, row in enumerate(csv_rows(text, dialect), start=1):
        cells = [c.strip() for c in row if c.strip()]
        if not cells:
            continue
        numbers = [c for c in cells if any(ch.isdigit() for ch in c)]
        if numbers:
            found += [Recipient(n, f"row {index}") for n in numbers]
        elif index > 1:
            found.append(Recipient(" ".join(cells), f"row {index}"))
    return found


def plan_bulk(
    recipients: Iterable[Recipient], text: str, opted_out: Collection[str] = ()
) -> BulkPlan:
    """Check and deduplicate ``recipients``; ``opted_out`` holds E.164 digits."""
    kept: dict[str, PhoneNumber] = {}
    first_origin: dict[str, Recipient] = {}
    invalid: list[BulkIssue] = []
    duplicates: list[BulkIssue] = []
    removed: dict[str, PhoneNumber] = {}
    for recipient in recipients:
        try:
            number = parse_number(recipient.text)
        except NumberError as exc:
            invalid.append(BulkIssue(recipient, str(exc)))
            continue
        if number.digits in kept or number.digits in removed:
            first = first_origin[number.digits]
            duplicates.append(BulkIssue(recipient, f"duplicate of {first.text} ({first.origin})"))
            continue
        first_origin[number.digits] = recipient
        if number.digits in opted_out:
            removed[number.digits] = number
            continue
        kept[number.digits] = number
    destinations = tuple(kept.values())
    return BulkPlan(
        destinations=destinations,
        invalid=tuple(invalid),
        duplicates=tuple(duplicates),
        non_uk=tuple(d for d in destinations if not d.is_uk),
        opted_out=tuple(removed.values()),
        segments=analyse(text),
        origins=first_origin,
    )


def _gather(
    db: Database, groups: Sequence[str]
) -> tuple[list[Recipient], list[BulkIssue], set[str]]:
    found: list[Recipient] = []
    issues: list[BulkIssue] = []
    known = set(db.contacts.groups())
    for group in groups:
        if group not in known:
            issues.append(BulkIssue(Recipient(group, f"group {group}"), "no such group"))
            continue
        members = db.contacts.members(group)
        found += [Recipient(format_number(c.number), f"group {group}: {c.name}") for c in members]
    optouts = {o.number for o in db.optouts.list()}
    return found, issues, optouts


class BulkSender:
    """Plans bulk sends from the store's contacts and opt-outs, and sends them."""

    def __init__(self, worker: DbWorker, sender: OutboxSender, sender_ids: SenderIds) -> None:
        self._worker = worker
        self._sender = sender
        self._sender_ids = sender_ids

    async def plan(
        self,
        text: str,
        *,
        contacts: Sequence[Contact] = (),
        groups: Sequence[str] = (),
        pasted: str = "",
        csv_path: Path | None = None,
    ) -> BulkPlan:
        """Gather every input (contacts, group members, pasted text, a CSV file) and plan."""
        inputs = [Recipient(format_number(c.number), f"contact {c.name}") for c in contacts]
        from_groups, group_issues, optouts = await self._worker.run(lambda db: _gather(db, groups))
        inputs += from_groups
        inputs += [Recipient(t, "pasted") for t in split_pasted(pasted)]
        if csv_path is not None:
            data = await asyncio.to_thread(csv_path.read_bytes)
            inputs += csv_recipients(decode_text(data))
        plan = plan_bulk(inputs, text, optouts)
        if group_issues:
            plan = BulkPlan(
                plan.destinations,
                tuple(group_issues) + plan.invalid,
                plan.duplicates,
                plan.non_uk,
                plan.opted_out,
                plan.segments,
            )
        return plan

    async def plan_personalised(
        self,
        text: str,
        sender: str,
        *,
        contacts: Sequence[Contact] = (),
        groups: Sequence[str] = (),
        pasted: str = "",
        csv_path: Path | None = None,
    ) -> PersonalisedPlan:
        """The same inputs as ``plan`` for a text with placeholders: each recipient's
        own text (``core.bulk_personal``)."""
        from hubdesk.core.bulk_personal import plan_personalised_inputs

        return await plan_personalised_inputs(
            self._worker, text, sender, contacts=contacts, groups=groups, pasted=pasted,
            csv_path=csv_path,
        )  # fmt: skip

    async def send_bulk(
        self, plan: BulkPlan, source: str, text: str, *, uuid: str | None = None
    ) -> BulkResult:
        """Queue one bulk entry for the plan's destinations and try to send it now."""
        if not text.strip():
            raise InvalidInput("the message is empty")
        if not plan.destinations:
            raise InvalidInput("there are no valid recipients to send to")
        if source not in self._sender_ids.approved():
            if not self._sender_ids.approved():
                raise NoApprovedSender("No approved sender ID yet; request one and wait for it.")
            raise NoApprovedSender(f"The sender ID {source} is not approved.")
        if plan.requests > 1:
            return await self._send_split(plan, source, text, uuid)
        result = await self._sender.submit(source, list(plan.digits), text, uuid=uuid)
        recipients = len(plan.destinations) - len(result.opted_out)
        parts = analyse(text).parts * recipients
        items = () if result.item is None else (result.item,)
        return BulkResult(
            result.item, recipients, parts, result.opted_out,
            _summary(result.item, recipients), items,
        )  # fmt: skip

    async def _send_split(
        self, plan: BulkPlan, source: str, text: str, uuid: str | None
    ) -> BulkResult:
        """A list longer than one bulk request: a batch of bulk rows, sent now."""
        from hubdesk.core.batches import BulkSends

        opted = await self._worker.run(
            lambda db: tuple(d for d in plan.digits if db.optouts.is_opted_out(d))
        )
        batch = await BulkSends(self._worker, self._sender).start_uniform(
            plan.digits, text, source, uuid=uuid
        )
        await self._sender.flush(batch=batch.id)
        items = tuple(await self._worker.run(lambda db: db.batches.items(batch.id)))
        recipients = sum(len(i.destinations) for i in items)
        parts = analyse(text).parts * recipients
        lagging = [i for i in items if i.state is not OutboxState.SENT]
        shown = lagging[0] if lagging else items[0]
        summary = _summary(shown, recipients)
        if lagging and len(lagging) < len(items):
            sent = recipients - sum(len(i.destinations) for i in lagging)
            summary = f"Sent to {sent} of {recipients} recipients so far. " + summary
        return BulkResult(shown, recipients, parts, opted, summary, items, batch.id)


def _summary(item: OutboxItem | None, recipients: int) -> str:
    people = "recipient" if recipients == 1 else "recipients"
    if item is None:
        return "Nothing was sent: every recipient has opted out."
    if item.state is OutboxState.SENT:
        return f"Sent to {recipients} {people}."
    if item.state is OutboxState.QUEUED:
        return f"Queued for {recipients} {people}; it will be sent when the server can be reached."
    if item.state is OutboxState.FAILED:
        reason = (item.error or "no reason given").rstrip(".")
        return f"The server refused the bulk send: {reason}."
    return (
        f"The server did not confirm the send to {recipients} {people}; HubDesk is checking "
        "whether it went out and will not send it twice."
    )
