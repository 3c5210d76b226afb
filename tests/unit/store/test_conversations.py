from __future__ import annotations

import random
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hubdesk.domain import DeliveryStatus, ReadStatus, Sms, SmsType
from hubdesk.store.database import Database

MakeSms = Callable[..., Sms]
P = "447400123456"
Q = "447400999888"
R = "447400555000"


def test_list_joins_names_optouts_and_orders_newest_first(db: Database, make_sms: MakeSms) -> None:
    db.contacts.add(Q, "Quinn")
    db.optouts.add(R, sms_id=3)
    db.messages.upsert_messages(
        [
            make_sms(1, P, at=10),
            make_sms(2, Q, sent=True, at=30, text="to quinn"),
            make_sms(3, R, at=20, text="STOP"),
        ]
    )
    rows = db.messages.conversations()
    assert [c.partner for c in rows] == [Q, R, P]
    quinn = rows[0]
    assert quinn.name == "Quinn" and quinn.last_text == "to quinn"
    assert quinn.last_direction is SmsType.SENT and quinn.last_sender_id == "HubWork"
    assert rows[1].opted_out and not rows[0].opted_out
    assert rows[2].name is None and rows[2].last_sender_id == "447700900000"
    assert [c.partner for c in db.messages.conversations(unread_only=True)] == [R, P]
    assert [c.partner for c in db.messages.conversations(limit=2)] == [Q, R]


def test_out_of_order_arrival_keeps_the_newest_as_last(db: Database, make_sms: MakeSms) -> None:
    db.messages.upsert_messages([make_sms(5, P, at=50, text="newest")])
    db.messages.upsert_messages([make_sms(4, P, at=40, text="older, arrived late")])
    (row,) = db.messages.conversations()
    assert row.last_text == "newest" and row.unread == 2


def test_partner_with_only_queued_outbox_entries_is_listed(db: Database, make_sms: MakeSms) -> None:
    db.messages.upsert_messages([make_sms(1, P, at=-3600)])
    item = db.outbox.enqueue("HubWork", [Q], "first words")
    rows = db.messages.conversations()
    assert [c.partner for c in rows] == [Q, P]
    assert rows[0].last_text == "first words" and rows[0].unread == 0
    db.outbox.mark_sending(item.id)
    db.outbox.mark_failed(item.id, "422 invalid destination")
    assert db.messages.conversations()[0].has_failed
    # Once the SMS itself is stored, the row comes from the messages.
    db.outbox.requeue(item.id)
    db.outbox.mark_sent(item.id, {Q: 99})
    db.messages.upsert_messages([make_sms(99, Q, sent=True, text="first words", at=0)])
    rows = db.messages.conversations()
    assert [c.partner for c in rows] == [Q, P] and not rows[0].has_failed


def test_five_thousand_shape_matches_brute_force(db_path: Path) -> None:
    """The list at the benchmark's shape (scaled down): every row checked against the data."""
    rng = random.Random(7)
    partners = [f"4474{n:08d}" for n in range(1500)]
    batch = []
    for sms_id in range(1, 9001):
        partner = rng.choice(partners)
        sent = rng.random() < 0.5
        batch.append(
            Sms(
                sms_id=sms_id,
                source="HubWork" if sent else partner,
                destination=partner if sent else "447700900000",
                text=f"text {sms_id}",
                type=SmsType.SENT if sent else SmsType.RECEIVED,
                delivery_status=rng.choice(list(DeliveryStatus)),
                read_status=rng.choice(list(ReadStatus)),
                time=_t(rng.randrange(0, 5000)),  # many equal times: the sms_id breaks ties
            )
        )
    with Database.open(db_path) as db:
        for start in range(0, len(batch), 700):
            db.messages.upsert_messages(batch[start : start + 700])
        rows = db.messages.conversations()
        total = db.messages.unread_total()
    expected = _expected(batch)
    assert [(c.partner, c.last_text, c.unread, c.has_failed) for c in rows] == expected
    assert total == sum(row[2] for row in expected)
    assert len(rows) == len({m.partner for m in batch})


def _t(seconds: int) -> datetime:
    return datetime(2024, 1, 1, tzinfo=UTC) + timedelta(seconds=seconds)


def _unsettled_failure(ms: list[Sms]) -> bool:
    """The failure mark's rule, from scratch: a failed outgoing message with no later
    outgoing one that was delivered. No resends here."""
    accepted = [
        (m.time, m.sms_id)
        for m in ms
        if m.type is SmsType.SENT and m.delivery_status is DeliveryStatus.SENT
    ]
    newest = max(accepted, default=None)
    return any(
        m.type is SmsType.SENT
        and m.delivery_status is DeliveryStatus.FAILED
        and (newest is None or newest < (m.time, m.sms_id))
        for m in ms
    )


def _expected(messages: list[Sms]) -> list[tuple[str, str, int, bool]]:
    by_partner: dict[str, list[Sms]] = {}
    for m in messages:
        by_partner.setdefault(m.partner, []).append(m)
    rows = []
    for partner, ms in by_partner.items():
        last = max(ms, key=lambda m: (m.time, m.sms_id))
        unread = sum(
            1 for m in ms if m.type is SmsType.RECEIVED and m.read_status is ReadStatus.UNREAD
        )
        failed = _unsettled_failure(ms)
        rows.append(((last.time, last.sms_id), (partner, last.text, unread, failed)))
    rows.sort(key=lambda r: r[0], reverse=True)
    return [r[1] for r in rows]


# -- property: the maintained table always equals a from-scratch computation -----------


@dataclass
class _Model:
    rows: dict[int, tuple[Sms, bool]]  # sms_id -> (latest copy, locally unread)

    def upsert(self, batch: list[Sms]) -> None:
        for m in batch:
            if m.sms_id in self.rows:
                # Stored partner and local read state stay; the rest follows the server.
                self.rows[m.sms_id] = (m, self.rows[m.sms_id][1])
            else:
                unread = m.type is SmsType.RECEIVED and m.read_status is ReadStatus.UNREAD
                self.rows[m.sms_id] = (m, unread)

    def mark_read(self, partner: str) -> None:
        for k, (m, _u) in self.rows.items():
            if m.partner == partner:
                self.rows[k] = (m, False)

    def expected(self) -> list[tuple[str, str, int, bool]]:
        by: dict[str, list[tuple[Sms, bool]]] = {}
        for m, u in self.rows.values():
            by.setdefault(m.partner, []).append((m, u))
        out = []
        for partner, items in by.items():
            last = max((m for m, _ in items), key=lambda m: (m.time, m.sms_id))
            unread = sum(1 for _, u in items if u)
            failed = _unsettled_failure([m for m, _ in items])
            out.append(((last.time, last.sms_id), (partner, last.text, unread, failed)))
        out.sort(key=lambda r: r[0], reverse=True)
        return [r[1] for r in out]


@st.composite
def _message(draw: st.DrawFn) -> Sms:
    sms_id = draw(st.integers(1, 30))
    # The partner is a function of the id: an SMS never changes who it is with.
    partner = (P, Q, R)[sms_id % 3]
    sent = sms_id % 2 == 0
    return Sms(
        sms_id=sms_id,
        source="HubWork" if sent else partner,
        destination=partner if sent else "447700900000",
        text=draw(st.sampled_from(["a", "b", "c"])),
        type=SmsType.SENT if sent else SmsType.RECEIVED,
        delivery_status=draw(st.sampled_from(list(DeliveryStatus))),
        read_status=draw(st.sampled_from(list(ReadStatus))),
        time=_t(sms_id // 4 * 10),  # ties on time on purpose
    )


_steps = st.lists(
    st.one_of(
        st.lists(_message(), max_size=6).map(lambda b: ("upsert", b)),
        st.sampled_from([P, Q, R]).map(lambda p: ("read", p)),
    ),
    max_size=12,
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=_steps)
def test_maintained_table_matches_model(tmp_path: Path, steps: list[tuple[str, object]]) -> None:
    model = _Model({})
    folder = Path(tempfile.mkdtemp(dir=tmp_path))  # a fresh database per example
    with Database.open(folder / "p.sqlite3", check=False) as db:
        for kind, arg in steps:
            if kind == "upsert":
                assert isinstance(arg, list)
                deduped = list({m.sms_id: m for m in arg}.values())
                db.messages.upsert_messages(arg)
                model.upsert(deduped)
            else:
                assert isinstance(arg, str)
                db.messages.mark_read(arg)
                model.mark_read(arg)
            got = [
                (c.partner, c.last_text, c.unread, c.has_failed)
                for c in db.messages.conversations()
            ]
            assert got == model.expected()
            assert db.messages.unread_total() == sum(row[2] for row in model.expected())
