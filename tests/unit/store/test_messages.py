from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from hubdesk.domain import DeliveryStatus, ReadStatus, Sms, SmsType
from hubdesk.store.database import Database
from hubdesk.store.timecodec import Clock

MakeSms = Callable[..., Sms]
T0 = datetime(2024, 5, 1, 12, 0, 0, tzinfo=UTC)  # the conftest's epoch for ``at=``

P = "447400123456"
Q = "447400999888"


def test_upsert_reports_new_ids_and_new_inbound_only(db: Database, make_sms: MakeSms) -> None:
    first = db.messages.upsert_messages(
        [make_sms(1, P, at=1), make_sms(2, P, sent=True, at=2), make_sms(3, Q, at=3)]
    )
    assert first.new_ids == {1, 2, 3}
    assert [m.sms_id for m in first.new_inbound] == [1, 3]
    assert first.status_changed == ()
    assert first.partners == {P, Q}

    # Poll overlap: the same rows again, plus one new one.
    second = db.messages.upsert_messages(
        [make_sms(1, P, at=1), make_sms(2, P, sent=True, at=2), make_sms(4, P, at=4)]
    )
    assert second.new_ids == {4}
    assert [m.sms_id for m in second.new_inbound] == [4]
    assert second.partners == {P}


def test_restart_does_not_reannounce(db_path: Path, clock: Clock, make_sms: MakeSms) -> None:
    with Database.open(db_path, clock=clock) as db:
        db.messages.upsert_messages([make_sms(1, P)])
    with Database.open(db_path, clock=clock) as db:
        again = db.messages.upsert_messages([make_sms(1, P)])
    assert again.new_ids == frozenset() and again.new_inbound == ()


def test_duplicate_id_in_one_batch_is_announced_once(db: Database, make_sms: MakeSms) -> None:
    result = db.messages.upsert_messages([make_sms(7, P, text="a"), make_sms(7, P, text="b")])
    assert [m.sms_id for m in result.new_inbound] == [7]
    stored = db.messages.get(7)
    assert stored is not None and stored.text == "b"


def test_status_change_of_outbound_is_reported(db: Database, make_sms: MakeSms) -> None:
    db.messages.upsert_messages(
        [
            make_sms(1, P, sent=True, status=DeliveryStatus.PENDING),
            make_sms(2, P, sent=True, status=DeliveryStatus.PENDING),
        ]
    )
    result = db.messages.upsert_messages(
        [
            make_sms(1, P, sent=True, status=DeliveryStatus.FAILED),
            make_sms(2, P, sent=True, status=DeliveryStatus.PENDING),
        ]
    )
    assert result.status_changed == (1,)
    assert result.new_ids == frozenset()
    got = db.messages.get(1)
    assert got is not None and got.delivery_status is DeliveryStatus.FAILED
    assert db.messages.conversations()[0].has_failed


def test_get_round_trips_every_field(db: Database, make_sms: MakeSms) -> None:
    original = make_sms(
        42,
        P,
        sent=True,
        text="héllo ✓",
        at=3600,
        segments=2,
        status=DeliveryStatus.PENDING,
        read=ReadStatus.READ,
    )
    db.messages.upsert_messages([original])
    assert db.messages.get(42) == original
    assert db.messages.get(43) is None


def test_segments_are_kept_when_a_later_copy_lacks_them(db: Database, make_sms: MakeSms) -> None:
    db.messages.upsert_messages([make_sms(1, P, segments=3)])
    db.messages.upsert_messages([make_sms(1, P, segments=None)])
    got = db.messages.get(1)
    assert got is not None and got.sms_count == 3


def test_chat_partner_from_send_response_is_kept(db: Database, make_sms: MakeSms) -> None:
    from dataclasses import replace

    message = replace(make_sms(5, P, sent=True), chat_partner=P)
    db.messages.upsert_messages([message])
    assert db.messages.conversations()[0].partner == P


def test_read_state_is_seeded_by_server_then_local(db: Database, make_sms: MakeSms) -> None:
    db.messages.upsert_messages(
        [
            make_sms(1, P, read=ReadStatus.UNREAD),
            make_sms(2, P, read=ReadStatus.READ),
            make_sms(3, P, sent=True, read=ReadStatus.UNREAD),  # own messages are never unread
        ]
    )
    assert db.messages.unread_total() == 1
    # The server later says "read": the local state is not touched.
    db.messages.upsert_messages([make_sms(1, P, read=ReadStatus.READ)])
    assert db.messages.unread_total() == 1
    assert db.messages.mark_read(P) == 1
    assert db.messages.unread_total() == 0
    # ...and the server saying "unread" again does not bring it back either.
    db.messages.upsert_messages([make_sms(1, P, read=ReadStatus.UNREAD)])
    assert db.messages.unread_total() == 0


def test_mark_unread_marks_the_newest_received(db: Database, make_sms: MakeSms) -> None:
    db.messages.upsert_messages(
        [
            make_sms(1, P, at=1, read=ReadStatus.READ),
            make_sms(2, P, at=2, read=ReadStatus.READ),
            make_sms(3, P, sent=True, at=3),
        ]
    )
    assert db.messages.mark_unread(P) is True
    entries = {e.sms_id: e.unread for e in db.messages.thread(P)}
    assert entries == {3: False, 2: True, 1: False}
    assert db.messages.conversations()[0].unread == 1
    assert db.messages.mark_unread("447000000000") is False


def test_known_ids_in_large_sets(db: Database, make_sms: MakeSms) -> None:
    db.messages.upsert_messages([make_sms(i, P, at=i) for i in range(0, 3000, 2)])
    asked = range(0, 3000)
    assert db.messages.known_ids(asked) == set(range(0, 3000, 2))
    assert db.messages.known_ids([]) == set()


def test_server_time_bounds(db: Database, make_sms: MakeSms) -> None:
    assert db.messages.newest_server_time() is None
    assert db.messages.oldest_server_time() is None
    db.messages.upsert_messages([make_sms(1, P, at=50), make_sms(2, Q, at=-20)])
    assert db.messages.newest_server_time() == T0 + timedelta(seconds=50)
    assert db.messages.oldest_server_time() == T0 - timedelta(seconds=20)


def test_pending_outbound(db: Database, make_sms: MakeSms) -> None:
    db.messages.upsert_messages(
        [
            make_sms(1, P, sent=True, at=1, status=DeliveryStatus.PENDING),
            make_sms(2, P, sent=True, at=2, status=DeliveryStatus.SENT),
            make_sms(3, Q, sent=True, at=3, status=DeliveryStatus.PENDING),
            make_sms(4, Q, at=4, status=DeliveryStatus.PENDING),  # received: not ours to refresh
        ]
    )
    assert [m.sms_id for m in db.messages.pending_outbound()] == [3, 1]
    assert [m.sms_id for m in db.messages.pending_outbound(limit=1)] == [3]
    assert all(m.type is SmsType.SENT for m in db.messages.pending_outbound())


def test_batch_is_atomic(db: Database, make_sms: MakeSms) -> None:
    from dataclasses import replace

    good = make_sms(1, P)
    bad = replace(make_sms(2, P), time=T0.replace(tzinfo=None))  # naive: refused
    with pytest.raises(ValueError):
        db.messages.upsert_messages([good, bad])
    assert db.messages.known_ids([1, 2]) == set()
    assert db.messages.conversations() == []


def test_empty_batch(db: Database) -> None:
    result = db.messages.upsert_messages([])
    assert result.new_ids == frozenset() and result.partners == frozenset()
