"""What the outbox sender reports: one attempt's outcome, one flush, one submit.

``Attempt`` is what ``OutboxSender.attempt`` returns: the row as it now stands, the API
error of the attempt (None when it succeeded or no request was made) and whether the
server executed the send: ``"yes"``, ``"no"`` (certainly not: could not connect, 429,
session expired, refused) or ``"maybe"`` (time-out, dropped connection, 5xx, an
unreadable answer: the row is ``unknown`` and will be reconciled).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from hubdesk.api import (
    ApiError,
    ConnectFailed,
    InsecureUrl,
    NetworkError,
    PermissionDenied,
    RateLimited,
    Unauthenticated,
    ValidationFailed,
)
from hubdesk.domain import OutboxItem, OutboxState
from hubdesk.domain.numbers import format_number

__all__ = [
    "Attempt",
    "Executed",
    "FlushReport",
    "OptedOut",
    "SubmitResult",
    "file_item",
    "stopped_sentence",
    "is_refusal",
    "verdict",
]

Executed = Literal["no", "maybe", "yes"]


class OptedOut(Exception):
    """The destination asked not to be texted (replied STOP); pass override to send anyway."""

    def __init__(self, numbers: Sequence[str]) -> None:
        self.numbers = tuple(numbers)
        listed = ", ".join(self.numbers)
        super().__init__(
            f"{listed} opted out of messages (replied STOP); not sent. Send anyway only if "
            "they have asked to hear from you again."
        )


def stopped_sentence(numbers: Sequence[str], bulk: bool) -> str:
    """Why a row was not sent: ``numbers`` replied STOP after it was written."""
    listed = ", ".join(format_number(n) for n in numbers)
    verb = "replied" if len(numbers) == 1 else "each replied"
    if bulk:
        return (
            f"{listed} {verb} STOP after this bulk send was written: not sent to anyone; "
            "send it again without them"
        )
    return f"{listed} {verb} STOP after this message was written: not sent"


@dataclass(frozen=True, slots=True)
class SubmitResult:
    """What ``submit`` did: the outbox entry (None when nothing was left to send) and
    the destinations dropped because they opted out (bulk only)."""

    item: OutboxItem | None
    opted_out: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Attempt:
    """One send attempt (or reconciliation) of an outbox row and how it ended.

    ``held``: nothing was attempted because the row's batch is paused (it stays queued
    for ``resume``) or cancelled, or because it was found too late (now overdue).
    ``elsewhere``: nothing was attempted because another attempt (of this process or of
    another sharing the database) had claimed the row; ``item`` is where it stands."""

    item: OutboxItem
    error: ApiError | None = None
    executed: Executed = "no"
    held: bool = False
    elsewhere: bool = False


@dataclass(slots=True)
class FlushReport:
    """One ``flush``: outbox ids by what happened to them."""

    sent: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    queued: list[int] = field(default_factory=list)
    unknown: list[int] = field(default_factory=list)
    resent: list[int] = field(default_factory=list)
    found: list[int] = field(default_factory=list)
    # rows another process sharing the database was sending (or had settled) when this
    # flush came to them: left to it, and not counted as unsettled here
    elsewhere: list[int] = field(default_factory=list)
    # Sent rows whose server ids are not all known yet (also in ``sent``): looked up
    # again by the next flush, never sent again.
    awaiting_ids: list[int] = field(default_factory=list)
    # Messages sent later: those whose time came with this flush (then sent or filed as
    # any other row), every row now overdue (found more than an hour late: left for the
    # user to send or cancel), and the queued rows of paused batches (left alone).
    due: list[int] = field(default_factory=list)
    overdue: list[int] = field(default_factory=list)
    paused: list[int] = field(default_factory=list)
    cancelled: list[int] = field(default_factory=list)  # cancelled while this flush ran
    stopped: str | None = None  # why the flush stopped early (offline, rate limited...)
    error: ApiError | None = None  # the API error behind ``stopped``, when there was one
    next_check: float | None = None  # seconds until an unknown row can be decided
    next_due: float | None = None  # seconds until the next scheduled message is due

    @property
    def settled(self) -> bool:
        """Every row to send now is sent or failed, and every sent row holds its server
        ids (rows waiting for a time, for the user, or for a paused batch's resume do
        not count)."""
        return not self.queued and not self.unknown and not self.awaiting_ids


def verdict(exc: ApiError) -> Executed:
    """Did a failed send certainly not execute ("no": not sent, or refused) or maybe?"""
    if isinstance(exc, RateLimited | Unauthenticated | ConnectFailed | InsecureUrl):
        return "no"
    if exc.may_have_executed:
        return "maybe"
    if isinstance(exc, NetworkError):  # e.g. a pool time-out: nothing was sent
        return "no"
    if isinstance(exc, ValidationFailed | PermissionDenied):
        return "no"
    return "maybe"  # an unreadable answer to a POST may follow an executed send


def is_refusal(exc: ApiError) -> bool:
    """The server certainly refused the send (the row becomes ``failed``)."""
    return verdict(exc) == "no" and isinstance(exc, ValidationFailed | PermissionDenied)


def file_item(report: FlushReport, item: OutboxItem) -> None:
    """Add ``item``'s id to the report's list for its state (a scheduled row, left for
    its time, is in none)."""
    lists = {
        OutboxState.SENT: report.sent,
        OutboxState.FAILED: report.failed,
        OutboxState.QUEUED: report.queued,
        OutboxState.UNKNOWN: report.unknown,
        OutboxState.SENDING: report.unknown,
        OutboxState.OVERDUE: report.overdue,
        OutboxState.CANCELLED: report.cancelled,
    }
    found = lists.get(item.state)
    if found is not None and item.id not in found:
        found.append(item.id)
