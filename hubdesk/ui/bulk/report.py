"""What the bulk-send dialog sends and shows: its requests, and the pre-send report of a
``core.bulk.BulkPlan`` (invalid inputs with reasons, duplicates, numbers outside the UK,
opted-out numbers removed, numbers that probably cannot receive texts: "landline —
usually cannot receive SMS") as table lines, with the "N × k = M" total.

A text with placeholders also has a ``core.personalised.PersonalisedPlan``: then the
report lists every recipient's own text with its parts (the first ``SHOWN_MESSAGES``),
those with no value for a placeholder (the send is refused until they are fixed:
:func:`refusal`), and the total of parts over everyone."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import QWidget

from hubdesk.core.bulk import BulkPlan
from hubdesk.core.personalised import ExclusionKind, PersonalisedPlan, missing_sentence
from hubdesk.domain import Contact
from hubdesk.domain.numbers import PhoneNumber, sms_reachability
from hubdesk.domain.segments import describe_parts
from hubdesk.domain.text import one_line
from hubdesk.ui.qt.fields import Tone, country_code, sentence
from hubdesk.ui.qt.tables import Column, RecordTableModel

__all__ = [
    "BulkInputs",
    "BulkSendRequest",
    "ReportLine",
    "refusal",
    "report_lines",
    "report_model",
    "totals_text",
]

SHOWN_MESSAGES = 200  # recipients whose own text is listed in the report


@dataclass(frozen=True, slots=True)
class BulkInputs:
    """Everything the user chose, for ``BulkSender.plan`` (``csv_path`` as a str path)."""

    text: str
    sender_id: str | None
    contacts: tuple[Contact, ...] = ()
    groups: tuple[str, ...] = ()
    pasted: str = ""
    csv_path: str | None = None

    @property
    def empty(self) -> bool:
        return not (self.contacts or self.groups or self.pasted.strip() or self.csv_path)


@dataclass(frozen=True, slots=True)
class BulkSendRequest:
    """The confirmed send: the plan as shown, from ``sender_id``, with ``text``
    (``personal``: each recipient's own text, when it has placeholders)."""

    plan: BulkPlan
    sender_id: str
    text: str
    personal: PersonalisedPlan | None = None


@dataclass(frozen=True, slots=True)
class ReportLine:
    issue: str
    input: str
    origin: str
    detail: str


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def totals_text(plan: BulkPlan, personal: PersonalisedPlan | None = None) -> str:
    """``"12 recipients × 2 parts = 24 messages"``; for texts that differ per recipient,
    ``"12 recipients, 1–2 parts each = 17 messages"``."""
    if personal is not None and personal.parsed.has_placeholders:
        parts = sorted({m.segments.parts for m in personal.messages}) or [0]
        each = f"{parts[0]}" if len(parts) == 1 else f"{parts[0]}–{parts[-1]}"
        return (
            f"{_plural(personal.recipients, 'recipient')}, {each} part{'s' * (each != '1')} "
            f"each = {_plural(personal.total_parts, 'message')}"
        )
    return (
        f"{_plural(plan.recipients, 'recipient')} × {_plural(plan.segments.parts, 'part')} = "
        f"{_plural(plan.total_parts, 'message')}"
    )


def refusal(personal: PersonalisedPlan | None) -> str | None:
    """Why the send cannot go ahead: recipients without a value for a placeholder (named,
    with the placeholder), or None."""
    if personal is None or not personal.missing_values:
        return None
    return missing_sentence(personal.missing_values) + "."


def personal_lines(personal: PersonalisedPlan) -> list[ReportLine]:
    """Recipients without a value, then each recipient's own text and its parts."""
    lines = [
        ReportLine("No value", e.given, e.origin, sentence(e.reason))
        for e in personal.excluded_as(ExclusionKind.NO_VALUE)
    ]
    for message in personal.messages[:SHOWN_MESSAGES]:
        who = f"{message.name} ({message.number})" if message.name else str(message.number)
        lines.append(
            ReportLine(
                "Message",
                who,
                message.origin,
                f"{describe_parts(message.segments)}: {one_line(message.text)}",
            )
        )
    more = personal.recipients - SHOWN_MESSAGES
    if more > 0:
        lines.append(ReportLine("Message", f"and {more} more", "", ""))
    return lines


def report_lines(plan: BulkPlan, personal: PersonalisedPlan | None = None) -> list[ReportLine]:
    lines = personal_lines(personal) if personal is not None else []
    lines += [
        ReportLine("Invalid", i.recipient.text, i.recipient.origin, sentence(i.reason))
        for i in plan.invalid
    ]
    lines += [
        ReportLine("Duplicate", d.recipient.text, d.recipient.origin, sentence(d.reason))
        for d in plan.duplicates
    ]

    def given(number: PhoneNumber) -> tuple[str, str]:
        """The input as typed, and where it came from."""
        first = plan.origins.get(number.digits)
        return (first.text, first.origin) if first is not None else (str(number), "")

    lines += [
        ReportLine("Opted out", *given(n), "Removed: this number replied STOP.")
        for n in plan.opted_out
    ]
    lines += [
        ReportLine(
            "Outside the UK",
            *given(n),
            f"Kept: not a UK number ({country_code(n)}); may cost more.",
        )
        for n in plan.non_uk
    ]
    for number in plan.destinations:
        reach = sms_reachability(number)
        if reach is not None:
            lines.append(ReportLine(reach.kind.capitalize(), *given(number), f"Kept: {reach}."))
    return lines


_TONES: dict[str, Tone] = {
    "Invalid": "error",
    "No value": "error",
    "Opted out": "warning",
    "Outside the UK": "warning",
    "Message": "muted",
}


def _tone(line: ReportLine) -> Tone | None:
    if line.detail.startswith("Kept: ") and " — " in line.detail:
        return "warning"  # a number that probably cannot receive texts
    return _TONES.get(line.issue)


def report_model(parent: QWidget | None = None) -> RecordTableModel[ReportLine]:
    return RecordTableModel(
        [
            Column("Issue", lambda r: r.issue, tone=_tone),
            Column("Input", lambda r: r.input),
            Column("From", lambda r: r.origin),
            Column("Detail", lambda r: r.detail),
        ],
        parent,
    )
