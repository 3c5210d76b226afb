"""What ``send`` and ``bulk-send`` decide before the outbox: which text (TEXT or
``--template``), its placeholders filled per recipient, ``--at``, the flags for numbers
that usually cannot receive texts, and the pre-send report of a personalised bulk send.

Every check here is local and comes before anything is queued: a refusal is exit 2 and
leaves no outbox row. A plain TEXT is read like a template (placeholders filled,
``{{``/``}}`` for literal braces), so a text with a stray brace is refused with the
reason rather than sent with it. With ``--at``, ``{date}`` and ``{time}`` are filled
for the moment the message is to go, not for now.
"""

from __future__ import annotations

from argparse import Namespace
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from hubdesk.cli import inputs
from hubdesk.cli.context import Context
from hubdesk.cli.errors import UsageError
from hubdesk.cli.output import JsonValue, clean, party, shorten, table
from hubdesk.domain.numbers import PhoneNumber, sms_reachability

if TYPE_CHECKING:
    from hubdesk.core.personalised import PersonalisedPlan
    from hubdesk.domain.placeholders import ParsedText

__all__ = [
    "Message",
    "bulk_plan",
    "check_text_choice",
    "fill_one",
    "message",
    "plan_json",
    "plan_text",
    "scheduled_for",
    "warn_unreachable",
]

_PREVIEWS = 3
_SHOWN = 20  # rows of a report list before "and N more"
_PREVIEW_WIDTH = 60


@dataclass(frozen=True, slots=True)
class Message:
    """The text to send, parsed, and what it is ("message" for a TEXT, "template 'Late'")."""

    parsed: ParsedText
    origin: str


def check_text_choice(args: Namespace) -> None:
    """Exactly one of TEXT and ``--template NAME``."""
    if args.template is not None and args.text is not None:
        raise UsageError("give either a TEXT or --template NAME, not both")
    if args.template is None and args.text is None:
        raise UsageError("give the message as TEXT (or '-' for stdin) or --template NAME")


def scheduled_for(args: Namespace, now: datetime | None = None) -> datetime | None:
    """The checked ``--at`` time (aware UTC), or None when the send is for now."""
    if args.at is None:
        return None
    return inputs.send_time(args.at, now or datetime.now(UTC))


async def message(args: Namespace, ctx: Context) -> Message:
    """The text of TEXT (``-``: stdin) or of the saved template, checked for placeholders."""
    from hubdesk.domain.placeholders import TemplateSyntaxError, parse

    if args.template is not None:
        from hubdesk.core.templates import TemplateBook

        name = " ".join(args.template.split())
        if not ctx.has_store():
            raise UsageError(f"there is no template named {name!r}; there are no templates yet")
        template = await TemplateBook(await ctx.store()).find(args.template)
        if template is None:
            raise UsageError(
                f"there is no template named {name!r}; see 'hubdesk-cli templates list'"
            )
        try:
            return Message(parse(template.text), f"template {template.name!r}")
        except TemplateSyntaxError as exc:
            raise UsageError(f"the template {template.name!r} cannot be used: {exc}") from None
    text = inputs.message_text(args.text, ctx.stdin)
    try:
        return Message(parse(text), "message")
    except TemplateSyntaxError as exc:
        raise UsageError(f"TEXT: {exc}") from None


async def fill_one(
    ctx: Context, found: Message, source: str, number: PhoneNumber, when: datetime | None = None
) -> str:
    """The text for a single send to ``number`` (placeholders from its contact;
    ``{date}``/``{time}`` for ``when``, else now)."""
    if not found.parsed.has_placeholders:
        return found.parsed.fill({})
    from hubdesk.core.personalised import Personaliser

    moment = None if when is None else when.astimezone()
    return await Personaliser(await ctx.store()).one(found.parsed, source, number, moment)


def warn_unreachable(ctx: Context, found: Sequence[inputs.Destination]) -> None:
    """One line on stderr per number that usually cannot receive texts (not refused)."""
    flagged = [(d, reach) for d in found if (reach := sms_reachability(d.number)) is not None]
    for item, reach in flagged[:_SHOWN]:
        ctx.out.note(f"Warning: {item.number.national()} ({item.origin}) is a {reach}.")
    if len(flagged) > _SHOWN:
        ctx.out.note(
            f"Warning: and {len(flagged) - _SHOWN} more numbers that may not receive texts."
        )


async def bulk_plan(
    ctx: Context,
    found: Message,
    source: str,
    given: Sequence[inputs.Destination],
    groups: Sequence[str],
    *,
    override_optout: bool,
    when: datetime | None = None,
) -> PersonalisedPlan:
    """The pre-send plan of a bulk send (``core.personalised``; ``{date}``/``{time}``
    for ``when``, else now); an unknown group is exit 2 with the groups that exist."""
    from hubdesk.core.bulk import Recipient
    from hubdesk.core.personalised import Personaliser, UnknownGroups

    recipients = [Recipient(d.number.national(), d.origin) for d in given]
    try:
        return await Personaliser(await ctx.store()).plan(
            found.parsed, source, recipients, groups=groups, override_optout=override_optout,
            moment=None if when is None else when.astimezone(),
        )  # fmt: skip
    except UnknownGroups as exc:
        raise UsageError(f"--group: {exc}") from None


# --- the pre-send report -----------------------------------------------------------------


def _parts_per_recipient(plan: PersonalisedPlan) -> dict[int, int]:
    return dict(sorted(Counter(m.segments.parts for m in plan.messages).items()))


def plan_json(plan: PersonalisedPlan, origin: str) -> dict[str, JsonValue]:
    """The report as one JSON document (numbers as E.164 digits)."""
    return {
        "message": origin,
        "summary": plan.summary(),
        "recipients": plan.recipients,
        "total_parts": plan.total_parts,
        "parts_per_recipient": {str(k): v for k, v in _parts_per_recipient(plan).items()},
        "same_text_for_all": plan.uniform,
        "messages": [
            {
                "number": m.number.digits,
                "name": m.name,
                "origin": m.origin,
                "text": m.text,
                "parts": m.segments.parts,
                "flag": str(m.reach) if m.reach is not None else None,
            }
            for m in plan.messages
        ],
        "previews": [m.number.digits for m in plan.previews(_PREVIEWS)],
        "excluded": [
            {
                "given": e.given,
                "origin": e.origin,
                "number": e.number.digits if e.number is not None else None,
                "kind": e.kind.name.lower(),
                "reason": e.reason,
                "missing": list(e.missing),
            }
            for e in plan.excluded
        ],
        "flagged": [{"number": m.number.digits, "flag": str(m.reach)} for m in plan.flagged],
    }


def _more(rows: list[list[str]], total: int) -> str:
    extra = f"\n… and {total - len(rows)} more" if total > len(rows) else ""
    return extra


def plan_text(plan: PersonalisedPlan, origin: str) -> str:
    """The report for people: summary, parts per recipient, previews, exclusions, flags."""
    parts = ", ".join(
        f"{count} × {n} part{'s' if n != 1 else ''}"
        for n, count in _parts_per_recipient(plan).items()
    )
    lines = [f"Personalised {clean(origin, one_line=True)}: {plan.summary()}"]
    if parts:
        lines.append(f"Parts per recipient: {parts}.")
    previews = plan.previews(_PREVIEWS)
    if previews:
        rows = [
            [
                party(m.number.digits),
                clean(m.name or "(no contact)", one_line=True),
                str(m.segments.parts),
                shorten(clean(m.text, one_line=True), _PREVIEW_WIDTH),
            ]
            for m in previews
        ]
        lines += ["", "Preview:", table(["NUMBER", "NAME", "PARTS", "TEXT"], rows)]
    if plan.excluded:
        rows = [
            [
                party(e.number.digits) if e.number is not None else clean(e.given, one_line=True),
                clean(e.origin, one_line=True),
                e.kind.value,
                clean(e.reason, one_line=True)
                + (f" ({', '.join('{' + n + '}' for n in e.missing)})" if e.missing else ""),
            ]
            for e in plan.excluded[:_SHOWN]
        ]
        lines += ["", "Excluded:", table(["NUMBER", "FROM", "WHY", "DETAIL"], rows)]
        lines[-1] += _more(rows, len(plan.excluded))
    if plan.flagged:
        rows = [
            [party(m.number.digits), clean(m.origin, one_line=True), str(m.reach)]
            for m in plan.flagged[:_SHOWN]
        ]
        lines += ["", "May not receive texts:", table(["NUMBER", "FROM", "WHY"], rows)]
        lines[-1] += _more(rows, len(plan.flagged))
    return "\n".join(lines)
