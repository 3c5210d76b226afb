from __future__ import annotations

from pathlib import Path
from typing import Any  # the conftest's FakeClock (conftest is not importable)

import pytest

from hubdesk.domain import OutboxState
from hubdesk.store.database import Database
from hubdesk.store.outbox import OutboxError

P = "447400123456"
Q = "447400999888"


def test_single_send_lifecycle(db: Database, clock: Any) -> None:
    item = db.outbox.enqueue("HubWork", [P], "hello")
    assert item.state is OutboxState.QUEUED and item.attempts == 0
    assert item.destinations == (P,) and not item.bulk and item.created_at == clock.now
    assert db.outbox.pending() == [item]
    sending = db.outbox.mark_sending(item.id)
    assert sending.state is OutboxState.SENDING and sending.attempts == 1
    sent = db.outbox.mark_sent(item.id, {P: 501})
    assert sent.state is OutboxState.SENT and sent.sms_ids == (501,)
    assert db.outbox.pending() == []
    assert db.outbox.destination_states(item.id) == {P: (OutboxState.SENT, 501)}


def test_enqueue_is_committed_before_returning(db_path: Path) -> None:
    with Database.open(db_path) as db:
        item = db.outbox.enqueue("HubWork", [P], "durable")
        # A second connection (another process) sees it at once.
        with Database.open(db_path) as other:
            assert other.outbox.get(item.id) == item


def test_same_uuid_does_not_queue_twice(db: Database) -> None:
    first = db.outbox.enqueue("HubWork", [P], "once", uuid="abc")
    again = db.outbox.enqueue("HubWork", [P], "once", uuid="abc")
    assert again == first and len(db.outbox.all()) == 1
    assert db.outbox.uuid_of(first.id) == "abc"
    generated = db.outbox.enqueue("HubWork", [P], "other")
    assert db.outbox.uuid_of(generated.id) not in (None, "abc")


def test_unknown_then_reconciled(db: Database) -> None:
    item = db.outbox.enqueue("HubWork", [P], "maybe")
    db.outbox.mark_sending(item.id)
    unknown = db.outbox.mark_unknown(item.id, "timed out")
    assert unknown.state is OutboxState.UNKNOWN and unknown.error == "timed out"
    assert [i.id for i in db.outbox.pending()] == [item.id]
    found = db.outbox.attach_sms_ids(item.id, {P: 77})
    assert found.state is OutboxState.SENT and found.sms_ids == (77,) and found.error is None


def test_unknown_then_absent_is_requeued_and_counts_attempts(db: Database) -> None:
    item = db.outbox.enqueue("HubWork", [P], "retry me")
    db.outbox.mark_sending(item.id)
    db.outbox.mark_unknown(item.id, "connection reset")
    assert db.outbox.requeue(item.id).state is OutboxState.QUEUED
    again = db.outbox.mark_sending(item.id)
    assert again.attempts == 2 and again.error is None


def test_failed_and_user_retry(db: Database) -> None:
    item = db.outbox.enqueue("HubWork", [P], "bad")
    db.outbox.mark_sending(item.id)
    failed = db.outbox.mark_failed(item.id, "422: destination invalid")
    assert failed.state is OutboxState.FAILED and db.outbox.pending() == []
    assert db.outbox.requeue(item.id).state is OutboxState.QUEUED


def test_bulk_gets_ids_later_per_destination(db: Database) -> None:
    item = db.outbox.enqueue("HubWork", [P, Q, P], "to all", bulk=True)
    assert item.destinations == (P, Q) and item.bulk
    db.outbox.mark_sending(item.id)
    sent = db.outbox.mark_sent(item.id)
    assert sent.state is OutboxState.SENT and sent.sms_ids == ()
    db.outbox.attach_sms_ids(item.id, {Q: 11})
    db.outbox.attach_sms_ids(item.id, {P: 10})
    got = db.outbox.get(item.id)
    assert got is not None and got.sms_ids == (10, 11)
    with pytest.raises(OutboxError):
        db.outbox.attach_sms_ids(item.id, {"447400000001": 12})


def test_partial_reconciliation_of_bulk_keeps_it_open(db: Database) -> None:
    item = db.outbox.enqueue("HubWork", [P, Q], "to all", bulk=True)
    db.outbox.mark_sending(item.id)
    db.outbox.mark_unknown(item.id, "timeout")
    partial = db.outbox.attach_sms_ids(item.id, {P: 10})
    assert partial.state is OutboxState.UNKNOWN
    assert db.outbox.destination_states(item.id) == {
        P: (OutboxState.SENT, 10), Q: (OutboxState.UNKNOWN, None)
    }
    # Resending only touches the destination not yet sent.
    db.outbox.requeue(item.id)
    assert db.outbox.destination_states(item.id)[P] == (OutboxState.SENT, 10)


def test_invalid_transitions_raise(db: Database) -> None:
    item = db.outbox.enqueue("HubWork", [P], "x")
    db.outbox.mark_sending(item.id)
    with pytest.raises(OutboxError):
        db.outbox.mark_sending(item.id)  # already sending
    db.outbox.mark_sent(item.id, {P: 1})
    with pytest.raises(OutboxError):
        db.outbox.mark_failed(item.id, "too late")
    with pytest.raises(OutboxError):
        db.outbox.requeue(item.id)
    with pytest.raises(OutboxError):
        db.outbox.mark_sending(9999)
    with pytest.raises(ValueError):
        db.outbox.enqueue("HubWork", [], "nobody")
    with pytest.raises(ValueError):
        db.outbox.enqueue("HubWork", [P, Q], "two without bulk")


def test_sending_left_by_a_crash_is_unknown_on_reopen(db_path: Path) -> None:
    with Database.open(db_path) as db:
        item = db.outbox.enqueue("HubWork", [P], "in flight")
        db.outbox.mark_sending(item.id)
    # (the process dies here: no mark_sent / mark_unknown)
    with Database.open(db_path) as db:
        assert db.interrupted_sends == 1
        (pending,) = db.outbox.pending()
        assert pending.state is OutboxState.UNKNOWN and pending.error
        assert db.outbox.destination_states(item.id)[P][0] is OutboxState.UNKNOWN


def test_all_is_newest_first_and_delete(db: Database) -> None:
    ids = [db.outbox.enqueue("HubWork", [P], f"m{i}").id for i in range(5)]
    assert [i.id for i in db.outbox.all(limit=3)] == ids[::-1][:3]
    assert db.outbox.delete(ids[0]) is True
    assert db.outbox.get(ids[0]) is None and db.outbox.delete(ids[0]) is False
    # destinations went with it (foreign key cascade)
    assert db.conn.execute(
        "SELECT count(*) FROM outbox_destinations WHERE outbox_id = ?", (ids[0],)
    ).fetchone() == (0,)
