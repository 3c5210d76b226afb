"""A thread's timeline: calls placed from HubDesk merged with the messages, in time order,
each on exactly one keyset page."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from hubdesk.domain import Sms
from hubdesk.store.database import Database
from hubdesk.store.threads import next_cursor
from tests.unit.store.conftest import T0

MakeSms = Callable[..., Sms]
P = "447400123456"
Q = "447400999888"


def _walk(db: Database, limit: int) -> list[list[str]]:
    pages: list[list[str]] = []
    before = None
    while True:
        page = db.messages.thread(P, limit=limit, before=before, calls=True)
        if not page:
            return pages
        pages.append([e.key for e in page])
        before = next_cursor(page)
        if before is None:
            return pages


def test_calls_are_merged_in_time_order_only_when_asked(db: Database, make_sms: MakeSms) -> None:
    db.messages.upsert_messages([make_sms(1, P, at=10), make_sms(2, P, sent=True, at=30)])
    call = db.calls.add(P, True, "Call placed", time=T0 + timedelta(seconds=20))
    db.calls.add(P, False, "The line is busy", time=T0 + timedelta(seconds=40))
    db.calls.add(Q, True, "someone else", time=T0 + timedelta(seconds=25))
    assert [e.key for e in db.messages.thread(P)] == ["sms:2", "sms:1"]  # as before
    page = db.messages.thread(P, calls=True)
    assert [e.key for e in page] == ["call:2", "sms:2", f"call:{call.id}", "sms:1"]
    entry = page[2]
    assert entry.call == call and entry.text == "Call placed" and entry.partner == P
    assert not entry.stored and entry.sms_id is None
    assert page[0].call is not None and not page[0].call.ok


def test_keyset_pages_hold_every_call_exactly_once(db: Database, make_sms: MakeSms) -> None:
    # 20 messages, two per second; a call at every third second, some on a page's edge.
    db.messages.upsert_messages([make_sms(i, P, sent=i % 2 == 0, at=i // 2) for i in range(1, 21)])
    for second in range(0, 12, 3):
        db.calls.add(P, True, f"call at {second}", time=T0 + timedelta(seconds=second))
    pages = _walk(db, limit=4)
    flat = [k for p in pages for k in p]
    assert sorted(k for k in flat if k.startswith("call:")) == [f"call:{i}" for i in (1, 2, 3, 4)]
    assert len(flat) == len(set(flat)) == 24
    assert [k for k in flat if k.startswith("sms:")] == [f"sms:{i}" for i in range(20, 0, -1)]
    # In time order across the pages.
    times = {f"call:{i + 1}": s for i, s in enumerate(range(0, 12, 3))}
    times.update({f"sms:{i}": i // 2 for i in range(1, 21)})
    seen = [times[k] for k in flat]
    assert seen == sorted(seen, reverse=True)
