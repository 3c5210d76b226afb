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
from hubdesk.domain.numbers import (
    NumberError,
    PhoneNumber,
    format_number,
    is_uk,
    parse_number,
    parse_uk_number,
)
from hubdesk.domain.segments import (
    Encoding,
    SegmentInfo,
    analyse,
    describe,
    make_gsm_safe,
    unicode_positions,
)
from hubdesk.domain.senderids import SenderIdError, validate_sender_id
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
    "NumberError",
    "PhoneNumber",
    "format_number",
    "is_uk",
    "parse_number",
    "parse_uk_number",
    "Encoding",
    "SegmentInfo",
    "analyse",
    "describe",
    "make_gsm_safe",
    "unicode_positions",
    "SenderIdError",
    "validate_sender_id",
]
