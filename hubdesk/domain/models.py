"""Typed values for everything the HubWork API returns.

The API sends numbers and enums as strings ("1"), ids as ints, and sometimes changes a
field's type between responses. Parsing into these types happens in ``hubdesk.api``;
from there on the rest of HubDesk sees only these frozen, typed values.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import Generic, TypeVar

T = TypeVar("T")


class SmsType(Enum):
    """Direction of a message, as the API's ``type`` field ("1" / "2")."""

    SENT = "1"
    RECEIVED = "2"


class DeliveryStatus(Enum):
    """The API's ``delivery_status`` ("0" / "1" / "2")."""

    PENDING = "0"
    SENT = "1"
    FAILED = "2"


class ReadStatus(Enum):
    """The API's ``read_status`` ("0" / "1"). Seeds the local read state only."""

    UNREAD = "0"
    READ = "1"


class SenderIdStatus(Enum):
    """The API's sender-id ``status`` ("0" / "1")."""

    AWAITING_APPROVAL = "0"
    APPROVED = "1"


@dataclass(frozen=True, slots=True)
class Sms:
    """One SMS as the server knows it.

    ``time`` is an aware UTC datetime (the server's clock). ``sms_count`` (segments) comes
    only from the detail and send responses; ``chat_partner`` only from the send response.
    """

    sms_id: int
    source: str
    destination: str
    text: str
    type: SmsType
    delivery_status: DeliveryStatus
    read_status: ReadStatus
    time: datetime
    sms_count: int | None = None
    chat_partner: str | None = None

    @property
    def partner(self) -> str:
        """The other party's number: who this conversation is with."""
        if self.chat_partner:
            return self.chat_partner
        return self.destination if self.type is SmsType.SENT else self.source

    @property
    def sender_id(self) -> str:
        """The account's own end of the message (the sender id used, or the number texted)."""
        return self.source if self.type is SmsType.SENT else self.destination


@dataclass(frozen=True, slots=True)
class SenderId:
    """A sender id registered on the account."""

    id: int
    customer_user_id: int
    sender_id: str
    status: SenderIdStatus
    created_at: datetime | None = None
    created_by: str | None = None
    updated_at: datetime | None = None
    updated_by: str | None = None

    @property
    def approved(self) -> bool:
        return self.status is SenderIdStatus.APPROVED


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of a Laravel ``LengthAwarePaginator``.

    ``skipped`` counts the entries that could not be read and are not in ``items``
    (``hubdesk.api.parsing``): a page of only such entries is empty but not the end.
    """

    items: tuple[T, ...]
    current_page: int
    last_page: int
    per_page: int
    total: int
    first_item: int | None = None  # the paginator's ``from``; None on an empty page
    last_item: int | None = None  # the paginator's ``to``; None on an empty page
    skipped: int = 0

    @property
    def has_next(self) -> bool:
        return self.current_page < self.last_page

    def __iter__(self) -> Iterator[T]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


@dataclass(frozen=True, slots=True)
class TokenGrant:
    """The answer to either OAuth grant. Tokens are kept out of ``repr``."""

    access_token: str = field(repr=False)
    refresh_token: str = field(repr=False)
    expires_in: int
    customer_user_name: str
    customer_user_id: int


@dataclass(frozen=True, slots=True)
class DialResult:
    """The answer to a click-to-dial or masked dial."""

    call_id: str
    message: str


@dataclass(frozen=True, slots=True)
class BulkSendResult:
    """The answer to a bulk send. The API returns no message ids for it."""

    message: str
    delivery_status: DeliveryStatus
