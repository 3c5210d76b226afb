"""Values HubDesk keeps for itself: contacts, conversations, the outbox, the call log,
message templates.

These are what the store returns and what the CLI and the window show. Numbers are
stored as E.164 digits without ``+`` (the API's form); times are aware UTC datetimes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from hubdesk.domain.models import SmsType


class OutboxState(Enum):
    """Where an outgoing message stands on its way to the server.

    queued -> sending -> sent; a send that may or may not have reached the server goes to
    unknown and is reconciled against /sms/list; a request the server refused is failed.

    A message sent later starts as scheduled and becomes queued when its not-before time
    comes; one found more than an hour late (the computer was off) becomes overdue
    instead and is sent only when the user says so. Cancelled: the user took it back
    before it was sent (it never is).
    """

    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    UNKNOWN = "unknown"
    FAILED = "failed"
    SCHEDULED = "scheduled"
    OVERDUE = "overdue"
    CANCELLED = "cancelled"

    @property
    def settled(self) -> bool:
        """Nothing more will happen to it."""
        return self in (OutboxState.SENT, OutboxState.FAILED, OutboxState.CANCELLED)

    @property
    def held(self) -> bool:
        """Waiting for a time or for the user, not for the network (scheduled, overdue)."""
        return self in (OutboxState.SCHEDULED, OutboxState.OVERDUE)


@dataclass(frozen=True, slots=True)
class OutboxItem:
    """One send the user asked for: a single SMS, or one bulk send to many numbers.

    ``not_before``: a message sent later is never sent before this moment (aware UTC);
    None for one sent at once. ``template_text``: the text as written, placeholders
    unfilled, kept while the message may still be filled again for a new time (None
    when it had no placeholders). ``batch_id``: the personalised or split bulk send the
    row belongs to (``OutboxBatch``), None for a message of its own.
    """

    id: int
    source: str
    destinations: tuple[str, ...]
    text: str
    state: OutboxState
    bulk: bool
    created_at: datetime
    attempts: int = 0
    sms_ids: tuple[int, ...] = ()
    error: str | None = None
    not_before: datetime | None = None
    template_text: str | None = None
    batch_id: int | None = None


class BatchState(Enum):
    """Whether a batch's rows may be sent: active, paused by the user (resumable), or
    cancelled (its rows not yet claimed by a send are cancelled)."""

    ACTIVE = "active"
    PAUSED = "paused"
    CANCELLED = "cancelled"


@dataclass(frozen=True, slots=True)
class OutboxBatch:
    """A bulk send made of several outbox rows: one per recipient with its own text
    (personalised), or several bulk rows of at most 500 numbers (a long list).

    ``counts``: rows by state, as they stand. ``not_before``: when it was scheduled for
    (None: at once)."""

    id: int
    source: str
    state: BatchState
    created_at: datetime
    recipients: int
    counts: Mapping[OutboxState, int]
    template_text: str | None = None
    not_before: datetime | None = None

    def count(self, *states: OutboxState) -> int:
        return sum(self.counts.get(s, 0) for s in states)

    @property
    def finished(self) -> bool:
        """Every row is settled (sent, failed or cancelled)."""
        return all(s.settled for s, n in self.counts.items() if n)


@dataclass(frozen=True, slots=True)
class Contact:
    """A person in the address book. ``number`` is a UK number as E.164 digits."""

    number: str
    name: str
    notes: str = ""
    groups: tuple[str, ...] = ()
    id: int | None = None


@dataclass(frozen=True, slots=True)
class Conversation:
    """One row of the conversation list: everything exchanged with one other party."""

    partner: str
    name: str | None
    last_text: str
    last_time: datetime
    last_direction: SmsType
    unread: int
    has_failed: bool
    opted_out: bool
    last_sender_id: str | None
    pinned: bool = False
    done: bool = False
    kept_unread: bool = False


class ConversationFilter(Enum):
    """Which conversations the list shows.

    ``INBOX``: every conversation not marked Done (what the list shows by default; a
    Done one comes back when a new message is received from that person). ``UNREAD``:
    those with unread messages, Done or not (nothing unread hides). ``DONE``: the Done
    ones only. ``ALL``: every conversation. Pinned ones come first in each.
    """

    INBOX = "inbox"
    UNREAD = "unread"
    DONE = "done"
    ALL = "all"


@dataclass(frozen=True, slots=True)
class CallRecord:
    """One click-to-dial or masked dial attempt."""

    id: int
    number: str
    time: datetime
    ok: bool
    outcome: str
    masked_source: str | None = None
    call_id: str | None = None


class MessageState(Enum):
    """What a bubble in a thread says about its message."""

    QUEUED = "queued"
    SENDING = "sending"
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"
    UNKNOWN = "unknown"
    RECEIVED = "received"
    SCHEDULED = "scheduled"  # an outbox message waiting for its time
    OVERDUE = "overdue"  # its time passed while HubDesk was not running: ask the user


@dataclass(frozen=True, slots=True)
class ThreadEntry:
    """One item of a thread's timeline: a stored SMS, an outbox entry not yet matched to
    one, or (when asked for) a call placed from HubDesk (``call`` set, ``text`` its
    outcome; ``key`` ``call:<id>``).

    ``resend_of`` is set on a message that resends an earlier failed one (its sms_id).
    """

    key: str
    partner: str
    text: str
    time: datetime
    direction: SmsType
    state: MessageState
    sender_id: str
    parts: int | None = None
    sms_id: int | None = None
    outbox_id: int | None = None
    unread: bool = False
    resend_outbox_id: int | None = None
    resend_sms_id: int | None = None
    resend_of: int | None = None
    call: CallRecord | None = None

    @property
    def resent(self) -> bool:
        """A failed message that was sent again (``resend_outbox_id`` is the new send's
        outbox entry, ``resend_sms_id`` its server id once known): show "Resent", not
        "Failed · Retry"."""
        return self.resend_outbox_id is not None

    @property
    def stored(self) -> bool:
        """A message stored from the server (not an outbox entry, not a call)."""
        return self.sms_id is not None and self.outbox_id is None and self.call is None


@dataclass(frozen=True, slots=True)
class Template:
    """A saved message text with a name (unique, compared case-insensitively).

    ``text`` may hold placeholders (``domain.placeholders``); ``position`` orders the
    list as the user arranged it (0 first)."""

    id: int
    name: str
    text: str
    position: int
    created_at: datetime
    updated_at: datetime
