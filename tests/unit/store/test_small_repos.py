"""Calls, opt-outs, drafts, settings and sync state: the small key/value style tables."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any  # the conftest's FakeClock (conftest is not importable)

from hubdesk.store.database import Database
from hubdesk.store.syncstate import HIGH_WATER

P = "447400123456"
Q = "447911123456"


def test_calls_newest_first(db: Database, clock: Any) -> None:
    first = db.calls.add(P, ok=True, outcome="Call Dialed successfully", call_id="c-1")
    clock.advance(60)
    second = db.calls.add(Q, ok=False, outcome="422: invalid number", masked_source=P)
    assert first.time == datetime(2024, 5, 1, 12, tzinfo=UTC) and first.ok
    assert db.calls.list() == [second, first]
    assert db.calls.list(number=P) == [first]
    assert db.calls.list(limit=1) == [second]
    assert second.masked_source == P and second.call_id is None


def test_optouts(db: Database, clock: Any) -> None:
    assert not db.optouts.is_opted_out(P)
    first = db.optouts.add(P, sms_id=10)
    clock.advance(5)
    again = db.optouts.add(P, sms_id=11)  # a second STOP keeps the original record
    assert again == first and first.sms_id == 10
    assert db.optouts.is_opted_out(P)
    db.optouts.add(Q)
    assert [o.number for o in db.optouts.list()] == [P, Q]
    assert db.optouts.remove(P) and not db.optouts.is_opted_out(P)
    assert db.optouts.remove(P) is False


def test_drafts(db: Database) -> None:
    assert db.drafts.get(P) is None
    db.drafts.set(P, "half a thought")
    db.drafts.set(P, "a whole thought")
    db.drafts.set(Q, "other")
    assert db.drafts.get(P) == "a whole thought"
    assert db.drafts.partners() == [P, Q]
    db.drafts.set(Q, "   ")  # blank clears
    assert db.drafts.get(Q) is None
    assert db.drafts.delete(P) and db.drafts.delete(P) is False


def test_settings_typed(db: Database) -> None:
    s = db.settings
    assert s.get("theme", "system") == "system"
    s.set("theme", "dark")
    s.set("poll_seconds", 30)
    s.set("notify", False)
    s.set("window", {"w": 800, "h": 600, "tags": ["a", None]})
    assert s.get("theme", "system") == "dark"
    assert s.get("poll_seconds", 15) == 30
    assert s.get("poll_seconds", 1.5) == 30.0 and isinstance(s.get("poll_seconds", 1.5), float)
    assert s.get("notify", True) is False
    assert s.get("notify", 0) == 0  # a bool is not an int here
    assert s.get("poll_seconds", True) is True  # nor an int a bool
    assert s.get("theme", 5) == 5  # wrong type: the default
    assert s.get("window", {}) == {"w": 800, "h": 600, "tags": ["a", None]}
    assert s.get_raw("missing") is None
    db.conn.execute("INSERT INTO settings VALUES ('broken', '{not json')")
    assert s.get("broken", "fallback") == "fallback"
    assert set(s.all()) == {"theme", "poll_seconds", "notify", "window", "broken"}
    assert s.delete("theme") and s.get("theme", "system") == "system"


def test_sync_state(db: Database) -> None:
    st = db.sync_state
    assert st.get_time(HIGH_WATER) is None
    moment = datetime(2024, 5, 1, 13, 14, 15, tzinfo=UTC)
    st.set_time(HIGH_WATER, moment + timedelta(hours=1) - timedelta(hours=1))
    assert st.get(HIGH_WATER) == "2024-05-01 13:14:15"
    assert st.get_time(HIGH_WATER) == moment
    st.set("backfill_cursor", "page=7")
    assert st.get("backfill_cursor") == "page=7"
    st.set(HIGH_WATER, "garbage")
    assert st.get_time(HIGH_WATER) is None
    assert st.delete("backfill_cursor") and st.get("backfill_cursor") is None
