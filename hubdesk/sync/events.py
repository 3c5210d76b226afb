"""Typed, Qt-free observers for what the sync engine does.

Each event is a ``Channel[T]``: ``connect(callback)`` returns a function that
disconnects it; ``await channel.emit(value)`` calls every callback in connection order.
A callback may be a plain function or a coroutine function (awaited in turn). A callback
that raises is logged and never changes what the engine does. The UI bridges these to Qt
signals; the CLI and tests connect plain functions.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import Generic, TypeVar

from hubdesk.domain import OutboxBatch, OutboxItem, Sms

__all__ = [
    "BackfillProgress",
    "Callback",
    "Channel",
    "Connection",
    "StatusChange",
    "SyncEvents",
    "SyncStatus",
    "SyncStatusKind",
    "SyncStatusSource",
]

T = TypeVar("T")
Callback = Callable[[T], Awaitable[None] | None]
Connection = Callable[[], None]
log = logging.getLogger(__name__)


class Channel(Generic[T]):
    """One kind of event and its callbacks."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._callbacks: list[Callback[T]] = []

    def __repr__(self) -> str:
        return f"<Channel {self.name} ({len(self._callbacks)} connected)>"

    def connect(self, callback: Callback[T]) -> Connection:
        self._callbacks.append(callback)

        def disconnect() -> None:
            if callback in self._callbacks:
                self._callbacks.remove(callback)

        return disconnect

    async def emit(self, value: T) -> None:
        for callback in list(self._callbacks):
            try:
                result = callback(value)
                if inspect.isawaitable(result):
                    await result
            except Exception:
                log.exception("a %s callback failed", self.name)


class SyncStatusKind(Enum):
    CONNECTING = "connecting"  # the loop (re)started: nothing known yet
    ONLINE = "online"  # from the poller: a poll went through; from another loop: a pass did
    OFFLINE = "offline"
    RATE_LIMITED = "rate_limited"
    SESSION_EXPIRED = "session_expired"
    ERROR = "error"  # the loop failed on an internal error (logged) and will try again


class SyncStatusSource(Enum):
    """Which background loop reports."""

    POLLER = "poller"
    OUTBOX = "outbox"
    BACKFILL = "backfill"


@dataclass(frozen=True, slots=True)
class SyncStatus:
    """Where one loop stands. ``last_sync`` is a SERVER time (the high-water mark);
    ``retry_after``: seconds until it tries again. ``health.StatusBoard`` combines the
    loops' statuses into the one the user sees."""

    kind: SyncStatusKind
    last_sync: datetime | None = None
    detail: str | None = None
    retry_after: float | None = None
    source: SyncStatusSource = SyncStatusSource.POLLER


@dataclass(frozen=True, slots=True)
class StatusChange:
    """An outbound message whose delivery status changed (``sms`` holds the new one)."""

    sms: Sms
    previous: str  # the DeliveryStatus value stored before


@dataclass(frozen=True, slots=True)
class BackfillProgress:
    """Messages fetched so far by the backfill, of ``total`` (the paginator's total)."""

    done: int
    total: int
    finished: bool = False


@dataclass(slots=True)
class SyncEvents:
    """Every channel the sync engine emits on."""

    new_inbound: Channel[list[Sms]] = field(default_factory=lambda: Channel("new_inbound"))
    messages_changed: Channel[frozenset[str]] = field(
        default_factory=lambda: Channel("messages_changed")
    )
    status_changed: Channel[list[StatusChange]] = field(
        default_factory=lambda: Channel("status_changed")
    )
    sync_state: Channel[SyncStatus] = field(default_factory=lambda: Channel("sync_state"))
    backfill_progress: Channel[BackfillProgress] = field(
        default_factory=lambda: Channel("backfill_progress")
    )
    outbox_changed: Channel[OutboxItem] = field(default_factory=lambda: Channel("outbox_changed"))
    # A bulk send made of many rows was started, paused, resumed or cancelled (its rows'
    # own changes come on ``outbox_changed``).
    batch_changed: Channel[OutboxBatch] = field(default_factory=lambda: Channel("batch_changed"))
    optouts_changed: Channel[frozenset[str]] = field(
        default_factory=lambda: Channel("optouts_changed")
    )
