"""Search finds the messages that are only in the outbox (scheduled, overdue, queued,
sending, unknown, failed), with their state, one hit per recipient; a sent message is
found once, as the stored message."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from hubdesk.domain import MessageState, Sms
from hubdesk.store import migrations
from hubdesk.store.database import Database
from hubdesk.store.migrations import LATEST_VERSION, migrate, schema_version
from hubdesk.store.search import HitKind
from hubdesk.store.search_outbox import matches
from hubdesk.store.timecodec import to_epoch
from hubdesk.store.transactions import transaction
from tests.unit.store.conftest import OWN, T0, FakeClock

MakeSms = Callable[..., Sms]
P, Q, R = "447400123456", "447400222333", "447400444555"
REMINDER = "Your appointment is tomorrow at 10"


def _words(text: str, ranges: tuple[tuple[int, int], ...]) -> list[str]:
    return [text[s:e] for s, e in ranges]


def test_scheduled_queued_and_failed_messages_are_found_with_their_state(db: Database) -> None:
    db.contacts.add(P, "Priya Patel")
    scheduled = db.outbox.enqueue(OWN, [P], REMINDER, not_before=T0 + timedelta(days=1))
    queued = db.outbox.enqueue(OWN, [Q], "Running late for the appointment, sorry")
    failed = db.outbox.enqueue(OWN, [R], "Appointments are full this week")
    db.outbox.mark_sending(failed.id)
    db.outbox.mark_failed(failed.id, "refused")

    hits = db.search.search("appointment")
    found = {h.outbox_id: h for h in hits}
    assert {k: h.state for k, h in found.items()} == {
        scheduled.id: MessageState.SCHEDULED,
        queued.id: MessageState.QUEUED,
        failed.id: MessageState.FAILED,
    }
    hit = found[scheduled.id]
    assert (hit.kind, hit.partner, hit.name) == (HitKind.MESSAGE, P, "Priya Patel")
    assert hit.time == T0 + timedelta(days=1) and hit.sms_id is None
    assert hit.key == f"outbox:{scheduled.id}:0"
    assert _words(hit.text, hit.match_ranges) == ["appointment"]
    assert [p for p, m in hit.snippet_segments if m] == ["appointment"]
    assert _words(found[failed.id].text, found[failed.id].match_ranges) == ["Appointments"]
    assert hits[0] is hit  # the latest first: the one to be sent tomorrow
    both = db.search.search("appointment sorry")
    assert [(h.outbox_id, _words(h.text, h.match_ranges)) for h in both] == [
        (queued.id, ["appointment", "sorry"])
    ]


def test_unknown_sending_and_overdue_rows_are_found_cancelled_ones_not(
    db: Database, clock: FakeClock
) -> None:
    sending = db.outbox.enqueue(OWN, [P], "zebra one")
    db.outbox.mark_sending(sending.id)
    unknown = db.outbox.enqueue(OWN, [Q], "zebra two")
    db.outbox.mark_sending(unknown.id)
    db.outbox.mark_unknown(unknown.id, "timed out")
    late = db.outbox.enqueue(OWN, [R], "zebra three", not_before=T0 + timedelta(minutes=1))
    cancelled = db.outbox.enqueue(OWN, [R], "zebra four", not_before=T0 + timedelta(hours=2))
    db.schedule.cancel(cancelled.id)
    clock.advance(3 * 3600)
    db.schedule.promote_due()  # hours late: overdue, waiting for the user

    states = {h.outbox_id: h.state for h in db.search.search("zebra")}
    assert states == {
        sending.id: MessageState.SENDING,
        unknown.id: MessageState.UNKNOWN,
        late.id: MessageState.OVERDUE,
    }


def test_a_bulk_entry_is_a_hit_under_each_recipient(db: Database) -> None:
    item = db.outbox.enqueue(OWN, [P, Q, R], REMINDER, bulk=True, not_before=T0 + timedelta(1))
    hits = db.search.search("tomorrow")
    assert [(h.partner, h.key) for h in hits] == [
        (P, f"outbox:{item.id}:0"),
        (Q, f"outbox:{item.id}:1"),
        (R, f"outbox:{item.id}:2"),
    ]


def test_a_sent_message_is_found_once(db: Database, make_sms: MakeSms) -> None:
    item = db.outbox.enqueue(OWN, [P], "The quokka is ready")
    db.outbox.mark_sending(item.id)
    db.outbox.mark_sent(item.id, {P: 77})
    assert db.search.search("quokka") == []  # sent, not stored yet: the poll stores it
    db.messages.upsert_messages([make_sms(77, P, sent=True, text="The quokka is ready")])
    hits = db.search.search("quokka")
    assert [(h.sms_id, h.outbox_id, h.state) for h in hits] == [(77, None, None)]

    # Reconciled later than stored (unknown, its id known and stored): still once.
    other = db.outbox.enqueue(OWN, [Q], "A quokka again")
    db.outbox.mark_sending(other.id)
    db.outbox.mark_unknown(other.id, "timed out")
    db.messages.upsert_messages([make_sms(78, Q, sent=True, text="A quokka again")])
    db.outbox.attach_sms_ids(other.id, {Q: 78})
    hits = db.search.search("quokka")
    assert sorted(h.sms_id for h in hits if h.sms_id) == [77, 78]
    assert len(hits) == 2


def test_matching_reads_words_as_the_fts_index_does() -> None:
    text = "Rendez-vous CONFIRMÉ pour demain, café offert"
    assert _words(text, matches("confirme", text) or ()) == ["CONFIRMÉ"]
    assert _words(text, matches("demain caf", text) or ()) == ["demain", "café"]
    assert matches("main", text) is None  # inside a word: no
    assert matches("demai pour", text) is None  # only the last word is a prefix
    assert matches("...", text) is None
    assert matches('"café" -(*', text) is not None  # syntax characters are plain text


def test_the_thread_page_reaches_back_to_an_old_failed_entry(
    db: Database, clock: FakeClock, make_sms: MakeSms
) -> None:
    failed = db.outbox.enqueue(OWN, [P], "old failure")
    db.outbox.mark_sending(failed.id)
    db.outbox.mark_failed(failed.id, "refused")
    db.messages.upsert_messages([make_sms(n, P, at=60 + n) for n in range(1, 81)])
    assert db.messages.newer_than_outbox(P, failed.id) == 80
    assert db.messages.newer_than_outbox(Q, failed.id) is None


def test_search_reads_a_bounded_number_of_outbox_rows_through_an_index(db: Database) -> None:
    conn = db.search._conn
    plan = " ".join(
        str(row[-1])
        for row in conn.execute(
            "EXPLAIN QUERY PLAN SELECT id, text FROM outbox WHERE state IN "
            "('scheduled', 'overdue', 'queued', 'sending', 'unknown', 'failed') "
            "ORDER BY id DESC LIMIT 5"
        )
    )
    assert "outbox_unsent" in plan, plan
    started = time.perf_counter()
    with transaction(conn):
        conn.executemany(
            "INSERT INTO outbox (uuid, source, text, state, bulk, created_at) "
            "VALUES (?, 'HubWork', 'sent long ago', 'sent', 0, 0)",
            [(f"u{n}",) for n in range(20_000)],
        )
    assert time.perf_counter() - started < 30
    db.outbox.enqueue(OWN, [P], "needle")
    assert [h.text for h in db.search.search("needle")] == ["needle"]


def test_the_migration_adds_the_index_and_keeps_the_rows(tmp_path: Path) -> None:
    path = tmp_path / "hubdesk.sqlite3"
    version = migrations.MIGRATIONS.index(migrations._SEARCH_OUTBOX) + 1
    conn = sqlite3.connect(path, isolation_level=None)
    migrate(conn, target=version - 1)
    when = to_epoch(T0 + timedelta(days=1))
    with transaction(conn):
        conn.execute(
            "INSERT INTO outbox (id, uuid, source, text, state, bulk, created_at, not_before) "
            "VALUES (5, 'u5', 'HubWork', ?, 'scheduled', 0, ?, ?)",
            (REMINDER, to_epoch(T0), when),
        )
        conn.execute(
            "INSERT INTO outbox_destinations (outbox_id, position, destination, state) "
            "VALUES (5, 0, ?, 'scheduled')",
            (P,),
        )
    conn.close()
    db = Database.open(path, clock=FakeClock())
    try:
        assert schema_version(db.search._conn) == LATEST_VERSION
        names = {r[0] for r in db.search._conn.execute("SELECT name FROM sqlite_master")}
        assert "outbox_unsent" in names
        hits = db.search.search("appointment")
        assert [(h.key, h.state) for h in hits] == [("outbox:5:0", MessageState.SCHEDULED)]
    finally:
        db.close()


def test_a_changed_text_is_searched_as_it_now_reads(db: Database) -> None:
    item = db.outbox.enqueue(OWN, [P], "Café closes at 5", not_before=T0 + timedelta(days=1))
    assert [h.outbox_id for h in db.search.search("cafe")] == [item.id]  # folded once...
    with transaction(db.search._conn):
        db.search._conn.execute("UPDATE outbox SET text = 'Bistro closes' WHERE id = ?", (item.id,))
    assert db.search.search("cafe") == []  # ...and again once the text changed
    assert [h.text for h in db.search.search("bistro")] == ["Bistro closes"]
