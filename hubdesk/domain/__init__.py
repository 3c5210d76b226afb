"""Frozen values and rules shared by every layer (imports only stdlib and phonenumbers).

This package exports the values every layer passes around — what the API returns
(``models``) and what HubDesk keeps for itself (``local``): ``from hubdesk.domain import
Sms, Conversation``. The rules are imported from their own modules, so that a value type
never loads them: ``numbers`` (phone numbers, via phonenumbers' metadata: ~10 ms, not
loaded before the first paint), ``segments`` (SMS part maths), ``senderids``,
``placeholders``, ``text`` (outside text made safe to show), ``dates``, ``times`` (the
server's clock), ``schedule``, ``optouts``, ``uris`` (``tel:``/``sms:`` links).
"""

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

__all__ = [
    "BatchState",
    "BulkSendResult",
    "CallRecord",
    "Contact",
    "Conversation",
    "ConversationFilter",
    "DeliveryStatus",
    "DialResult",
    "MessageState",
    "OutboxBatch",
    "OutboxItem",
    "OutboxState",
    "Page",
    "ReadStatus",
    "SenderId",
    "SenderIdStatus",
    "Sms",
    "SmsType",
    "Template",
    "ThreadEntry",
    "TokenGrant",
]
