"""Lenient JSON -> domain types.

The API sends numbers and enums as strings or ints (``"1"`` / ``1``), ids as ints or
strings (``customer_user_id`` is ``2`` in one answer and ``"2"`` in the next), nulls for
absent values, and extra keys. All of that is accepted. Anything else (a missing
required key, a value of the wrong kind, a number out of range, a date in no known
format) raises :class:`ShapeError`, which ``HubClient`` turns into ``UnexpectedResponse``.

Every text field is repaired on the way in (``hubdesk.api.text.repair_text``: lone
surrogates, CR, NUL and other controls), so nothing downstream has to cope with text
that cannot be encoded. Tokens are the exception: they are checked, never changed.

In a page, one item that does not parse does not spoil the others: it is skipped,
logged (with its id when it has one, never its text) and counted in ``Page.skipped``.
A page whose every item is bad is still a page: paging goes on past it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from enum import Enum
from typing import Any, TypeVar

from hubdesk.api.text import repair_text, visible_ascii
from hubdesk.domain import (
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
from hubdesk.domain.times import parse_server_time

__all__ = [
    "ShapeError",
    "parse_bulk_send",
    "parse_dial",
    "parse_page",
    "parse_sender_id",
    "parse_sms",
    "parse_token_grant",
    "require_object",
]

T = TypeVar("T")
E = TypeVar("E", bound=Enum)

_MISSING: Any = object()
log = logging.getLogger(__name__)
MAX_ID = 2**63 - 1  # ids are stored as SQLite INTEGERs
MAX_COUNT = 10**9  # page numbers, sizes, totals, segments, seconds
_MAX_REASONS = 3  # skipped items whose reason is logged, per page


class ShapeError(ValueError):
    """The JSON does not have the expected shape; the text names the offending field."""


def require_object(value: object, where: str = "body") -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ShapeError(f"{where} is not a JSON object")
    return value


def _get(obj: Mapping[str, Any], key: str) -> Any:
    value = obj.get(key, _MISSING)
    if value is _MISSING or value is None:
        raise ShapeError(f"missing {key!r}")
    return value


def _int(value: Any, key: str, upper: int = MAX_COUNT) -> int:
    """A whole number in [0, ``upper``] (ids: ``MAX_ID``), as an int or its digits."""
    number: int | None = None
    if isinstance(value, bool):
        number = None
    elif isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str) and len(value) <= 40:  # int() of 5,000 digits raises
        try:
            number = int(value.strip())
        except ValueError:
            number = None
    if number is None:
        raise ShapeError(f"{key!r} is not a number")
    if not 0 <= number <= upper:
        raise ShapeError(f"{key!r} is out of range")
    return number


def _id(value: Any, key: str) -> int:
    return _int(value, key, MAX_ID)


def _opt_int(obj: Mapping[str, Any], key: str) -> int | None:
    value = obj.get(key)
    return None if value is None else _int(value, key)


def _str(value: Any, key: str) -> str:
    """A text field, repaired; numbers are accepted (phone numbers, numeric sender ids)."""
    if isinstance(value, str):
        return repair_text(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise ShapeError(f"{key!r} is not text")


def _opt_str(obj: Mapping[str, Any], key: str) -> str | None:
    value = obj.get(key)
    return None if value is None else _str(value, key)


def _enum(enum: type[E], value: Any, key: str) -> E:
    code = _str(value, key).strip()
    try:
        return enum(code)
    except ValueError:
        raise ShapeError(f"{key!r} has an unknown value {code!r}") from None


def _time(value: Any, key: str) -> datetime:
    text = _str(value, key)
    try:
        return parse_server_time(text)
    except ValueError:
        pass
    try:  # Laravel's ISO form, e.g. "2025-06-17T04:00:58.000000Z"
        moment = datetime.fromisoformat(text.strip())
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return moment.astimezone(UTC)
    except (ValueError, OverflowError):  # year 9999 at +01:00 overflows in UTC
        raise ShapeError(f"{key!r} is not a date and time") from None


def _opt_time(obj: Mapping[str, Any], key: str) -> datetime | None:
    value = obj.get(key)
    if value is None or value == "":
        return None
    return _time(value, key)


def parse_sms(value: object) -> Sms:
    """One Sms from a list, detail or send answer."""
    obj = require_object(value, "sms")
    sms_type = _enum(SmsType, _get(obj, "type"), "type")
    read = obj.get("read_status")
    if read is None:  # only seeds the local read state: sent counts as read
        read_status = ReadStatus.READ if sms_type is SmsType.SENT else ReadStatus.UNREAD
    else:
        read_status = _enum(ReadStatus, read, "read_status")
    text = obj.get("text")
    return Sms(
        sms_id=_id(_get(obj, "sms_id"), "sms_id"),
        source=_str(_get(obj, "source"), "source"),
        destination=_str(_get(obj, "destination"), "destination"),
        text="" if text is None else _str(text, "text"),
        type=sms_type,
        delivery_status=_enum(DeliveryStatus, _get(obj, "delivery_status"), "delivery_status"),
        read_status=read_status,
        time=_time(_get(obj, "time"), "time"),
        sms_count=_opt_int(obj, "sms_count"),
        chat_partner=_opt_str(obj, "chat_partner") or None,
    )


def parse_sender_id(value: object) -> SenderId:
    obj = require_object(value, "sender id")
    return SenderId(
        id=_id(_get(obj, "id"), "id"),
        customer_user_id=_id(_get(obj, "customer_user_id"), "customer_user_id"),
        sender_id=_str(_get(obj, "sender_id"), "sender_id"),
        status=_enum(SenderIdStatus, _get(obj, "status"), "status"),
        created_at=_opt_time(obj, "created_at"),
        created_by=_opt_str(obj, "created_by"),
        updated_at=_opt_time(obj, "updated_at"),
        updated_by=_opt_str(obj, "updated_by"),
    )


def parse_page(value: object, item: Callable[[object], T]) -> Page[T]:
    """A Laravel ``LengthAwarePaginator``; ``item`` parses each entry of ``data``."""
    obj = require_object(value, "page")
    raw_items = _get(obj, "data")
    if not isinstance(raw_items, list):
        raise ShapeError("'data' is not a list")
    current = _int(_get(obj, "current_page"), "current_page")
    parsed: list[T] = []
    reasons: list[str] = []
    for entry in raw_items:
        try:
            parsed.append(item(entry))
        except ShapeError as exc:
            reasons.append(_skip_reason(entry, exc))
    if reasons:
        log.warning(
            "skipped %d of %d items on page %d that could not be read: %s",
            len(reasons),
            len(raw_items),
            current,
            "; ".join(reasons[:_MAX_REASONS]),
        )
    items = tuple(parsed)
    per_page = _opt_int(obj, "per_page") or max(len(raw_items), 1)
    total = _opt_int(obj, "total")
    last = _opt_int(obj, "last_page")
    if last is None:
        if total is not None:
            last = max(1, -(-total // per_page))
        else:
            last = current + 1 if obj.get("next_page_url") else current
    if total is None:
        total = (current - 1) * per_page + len(raw_items) if last <= current else last * per_page
    return Page(
        items=items,
        current_page=current,
        last_page=last,
        per_page=per_page,
        total=total,
        first_item=_opt_int(obj, "from"),
        last_item=_opt_int(obj, "to"),
        skipped=len(reasons),
    )


def _skip_reason(entry: object, exc: ShapeError) -> str:
    """Why one page item was skipped, naming its id (never its text) when it has one."""
    ident = entry.get("sms_id", entry.get("id")) if isinstance(entry, Mapping) else None
    named = f"id {ident}" if isinstance(ident, int) and not isinstance(ident, bool) else "an item"
    return f"{named}: {str(exc)[:80]}"


def parse_token_grant(value: object) -> TokenGrant:
    obj = require_object(value)
    access = _get(obj, "access_token")
    refresh = _get(obj, "refresh_token")
    if not (
        isinstance(access, str)
        and isinstance(refresh, str)
        and visible_ascii(access)
        and visible_ascii(refresh)
    ):  # checked, not repaired: a changed token is a wrong token
        raise ShapeError("the tokens are not text")
    expires = obj.get("expires_in")
    name = obj.get("customer_user_name")
    return TokenGrant(
        access_token=access,
        refresh_token=refresh,
        # The contract says 3600; trust expires_in when it is there.
        expires_in=3600 if expires is None else _int(expires, "expires_in"),
        customer_user_name="" if name is None else _str(name, "customer_user_name"),
        customer_user_id=_id(_get(obj, "customer_user_id"), "customer_user_id"),
    )


def parse_bulk_send(value: object) -> BulkSendResult:
    obj = require_object(value)
    status = obj.get("delivery_status")
    return BulkSendResult(
        message=_opt_str(obj, "message") or "",
        delivery_status=(
            DeliveryStatus.PENDING
            if status is None
            else _enum(DeliveryStatus, status, "delivery_status")
        ),
    )


def parse_dial(value: object) -> DialResult:
    obj = require_object(value)
    return DialResult(
        call_id=_str(_get(obj, "call_id"), "call_id"),
        message=_opt_str(obj, "message") or "",
    )
