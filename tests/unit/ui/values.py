"""Values the widget tests share: a fixed "now", hostile strings, conversations and
thread entries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hubdesk.domain import Conversation, MessageState, SmsType, ThreadEntry

NOW = datetime(2026, 3, 11, 12, 0, tzinfo=UTC)

HOSTILE = [
    "<b>bold</b>",
    "<img src=x onerror=alert(1)>",
    "a\u202eevil\u202c b",
    "nul\x00inside",
    "emoji 😀👍🏽👨\u200d👩\u200d👧 done",
    "x" * 10_000,
    "word " * 2_000,
    "&amp; &lt;tag&gt; <a href='x'>link</a>",
    "",
]


def make_conversation(
    partner: str, minutes_ago: int = 0, name: str | None = None, **kw: object
) -> Conversation:
    return Conversation(
        partner=partner,
        name=name,
        last_text=str(kw.get("text", f"hello from {partner}")),
        last_time=NOW - timedelta(minutes=minutes_ago),
        last_direction=SmsType.RECEIVED,
        unread=int(kw.get("unread", 0)),  # type: ignore[call-overload]
        has_failed=bool(kw.get("failed", False)),
        opted_out=bool(kw.get("opted_out", False)),
        last_sender_id="HUBWORK",
        pinned=bool(kw.get("pinned", False)),
        done=bool(kw.get("done", False)),
    )


def make_entry(
    i: int,
    text: str | None = None,
    *,
    sent: bool | None = None,
    state: MessageState | None = None,
    minutes: int | None = None,
) -> ThreadEntry:
    is_sent = (i % 2 == 0) if sent is None else sent
    return ThreadEntry(
        key=f"sms:{i}",
        partner="447911123456",
        text=text if text is not None else f"message {i} " + "lorem ipsum " * (i % 5),
        time=NOW + timedelta(minutes=i if minutes is None else minutes),
        direction=SmsType.SENT if is_sent else SmsType.RECEIVED,
        state=state or (MessageState.SENT if is_sent else MessageState.RECEIVED),
        sender_id="HUBWORK",
        parts=1 + i % 3,
    )


def newest_first(entries: list[ThreadEntry]) -> list[ThreadEntry]:
    return sorted(entries, key=lambda e: e.time, reverse=True)
