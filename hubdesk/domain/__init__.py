"""Frozen values and rules shared by every layer (imports only stdlib and phonenumbers)."""

from hubdesk.domain.local import (
    CallRecord,
    Contact,
    Conversation,
    MessageState,
    OutboxItem,
    OutboxState,
    ThreadEntry,
)
from hubdesk.domain.models import (
    BulkSendResult,
    DeliveryStatus,
    DialResult,
    Page,
    ReadStatus,
    SenderId,
    SenderIdStatus,
    Sms,
    SmsType,
    TokenGrant,
)
from hubdesk.domain.times import SERVER_TIME_FORMAT, format_server_time, parse_server_time

__all__ = [
    "CallRecord",
    "Contact",
    "Conversation",
    "MessageState",
    "OutboxItem",
    "OutboxState",
    "ThreadEntry",
    "SERVER_TIME_FORMAT",
    "BulkSendResult",
    "DeliveryStatus",
    "DialResult",
    "Page",
    "ReadStatus",
    "SenderId",
    "SenderIdStatus",
    "Sms",
    "SmsType",
    "TokenGrant",
    "format_server_time",
    "parse_server_time",
]
