"""Frozen values and rules shared by every layer (imports only stdlib and phonenumbers).

The public names below are imported from their submodules on first use (PEP 562), like
``hubdesk.store``'s: the first frame needs ``Conversation`` and the GSM maths, not
phonenumbers' metadata (``domain.numbers``, ~10 ms), which loads with the first number
parsed. ``from hubdesk.domain import Sms`` works as ever."""

from typing import TYPE_CHECKING

from hubdesk import lazy_exports

if TYPE_CHECKING:
    from hubdesk.domain.local import (
        BatchState,
        CallRecord,
        Contact,
        Conversation,
        ConversationFilter,
        MessageState,
        OutboxBatch,
        OutboxItem,
        OutboxState,
        Template,
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
        SmsReach,
        format_number,
        is_uk,
        parse_number,
        parse_uk_number,
        sms_reachability,
    )
    from hubdesk.domain.placeholders import (
        PLACEHOLDERS,
        Expansion,
        MissingValue,
        ParsedText,
        PlaceholderContext,
        PlaceholderError,
        TemplateSyntaxError,
        UnknownPlaceholder,
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
    "BatchState",
    "CallRecord",
    "Contact",
    "Conversation",
    "ConversationFilter",
    "MessageState",
    "OutboxBatch",
    "OutboxItem",
    "OutboxState",
    "Template",
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
    "SmsReach",
    "sms_reachability",
    "PLACEHOLDERS",
    "Expansion",
    "MissingValue",
    "ParsedText",
    "PlaceholderContext",
    "PlaceholderError",
    "TemplateSyntaxError",
    "UnknownPlaceholder",
    "Encoding",
    "SegmentInfo",
    "analyse",
    "describe",
    "make_gsm_safe",
    "unicode_positions",
    "SenderIdError",
    "validate_sender_id",
]

# Where each public name lives (imported on first use).
_HOME: dict[str, str] = {
    "BatchState": "hubdesk.domain.local",
    "CallRecord": "hubdesk.domain.local",
    "Contact": "hubdesk.domain.local",
    "Conversation": "hubdesk.domain.local",
    "ConversationFilter": "hubdesk.domain.local",
    "MessageState": "hubdesk.domain.local",
    "OutboxBatch": "hubdesk.domain.local",
    "OutboxItem": "hubdesk.domain.local",
    "OutboxState": "hubdesk.domain.local",
    "Template": "hubdesk.domain.local",
    "ThreadEntry": "hubdesk.domain.local",
    "BulkSendResult": "hubdesk.domain.models",
    "DeliveryStatus": "hubdesk.domain.models",
    "DialResult": "hubdesk.domain.models",
    "Page": "hubdesk.domain.models",
    "ReadStatus": "hubdesk.domain.models",
    "SenderId": "hubdesk.domain.models",
    "SenderIdStatus": "hubdesk.domain.models",
    "Sms": "hubdesk.domain.models",
    "SmsType": "hubdesk.domain.models",
    "TokenGrant": "hubdesk.domain.models",
    "NumberError": "hubdesk.domain.numbers",
    "PhoneNumber": "hubdesk.domain.numbers",
    "format_number": "hubdesk.domain.numbers",
    "is_uk": "hubdesk.domain.numbers",
    "parse_number": "hubdesk.domain.numbers",
    "parse_uk_number": "hubdesk.domain.numbers",
    "SmsReach": "hubdesk.domain.numbers",
    "sms_reachability": "hubdesk.domain.numbers",
    "PLACEHOLDERS": "hubdesk.domain.placeholders",
    "Expansion": "hubdesk.domain.placeholders",
    "MissingValue": "hubdesk.domain.placeholders",
    "ParsedText": "hubdesk.domain.placeholders",
    "PlaceholderContext": "hubdesk.domain.placeholders",
    "PlaceholderError": "hubdesk.domain.placeholders",
    "TemplateSyntaxError": "hubdesk.domain.placeholders",
    "UnknownPlaceholder": "hubdesk.domain.placeholders",
    "Encoding": "hubdesk.domain.segments",
    "SegmentInfo": "hubdesk.domain.segments",
    "analyse": "hubdesk.domain.segments",
    "describe": "hubdesk.domain.segments",
    "make_gsm_safe": "hubdesk.domain.segments",
    "unicode_positions": "hubdesk.domain.segments",
    "SenderIdError": "hubdesk.domain.senderids",
    "validate_sender_id": "hubdesk.domain.senderids",
    "SERVER_TIME_FORMAT": "hubdesk.domain.times",
    "format_server_time": "hubdesk.domain.times",
    "parse_server_time": "hubdesk.domain.times",
}

if not TYPE_CHECKING:  # mypy sees the imports above, and no catch-all
    __getattr__, __dir__ = lazy_exports(__name__, _HOME)
