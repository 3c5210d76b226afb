"""store.resends: a resend is linked to the failed message it resends, exactly once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any  # the conftest's FakeClock (conftest is not importable)

import pytest

from hubdesk.domain import DeliveryStatus, OutboxState, Sms
from hubdesk.store.database import Database
from hubdesk.store.resends import AlreadyResent, NotResendable, ResendOptedOut

MakeSms = Callable[..., Sms]
P = "447400123456"
Q = "447400999888"


def _failed(db: Database, make_sms: MakeSms, sms_id: int = 1, partner: str = P) -> None:
    db.messages.upsert_messages(
        [
            make_sms(
                sms_id,
                partner,
                sent=True,
                at=10,
                text="Your table is ready",
                status=DeliveryStatus.FAILED,
            ),
        ]
    )


def test_a_resend_queues_the_same_text_to_the_same_person_and_links_it(
    db: Database, make_sms: MakeSms, clock: Any
) -> None:
    _failed(db, make_sms)
    assert db.messages.conversations()[0].has_failed
    clock.advance(15)  # the Retry comes after the failure
    resent = db.resends.queue(1)
    item = resent.item
    assert (item.state, item.source, item.destinations, item.text) == (
        OutboxState.QUEUED,
        "HubWork",
        (P,),
        "Your table is ready",
    )
    assert not resent.requeued and resent.partner == P
    assert db.resends.link(1) == item.id and db.resends.resend_of(item.id) == 1
    # The failure is settled in the list, and the thread says so on both messages.
    assert not db.messages.conversations()[0].has_failed
    page = db.messages.thread(P)
    resend, original = page
    assert resend.outbox_id == item.id and resend.resend_of == 1 and not resend.resent
    assert original.sms_id == 1 and original.resent
    assert original.resend_outbox_id == item.id and original.resend_sms_id is None
    # Once sent and stored, the resend's own SMS carries the link and its id shows.
    db.outbox.mark_sending(item.id)
    db.outbox.mark_sent(item.id, {P: 2})
    db.messages.upsert_messages(
        [
            make_sms(
                2, P, sent=True, at=16, text="Your table is ready", status=DeliveryStatus.PENDING
            ),
        ]
    )
    newest, original = db.messages.thread(P)
    assert (newest.sms_id, newest.outbox_id, newest.resend_of) == (2, None, 1)
    assert original.resent and original.resend_sms_id == 2
    assert not db.messages.conversations()[0].has_failed


def test_a_second_resend_is_refused_while_the_first_is_queued_sending_or_sent(
    db: Database, make_sms: MakeSms
) -> None:
    _failed(db, make_sms)
    item = db.resends.queue(1).item
    with pytest.raises(AlreadyResent, match=f"outbox entry {item.id} is queued") as caught:
        db.resends.queue(1)
    assert caught.value.item.id == item.id and caught.value.failed_sms_id == 1
    db.outbox.mark_sending(item.id)
    with pytest.raises(AlreadyResent, match="being sent now"):
        db.resends.queue(1)
    db.outbox.mark_unknown(item.id, "timed out")
    with pytest.raises(AlreadyResent, match="checked with the server"):
        db.resends.queue(1)
    db.outbox.mark_sent(item.id, {P: 7})
    with pytest.raises(AlreadyResent, match="already sent again as SMS 7"):
        db.resends.queue(1)
    assert len(db.outbox.all()) == 1  # never a second entry


def test_a_refused_resend_is_queued_again_as_the_same_entry(
    db: Database, make_sms: MakeSms
) -> None:
    _failed(db, make_sms)
    item = db.resends.queue(1).item
    db.outbox.mark_sending(item.id)
    db.outbox.mark_failed(item.id, "422 the destination is invalid")
    # The refused resend is itself a failed entry: the list shows the failure again.
    assert db.messages.conversations()[0].has_failed
    again = db.resends.queue(1)
    assert again.requeued and again.item.id == item.id
    assert again.item.state is OutboxState.QUEUED
    assert [i.id for i in db.outbox.all()] == [item.id]


def test_discarding_a_failed_resend_drops_the_link(db: Database, make_sms: MakeSms) -> None:
    _failed(db, make_sms)
    item = db.resends.queue(1).item
    db.outbox.mark_sending(item.id)
    db.outbox.mark_failed(item.id, "refused")
    assert db.outbox.delete(item.id)
    assert db.resends.link(1) is None
    db.messages.refresh([P])
    assert db.messages.conversations()[0].has_failed  # nobody resent it after all
    fresh = db.resends.queue(1)  # a new entry (SQLite may reuse the freed id)
    assert not fresh.requeued and fresh.item.attempts == 0
    assert db.resends.link(1) == fresh.item.id


def test_only_a_failed_outgoing_message_can_be_resent(db: Database, make_sms: MakeSms) -> None:
    db.messages.upsert_messages(
        [
            make_sms(1, P, at=1),
            make_sms(2, P, sent=True, at=2, status=DeliveryStatus.PENDING),
            make_sms(3, P, sent=True, at=3, status=DeliveryStatus.SENT),
        ]
    )
    with pytest.raises(NotResendable, match="SMS 1 was received"):
        db.resends.queue(1)
    with pytest.raises(NotResendable, match="SMS 2 is still pending"):
        db.resends.queue(2)
    with pytest.raises(NotResendable, match="SMS 3 was delivered"):
        db.resends.queue(3)
    with pytest.raises(NotResendable, match="SMS 99 is not in the local store"):
        db.resends.queue(99)
    assert db.outbox.all() == []


def test_a_person_who_opted_out_is_not_resent_to_without_override(
    db: Database, make_sms: MakeSms
) -> None:
    _failed(db, make_sms)
    db.optouts.add(P)
    with pytest.raises(ResendOptedOut):
        db.resends.queue(1)
    assert db.outbox.all() == [] and db.resends.link(1) is None
    item = db.resends.queue(1, "OtherId", override_optout=True).item
    assert item.source == "OtherId"


def test_a_later_delivered_message_supersedes_a_failure(db: Database, make_sms: MakeSms) -> None:
    _failed(db, make_sms)
    db.messages.upsert_messages(
        [
            make_sms(5, Q, sent=True, at=5, status=DeliveryStatus.FAILED),
            make_sms(6, Q, sent=True, at=30, status=DeliveryStatus.PENDING),
            make_sms(2, P, sent=True, at=30, status=DeliveryStatus.SENT),
        ]
    )
    marks = {c.partner: c.has_failed for c in db.messages.conversations()}
    # P: a later message was delivered. Q: the later one is only pending so far.
    assert marks == {P: False, Q: True}
    db.messages.upsert_messages([make_sms(6, Q, sent=True, at=30, status=DeliveryStatus.FAILED)])
    assert {c.partner: c.has_failed for c in db.messages.conversations()} == {P: False, Q: True}
    db.messages.upsert_messages([make_sms(7, Q, sent=True, at=40, status=DeliveryStatus.SENT)])
    assert not any(c.has_failed for c in db.messages.conversations())
