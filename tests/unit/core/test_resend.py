"""Retries that settle: ``Messenger.resend`` / ``retry_entry`` against the simulator in
process, through the real OutboxSender and a real SQLite file."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from hubdesk.core.errors import AlreadyResent, InvalidInput, NoApprovedSender, OptedOut
from hubdesk.core.messenger import Messenger
from hubdesk.core.senders import SenderIds
from hubdesk.domain import DeliveryStatus, OutboxState, ReadStatus, Sms, SmsType
from hubdesk.sim import Fault, SimState
from hubdesk.store.worker import DbWorker
from hubdesk.sync.outbox import OutboxSender
from tests.unit.core.conftest import Wiring

MAIN = "447520602706"
OTHER = "13234710258"
P = "447400123456"
Q = "447400999888"
TEXT = "Your table is ready"


@pytest.fixture
async def messenger(wiring: Wiring) -> Messenger:
    senders = SenderIds(wiring.client, wiring.worker)
    await senders.refresh()
    sender = OutboxSender(wiring.client, wiring.worker, server_clock=wiring.clock)
    return Messenger(wiring.worker, sender, senders)


async def _failed(
    worker: DbWorker, sms_id: int = 5001, source: str = MAIN, partner: str = P
) -> None:
    """A message the server reported undelivered (as a poll would store it)."""
    when = datetime(2025, 1, 2, 9, 30, tzinfo=UTC)
    sms = Sms(
        sms_id, source, partner, TEXT, SmsType.SENT, DeliveryStatus.FAILED, ReadStatus.READ, when
    )
    await worker.run(lambda db: db.messages.upsert_messages([sms]))


def _posts(sim_state: SimState) -> list[dict[str, object]]:
    return [dict(r) for r in sim_state.requests() if r["path"] == "/api/sms/send"]


def _copies(sim_state: SimState) -> int:
    return len([m for m in sim_state.messages() if m["text"] == TEXT])


async def test_one_retry_resends_once_and_settles_the_failure(
    messenger: Messenger, wiring: Wiring, sim_state: SimState
) -> None:
    await _failed(wiring.worker)
    worker = wiring.worker
    (conv,) = await worker.run(lambda db: db.messages.conversations())
    assert conv.has_failed
    original = (await worker.run(lambda db: db.messages.thread(P)))[0]
    sim_state.clear_requests()
    item = await messenger.retry_entry(original)  # one action: no compose box, no Send
    assert (
        item.state is OutboxState.SENT and len(_posts(sim_state)) == 1 and _copies(sim_state) == 1
    )
    assert item.source == MAIN and item.destinations == (P,) and item.text == TEXT
    # The failed message now reads "Resent", with the id of its resend; the list is clear.
    newest, failed = await worker.run(lambda db: db.messages.thread(P))
    assert failed.sms_id == 5001 and failed.resent
    assert failed.resend_outbox_id == item.id and failed.resend_sms_id == item.sms_ids[0]
    assert newest.sms_id == item.sms_ids[0] and newest.resend_of == 5001
    (conv,) = await worker.run(lambda db: db.messages.conversations())
    assert not conv.has_failed
    # The next person on shift presses Retry on the same bubble: refused, nothing sent.
    with pytest.raises(AlreadyResent, match=f"already sent again as SMS {item.sms_ids[0]}") as c:
        await messenger.retry_entry(failed)
    assert c.value.outbox_id == item.id and c.value.failed_sms_id == 5001
    with pytest.raises(AlreadyResent):
        await messenger.resend(5001)
    assert len(_posts(sim_state)) == 1 and _copies(sim_state) == 1


async def test_a_queued_resend_refuses_a_second_retry_and_goes_out_with_the_flush(
    messenger: Messenger, wiring: Wiring, sim_state: SimState
) -> None:
    await _failed(wiring.worker)
    sim_state.add_fault(Fault("429", path="/api/sms/send"))  # certainly not sent
    first = await messenger.resend(5001)
    assert first.item.state is OutboxState.QUEUED and _copies(sim_state) == 0
    with pytest.raises(AlreadyResent, match="is queued"):
        await messenger.resend(5001)
    report = await messenger._sender.flush()
    assert report.sent == [first.item.id]
    assert _copies(sim_state) == 1


async def test_a_refused_resend_is_retried_as_the_same_entry(
    messenger: Messenger, wiring: Wiring, sim_state: SimState
) -> None:
    await _failed(wiring.worker)
    sim_state.add_fault(Fault("403", path="/api/sms/send"))  # the server refuses it
    first = await messenger.resend(5001)
    assert first.item.state is OutboxState.FAILED and _copies(sim_state) == 0
    (conv,) = await wiring.worker.run(lambda db: db.messages.conversations())
    assert conv.has_failed  # the refused resend is itself a failure to see
    again = await messenger.resend(5001)
    assert again.requeued and again.item.id == first.item.id
    assert again.sent and _copies(sim_state) == 1
    outbox = await wiring.worker.run(lambda db: db.outbox.all())
    assert [i.id for i in outbox] == [first.item.id]


async def test_resend_checks_first_and_sends_nothing_when_refused(
    messenger: Messenger, wiring: Wiring, sim_state: SimState
) -> None:
    await _failed(wiring.worker, 5001, source="SMTEST", partner=Q)  # not approved (any more)
    await _failed(wiring.worker, 5002)
    sim_state.clear_requests()
    with pytest.raises(InvalidInput, match="SMTEST it was sent from is no longer approved"):
        await messenger.resend(5001)  # two approved, no default: the user must choose
    with pytest.raises(NoApprovedSender, match="SMTEST is not approved"):
        await messenger.resend(5002, "SMTEST")
    with pytest.raises(InvalidInput, match="SMS 77 is not in the local store"):
        await messenger.resend(77)
    await wiring.worker.run(lambda db: db.optouts.add(P))
    with pytest.raises(OptedOut, match="opted out"):
        await messenger.resend(5002)
    assert _posts(sim_state) == []
    resent = await messenger.resend(5002, OTHER, override_optout=True)
    assert resent.sent and resent.item.source == OTHER
    assert await messenger.sender_for(P) == OTHER  # remembered for the conversation
    # The user may pick another approved ID for a message whose own is gone.
    assert (await messenger.resend(5001, OTHER)).item.destinations == (Q,)


async def test_retry_entry_refuses_what_cannot_be_retried(
    messenger: Messenger, wiring: Wiring
) -> None:
    when = datetime(2025, 1, 2, 9, 30, tzinfo=UTC)
    sms = Sms(1, P, MAIN, "hi", SmsType.RECEIVED, DeliveryStatus.SENT, ReadStatus.READ, when)
    await wiring.worker.run(lambda db: db.messages.upsert_messages([sms]))
    await wiring.worker.run(lambda db: db.calls.add(P, True, "Call placed", time=when))
    call, received = await wiring.worker.run(lambda db: db.messages.thread(P, calls=True))
    with pytest.raises(InvalidInput, match="only a failed message"):
        await messenger.retry_entry(received)
    with pytest.raises(InvalidInput, match="call again"):
        await messenger.retry_entry(call)


async def test_discarding_a_refused_resend_lets_the_failure_show_again(
    messenger: Messenger, wiring: Wiring, sim_state: SimState
) -> None:
    await _failed(wiring.worker)
    sim_state.add_fault(Fault("403", path="/api/sms/send"))
    first = await messenger.resend(5001)
    assert await messenger.discard(first.item.id)
    (conv,) = await wiring.worker.run(lambda db: db.messages.conversations())
    assert conv.has_failed
    (entry,) = await wiring.worker.run(lambda db: db.messages.thread(P))
    assert not entry.resent
