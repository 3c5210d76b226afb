"""core: Send later (Messenger.send_later), the Scheduled list, the overdue prompt's
send now / cancel, and bulk sends made of many rows (start, progress, pause, resume,
cancel), over a real store and the simulator in process."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from hubdesk.core.batches import BulkSends, split_rows
from hubdesk.core.bulk import BulkSender, Recipient, plan_bulk
from hubdesk.core.errors import InvalidInput, NoApprovedSender, OptedOut
from hubdesk.core.messenger import Messenger
from hubdesk.core.personalised import Personaliser
from hubdesk.core.scheduling import Scheduler
from hubdesk.core.senders import SenderIds
from hubdesk.domain import BatchState, OutboxState
from hubdesk.domain.placeholders import format_time, parse
from hubdesk.sim import SimState
from hubdesk.store.database import Database
from hubdesk.store.worker import DbWorker
from hubdesk.sync.outbox import OutboxSender
from tests.unit.core.conftest import Wiring

MAIN = "447520602706"
ALICE, BOB = "447400123456", "447400123457"
HOUR = timedelta(hours=1)


@dataclass
class Rig:
    worker: DbWorker
    sender: OutboxSender
    messenger: Messenger
    scheduler: Scheduler
    bulks: BulkSends


@pytest.fixture
async def rig(wiring: Wiring) -> Rig:
    senders = SenderIds(wiring.client, wiring.worker)
    await senders.refresh()
    sender = OutboxSender(wiring.client, wiring.worker, server_clock=wiring.clock)
    return Rig(
        wiring.worker,
        sender,
        Messenger(wiring.worker, sender, senders),
        Scheduler(wiring.worker, sender),
        BulkSends(wiring.worker, sender, senders),
    )


def _contacts(db: Database) -> None:
    db.contacts.add(ALICE, "Alice Smith")
    db.contacts.add(BOB, "Bob Jones")


def _posts(sim_state: SimState) -> list[object]:
    return [r for r in sim_state.requests() if r.get("method") == "POST"]


async def test_send_later_fills_the_text_for_its_time_and_sends_nothing_now(
    rig: Rig, sim_state: SimState
) -> None:
    await rig.worker.run(_contacts)
    when = (datetime.now(UTC) + timedelta(days=1)).replace(
        hour=9, minute=0, second=0, microsecond=0
    )
    sim_state.clear_requests()
    receipt = await rig.messenger.send_later("07400 123456", "Hi {first_name}, {time}", when, MAIN)
    item = receipt.item
    assert item.state is OutboxState.SCHEDULED and item.not_before == when
    assert item.text == f"Hi Alice, {format_time(when.astimezone())}"
    assert item.template_text == "Hi {first_name}, {time}"
    assert _posts(sim_state) == []
    assert await rig.scheduler.waiting() == [item]
    with pytest.raises(InvalidInput, match="in the past"):
        await rig.messenger.send_later(ALICE, "Hi", datetime.now(UTC) - HOUR, MAIN)
    with pytest.raises(InvalidInput, match="no value for"):
        await rig.messenger.send_later("07400 999999", "Hi {first_name}", when, MAIN)
    with pytest.raises(InvalidInput, match="closes no placeholder"):
        await rig.messenger.send_later(ALICE, "50% off } today", when, MAIN)
    with pytest.raises(NoApprovedSender):
        await rig.messenger.send_later(ALICE, "Hi", when, "SMTEST")
    await rig.worker.run(lambda db: db.optouts.add(BOB))
    with pytest.raises(OptedOut):
        await rig.messenger.send_later(BOB, "Hi", when, MAIN)
    assert len(await rig.scheduler.waiting()) == 1  # nothing else was queued


async def test_send_now_fills_the_time_again_and_cancel_refuses_what_may_be_sent(
    rig: Rig, sim_state: SimState
) -> None:
    await rig.worker.run(_contacts)
    when = datetime.now(UTC) + HOUR * 5
    later = (await rig.messenger.send_later(ALICE, "{time} {first_name}", when, MAIN)).item
    moved = await rig.scheduler.reschedule(later.id, when + HOUR)
    assert moved.text == f"{format_time((when + HOUR).astimezone())} Alice"
    with pytest.raises(InvalidInput, match="in the past"):
        await rig.scheduler.reschedule(later.id, datetime.now(UTC) - HOUR)
    released = await rig.scheduler.send_now(later.id)
    assert released.state is OutboxState.QUEUED
    assert released.text == f"{format_time(released.not_before.astimezone())} Alice"  # type: ignore[union-attr]
    report = await rig.sender.flush()
    assert report.sent == [later.id]
    with pytest.raises(InvalidInput, match="cannot be cancelled: it has already been sent"):
        await rig.scheduler.cancel(later.id)
    with pytest.raises(InvalidInput, match="cannot be sent now: it has already been sent"):
        await rig.scheduler.send_now(later.id)
    with pytest.raises(InvalidInput, match="no outbox entry 999"):
        await rig.scheduler.cancel(999)
    other = (await rig.messenger.send_later(BOB, "Bye", when, MAIN)).item
    cancelled = await rig.scheduler.cancel(other.id)
    assert cancelled.state is OutboxState.CANCELLED
    assert await rig.scheduler.waiting() == []


async def test_an_overdue_message_is_listed_and_sent_when_the_user_says(
    rig: Rig, sim_state: SimState
) -> None:
    await rig.worker.run(_contacts)
    item = await rig.worker.run(
        lambda db: db.outbox.enqueue(
            MAIN, [ALICE], "filled at 09:00", not_before=datetime.now(UTC) - HOUR * 3,
            template_text="filled at {time}",
        )
    )  # fmt: skip
    report = await rig.sender.flush()
    assert report.overdue == [item.id] and report.sent == []
    (overdue,) = await rig.scheduler.overdue()
    assert overdue.id == item.id and overdue.state is OutboxState.OVERDUE
    sent_now = await rig.scheduler.send_now(item.id)
    assert sent_now.text.startswith("filled at ") and sent_now.text != "filled at 09:00"
    assert (await rig.sender.flush()).sent == [item.id]
    assert await rig.scheduler.overdue() == []


async def test_a_bulk_row_keeps_a_name_filled_for_everyone_when_sent_again(rig: Rig) -> None:
    """A bulk row is one text for many numbers: sending it later never fills in the
    first recipient's name for all of them."""
    await rig.worker.run(_contacts)
    item = await rig.worker.run(
        lambda db: db.outbox.enqueue(
            MAIN, [ALICE, BOB], "Hi there", bulk=True,
            not_before=datetime.now(UTC) - HOUR * 3, template_text="Hi {first_name|there}",
        )
    )  # fmt: skip
    await rig.sender.flush()
    assert (await rig.scheduler.send_now(item.id)).text == "Hi there"


async def test_a_personalised_batch_starts_reports_progress_pauses_and_cancels(
    rig: Rig, sim_state: SimState
) -> None:
    await rig.worker.run(_contacts)
    numbers = [ALICE, BOB, "447400123458", "447400123459"]
    plan = await Personaliser(rig.worker).plan(
        parse("Hi {first_name|there}"), MAIN, [Recipient(n, "--to") for n in numbers]
    )
    assert not plan.uniform
    await rig.worker.run(lambda db: db.optouts.add("447400123459"))  # since the plan
    batch = await rig.bulks.start_personalised(plan, MAIN)
    assert batch.recipients == 3 and batch.counts == {OutboxState.QUEUED: 3}
    texts = sorted(i.text for i in await rig.worker.run(lambda db: db.batches.items(batch.id)))
    assert texts == ["Hi Alice", "Hi Bob", "Hi there"]
    paused = await rig.bulks.pause(batch.id)
    assert paused.state is BatchState.PAUSED
    sim_state.clear_requests()
    report = await rig.sender.flush()
    assert report.sent == [] and _posts(sim_state) == []
    await rig.bulks.resume(batch.id)
    await rig.sender.flush()
    done = await rig.bulks.progress(batch.id)
    assert done.counts == {OutboxState.SENT: 3} and done.finished
    assert len(_posts(sim_state)) == 3
    assert await rig.bulks.unfinished() == []
    # Cancelled before it went: nothing sent, and nothing left to send.
    again = await rig.bulks.start_personalised(plan, MAIN, when=datetime.now(UTC) + HOUR)
    assert again.counts == {OutboxState.SCHEDULED: 3}
    assert await rig.bulks.unfinished() == [again]
    gone = await rig.bulks.cancel(again.id)
    assert gone.state is BatchState.CANCELLED and gone.counts == {OutboxState.CANCELLED: 3}
    with pytest.raises(InvalidInput, match="cancelled"):
        await rig.bulks.resume(again.id)
    with pytest.raises(InvalidInput, match="no bulk send 99"):
        await rig.bulks.progress(99)
    missing = await Personaliser(rig.worker).plan(
        parse("Hi {first_name}"), MAIN, [Recipient("07400 999999", "--to")]
    )
    with pytest.raises(InvalidInput, match="no value for"):
        await rig.bulks.start_personalised(missing, MAIN)


async def test_an_overdue_batch_is_sent_when_the_user_says(rig: Rig, sim_state: SimState) -> None:
    await rig.worker.run(_contacts)
    plan = await Personaliser(rig.worker).plan(
        parse("{first_name} {time}"), MAIN, [Recipient(ALICE, "--to"), Recipient(BOB, "--to")]
    )
    batch = await rig.bulks.start_personalised(plan, MAIN, when=datetime.now(UTC) + HOUR)
    await rig.worker.run(
        lambda db: db.conn.execute(
            "UPDATE outbox SET not_before = not_before - 4 * 3600 WHERE batch_id = ?",
            (batch.id,),
        )
    )  # the computer was off: it is three hours late now
    report = await rig.sender.flush()
    assert len(report.overdue) == 2 and report.sent == []
    before = format_time(datetime.now().astimezone())
    released = await rig.scheduler.send_batch_now(batch.id)
    after = format_time(datetime.now().astimezone())
    assert released.counts == {OutboxState.QUEUED: 2}
    texts = sorted(i.text for i in await rig.worker.run(lambda db: db.batches.items(batch.id)))
    assert texts in (["Alice " + t, "Bob " + t] for t in (before, after))  # filled for now
    assert len((await rig.sender.flush()).sent) == 2


async def test_a_list_over_500_is_split_into_bulk_rows_and_sent(
    wiring: Wiring, sim_state: SimState
) -> None:
    senders = SenderIds(wiring.client, wiring.worker)
    await senders.refresh()
    sender = OutboxSender(wiring.client, wiring.worker, server_clock=wiring.clock)
    numbers = [f"07400 {100000 + n}" for n in range(1203)]
    plan = plan_bulk([Recipient(n, "pasted") for n in numbers], "Closed Friday")
    assert plan.requests == 3
    sim_state.clear_requests()
    result = await BulkSender(wiring.worker, sender, senders).send_bulk(plan, MAIN, "Closed Friday")
    assert result.batch_id is not None and len(result.items) == 3
    assert [len(i.destinations) for i in result.items] == [500, 500, 203]
    assert all(i.state is OutboxState.SENT for i in result.items)
    assert result.recipients == 1203 and result.summary == "Sent to 1203 recipients."
    posts = _posts(sim_state)
    assert [p["path"] for p in posts] == ["/api/sms/bulk-send"] * 3  # type: ignore[index]
    assert split_rows(["a", "b", "a"], "t")[0].destinations == ("a", "b")
