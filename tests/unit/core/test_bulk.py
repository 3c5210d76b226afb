"""core.bulk: planning (pure) and one bulk outbox row through the simulator."""

from __future__ import annotations

from pathlib import Path

import pytest

from hubdesk.core.batches import BulkSends
from hubdesk.core.bulk import (
    MAX_BULK_RECIPIENTS,
    BulkSender,
    Recipient,
    csv_recipients,
    plan_bulk,
    split_pasted,
)
from hubdesk.core.errors import InvalidInput, NoApprovedSender
from hubdesk.core.senders import SenderIds
from hubdesk.domain import OutboxState
from hubdesk.sim import SimState
from hubdesk.store.worker import DbWorker
from hubdesk.sync.outbox import OutboxSender
from tests.unit.core.conftest import Wiring


def test_split_pasted_any_separator_and_spaced_numbers() -> None:
    text = "07400 123456, 07400123457;+44 7400 123458\n\n07400123459 07400123460\t07400 123461 x"
    assert split_pasted(text) == [
        "07400 123456",
        "07400123457",
        "+44 7400 123458",
        "07400123459",
        "07400123460",
        "07400 123461",
        "x",
    ]


def test_plan_dedupes_flags_and_counts_parts() -> None:
    inputs = [
        Recipient(t, "pasted")
        for t in split_pasted(
            "07400 123456\n+447400123456\n0044 7400 123457\n07400 12345\n"
            "+1 516 725 9623\n07400123458"
        )
    ]
    plan = plan_bulk(inputs, "x" * 161, opted_out={"447400123458"})
    assert plan.digits == ("447400123456", "447400123457", "15167259623")
    assert [i.reason for i in plan.invalid] == ["not a valid UK number: too short"]
    assert [d.recipient.text for d in plan.duplicates] == ["+447400123456"]
    assert "duplicate of 07400 123456 (pasted)" in plan.duplicates[0].reason
    assert [n.digits for n in plan.non_uk] == ["15167259623"]
    assert [n.digits for n in plan.opted_out] == ["447400123458"]
    assert plan.segments.parts == 2 and plan.total_parts == 6
    assert plan.summary() == (
        "3 recipients, 6 parts (1 invalid, 1 duplicate, 1 opted out, 1 outside the UK)."
    )


def test_a_plan_over_the_bulk_limit_is_split_into_bulk_requests() -> None:
    inputs = [Recipient(f"07400 {100000 + n}", "pasted") for n in range(MAX_BULK_RECIPIENTS)]
    plan = plan_bulk(inputs, "hello", opted_out=set())
    assert plan.requests == 1 and plan.summary() == "500 recipients, 500 parts."
    plan = plan_bulk([*inputs, Recipient("07400 999999", "pasted")], "hello", opted_out=set())
    assert not plan.too_many and plan.requests == 2
    assert plan.summary() == ("501 recipients, 501 parts, sent as 2 bulk requests of at most 500.")


def test_csv_recipients_refuse_a_cell_too_long_for_csv_naming_the_line() -> None:
    # Was an uncaught csv.Error (field larger than field limit).
    with pytest.raises(InvalidInput, match="line 2"):
        csv_recipients("Mobile\n07400 123456" + "0" * 200_000 + "\n")


def test_csv_recipients_skip_a_header_and_report_rows_without_numbers() -> None:
    found = csv_recipients("\ufeffName,Mobile\nAlice,07400 123456\nBob,\n,07400123457\n")
    assert found == [
        Recipient("07400 123456", "row 2"),
        Recipient("Bob", "row 3"),
        Recipient("07400123457", "row 4"),
    ]


@pytest.fixture
async def bulk(wiring: Wiring) -> tuple[BulkSender, DbWorker]:
    senders = SenderIds(wiring.client, wiring.worker)
    await senders.refresh()
    sender = OutboxSender(wiring.client, wiring.worker, server_clock=wiring.clock)
    return BulkSender(wiring.worker, sender, senders), wiring.worker


@pytest.mark.sim_config(delivery_delay=0)
async def test_plan_from_groups_csv_and_send_one_bulk_row(
    bulk: tuple[BulkSender, DbWorker], sim_state: SimState, tmp_path: Path
) -> None:
    sender, worker = bulk

    def seed(db: object) -> None:
        from hubdesk.store.database import Database

        assert isinstance(db, Database)
        a = db.contacts.add("447400123456", "Alice")
        b = db.contacts.add("447400123457", "Bob")
        assert a.id is not None and b.id is not None
        db.contacts.add_to_group(a.id, "Staff")
        db.contacts.add_to_group(b.id, "Staff")
        db.optouts.add("447400123457")

    await worker.run(seed)
    csv_path = tmp_path / "list.csv"
    csv_path.write_text("number\n07400 123458\n07400 123456\n", encoding="utf-8")
    plan = await sender.plan(
        "Clinic closed Friday", groups=["Staff", "Nope"], pasted="07400123459", csv_path=csv_path
    )
    assert plan.digits == ("447400123456", "447400123459", "447400123458")
    assert [n.digits for n in plan.opted_out] == ["447400123457"]
    assert [i.reason for i in plan.invalid] == ["no such group"]
    with pytest.raises(NoApprovedSender):
        await sender.send_bulk(plan, "SMTEST", "Clinic closed Friday")
    with pytest.raises(InvalidInput):
        await sender.send_bulk(plan, "447520602706", " ")
    sim_state.clear_requests()
    result = await sender.send_bulk(plan, "447520602706", "Clinic closed Friday")
    assert result.item is not None and result.item.bulk
    assert result.item.state is OutboxState.SENT and result.recipients == 3
    assert result.summary == "Sent to 3 recipients."
    posts = [r for r in sim_state.requests() if r.get("method") == "POST"]
    assert [r.get("path") for r in posts] == ["/api/sms/bulk-send"]
    outbox = await worker.run(lambda db: db.outbox.all())
    assert len(outbox) == 1


@pytest.mark.sim_config(delivery_delay=0)
async def test_personalised_bulk_fills_each_text_and_refuses_a_missing_value_first(
    wiring: Wiring, sim_state: SimState
) -> None:
    senders = SenderIds(wiring.client, wiring.worker)
    await senders.refresh()
    outbox = OutboxSender(wiring.client, wiring.worker, server_clock=wiring.clock)
    sender, worker = BulkSender(wiring.worker, outbox, senders), wiring.worker
    sends = BulkSends(worker, outbox, senders)
    await worker.run(lambda db: db.contacts.add("447400123456", "Alice Smith"))
    await worker.run(lambda db: db.contacts.add("447400123457", "Bob Jones"))
    main = "447520602706"
    plan = await sender.plan_personalised(
        "Hi {first_name}, see you", main, pasted="07400 123456\n07400 123457\n07400 123458"
    )
    assert [m.text for m in plan.messages] == ["Hi Alice, see you", "Hi Bob, see you"]
    assert [e.given for e in plan.missing_values] == ["07400 123458"]
    sim_state.clear_requests()
    with pytest.raises(InvalidInput) as refused:
        await sends.start_personalised(plan, main)
    said = str(refused.value)
    assert "{first_name}" in said and "07400 123458" in said and "Nothing was sent" in said
    assert sim_state.requests() == [] and await worker.run(lambda db: db.outbox.all()) == []
    with pytest.raises(InvalidInput, match="closes no placeholder"):
        await sender.plan_personalised("50% } off", main, pasted="07400 123456")

    plan = await sender.plan_personalised(
        "Hi {first_name|there}", main, pasted="07400 123456\n07400 123458\n02079460123"
    )
    assert [m.text for m in plan.messages] == ["Hi Alice", "Hi there", "Hi there"]
    assert [str(m.reach) for m in plan.flagged] == ["landline — usually cannot receive SMS"]
    batch = await sends.start_personalised(plan, main)
    await outbox.flush(batch=batch.id)
    items = await worker.run(lambda db: db.batches.items(batch.id))
    assert [i.state for i in items] == [OutboxState.SENT] * 3
    posts = [r for r in sim_state.requests() if r.get("method") == "POST"]
    assert [r.get("path") for r in posts] == ["/api/sms/send"] * 3
    texts = sorted(m["text"] for m in sim_state.messages() if m["text"].startswith("Hi "))
    assert texts == ["Hi Alice", "Hi there", "Hi there"]
