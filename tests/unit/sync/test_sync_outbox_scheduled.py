"""Messages sent later, through the outbox sender against the simulator: sent when due
by whichever process flushes, exactly once; never before; never unasked when found
more than an hour late; the run loop wakes for them."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hubdesk.domain import OutboxState
from hubdesk.store.worker import DbWorker
from hubdesk.sync.events import SyncEvents
from hubdesk.sync.outbox import OutboxSender
from tests.unit.sync.simkit import SENDER, kit, make_client
from tests.unit.sync.test_sync_outbox import (
    SEND,
    TIMEOUT,
    check_exactly_once,
    fault,
    sender,
    server_copies,
)

A, B, C = "447520602707", "447520602708", "447911123456"
D = "447911123457"
HOUR = timedelta(hours=1)


def _now() -> datetime:
    return datetime.now(UTC)


async def test_a_due_row_goes_out_a_future_one_waits_and_a_late_one_is_held(
    tmp_path: Path,
) -> None:
    async with kit(tmp_path, timeout=TIMEOUT) as k:
        s = sender(k)
        due = await s.submit(SENDER, A, "due now", not_before=_now())
        future = await s.submit(SENDER, B, "tomorrow", not_before=_now() + HOUR * 24)
        late = await s.submit(SENDER, C, "yesterday", not_before=_now() - HOUR * 2)
        assert due.item is not None and due.item.state is OutboxState.SCHEDULED
        assert k.requests() == []  # submitting a scheduled message sends nothing
        report = await s.flush()
        assert report.due == [due.item.id] and report.sent == [due.item.id]
        assert late.item is not None and report.overdue == [late.item.id]
        assert report.settled  # waiting rows are not "unsettled"
        assert report.next_due is not None and 23 * 3600 < report.next_due <= 24 * 3600
        assert server_copies(k) == Counter({(A, "due now"): 1})
        assert len(k.requests(SEND)) == 1
        again = await s.flush()
        assert again.sent == [] and again.overdue == [late.item.id]
        assert future.item is not None
        current = await k.worker.run(lambda db: db.outbox.get(future.item.id))  # type: ignore[union-attr]
        assert current is not None and current.state is OutboxState.SCHEDULED


async def test_a_due_row_whose_send_fails_is_sent_later_exactly_once(tmp_path: Path) -> None:
    async with kit(tmp_path, timeout=TIMEOUT) as k:
        s = sender(k)
        k.state.add_fault(fault("drop_after", SEND))  # executed, answer lost: unknown
        await s.submit(SENDER, A, "reminder", not_before=_now())
        first = await s.flush()
        assert len(first.unknown) == 1
        await check_exactly_once(k, s)
        assert server_copies(k)[(A, "reminder")] == 1


async def test_two_processes_flushing_at_the_due_moment_send_each_row_once(
    tmp_path: Path,
) -> None:
    async with kit(tmp_path, timeout=TIMEOUT) as k:
        when = _now() + timedelta(seconds=0.3)
        texts = [f"at nine {n}" for n in range(12)]
        s1 = sender(k)
        for n, text in enumerate(texts):
            await s1.submit(SENDER, [A, B, C][n % 3], text, not_before=when)
        # A second process: its own database connection, client and sender.
        other_worker = await DbWorker.open(k.db_path)
        other_client = make_client(k.state, k.server_clock, TIMEOUT)
        try:
            await other_client.login("demo@hubwork.test", "demo-password")
            s2 = OutboxSender(
                other_client, other_worker, server_clock=k.server_clock, events=SyncEvents(),
                reconcile_window=1.0, clock_margin=1.0, sleep=k.clock.sleep,
            )  # fmt: skip
            await asyncio.sleep(max(0.0, (when - _now()).total_seconds()))
            r1, r2 = await asyncio.gather(s1.flush(), s2.flush())
            claimed = r1.sent + r2.sent
            assert sorted(claimed) == sorted(set(claimed))
            await check_exactly_once(k, s1)
            assert sum(server_copies(k)[(d, t)] for d in (A, B, C) for t in texts) == 12
            assert len(k.requests(SEND)) == 12
        finally:
            await other_client.aclose()
            await other_worker.close()


async def test_the_run_loop_wakes_when_a_message_is_due_and_when_poked(tmp_path: Path) -> None:
    async with kit(tmp_path, timeout=TIMEOUT) as k:
        s = OutboxSender(k.client, k.worker, server_clock=k.server_clock, events=k.events)
        stop = asyncio.Event()
        loop = asyncio.create_task(s.run(stop, interval=300.0))
        try:
            await asyncio.sleep(0.2)  # the first pass: nothing to send, nothing due
            await s.submit(SENDER, A, "soon", not_before=_now() + timedelta(seconds=0.5))
            await _until(lambda: server_copies(k)[(A, "soon")] == 1, 5.0)
            # A message released by another process (or after a wake from sleep) goes
            # out at the poke, not 300 s later.
            item = await k.worker.run(
                lambda db: db.outbox.enqueue(SENDER, [B], "released", not_before=_now() + HOUR)
            )
            await k.worker.run(lambda db: db.schedule.send_now(item.id))
            await asyncio.sleep(0.2)
            assert server_copies(k)[(B, "released")] == 0
            s.poke()
            await _until(lambda: server_copies(k)[(B, "released")] == 1, 5.0)
        finally:
            stop.set()
            await asyncio.wait_for(loop, 5)


async def _until(condition: object, timeout: float) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():  # type: ignore[operator]
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("timed out waiting")
        await asyncio.sleep(0.02)


async def test_a_row_found_too_late_is_announced_as_overdue(tmp_path: Path) -> None:
    """The app's thread and its "send now or cancel" prompt hear of it at once."""
    async with kit(tmp_path, timeout=TIMEOUT) as k:
        s = sender(k)
        late = await s.submit(SENDER, C, "yesterday", not_before=_now() - HOUR * 2)
        assert late.item is not None
        heard: list[tuple[int, OutboxState]] = []
        s.events.outbox_changed.connect(lambda item: heard.append((item.id, item.state)))
        await s.flush()
        assert heard == [(late.item.id, OutboxState.OVERDUE)]
        await s.flush()  # already overdue: not announced again
        assert heard == [(late.item.id, OutboxState.OVERDUE)]


async def test_a_number_that_replies_stop_after_scheduling_is_not_texted(tmp_path: Path) -> None:
    # A reminder scheduled for tomorrow; the customer replies STOP tonight. The opt-out
    # was checked when the message was written only: it went out at its time anyway.
    async with kit(tmp_path, timeout=TIMEOUT) as k:
        s = sender(k)
        single = await s.submit(SENDER, A, "promo", not_before=_now() + timedelta(seconds=1))
        bulk = await s.submit(SENDER, [B, C], "promo all", not_before=_now() + timedelta(seconds=1))
        kept = await s.submit(SENDER, C, "to C", not_before=_now() + timedelta(seconds=1))
        later = _now() + timedelta(seconds=1)  # times are kept to the second
        await k.worker.run(lambda db: db.optouts.add(A, since=later))
        await k.worker.run(lambda db: db.optouts.add(B, since=later))
        await asyncio.sleep(1.1)
        report = await s.flush()
        assert single.item is not None and bulk.item is not None and kept.item is not None
        assert report.sent == [kept.item.id]
        assert sorted(report.failed) == sorted([single.item.id, bulk.item.id])
        assert server_copies(k) == Counter({(C, "to C"): 1})
        failed = await k.worker.run(lambda db: db.outbox.get(single.item.id))  # type: ignore[union-attr]
        assert failed is not None and failed.state is OutboxState.FAILED
        assert failed.error is not None and "replied STOP after" in failed.error
        # Written after the STOP with the override: the user's decision stands.
        await k.worker.run(lambda db: db.optouts.add(D, since=_now() - HOUR))
        insist = await s.submit(SENDER, D, "you asked", override_optout=True)
        assert insist.item is not None and insist.item.state is OutboxState.SENT
