from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any  # the conftest's FakeClock (conftest is not importable)

import pytest

from hubdesk.domain import DeliveryStatus, MessageState, Sms, SmsType
from hubdesk.store.database import Database
from hubdesk.store.threads import next_cursor

MakeSms = Callable[..., Sms]
P = "447400123456"


def _walk(db: Database, partner: str, limit: int) -> list[list[str]]:
    pages: list[list[str]] = []
    before = None
    while True:
        page = db.messages.thread(partner, limit=limit, before=before)
        if not page:
            return pages
        pages.append([e.key for e in page])
        before = next_cursor(page)
        if before is None:
            return pages


def test_keyset_pages_cover_everything_once_in_order(db: Database, make_sms: MakeSms) -> None:
    # 23 messages, several sharing a second, plus other partners' noise.
    db.messages.upsert_messages(
        [make_sms(i, P, sent=i % 3 == 0, at=i // 3) for i in range(1, 24)]
        + [make_sms(100 + i, "447400000001", at=i) for i in range(5)]
    )
    pages = _walk(db, P, limit=5)
    assert [len(p) for p in pages] == [5, 5, 5, 5, 3]
    flat = [k for p in pages for k in p]
    assert flat == [f"sms:{i}" for i in range(23, 0, -1)]


def test_entries_carry_state_direction_and_parts(db: Database, make_sms: MakeSms) -> None:
    db.messages.upsert_messages(
        [
            make_sms(1, P, at=1, segments=2),
            make_sms(2, P, sent=True, at=2, status=DeliveryStatus.PENDING),
            make_sms(3, P, sent=True, at=3, status=DeliveryStatus.FAILED),
            make_sms(4, P, sent=True, at=4, status=DeliveryStatus.SENT),
        ]
    )
    page = db.messages.thread(P)
    assert [(e.sms_id, e.state) for e in page] == [
        (4, MessageState.SENT),
        (3, MessageState.FAILED),
        (2, MessageState.PENDING),
        (1, MessageState.RECEIVED),
    ]
    received = page[-1]
    assert received.direction is SmsType.RECEIVED and received.unread and received.parts == 2
    assert received.sender_id == "447700900000" and page[0].sender_id == "HubWork"


def test_unmatched_outbox_entries_are_merged(db: Database, make_sms: MakeSms, clock: Any) -> None:
    db.messages.upsert_messages([make_sms(1, P, at=0)])
    clock.advance(10)
    queued = db.outbox.enqueue("HubWork", [P], "on its way")
    clock.advance(10)
    failed = db.outbox.enqueue("HubWork", [P], "refused")
    db.outbox.mark_sending(failed.id)
    db.outbox.mark_failed(failed.id, "422")
    other = db.outbox.enqueue("HubWork", ["447400000001"], "elsewhere")
    page = db.messages.thread(P)
    assert [(e.key, e.state) for e in page] == [
        (f"outbox:{failed.id}:0", MessageState.FAILED),
        (f"outbox:{queued.id}:0", MessageState.QUEUED),
        ("sms:1", MessageState.RECEIVED),
    ]
    assert all(e.outbox_id != other.id for e in page)
    # Sent with an id but the SMS not stored yet: still visible (as pending)...
    db.outbox.mark_sending(queued.id)
    db.outbox.mark_sent(queued.id, {P: 2})
    states = {e.key: e.state for e in db.messages.thread(P)}
    assert states[f"outbox:{queued.id}:0"] is MessageState.PENDING
    # ...and replaced by the stored SMS once the poll brings it.
    db.messages.upsert_messages([make_sms(2, P, sent=True, at=10, text="on its way")])
    keys = [e.key for e in db.messages.thread(P)]
    assert keys == [f"outbox:{failed.id}:0", "sms:2", "sms:1"]


def test_bulk_sent_without_ids_is_hidden_until_attached(db: Database, make_sms: MakeSms) -> None:
    item = db.outbox.enqueue("HubWork", [P, "447400000001"], "bulk", bulk=True)
    db.outbox.mark_sending(item.id)
    db.outbox.mark_sent(item.id)
    assert db.messages.thread(P) == []  # the poll will store the real SMS


def test_outbox_entries_land_on_exactly_one_page(
    db: Database, make_sms: MakeSms, clock: Any
) -> None:
    # Messages at t=0..9 (seconds after T0); outbox entries created at t=2, t=5 and t=5.
    db.messages.upsert_messages([make_sms(i + 1, P, at=i) for i in range(10)])
    base = clock.now
    ids = []
    for offset in (2, 5, 5):
        clock.now = base + timedelta(seconds=offset)
        ids.append(db.outbox.enqueue("HubWork", [P], f"o{offset}").id)
    pages = _walk(db, P, limit=3)
    flat = [k for p in pages for k in p]
    outbox_keys = [k for k in flat if k.startswith("outbox:")]
    assert sorted(outbox_keys) == sorted(f"outbox:{i}:0" for i in ids)
    assert len(flat) == 13 and len(set(flat)) == 13
    # Overall order is by time, newest first, outbox after SMS of the same second.
    assert flat.index(f"outbox:{ids[0]}:0") == flat.index("sms:3") - 1


def test_limit_must_be_positive(db: Database) -> None:
    with pytest.raises(ValueError):
        db.messages.thread(P, limit=0)
