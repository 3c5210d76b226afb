"""What the CLI prints: readable tables by default, one JSON document with ``--json``.

Everything that came from the server is passed through :func:`clean` before it reaches
a terminal, so a message text cannot smuggle escape sequences into it. JSON output is
ASCII-only (``\\u`` escapes), so it is valid whatever the terminal's encoding.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Sequence
from datetime import UTC, datetime
from enum import Enum
from typing import Any, TextIO

from hubdesk.domain import (
    BulkSendResult,
    Contact,
    Conversation,
    DialResult,
    OutboxItem,
    SenderId,
    Sms,
    Template,
    ThreadEntry,
)
from hubdesk.domain.numbers import format_number
from hubdesk.domain.text import neutralise

__all__ = [
    "Output",
    "bulk_json",
    "clean",
    "contact_json",
    "conversation_json",
    "dial_json",
    "enum_name",
    "local_time",
    "marked",
    "outbox_json",
    "party",
    "sender_id_json",
    "sms_json",
    "table",
    "template_json",
    "thread_entry_json",
    "utc_iso",
]

JsonValue = Any


def clean(text: str, *, one_line: bool = False) -> str:
    """Make server text safe for a terminal: control characters become visible.

    Newlines and tabs are kept unless ``one_line`` (then they become "⏎" and a space).
    """
    out: list[str] = []
    for ch in text:
        if ch == "\n":
            out.append(" ⏎ " if one_line else "\n")
        elif ch == "\t":
            out.append(" " if one_line else "\t")
        elif unicodedata.category(ch) in ("Cc", "Cs") or ch in ("\u2028", "\u2029"):
            out.append(f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return "".join(out)


def shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"


def enum_name(value: Enum) -> str:
    """``DeliveryStatus.PENDING`` -> ``"pending"``."""
    return value.name.lower()


def utc_iso(moment: datetime | None) -> str | None:
    """An aware datetime as UTC ISO 8601 with a ``Z`` (``2024-05-01T09:30:00Z``)."""
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def local_time(moment: datetime | None) -> str:
    """An aware datetime in the local time zone, for people."""
    if moment is None:
        return ""
    return moment.astimezone().strftime("%Y-%m-%d %H:%M:%S")


def marked(segments: Sequence[tuple[str, bool]]) -> str:
    """Plain text with each matched piece in brackets (``your [invoice] is ready``);
    every piece made safe for a terminal on its own."""
    return "".join(
        f"[{clean(piece, one_line=True)}]" if hit else clean(piece, one_line=True)
        for piece, hit in segments
    )


def party(value: str) -> str:
    """A number in national form (international when not UK); a sender id unchanged."""
    return clean(format_number(value), one_line=True)


def sms_json(sms: Sms) -> dict[str, JsonValue]:
    return {
        "sms_id": sms.sms_id,
        "source": sms.source,
        "destination": sms.destination,
        "text": sms.text,
        "type": enum_name(sms.type),
        "delivery_status": enum_name(sms.delivery_status),
        "read_status": enum_name(sms.read_status),
        "time": utc_iso(sms.time),
        "sms_count": sms.sms_count,
        "chat_partner": sms.chat_partner,
    }


def sender_id_json(sender: SenderId) -> dict[str, JsonValue]:
    return {
        "id": sender.id,
        "sender_id": sender.sender_id,
        "status": enum_name(sender.status),
        "approved": sender.approved,
        "customer_user_id": sender.customer_user_id,
        "created_at": utc_iso(sender.created_at),
        "created_by": sender.created_by,
        "updated_at": utc_iso(sender.updated_at),
        "updated_by": sender.updated_by,
    }


def dial_json(result: DialResult, **extra: JsonValue) -> dict[str, JsonValue]:
    return {"call_id": result.call_id, "message": result.message, **extra}


def bulk_json(result: BulkSendResult, **extra: JsonValue) -> dict[str, JsonValue]:
    return {
        "message": result.message,
        "delivery_status": enum_name(result.delivery_status),
        **extra,
    }


def conversation_json(conv: Conversation) -> dict[str, JsonValue]:
    return {
        "partner": conv.partner,
        "name": conv.name,
        "last_text": conv.last_text,
        "last_time": utc_iso(conv.last_time),
        "last_direction": enum_name(conv.last_direction),
        "unread": conv.unread,
        "has_failed": conv.has_failed,
        "opted_out": conv.opted_out,
        "last_sender_id": conv.last_sender_id,
        "pinned": conv.pinned,
        "done": conv.done,
        "kept_unread": conv.kept_unread,
    }


def thread_entry_json(entry: ThreadEntry) -> dict[str, JsonValue]:
    return {
        "partner": entry.partner,
        "time": utc_iso(entry.time),
        "direction": enum_name(entry.direction),
        "state": enum_name(entry.state),
        "sender_id": entry.sender_id,
        "text": entry.text,
        "parts": entry.parts,
        "sms_id": entry.sms_id,
        "outbox_id": entry.outbox_id,
        "unread": entry.unread,
        "kind": "call" if entry.call is not None else "message",
        "resent": entry.resent,
        "resend_outbox_id": entry.resend_outbox_id,
        "resend_sms_id": entry.resend_sms_id,
        "resend_of": entry.resend_of,
        **(
            {"call_ok": entry.call.ok, "masked_source": entry.call.masked_source}
            if entry.call is not None
            else {}
        ),
    }


def contact_json(contact: Contact) -> dict[str, JsonValue]:
    return {
        "id": contact.id,
        "name": contact.name,
        "number": contact.number,
        "notes": contact.notes,
        "groups": list(contact.groups),
    }


def outbox_json(item: OutboxItem) -> dict[str, JsonValue]:
    return {
        "id": item.id,
        "state": enum_name(item.state),
        "source": item.source,
        "destinations": list(item.destinations),
        "text": item.text,
        "bulk": item.bulk,
        "created_at": utc_iso(item.created_at),
        "attempts": item.attempts,
        "sms_ids": list(item.sms_ids),
        "error": item.error,
        "not_before": utc_iso(item.not_before),
        "batch_id": item.batch_id,
    }


def template_json(template: Template) -> dict[str, JsonValue]:
    from hubdesk.domain.placeholders import PlaceholderError, parse

    try:
        names = list(parse(template.text).names)
    except PlaceholderError:  # saved by hand or by a later HubDesk: shown, never fatal
        names = []
    return {
        "id": template.id,
        "name": template.name,
        "text": template.text,
        "position": template.position,
        "placeholders": names,
        "created_at": utc_iso(template.created_at),
        "updated_at": utc_iso(template.updated_at),
    }


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A plain-text table with a header row; columns padded to their widest cell.

    Every cell is neutralised (``domain.text.neutralise``): a bidi override in a name or
    message cannot reverse what follows it in the row, and an invisible character
    cannot make two names look alike (both are shown as ``⟨U+202E⟩``-style markers)."""
    rows = [[neutralise(cell) for cell in row] for row in rows]
    widths = [len(h) for h in headers]
    for row in rows:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], len(cell))
    lines = [
        "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(line)).rstrip()
        for line in (list(headers), *rows)
    ]
    return "\n".join(lines)


class Output:
    """The one place a command writes to: stdout for results, stderr for notes.

    In JSON mode :meth:`result` prints its ``data`` as the single JSON document, and
    the human text is dropped; notes still go to stderr.
    """

    def __init__(self, *, json_mode: bool, verbose: bool, stdout: TextIO, stderr: TextIO):
        self.json_mode = json_mode
        self.verbose = verbose
        self._stdout = stdout
        self._stderr = stderr
        self._emitted = False

    def result(self, data: JsonValue, human: str) -> None:
        """The command's result: ``data`` as JSON, or ``human`` text."""
        if self._emitted:
            raise RuntimeError("a command prints one result")
        self._emitted = True
        if self.json_mode:
            self._stdout.write(json.dumps(data, ensure_ascii=True, indent=2) + "\n")
        elif human:
            self._stdout.write(human.rstrip("\n") + "\n")
        self._stdout.flush()

    def error(self, message: str, exit_code: int, **extra: JsonValue) -> None:
        """A failed command: the sentence on stderr, and in JSON mode also one document
        ``{"error": {"message", "exit_code", ...extra}}`` on stdout (when the command
        printed no result), so a script always gets one document to read."""
        self.note(message)
        if self.json_mode and not self._emitted:
            self.result({"error": {"message": message, "exit_code": exit_code, **extra}}, "")

    def note(self, message: str) -> None:
        """A sentence for the person at the terminal (stderr, also in JSON mode)."""
        self._stderr.write(message.rstrip("\n") + "\n")
        self._stderr.flush()

    def detail(self, message: str) -> None:
        """Extra detail, shown with ``-v`` only."""
        if self.verbose:
            self.note(message)

    def wait_notice(self, seconds: float, reason: str) -> None:
        """``HubClient``'s ``on_wait``: say why nothing seems to happen."""
        amount = f"{seconds:.0f}" if seconds >= 10 or seconds == int(seconds) else f"{seconds:.1f}"
        if "rate" in reason.lower() or "429" in reason:
            self.note(f"Rate limited by the server; waiting {amount} s…")
        else:
            why = clean(reason, one_line=True).rstrip(".")
            self.note(f"{why[:1].upper()}{why[1:]}; retrying in {amount} s…")
