"""What the simulator stores, and how a stored SMS is shown in API bodies."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from hubdesk.domain.segments import analyse
from hubdesk.sim.faults import Fault
from hubdesk.sim.laravel import JsonDict


@dataclass(slots=True)
class StoredSms:
    sms_id: int
    source: str
    destination: str
    text: str
    type: str  # "1" sent, "2" received
    delivery_status: str  # "0" pending, "1" sent, "2" failed
    read_status: str
    time: str  # server time, UTC
    origin: str  # "seed", "demo", "send", "bulk", "inbound"
    settles_at: float | None = None  # when a pending message becomes ``settles_to``
    settles_to: str = "1"

    def settle(self, now: float) -> StoredSms:
        """Apply a due delivery outcome (delivery status is evaluated lazily, on read)."""
        if self.delivery_status == "0" and self.settles_at is not None and now >= self.settles_at:
            self.delivery_status = self.settles_to
            self.settles_at = None
        return self

    def list_item(self) -> JsonDict:
        """As ``/sms/list`` shows it."""
        return {
            "source": self.source,
            "destination": self.destination,
            "text": self.text,
            "type": self.type,
            "delivery_status": self.delivery_status,
            "read_status": self.read_status,
            "time": self.time,
            "sms_id": self.sms_id,
        }

    def detail(self) -> JsonDict:
        """As ``/sms/detail`` shows it (with ``sms_count``)."""
        return {
            "source": self.source,
            "destination": self.destination,
            "text": self.text,
            "type": self.type,
            "sms_count": sms_count(self.text),
            "delivery_status": self.delivery_status,
            "read_status": self.read_status,
            "time": self.time,
            "sms_id": self.sms_id,
        }


def sms_count(text: str) -> int:
    """Segments, as the server bills them (an empty text still costs one)."""
    return max(analyse(text).parts, 1)


@dataclass(slots=True)
class StoredSenderId:
    id: int
    customer_user_id: int
    sender_id: str
    status: str
    created_at: str
    created_by: str
    updated_at: str | None = None
    updated_by: str | None = None

    def to_json(self) -> JsonDict:
        return {
            "id": self.id,
            "customer_user_id": self.customer_user_id,
            "sender_id": self.sender_id,
            "status": self.status,
            "created_at": self.created_at,
            "created_by": self.created_by,
            "updated_at": self.updated_at,
            "updated_by": self.updated_by,
        }


@dataclass(slots=True)
class AccessRecord:
    expires_at: float
    revoked: bool = False


@dataclass(slots=True)
class RefreshRecord:
    access_token: str
    expires_at: float
    revoked: bool = False


@dataclass(frozen=True, slots=True)
class RateDecision:
    allowed: bool
    limit: int
    remaining: int
    retry_after: int  # seconds until the window resets
    reset_at: int  # epoch seconds when the window resets


@dataclass(slots=True)
class Window:
    started: float
    hits: int = 0


@dataclass(slots=True)
class Data:
    """Everything ``SimState.reset`` rebuilds."""

    messages: dict[int, StoredSms] = field(default_factory=dict)
    sender_ids: dict[int, StoredSenderId] = field(default_factory=dict)
    next_sms_id: int = 1
    access: dict[str, AccessRecord] = field(default_factory=dict)
    refresh: dict[str, RefreshRecord] = field(default_factory=dict)
    calls: list[JsonDict] = field(default_factory=list)
    requests: list[JsonDict] = field(default_factory=list)
    faults: list[Fault] = field(default_factory=list)
    windows: dict[str, Window] = field(default_factory=dict)
    stats: Counter[str] = field(default_factory=Counter)
    last_generated_inbound: float = 0.0
    last_call_id_usec: int = -1
