"""Batches: many outbox rows written at once, paused, resumed and cancelled so that each
recipient ends sent once or not at all."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any  # the conftest's FakeClock (conftest is not importable)

import pytest

from hubdesk.domain import BatchState, OutboxState
from hubdesk.store.batches import BatchRow
from hubdesk.store.database import Database
from hubdesk.store.outbox import MAX_BULK_DESTINATIONS, BatchHeld, NotQueued, OutboxError, Overdue

NUMBERS = [f"4474001{n:05d}" for n in range(6)]
HOUR = timedelta(hours=1)


def _rows(numbers: list[str] = NUMBERS) -> list[BatchRow]:
    return [BatchRow((n,), f"Hi {n[-2:]}", "Hi {number}") for n in numbers]


def test_a_batch_is_written_whole_in_one_transaction(db_path: Path, clock: Any) -> None:
    with Database.open(db_path, clock=clock) as db:
        batch = db.batches.create("HubWork", _rows(), uuid="b1", template_text="Hi {number}")
        assert batch.state is BatchState.ACTIVE and batch.recipients == len(NUMBERS)
        assert batch.counts == {OutboxState.QUEUED: len(NUMBERS)} and not batch.finished
        assert db.batches.create("HubWork", _rows(), uuid="b1") == batch  # a double click
        items = db.batches.items(batch.id)
        assert [i.text for i in items] == [f"Hi {n[-2:]}" for n in NUMBERS]
        assert {i.batch_id for i in items} == {batch.id} and not any(i.bulk for i in items)
        assert {i.template_text for i in items} == {"Hi {number}"}
        # A destination twice, an empty row or one over the bulk limit: nothing written.
        for bad in (
            [BatchRow((NUMBERS[0],), "a"), BatchRow((NUMBERS[0],), "b")],
            [BatchRow((), "a")],
            [BatchRow(tuple(f"4479{n:08d}" for n in range(MAX_BULK_DESTINATIONS + 1)), "x")],
        ):
            with pytest.raises(ValueError):
                db.batches.create("HubWork", bad)
        assert len(db.outbox.all(1000)) == len(NUMBERS)
    with Database.open(db_path, clock=clock) as other:  # committed: another process sees it
        assert other.batches.get(batch.id) == batch


def test_pause_holds_unclaimed_rows_and_resume_lets_them_go(db: Database) -> None:
    batch = db.batches.create("HubWork", _rows())
    first, second, *rest = db.batches.items(batch.id)
    db.outbox.mark_sending(first.id)
    paused = db.batches.pause(batch.id)
    assert paused.state is BatchState.PAUSED
    assert [i.id for i in db.outbox.pending()] == [first.id]  # on its way: settles normally
    with pytest.raises(BatchHeld) as held:
        db.outbox.mark_sending(second.id)
    assert held.value.batch_state is BatchState.PAUSED
    assert db.outbox.get(second.id).state is OutboxState.QUEUED  # type: ignore[union-attr]
    db.outbox.mark_queued(first.id, "offline")  # back in the queue: held with the rest
    assert db.outbox.pending() == []
    assert db.batches.pause(batch.id).state is BatchState.PAUSED  # twice: no change
    resumed = db.batches.resume(batch.id)
    assert resumed.state is BatchState.ACTIVE and len(db.outbox.pending()) == len(NUMBERS)
    assert db.outbox.mark_sending(second.id).state is OutboxState.SENDING


def test_cancel_leaves_each_recipient_sent_once_or_not_at_all(db: Database) -> None:
    batch = db.batches.create("HubWork", _rows())
    sent, sending, unknown, back, dropped, queued = db.batches.items(batch.id)
    db.outbox.mark_sending(sent.id)
    db.outbox.mark_sent(sent.id, {sent.destinations[0]: 11})
    for item in (sending, unknown, back, dropped):
        db.outbox.mark_sending(item.id)
    db.outbox.mark_unknown(unknown.id, "timed out")
    db.outbox.mark_unknown(dropped.id, "timed out")
    cancelled = db.batches.cancel(batch.id)
    assert cancelled.state is BatchState.CANCELLED
    states = {i.id: i.state for i in db.batches.items(batch.id)}
    assert states == {
        sent.id: OutboxState.SENT,
        sending.id: OutboxState.SENDING,  # on its way: it settles as it will
        unknown.id: OutboxState.UNKNOWN,  # may be on the server: reconciled
        back.id: OutboxState.SENDING,
        dropped.id: OutboxState.UNKNOWN,
        queued.id: OutboxState.CANCELLED,
    }
    # Settling: sent stays sent; certainly not executed, or certainly absent, is
    # cancelled instead of queued again; found on the server is sent.
    db.outbox.mark_sent(sending.id, {sending.destinations[0]: 12})
    assert db.outbox.mark_queued(back.id, "429").state is OutboxState.CANCELLED
    assert db.outbox.requeue(dropped.id).state is OutboxState.CANCELLED
    db.outbox.attach_sms_ids(unknown.id, {unknown.destinations[0]: 13})
    with pytest.raises(NotQueued):
        db.outbox.mark_sending(queued.id)
    final = db.batches.get(batch.id)
    assert final is not None and final.finished
    assert final.counts == {OutboxState.SENT: 3, OutboxState.CANCELLED: 3}
    assert db.batches.cancel(batch.id) == final
    with pytest.raises(OutboxError):
        db.batches.resume(batch.id)
    assert db.batches.unfinished() == []


def test_a_scheduled_batch_waits_then_goes_and_release_sends_it_now(
    db: Database, clock: Any
) -> None:
    when = clock.now + HOUR
    later = db.batches.create("HubWork", _rows(NUMBERS[:2]), not_before=when)
    assert later.counts == {OutboxState.SCHEDULED: 2} and later.not_before == when
    assert db.outbox.pending() == [] and db.batches.unfinished() == [later]
    released = db.batches.release(later.id, {db.batches.items(later.id)[0].id: "Hi again"})
    assert released.counts == {OutboxState.QUEUED: 2}
    assert [i.text for i in db.batches.items(later.id)] == ["Hi again", "Hi 01"]
    late = db.batches.create("HubWork", _rows(NUMBERS[2:4]), not_before=clock.now - HOUR * 2)
    db.schedule.promote_due()
    assert db.batches.get(late.id).counts == {OutboxState.OVERDUE: 2}  # type: ignore[union-attr]
    db.batches.cancel(late.id)
    with pytest.raises(OutboxError):
        db.batches.release(late.id)


def test_a_long_batch_is_not_late_while_it_is_worked_through(db: Database, clock: Any) -> None:
    """Lateness counts from the batch's last sign of life: rows sent at the rate limit
    for two hours are on time; rows left when the computer slept are overdue."""
    batch = db.batches.create("HubWork", _rows(), not_before=clock.now)
    db.schedule.promote_due()
    items = db.batches.items(batch.id)
    for item in items[:3]:
        clock.advance(3000)  # 50 minutes between claims: never an hour without one
        db.outbox.mark_sending(item.id)
        db.outbox.mark_sent(item.id, {item.destinations[0]: item.id})
    clock.advance(3601)  # then nothing for over an hour (the lid was closed)
    with pytest.raises(Overdue):
        db.outbox.mark_sending(items[3].id)
    db.batches.pause(batch.id)
    clock.advance(7200)
    db.batches.resume(batch.id)  # the user let it go on: on time from now
    db.batches.release(batch.id)  # and the overdue row with it
    assert db.outbox.mark_sending(items[3].id).state is OutboxState.SENDING
    assert db.outbox.mark_sending(items[4].id).state is OutboxState.SENDING
