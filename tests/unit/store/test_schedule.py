"""Messages sent later: scheduled rows wait, come due, turn overdue, and are cancelled or
released only from states where they are certainly not on the server."""

from __future__ import annotations

import threading
from datetime import timedelta
from pathlib import Path
from typing import Any  # the conftest's FakeClock (conftest is not importable)

import pytest

from hubdesk.domain import MessageState, OutboxState
from hubdesk.store.database import Database
from hubdesk.store.outbox import NotQueued, Overdue, StateChanged

P = "447400123456"
Q = "447400999888"
HOUR = timedelta(hours=1)


def test_a_scheduled_row_waits_and_is_never_sendable_before_its_time(
    db: Database, clock: Any
) -> None:
    when = clock.now + timedelta(minutes=30)
    item = db.outbox.enqueue("HubWork", [P], "later", not_before=when)
    assert item.state is OutboxState.SCHEDULED and item.not_before == when
    assert db.outbox.destination_states(item.id) == {P: (OutboxState.SCHEDULED, None)}
    assert db.outbox.pending() == []
    with pytest.raises(NotQueued):
        db.outbox.mark_sending(item.id)
    assert db.schedule.promote_due() == db.schedule.promote_due()  # nothing due: no change
    assert db.outbox.get(item.id) == item
    assert db.schedule.next_due() == when
    assert db.schedule.waiting() == [item]


def test_promote_due_queues_what_is_due_and_holds_what_is_too_late(
    db: Database, clock: Any
) -> None:
    on_time = db.outbox.enqueue("HubWork", [P], "on time", not_before=clock.now)
    just = db.outbox.enqueue(
        "HubWork", [Q], "just", not_before=clock.now - HOUR + timedelta(seconds=1)
    )
    late = db.outbox.enqueue("HubWork", [P], "late", not_before=clock.now - HOUR * 3)
    future = db.outbox.enqueue("HubWork", [Q], "future", not_before=clock.now + HOUR)
    promoted = db.schedule.promote_due()
    assert promoted.queued == (on_time.id, just.id) and promoted.overdue == (late.id,)
    assert [i.id for i in db.outbox.pending()] == [on_time.id, just.id]
    assert db.outbox.get(late.id).state is OutboxState.OVERDUE  # type: ignore[union-attr]
    assert db.schedule.overdue() == [db.outbox.get(late.id)]
    assert [i.id for i in db.schedule.waiting()] == [late.id, future.id]
    assert db.schedule.next_due() == future.not_before
    assert db.schedule.promote_due().queued == ()  # idempotent: a second process changes nothing


def test_cancel_only_what_is_certainly_not_on_the_server(db: Database, clock: Any) -> None:
    scheduled = db.outbox.enqueue("HubWork", [P], "s", not_before=clock.now + HOUR)
    queued = db.outbox.enqueue("HubWork", [P], "q")
    overdue = db.outbox.enqueue("HubWork", [P], "o", not_before=clock.now - HOUR * 2)
    db.schedule.promote_due()
    for item in (scheduled, queued, overdue):
        cancelled = db.schedule.cancel(item.id)
        assert cancelled.state is OutboxState.CANCELLED
        assert cancelled.error == "cancelled by the user"
        assert db.outbox.destination_states(item.id) == {P: (OutboxState.CANCELLED, None)}
        assert db.schedule.cancel(item.id) == cancelled  # twice: nothing more happens
        with pytest.raises(NotQueued):
            db.outbox.mark_sending(item.id)
    sending = db.outbox.enqueue("HubWork", [P], "on its way")
    db.outbox.mark_sending(sending.id)
    unknown = db.outbox.enqueue("HubWork", [P], "maybe")
    db.outbox.mark_sending(unknown.id)
    db.outbox.mark_unknown(unknown.id, "timed out")
    sent = db.outbox.enqueue("HubWork", [P], "gone")
    db.outbox.mark_sending(sent.id)
    db.outbox.mark_sent(sent.id, {P: 7})
    failed = db.outbox.enqueue("HubWork", [P], "refused")
    db.outbox.mark_sending(failed.id)
    db.outbox.mark_failed(failed.id, "422")
    for item, state in (
        (sending, OutboxState.SENDING),
        (unknown, OutboxState.UNKNOWN),
        (sent, OutboxState.SENT),
        (failed, OutboxState.FAILED),
    ):
        with pytest.raises(StateChanged) as refused:
            db.schedule.cancel(item.id)
        assert refused.value.state is state
        assert db.outbox.get(item.id).state is state  # type: ignore[union-attr]
    assert db.outbox.pending() == [db.outbox.get(sending.id), db.outbox.get(unknown.id)]


def test_reschedule_and_send_now_change_a_waiting_row_only(db: Database, clock: Any) -> None:
    item = db.outbox.enqueue(
        "HubWork", [P], "at 09:00", not_before=clock.now + HOUR, template_text="at {time}"
    )
    moved = db.schedule.reschedule(item.id, clock.now + HOUR * 2, "at 10:00")
    assert moved.state is OutboxState.SCHEDULED and moved.text == "at 10:00"
    assert moved.not_before == clock.now + HOUR * 2 and moved.template_text == "at {time}"
    kept = db.schedule.reschedule(item.id, clock.now + HOUR * 3)  # no new text: kept
    assert kept.text == "at 10:00"
    now = db.schedule.send_now(item.id, "at 12:00")
    assert now.state is OutboxState.QUEUED and now.not_before == clock.now
    assert now.text == "at 12:00" and db.outbox.pending() == [now]
    with pytest.raises(StateChanged):
        db.schedule.send_now(item.id)  # queued now: it goes with the next flush anyway
    with pytest.raises(StateChanged):
        db.schedule.reschedule(item.id, clock.now + HOUR)  # its text is fixed from queued on
    late = db.outbox.enqueue("HubWork", [Q], "late", not_before=clock.now - HOUR * 2)
    db.schedule.promote_due()
    released = db.schedule.send_now(late.id)
    assert released.state is OutboxState.QUEUED and released.text == "late"
    assert db.outbox.mark_sending(late.id).state is OutboxState.SENDING  # on time from now


def test_a_queued_row_left_more_than_an_hour_past_its_time_becomes_overdue(
    db: Database, clock: Any
) -> None:
    item = db.outbox.enqueue("HubWork", [P], "9 o'clock", not_before=clock.now)
    db.schedule.promote_due()
    clock.advance(3600)  # an hour on: still sendable
    db.outbox.mark_sending(item.id)
    db.outbox.mark_queued(item.id, "could not connect")
    clock.advance(2)  # the network stayed down past the hour
    with pytest.raises(Overdue):
        db.outbox.mark_sending(item.id)
    overdue = db.outbox.get(item.id)
    assert overdue is not None and overdue.state is OutboxState.OVERDUE  # committed
    assert db.outbox.pending() == []
    plain = db.outbox.enqueue("HubWork", [P], "no time set")
    clock.advance(86_400)
    assert db.outbox.mark_sending(plain.id).state is OutboxState.SENDING  # never "late"


def test_cancel_and_claim_of_one_row_never_both_win(db_path: Path, clock: Any) -> None:
    """Two connections (as two processes): one cancels while the other claims."""
    with Database.open(db_path, clock=clock) as db:
        ids = [db.outbox.enqueue("HubWork", [P], f"race {n}").id for n in range(40)]
    outcomes: dict[str, list[int]] = {"claimed": [], "cancelled": []}
    start = threading.Barrier(2)

    def claim() -> None:
        with Database.open(db_path, clock=clock, check_same_thread=False) as db:
            start.wait()
            for i in ids:
                try:
                    db.outbox.mark_sending(i)
                    outcomes["claimed"].append(i)
                except NotQueued:
                    pass

    def cancel() -> None:
        with Database.open(db_path, clock=clock, check_same_thread=False) as db:
            start.wait()
            for i in reversed(ids):
                try:
                    db.schedule.cancel(i)
                    outcomes["cancelled"].append(i)
                except StateChanged:
                    pass

    threads = [threading.Thread(target=claim), threading.Thread(target=cancel)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not set(outcomes["claimed"]) & set(outcomes["cancelled"])
    assert sorted(outcomes["claimed"] + outcomes["cancelled"]) == ids
    with Database.open(db_path, clock=clock) as db:
        states = {i: db.outbox.get(i).state for i in ids}  # type: ignore[union-attr]
    assert {states[i] for i in outcomes["claimed"]} <= {OutboxState.SENDING, OutboxState.UNKNOWN}
    assert {states[i] for i in outcomes["cancelled"]} <= {OutboxState.CANCELLED}


def test_the_thread_shows_a_scheduled_message_at_its_time_and_hides_cancelled_ones(
    db: Database, clock: Any, make_sms: Any
) -> None:
    db.messages.upsert_messages([make_sms(1, P, at=0), make_sms(2, P, sent=True, at=60)])
    later = db.outbox.enqueue("HubWork", [P], "see you", not_before=clock.now + HOUR * 5)
    gone = db.outbox.enqueue("HubWork", [P], "never", not_before=clock.now + HOUR * 6)
    db.schedule.cancel(gone.id)
    entries = db.messages.thread(P)
    assert [e.state for e in entries][:1] == [MessageState.SCHEDULED]
    assert entries[0].outbox_id == later.id and entries[0].time == later.not_before
    assert all(e.outbox_id != gone.id for e in entries)
    only = db.outbox.enqueue("HubWork", [Q], "only cancelled", not_before=clock.now + HOUR)
    assert Q in [c.partner for c in db.messages.conversations()]  # scheduled: listed
    db.schedule.cancel(only.id)
    assert Q not in [c.partner for c in db.messages.conversations()]
    late = db.outbox.enqueue("HubWork", [P], "late", not_before=clock.now - HOUR * 2)
    db.schedule.promote_due()
    states = {e.outbox_id: e.state for e in db.messages.thread(P)}
    assert states[late.id] is MessageState.OVERDUE
