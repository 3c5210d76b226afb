"""Filling a text's placeholders per recipient, and the report shown before a send.

``plan_personalised`` (pure) takes the parsed text, the recipient inputs (numbers typed,
pasted or from a file, members of groups: ``core.bulk.Recipient``), the address book
and the opt-out list, and gives a ``PersonalisedPlan``: for every recipient who can be
sent to, their own text, its parts and a flag when the number probably cannot receive
texts (``domain.numbers.sms_reachability``); for everyone else, why they are left out:

* ``invalid``: not a phone number;
* ``duplicate``: the same number came earlier in the list;
* ``opted out``: the number replied STOP (unless the send overrides that);
* ``no value``: a placeholder without a default has no value for them (no contact has
  the number, or the contact's name has no first name).

A send with any ``no value`` recipient is refused before anything is queued (the
report names them and the placeholder); the others are simply not sent to. The plan
says whether every recipient gets the same text (``uniform``): then one bulk request
carries it, else each recipient needs their own ``/sms/send``.

``Personaliser`` gathers the address book, groups and opt-outs through the ``DbWorker``
and plans; ``Personaliser.one`` fills a text for a single send.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from hubdesk.core.bulk import Recipient, plan_bulk
from hubdesk.core.errors import InvalidInput
from hubdesk.domain import Contact
from hubdesk.domain.numbers import PhoneNumber, SmsReach, format_number, sms_reachability
from hubdesk.domain.placeholders import (
    MissingValue,
    ParsedText,
    PlaceholderContext,
    expand,
    expand_each,
)
from hubdesk.domain.segments import LONG_MESSAGE_PARTS, SegmentInfo, analyse
from hubdesk.store.database import Database
from hubdesk.store.worker import DbWorker

__all__ = [
    "Exclusion",
    "ExclusionKind",
    "PersonalisedMessage",
    "PersonalisedPlan",
    "Personaliser",
    "UnknownGroups",
    "missing_sentence",
    "plan_personalised",
]


class ExclusionKind(Enum):
    NO_VALUE = "no value"
    INVALID = "invalid"
    OPTED_OUT = "opted out"
    DUPLICATE = "duplicate"


@dataclass(frozen=True, slots=True)
class PersonalisedMessage:
    """One recipient's message: the number, the contact's name (None: no contact), the
    filled text and its parts, and the number's flag (None for a mobile)."""

    number: PhoneNumber
    origin: str
    name: str | None
    text: str
    segments: SegmentInfo
    reach: SmsReach | None = None


@dataclass(frozen=True, slots=True)
class Exclusion:
    """A recipient input left out, and why (``reason`` is a short clause). A number left
    out only for a missing value keeps its flag (``reach``: a landline, a premium-rate
    number): once the value is filled in it is sent to, and the flag still holds."""

    given: str
    origin: str
    kind: ExclusionKind
    reason: str
    number: PhoneNumber | None = None
    missing: tuple[str, ...] = ()  # the placeholders without a value (NO_VALUE)
    reach: SmsReach | None = None  # NO_VALUE: the number's flag, as a message's


@dataclass(frozen=True, slots=True)
class PersonalisedPlan:
    parsed: ParsedText
    messages: tuple[PersonalisedMessage, ...]
    excluded: tuple[Exclusion, ...]

    @property
    def recipients(self) -> int:
        return len(self.messages)

    @property
    def total_parts(self) -> int:
        """SMS parts billed: the sum over recipients of their own text's parts."""
        return sum(m.segments.parts for m in self.messages)

    @property
    def max_parts(self) -> int:
        return max((m.segments.parts for m in self.messages), default=0)

    @property
    def uniform(self) -> bool:
        """Whether every recipient gets the very same text (one bulk request will do)."""
        return len({m.text for m in self.messages}) <= 1

    @property
    def flagged(self) -> tuple[PersonalisedMessage, ...]:
        """Recipients whose number probably cannot receive texts (sent to all the same)."""
        return tuple(m for m in self.messages if m.reach is not None)

    @property
    def long_messages(self) -> tuple[PersonalisedMessage, ...]:
        """Recipients whose text runs past ``LONG_MESSAGE_PARTS`` parts."""
        return tuple(m for m in self.messages if m.segments.parts > LONG_MESSAGE_PARTS)

    def excluded_as(self, kind: ExclusionKind) -> tuple[Exclusion, ...]:
        return tuple(e for e in self.excluded if e.kind is kind)

    @property
    def missing_values(self) -> tuple[Exclusion, ...]:
        """Recipients a placeholder has no value for: the send must not go ahead."""
        return self.excluded_as(ExclusionKind.NO_VALUE)

    def previews(self, count: int = 3) -> tuple[PersonalisedMessage, ...]:
        """A few recipients' messages to show, named contacts first."""
        named = [m for m in self.messages if m.name]
        others = [m for m in self.messages if not m.name]
        return tuple((named + others)[:count])

    def summary(self) -> str:
        """ "12 recipients, 14 parts (2 excluded: 1 opted out, 1 duplicate; 1 flagged).\""""
        people = "recipient" if self.recipients == 1 else "recipients"
        parts = "part" if self.total_parts == 1 else "parts"
        text = f"{self.recipients} {people}, {self.total_parts} {parts}"
        notes: list[str] = []
        if self.excluded:
            kinds = [
                f"{len(self.excluded_as(kind))} {kind.value}"
                for kind in ExclusionKind
                if self.excluded_as(kind)
            ]
            notes.append(f"{len(self.excluded)} excluded: {', '.join(kinds)}")
        if self.flagged:
            notes.append(f"{len(self.flagged)} may not receive texts")
        return text + (f" ({'; '.join(notes)})" if notes else "") + "."


def missing_sentence(missing: Sequence[Exclusion], shown: int = 5) -> str:
    """The refusal for recipients without a value: names them and the placeholders."""
    placeholders = list(dict.fromkeys(name for e in missing for name in e.missing))
    names = ", ".join(f"{{{name}}}" for name in placeholders)
    who = [
        f"{e.number.national() if e.number is not None else e.given} ({e.reason})"
        for e in missing[:shown]
    ]
    more = f" and {len(missing) - shown} more" if len(missing) > shown else ""
    people = "recipient has" if len(missing) == 1 else "recipients have"
    return (
        f"{len(missing)} {people} no value for {names}: {'; '.join(who)}{more}. Nothing was "
        f"sent; add a default such as {{{placeholders[0]}|there}}, add the contacts, or "
        "leave those numbers out"
    )


def plan_personalised(
    parsed: ParsedText,
    recipients: Iterable[Recipient],
    *,
    sender: str,
    moment: datetime,
    contacts: Mapping[str, str] | None = None,
    opted_out: Collection[str] = (),
) -> PersonalisedPlan:
    """Check, deduplicate and fill the text for every recipient (see the module
    docstring). ``contacts`` maps E.164 digits to a contact's name; ``opted_out`` holds
    E.164 digits (empty when the send overrides opt-outs)."""
    names = contacts or {}
    bulk = plan_bulk(recipients, parsed.source, opted_out)
    excluded = [
        Exclusion(i.recipient.text, i.recipient.origin, ExclusionKind.INVALID, i.reason)
        for i in bulk.invalid
    ]
    excluded += [
        Exclusion(i.recipient.text, i.recipient.origin, ExclusionKind.DUPLICATE, i.reason)
        for i in bulk.duplicates
    ]
    for number in bulk.opted_out:
        origin = bulk.origins.get(number.digits)
        excluded.append(
            Exclusion(
                origin.text if origin is not None else number.national(),
                origin.origin if origin is not None else "",
                ExclusionKind.OPTED_OUT,
                "opted out of messages (replied STOP)",
                number,
            )
        )
    contexts = [
        PlaceholderContext(number, sender, moment, names.get(number.digits))
        for number in bulk.destinations
    ]
    messages: list[PersonalisedMessage] = []
    for expansion in expand_each(parsed, contexts):
        number = expansion.context.number
        origin = bulk.origins.get(number.digits)
        where = origin.origin if origin is not None else ""
        if expansion.text is None:
            excluded.append(
                Exclusion(
                    origin.text if origin is not None else number.national(),
                    where,
                    ExclusionKind.NO_VALUE,
                    expansion.reason,
                    number,
                    expansion.missing,
                    sms_reachability(number),
                )
            )
            continue
        messages.append(
            PersonalisedMessage(
                number,
                where,
                expansion.context.contact_name,
                expansion.text,
                analyse(expansion.text),
                sms_reachability(number),
            )
        )
    return PersonalisedPlan(parsed, tuple(messages), tuple(excluded))


class UnknownGroups(InvalidInput):
    """Groups asked for that the address book does not have (nothing was planned)."""

    def __init__(self, names: Sequence[str], existing: Sequence[str]) -> None:
        listed = ", ".join(repr(g) for g in existing) if existing else "none yet"
        shown = ", ".join(repr(n) for n in names)
        super().__init__(f"no group named {shown} (groups: {listed})")
        self.names = tuple(names)
        self.existing = tuple(existing)


def _gather(
    db: Database, groups: Sequence[str], with_optouts: bool
) -> tuple[list[Recipient], dict[str, str], set[str]]:
    found: list[Recipient] = []
    existing = db.contacts.groups()
    known = {g.casefold(): g for g in existing}
    chosen = [
        g.strip() if g.strip() in existing else known.get(g.strip().casefold()) for g in groups
    ]
    unknown = [g for g, name in zip(groups, chosen, strict=True) if name is None]
    if unknown:
        raise UnknownGroups(unknown, existing)
    for name in dict.fromkeys(n for n in chosen if n is not None):
        found += [
            Recipient(format_number(c.number), f"group {name}: {c.name}")
            for c in db.contacts.members(name)
        ]
    names = {c.number: c.name for c in db.contacts.list()}
    optouts = {o.number for o in db.optouts.list()} if with_optouts else set()
    return found, names, optouts


class Personaliser:
    """Plans personalised sends from the store's contacts, groups and opt-outs."""

    def __init__(self, worker: DbWorker) -> None:
        self._worker = worker

    async def plan(
        self,
        parsed: ParsedText,
        sender: str,
        recipients: Sequence[Recipient] = (),
        *,
        groups: Sequence[str] = (),
        moment: datetime | None = None,
        override_optout: bool = False,
    ) -> PersonalisedPlan:
        """The plan for ``recipients`` plus the members of ``groups`` (names compared
        case-insensitively; ``UnknownGroups`` when one does not exist). ``moment``: "now"
        for ``{date}``/``{time}`` (default: the local time now)."""
        from_groups, names, optouts = await self._worker.run(
            lambda db: _gather(db, groups, not override_optout)
        )
        return plan_personalised(
            parsed,
            [*recipients, *from_groups],
            sender=sender,
            moment=moment or datetime.now().astimezone(),
            contacts=names,
            opted_out=optouts,
        )

    async def one(
        self, parsed: ParsedText, sender: str, number: PhoneNumber, moment: datetime | None = None
    ) -> str:
        """The text for a single send to ``number``; ``InvalidInput`` naming the number
        and the placeholders when one has no value (nothing is queued then)."""
        if not parsed.has_placeholders:
            return parsed.fill({})
        contact: Contact | None = await self._worker.run(
            lambda db: db.contacts.get_by_number(number.digits)
        )
        context = PlaceholderContext(
            number, sender, moment or datetime.now().astimezone(), contact.name if contact else None
        )
        try:
            return expand(parsed, context)
        except MissingValue as exc:
            raise InvalidInput(f"{exc}; nothing was sent") from None
