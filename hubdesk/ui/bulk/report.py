"""What the bulk-send dialog sends and shows: its requests, and the pre-send report of a
``core.bulk.BulkPlan`` (invalid inputs with reasons, duplicates, numbers outside the UK,
opted-out numbers removed, numbers that probably cannot receive texts: "landline —
usually cannot receive SMS") as table lines, with the "N × k = M" total; for a text
with placeholders, a few recipients' own texts and who is left out and why
(``personal_lines``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from PySide6.QtWidgets import QWidget

from hubdesk.core.bulk import BulkPlan
from hubdesk.core.personalised import Exclusion, ExclusionKind, PersonalisedPlan
from hubdesk.domain import Contact
from hubdesk.domain.numbers import PhoneNumber, sms_reachability
from hubdesk.ui.qt.fields import Tone, country_code, sentence
from hubdesk.ui.qt.tables import Column, RecordTableModel

__all__ = [
    "BulkInputs",
    "personal_lines",
    "personal_totals",
    "BulkSendRequest",
    "ReportLine",
    "report_lines",
    "report_model",
    "totals_text",
]

OPTED_OUT_DETAIL = "Removed: this number replied STOP."  # the same on both reports


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
    """The confirmed send: the plan as shown, from ``sender_id``, with ``text``; a
    ``personal`` plan when the text has placeholders (one text per recipient), and
    ``when`` (aware UTC) for Send later."""

    plan: BulkPlan | None
    sender_id: str
    text: str
    personal: PersonalisedPlan | None = None
    when: datetime | None = None

    @property
    def recipients(self) -> int:
        if self.personal is not None:
            return self.personal.recipients
        return self.plan.recipients if self.plan is not None else 0


@dataclass(frozen=True, slots=True)
class ReportLine:
    issue: str
    input: str
    origin: str
    detail: str


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def totals_text(plan: BulkPlan) -> str:
    """``"12 recipients × 2 parts = 24 messages"``."""
    return (
        f"{_plural(plan.recipients, 'recipient')} × {_plural(plan.segments.parts, 'part')} = "
        f"{_plural(plan.total_parts, 'message')}"
    )


def report_lines(plan: BulkPlan) -> list[ReportLine]:
    lines = [
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

    lines += [ReportLine("Opted out", *given(n), OPTED_OUT_DETAIL) for n in plan.opted_out]
    lines += [
        ReportLine(
            "Outside the UK",
            *given(n),
            f"Kept: not a UK number ({country_code(n)}); may cost more.",
        )
        for n in plan.non_uk
    ]
    lines += [
        ReportLine("May not receive", *given(n), f"Kept: {reach}.")
        for n in plan.destinations
        if (reach := sms_reachability(n)) is not None
    ]
    return lines


def personal_totals(plan: PersonalisedPlan) -> str:
    """``"12 recipients, each their own text: 14 messages"``."""
    return (
        f"{_plural(plan.recipients, 'recipient')}, each their own text: "
        f"{_plural(plan.total_parts, 'message')}"
    )


def _excluded_detail(excluded: Exclusion) -> str:
    """Why a recipient is left out, in the plain report's words where it has them."""
    if excluded.kind is ExclusionKind.OPTED_OUT:
        return OPTED_OUT_DETAIL
    return sentence(excluded.reason)


def personal_lines(plan: PersonalisedPlan, previews: int = 3) -> list[ReportLine]:
    """A few recipients' own texts (with their parts), then who is left out and why,
    then the numbers that probably cannot receive texts: those sent to, and those left
    out only for a missing value (a landline without a first name showed only "No
    value", and its flag came as a surprise once the value was filled in)."""
    lines = [
        ReportLine(
            "Preview",
            m.number.national(),
            m.name or m.origin,
            f"{m.text} ({_plural(m.segments.parts, 'part')})",
        )
        for m in plan.previews(previews)
    ]
    kinds = {
        ExclusionKind.NO_VALUE: "No value",
        ExclusionKind.INVALID: "Invalid",
        ExclusionKind.OPTED_OUT: "Opted out",
        ExclusionKind.DUPLICATE: "Duplicate",
    }
    lines += [
        ReportLine(kinds[e.kind], e.given, e.origin, _excluded_detail(e)) for e in plan.excluded
    ]
    lines += [
        ReportLine("May not receive", m.number.national(), m.name or m.origin, f"Kept: {m.reach}.")
        for m in plan.flagged
        if m.reach is not None
    ]
    lines += [
        ReportLine("May not receive", e.given, e.origin, f"Once it has a value: {e.reach}.")
        for e in plan.missing_values
        if e.reach is not None
    ]
    return lines


_TONES: dict[str, Tone] = {
    "No value": "error",
    "May not receive": "warning",
    "Invalid": "error",
    "Opted out": "warning",
    "Outside the UK": "warning",
}


def report_model(parent: QWidget | None = None) -> RecordTableModel[ReportLine]:
    return RecordTableModel(
        [
            Column("Issue", lambda r: r.issue, tone=lambda r: _TONES.get(r.issue)),
            Column("Input", lambda r: r.input),
            Column("From", lambda r: r.origin),
            Column("Detail", lambda r: r.detail),
        ],
        parent,
    )
