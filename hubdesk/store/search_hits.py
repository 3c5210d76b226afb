"""What a search finds (``SearchHit``) and of which kind (``HitKind``); ``store.search``
makes them, ``core.inbox`` passes them on to the ui and the CLI."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from hubdesk.domain import MessageState, SmsType
from hubdesk.store.snippets import Ranges, segments

__all__ = ["HitKind", "SearchHit"]


class HitKind(Enum):
    CONTACT = "contact"
    CONVERSATION = "conversation"
    MESSAGE = "message"


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One result. ``text`` is the message text (MESSAGE), the last message (CONVERSATION)
    or the contact's name (CONTACT); ``partner`` is the number to open.

    A MESSAGE hit shows what matched, as plain text and ranges (never markup):
    ``match_ranges`` are the matched words in ``text``; ``snippet`` is one line around
    the first of them (``…`` where cut) and ``snippet_ranges`` the matched words in it
    (``(start, end)`` string indices, end exclusive; ``snippet_segments`` gives pieces).
    ``direction`` says who wrote it. Other hits have the snippet ``text`` and no ranges.

    A MESSAGE hit that is not a stored message but an outbox entry still waiting or
    failed (one per recipient) has ``outbox_id`` and ``position`` (its thread entry is
    ``outbox:<id>:<position>``, ``key``), ``state`` (``SCHEDULED``, ``OVERDUE``,
    ``QUEUED``, ``SENDING``, ``UNKNOWN`` or ``FAILED``) and no ``sms_id``; its ``time`` is
    when it is to be sent (scheduled) or was written.
    """

    kind: HitKind
    partner: str
    name: str | None
    text: str
    time: datetime | None = None
    sms_id: int | None = None
    snippet: str = ""
    snippet_ranges: Ranges = ()
    match_ranges: Ranges = ()
    direction: SmsType | None = None
    state: MessageState | None = None
    outbox_id: int | None = None
    position: int | None = None

    @property
    def snippet_segments(self) -> tuple[tuple[str, bool], ...]:
        """The snippet as ``(piece, matched)`` pairs (the whole ``text`` when no snippet)."""
        if not self.snippet:
            return segments(self.text, ())
        return segments(self.snippet, self.snippet_ranges)

    @property
    def key(self) -> str | None:
        """The thread entry a message hit opens at (``sms:<id>`` or
        ``outbox:<id>:<position>``); None for a contact or a conversation."""
        if self.kind is not HitKind.MESSAGE:
            return None
        if self.outbox_id is not None and self.position is not None:
            return f"outbox:{self.outbox_id}:{self.position}"
        if self.sms_id is not None:
            return f"sms:{self.sms_id}"
        return None
