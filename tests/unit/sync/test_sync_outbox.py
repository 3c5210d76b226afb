"""The outbox sender: exactly once under every fault the simulator can inject."""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

import pytest

from hubdesk.domain import OutboxState
from hubdesk.sim import Fault
from hubdesk.sync.outbox import OptedOut, OutboxSender
from tests.unit.sync.simkit import SENDER, Kit, kit

SEND = "/api/sms/send"
BULK = "/api/sms/bulk-send"
A, B, C = "447520602707", "447520602708", "447911123456"
FAULTS = ("500", "503", "slow", "malformed", "drop_before", "drop_after", "429")
TIMEOUT = 0.05


def sender(k: Kit, window: float = 1.0, pages: int = 50) -> OutboxSender:
    return OutboxSender(
        k.client,
        k.worker,
        server_clock=k.server_clock,
        events=k.events,
        reconcile_window=window,
        clock_margin=1.0,
        sleep=k.clock.sleep,
        max_reconcile_pages=pages,
    )


def fault(kind: str, path: str, count: int = 1) -> Fault:
    seconds = {"slow": 0.2, "429": 0.0, "503": None}.get(kind)
    return Fault(kind, count=count, path=path, method="POST", seconds=seconds)  # type: ignore[arg-type]


def server_copies(k: Kit) -> Counter[tuple[str, str]]:
    return Counter(
        (m["destination"], m["text"]) for m in k.state.messages() if m["origin"] in ("send", "bulk")
    )


# Rows that must have no copy on the server: cancelled, found too late, not due yet.
NOT_SENT = (OutboxState.CANCELLED, OutboxState.OVERDUE, OutboxState.SCHEDULED)


async def check_exactly_once(k: Kit, s: OutboxSender) -> None:
    """Settle, then: every row is sent with one distinct server message per destination
    (or, cancelled / overdue / not due yet, has none), the server holds exactly those
    messages, and the local store holds them too."""
    report = await s.settle(timeout=60)
    assert report.settled, report
    copies = server_copies(k)
    items = await k.worker.run(lambda db: db.outbox.all(10_000))
    wanted: Counter[tuple[str, str]] = Counter()
    for item in items:
        if item.state in NOT_SENT:
            assert item.sms_ids == (), item
            continue
        assert item.state is OutboxState.SENT, item
        assert len(item.sms_ids) == len(item.destinations), item
        for d in item.destinations:
            wanted[(d, item.text)] += 1
    assert copies == wanted
    ids = [i for item in items for i in item.sms_ids]
    assert len(ids) == len(set(ids)), "two outbox rows claim one server message"
    server = {m["sms_id"]: m for m in k.state.messages()}
    stored = await k.worker.run(lambda db: db.messages.known_ids(ids))
    assert stored == set(ids)
    for item in items:
        for sms_id in item.sms_ids:
            assert server[sms_id]["text"] == item.text


async def test_submit_sends_and_stores_the_message(tmp_path: Path) -> None:
    async with kit(tmp_path, timeout=TIMEOUT) as k:
        s = sender(k)
        result = await s.submit(SENDER, A, "hello there")
        assert result.item is not None and result.item.state is OutboxState.SENT
        (sms_id,) = result.item.sms_ids
        stored = await k.worker.run(lambda db: db.messages.get(sms_id))
        assert stored is not None and stored.text == "hello there"
        assert len(k.requests(SEND)) == 1


async def test_bulk_send_attaches_ids_per_destination(tmp_path: Path) -> None:
    async with kit(tmp_path, timeout=TIMEOUT) as k:
        s = sender(k)
        result = await s.submit(SENDER, [A, B, C], "to all")
        item = result.item
        assert item is not None and item.state is OutboxState.SENT
        states = await k.worker.run(lambda db: db.outbox.destination_states(item.id))
        assert all(sms_id is not None for _, sms_id in states.values())
        await check_exactly_once(k, s)


async def test_optout_refuses_single_and_drops_from_bulk(tmp_path: Path) -> None:
    async with kit(tmp_path, timeout=TIMEOUT) as k:
        await k.worker.run(lambda db: db.optouts.add(A))
        s = sender(k)
        with pytest.raises(OptedOut):
            await s.submit(SENDER, A, "no")
        assert k.requests(SEND) == []
        bulk = await s.submit(SENDER, [A, B], "bulk")
        assert bulk.opted_out == (A,)
        assert bulk.item is not None and bulk.item.destinations == (B,)
        forced = await s.submit(SENDER, A, "yes", override_optout=True)
        assert forced.item is not None and forced.item.state is OutboxState.SENT


async def test_refusal_fails_with_the_servers_sentence(tmp_path: Path) -> None:
    async with kit(tmp_path, timeout=TIMEOUT) as k:
        s = sender(k)
        result = await s.submit("NOTMINE", A, "hello")
        assert result.item is not None and result.item.state is OutboxState.FAILED
        assert result.item.error and "source" in result.item.error.lower()


async def test_network_down_stays_queued_then_goes_out(tmp_path: Path) -> None:
    async with kit(tmp_path, timeout=TIMEOUT) as k:
        s = sender(k)
        k.state.add_fault(fault("429", SEND, count=4))  # more than the client retries
        result = await s.submit(SENDER, A, "later")
        assert result.item is not None and result.item.state is OutboxState.QUEUED
        assert server_copies(k) == Counter()
        await check_exactly_once(k, s)


@pytest.mark.parametrize("kind", FAULTS)
@pytest.mark.parametrize("path", [SEND, BULK])
async def test_each_fault_ends_with_exactly_one_copy(tmp_path: Path, kind: str, path: str) -> None:
    async with kit(tmp_path, timeout=TIMEOUT) as k:
        s = sender(k)
        k.state.add_fault(fault(kind, path))
        dests = A if path == SEND else [A, B]
        await s.submit(SENDER, dests, f"fault {kind}")
        await check_exactly_once(k, s)


async def test_same_text_twice_to_one_number_claims_distinct_messages(tmp_path: Path) -> None:
    async with kit(tmp_path, timeout=TIMEOUT) as k:
        s = sender(k)
        k.state.add_fault(fault("drop_after", SEND, count=2))
        r1 = await s.submit(SENDER, A, "same")
        r2 = await s.submit(SENDER, A, "same")
        assert r1.item is not None and r2.item is not None
        await check_exactly_once(k, s)
        assert server_copies(k)[(A, "same")] == 2


async def test_unknown_is_not_resent_before_the_server_clock_passes_the_window(
    tmp_path: Path,
) -> None:
    async with kit(tmp_path, timeout=TIMEOUT) as k:
        s = sender(k, window=30.0)
        k.state.add_fault(fault("drop_before", SEND))
        r = await s.submit(SENDER, A, "wait for it")
        assert r.item is not None and r.item.state is OutboxState.UNKNOWN
        report = await s.flush()
        assert report.unknown == [r.item.id] and report.next_check is not None
        assert report.next_check > 25
        assert server_copies(k) == Counter()
        k.clock.offset += 40
        report = await s.flush()
        assert report.resent == [r.item.id]
        assert server_copies(k)[(A, "wait for it")] == 1


async def test_attempt_windows_live_in_the_outbox_not_in_sync_state(tmp_path: Path) -> None:
    async with kit(tmp_path, timeout=TIMEOUT) as k:
        s = sender(k, window=30.0)
        k.state.add_fault(fault("drop_before", SEND))
        r = await s.submit(SENDER, A, "windowed")
        assert r.item is not None and r.item.state is OutboxState.UNKNOWN
        item_id = r.item.id
        window = await k.worker.run(lambda db: db.outbox.attempt_window(item_id))
        assert window.started is not None and window.ended is not None
        assert window.started <= window.ended
        keys = await k.worker.run(
            lambda db: db.conn.execute("SELECT key FROM sync_state").fetchall()
        )
        assert not [key for (key,) in keys if key.startswith("outbox_attempt")]
        k.state.add_fault(fault("429", SEND, count=4))  # certainly not executed
        k.clock.offset += 40
        report = await s.flush()
        assert report.queued == [item_id]
        queued = await k.worker.run(lambda db: db.outbox.get(item_id))
        assert queued is not None and queued.state is OutboxState.QUEUED
        await check_exactly_once(k, s)


async def test_a_bulk_longer_than_the_page_budget_is_reconciled_without_resending(
    tmp_path: Path,
) -> None:
    """The search reads one more page per ten destinations: a big bulk whose answer was
    lost is found whole (with a fixed budget, the destinations past it looked absent and
    were sent a second copy)."""
    dests = [f"4479111{n:05d}" for n in range(35)]
    async with kit(tmp_path, timeout=TIMEOUT) as k:
        s = sender(k, pages=1)
        k.state.add_fault(fault("drop_after", BULK))
        r = await s.submit(SENDER, dests, "big bulk")
        assert r.item is not None and r.item.state is OutboxState.UNKNOWN
        k.clock.offset += 40
        await check_exactly_once(k, s)
        assert len(k.requests(BULK)) == 1


async def test_a_bulk_buried_under_newer_traffic_is_found_one_number_at_a_time(
    tmp_path: Path,
) -> None:
    """Other traffic from the same sender pushes the lost bulk past the page budget: the
    search falls back to one receiver-filtered listing per number and finds it all."""
    async with kit(tmp_path, timeout=TIMEOUT) as k:
        s = sender(k, pages=1)
        k.state.add_fault(fault("drop_after", BULK))
        r = await s.submit(SENDER, [A, B, C], "buried")
        assert r.item is not None and r.item.state is OutboxState.UNKNOWN
        for n in range(30):  # newer messages from the same sender, inside the window
            await k.client.send_sms(SENDER, f"4479112{n:05d}", f"other {n}")
        k.clock.offset += 40
        report = await s.flush()
        assert report.found == [r.item.id] and not report.resent
        assert [server_copies(k)[(d, "buried")] for d in (A, B, C)] == [1, 1, 1]
        assert len(k.requests(BULK)) == 1


async def test_a_listing_it_cannot_read_to_the_end_never_counts_as_absent(
    tmp_path: Path,
) -> None:
    """Even the number's own listing is too long to read: the row stays unknown, is not
    sent again, and is not searched again at once (no stream of listing requests)."""
    async with kit(tmp_path, timeout=TIMEOUT) as k:
        s = sender(k, pages=1)
        k.state.add_fault(fault("drop_after", SEND))
        r = await s.submit(SENDER, A, "buried")
        assert r.item is not None and r.item.state is OutboxState.UNKNOWN
        item_id = r.item.id
        for n in range(30):  # newer messages to the same number, inside the window
            await k.client.send_sms(SENDER, A, f"other {n}")
        k.clock.offset += 40
        report = await s.flush()
        assert report.unknown == [item_id] and not report.resent
        assert report.next_check is not None and report.next_check >= 25
        listings = len(k.requests("/api/sms/list"))
        again = await s.flush()
        assert again.unknown == [item_id]
        assert len(k.requests("/api/sms/list")) == listings  # paused, not re-read
        still = await k.worker.run(lambda db: db.outbox.get(item_id))
        assert still is not None and still.state is OutboxState.UNKNOWN
        assert server_copies(k)[(A, "buried")] == 1
        assert len(k.requests(SEND)) == 31  # ours once, and the 30 others


async def test_interrupted_sending_row_is_reconciled_after_restart(tmp_path: Path) -> None:
    async with kit(tmp_path, timeout=TIMEOUT) as k:
        # A previous process committed "sending", the server executed, then it died.
        item = await k.worker.run(lambda db: db.outbox.enqueue(SENDER, [A], "crashed"))
        await k.worker.run(lambda db: db.outbox.mark_sending(item.id))
        await k.client.send_sms(SENDER, A, "crashed")
        lost = await k.worker.run(lambda db: db.outbox.enqueue(SENDER, [B], "never sent"))
        await k.worker.run(lambda db: db.outbox.mark_sending(lost.id))
    async with kit(tmp_path, state=k.state, clock=k.clock, timeout=TIMEOUT) as k2:
        s = sender(k2)
        before = await k2.worker.run(lambda db: db.outbox.get(item.id))
        assert before is not None and before.state is OutboxState.UNKNOWN
        await check_exactly_once(k2, s)


async def test_randomized_fault_trials(tmp_path: Path) -> None:
    """200 trials: random faults (1-3 in a row) on send and bulk send, random text reuse."""
    rng = random.Random(20251129)
    trials = 200
    async with kit(tmp_path, timeout=TIMEOUT) as k:
        s = sender(k, window=1.0)
        for trial in range(trials):
            path = rng.choice([SEND, BULK])
            for _ in range(rng.randint(0, 3)):
                k.state.add_fault(fault(rng.choice(FAULTS), path))
            text = f"t{rng.randint(0, trials // 4)}"  # repeats: same text to same number
            dests = rng.choice([A, B]) if path == SEND else rng.sample([A, B, C], 2)
            await s.submit(SENDER, dests, text)
            if trial % 10 == 9:
                await check_exactly_once(k, s)
                k.state.clear_faults()
        await check_exactly_once(k, s)
        items = await k.worker.run(lambda db: db.outbox.all(10_000))
        assert len(items) == trials
        assert k.state.stats()["faults"] >= trials  # the faults really fired
        assert sum(1 for i in items if i.attempts > 1) >= 20  # some were sent again
