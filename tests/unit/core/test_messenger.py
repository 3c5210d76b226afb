"""core.messenger (+ senders) against the simulator in process, with the real OutboxSender."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

import pytest

from hubdesk.api import HubClient
from hubdesk.core.errors import InvalidInput, NoApprovedSender, OptedOut
from hubdesk.core.messenger import CHOOSE_SENDER, Messenger
from hubdesk.core.senders import SenderIds
from hubdesk.domain import DeliveryStatus, OutboxState, ReadStatus, Sms, SmsType
from hubdesk.sim import Fault, SimState
from hubdesk.store.worker import DbWorker
from hubdesk.sync.outbox import OutboxSender
from tests.unit.core.conftest import Wiring

MAIN = "447520602706"


@dataclass
class Rig:
    worker: DbWorker
    client: HubClient
    senders: SenderIds
    messenger: Messenger
    default: list[str | None]


@pytest.fixture
async def rig(wiring: Wiring) -> Rig:
    senders = SenderIds(wiring.client, wiring.worker)
    await senders.refresh()
    default: list[str | None] = [None]
    sender = OutboxSender(wiring.client, wiring.worker, server_clock=wiring.clock)
    messenger = Messenger(wiring.worker, sender, senders, lambda: default[0])
    return Rig(wiring.worker, wiring.client, senders, messenger, default)


async def test_senders_refresh_cache_and_request(rig: Rig, sim_state: SimState) -> None:
    assert sorted(rig.senders.approved()) == ["13234710258", MAIN]
    offline = SenderIds(None, rig.worker)
    assert await offline.load_cached() == rig.senders.items
    assert {s.sender_id for s in offline.items} == {MAIN, "13234710258", "SMTEST", "44123456789"}
    with pytest.raises(InvalidInput, match="only letters and digits"):
        await rig.senders.request("HUB WORK")
    with pytest.raises(InvalidInput, match="already on the account"):
        await rig.senders.request("SMTEST")
    message = await rig.senders.request("FrontDesk")
    assert "review" in message
    assert "FrontDesk" in [s["sender_id"] for s in sim_state.sender_ids()]
    assert "FrontDesk" not in rig.senders.approved()
    sim_state.approve_sender_id("FrontDesk")
    await rig.senders.refresh()
    assert "FrontDesk" in rig.senders.approved()


async def test_send_validates_then_sends_through_the_outbox(rig: Rig, sim_state: SimState) -> None:
    m = rig.messenger
    sim_state.clear_requests()
    with pytest.raises(InvalidInput, match="too short"):
        await m.send("07400 12345", "hi")
    with pytest.raises(InvalidInput, match="empty"):
        await m.send("07400 123456", "  \n")
    with pytest.raises(NoApprovedSender, match="SMTEST is not approved"):
        await m.send("07400 123456", "hi", "SMTEST")
    assert sim_state.requests() == []
    with pytest.raises(InvalidInput, match="Choose the sender ID"):
        await m.send("07400 123456", "hi")  # two approved, no default: the user chooses
    assert sim_state.requests() == []
    await m.save_draft("447400123456", "draft text")
    rig.default[0] = MAIN
    receipt = await m.send("07400 123456", "Hello Alice")
    assert receipt.sent and receipt.note is None
    assert receipt.sender_id == MAIN
    assert receipt.item.sms_ids and await m.draft("447400123456") is None
    sent = [x for x in sim_state.messages() if x["text"] == "Hello Alice"]
    assert len(sent) == 1 and sent[0]["destination"] == "447400123456"


async def test_non_uk_number_is_allowed_with_a_note(rig: Rig) -> None:
    receipt = await rig.messenger.send("+1 516 725 9623", "hello", "13234710258")
    assert receipt.note is not None and receipt.note.startswith("not a UK number (+1)")
    assert receipt.destination.digits == "15167259623"


async def test_sender_choice_last_used_then_default_then_ask(rig: Rig) -> None:
    m = rig.messenger
    first, second = rig.senders.approved()
    assert await m.sender_for("447400123456") is None  # two approved, no default: ask
    assert await m.send_blocked_reason("447400123456", None) == CHOOSE_SENDER
    rig.default[0] = second
    assert await m.sender_for("447400123456") == second
    await m.send("07400123456", "hi", first)
    assert await m.sender_for("447400123456") == first  # last used wins over the default
    rig.default[0] = "SMTEST"  # not approved: ignored
    assert await m.sender_for("447400999999") is None


async def test_sender_choice_follows_the_thread_when_hubdesk_never_sent(rig: Rig) -> None:
    # A thread whose newest sent message came from a sender id HubDesk never used (another
    # client, or before install) preselects that id rather than the first approved one.
    first, second = rig.senders.approved()
    when = datetime(2026, 11, 1, 9, 30, tzinfo=UTC)
    sent = Sms(
        sms_id=900001,
        source=second,
        destination="447400555000",
        text="Booked for 3pm",
        type=SmsType.SENT,
        delivery_status=DeliveryStatus.SENT,
        read_status=ReadStatus.READ,
        time=when,
    )
    await rig.worker.run(lambda db: db.messages.upsert_messages([sent]))
    assert await rig.messenger.sender_for("447400555000") == second
    rig.default[0] = first
    assert await rig.messenger.sender_for("447400555000") == second  # the thread wins
    assert await rig.messenger.sender_for("447400555999") == first  # no thread: default
    # Only a message from the partner: reply from the line they wrote to.
    wrote = replace(
        sent, sms_id=900002, source="447400555111", destination=second, type=SmsType.RECEIVED
    )
    await rig.worker.run(lambda db: db.messages.upsert_messages([wrote]))
    assert await rig.messenger.sender_for("447400555111") == second
    # A newer reply to a line that cannot send (not an approved id) hides nothing.
    other_line = replace(
        wrote, sms_id=900003, destination="447999000111", time=when + timedelta(hours=1)
    )
    await rig.worker.run(lambda db: db.messages.upsert_messages([other_line]))
    assert await rig.messenger.sender_for("447400555111") == second


async def test_opt_out_blocks_unless_overridden(rig: Rig) -> None:
    await rig.worker.run(lambda db: db.optouts.add("447400123456"))
    m = rig.messenger
    assert await m.send_blocked_reason("447400123456", MAIN) == "This number has opted out (STOP)."
    with pytest.raises(OptedOut):
        await m.send("07400 123456", "are you there?", MAIN)
    assert await rig.worker.run(lambda db: db.outbox.all(10)) == []  # nothing queued
    receipt = await m.send("07400 123456", "You asked us to call", MAIN, override_optout=True)
    assert receipt.sent


async def test_blocked_reasons(rig: Rig) -> None:
    m = rig.messenger
    assert await m.send_blocked_reason("447400123456", MAIN) is None
    reason = await m.send_blocked_reason("07400 12345", MAIN)
    assert reason == "Not a valid UK number: too short."
    assert await m.send_blocked_reason("447400123456", "SMTEST") == (
        "The sender ID SMTEST is not approved."
    )
    empty = Messenger(rig.worker, m._sender, SenderIds(None, rig.worker))
    assert await empty.send_blocked_reason("447400123456", None) == (
        "No approved sender ID yet; request one and wait for approval."
    )


async def test_refused_send_can_be_retried(rig: Rig, sim_state: SimState) -> None:
    sim_state.add_fault(Fault("500", path="/api/sms/send"))
    first = await rig.messenger.send("07400 123456", "retry me", MAIN)
    assert first.item.state is OutboxState.UNKNOWN  # a 5xx to a POST may have executed
    sim_state.clear_faults()
    await rig.worker.run(lambda db: db.outbox.mark_failed(first.item.id, "gave up"))
    again = await rig.messenger.retry(first.item.id)
    assert again.state is OutboxState.SENT
    assert len([x for x in sim_state.messages() if x["text"] == "retry me"]) == 1
    with pytest.raises(InvalidInput):
        await rig.messenger.retry(9999)


async def test_send_fills_placeholders_and_refuses_a_missing_value_before_queueing(
    rig: Rig, sim_state: SimState
) -> None:
    await rig.worker.run(lambda db: db.contacts.add("447400123456", "Alice Smith"))
    m = rig.messenger
    receipt = await m.send("07400 123456", "Hi {first_name|there}, from {sender}", MAIN)
    assert receipt.item.text == "Hi Alice, from 07520 602706"
    assert [x["text"] for x in sim_state.messages() if x["destination"] == "447400123456"][
        -1
    ] == "Hi Alice, from 07520 602706"
    sim_state.clear_requests()
    with pytest.raises(InvalidInput) as refused:
        await m.send("07400 999999", "Hi {first_name}", MAIN)
    assert "{first_name}" in str(refused.value) and "07400 999999" in str(refused.value)
    assert "nothing was sent" in str(refused.value)
    with pytest.raises(InvalidInput, match="closes no placeholder"):
        await m.send("07400 123456", "50% off } today", MAIN)
    assert sim_state.requests() == []
    outbox = await rig.worker.run(lambda db: db.outbox.all())
    assert all("999999" not in "".join(i.destinations) for i in outbox)
