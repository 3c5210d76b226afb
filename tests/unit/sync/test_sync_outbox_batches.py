"""Batches through the outbox sender against the simulator: one request per recipient
with its own text, a few in flight, paced under the server's rate limit with room left
for the poll, paused, resumed and cancelled with every recipient sent once or not at all,
and exactly once under faults."""

from __future__ import annotations

import asyncio
from collections import Counter
from pathlib import Path

import httpx

from hubdesk.domain import BatchState, OutboxItem, OutboxState
from hubdesk.store.batches import BatchRow
from hubdesk.sync.outbox import OutboxSender
from hubdesk.sync.pacing import RatePacer
from hubdesk.sync.poller import Poller
from tests.unit.sync.simkit import SENDER, Kit, kit
from tests.unit.sync.test_sync_outbox import (
    BULK,
    SEND,
    TIMEOUT,
    check_exactly_once,
    fault,
    sender,
    server_copies,
)

NUMBERS = [f"4479111{n:05d}" for n in range(40)]


def _personalised(numbers: list[str], tag: str = "Hi") -> list[BatchRow]:
    return [BatchRow((n,), f"{tag} {n[-3:]}", f"{tag} {{number}}") for n in numbers]


async def _create(k: Kit, rows: list[BatchRow]) -> int:
    batch = await k.worker.run(lambda db: db.batches.create(SENDER, rows))
    return batch.id


class _InFlight(httpx.AsyncBaseTransport):
    """Counts the sends in flight at once (inside the client's time-out)."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self._inner = inner
        self.now = 0
        self.most = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        counted = request.url.path == SEND
        if counted:
            self.now += 1
            self.most = max(self.most, self.now)
        try:
            return await self._inner.handle_async_request(request)
        finally:
            if counted:
                self.now -= 1

    async def aclose(self) -> None:
        await self._inner.aclose()


async def test_a_personalised_batch_is_one_send_per_recipient_a_few_at_a_time(
    tmp_path: Path,
) -> None:
    counter: list[_InFlight] = []

    def wrap(inner: httpx.AsyncBaseTransport) -> httpx.AsyncBaseTransport:
        counter.append(_InFlight(inner))
        return counter[0]

    async with kit(tmp_path, timeout=1.0, inside=wrap, latency=0.02) as k:
        s = sender(k)
        batch_id = await _create(k, _personalised(NUMBERS))
        report = await s.flush()
        assert sorted(report.sent) == sorted(
            i.id for i in await k.worker.run(lambda db: db.batches.items(batch_id))
        )
        assert len(k.requests(SEND)) == len(NUMBERS) and k.requests(BULK) == []
        assert server_copies(k) == Counter({(n, f"Hi {n[-3:]}"): 1 for n in NUMBERS})
        assert 1 < counter[0].most <= 4  # several in flight, never more than four
        done = await k.worker.run(lambda db: db.batches.get(batch_id))
        assert done is not None and done.finished and done.counts == {OutboxState.SENT: 40}
        await check_exactly_once(k, s)


async def test_pacing_keeps_the_reserve_for_the_poll_and_meets_no_429(tmp_path: Path) -> None:
    """A 30-per-minute limit and 70 recipients: the batch waits for new windows, never
    eats the last requests of one, and the poll beside it always gets through."""
    async with kit(tmp_path, timeout=TIMEOUT, rate_limit=30) as k:
        pacer = RatePacer(k.client, reserve_min=5, sleep=k.clock.sleep)
        s = OutboxSender(
            k.client, k.worker, server_clock=k.server_clock, events=k.events,
            reconcile_window=1.0, clock_margin=1.0, sleep=k.clock.sleep, pacer=pacer,
        )  # fmt: skip
        poller = Poller(k.client, k.worker, events=k.events)
        numbers = NUMBERS[:35] + [f"447911200{n:03d}" for n in range(35)]
        batch_id = await _create(k, _personalised(numbers))
        polls: list[int] = []

        async def poll_beside() -> None:
            """Two polls in every one-minute window of the server's clock (the clock
            moves when the pacer waits for a new window)."""
            while True:
                window = k.clock.offset
                for _ in range(2):
                    result = await poller.poll_once()
                    polls.append(result.requests)
                    await asyncio.sleep(0.005)
                while k.clock.offset == window:
                    await asyncio.sleep(0.005)

        polling = asyncio.create_task(poll_beside())
        try:
            report = await s.settle(timeout=30)
        finally:
            polling.cancel()
            await asyncio.gather(polling, return_exceptions=True)
        assert report.settled
        refused = [r for r in k.state.requests() if r["status"] == 429]
        assert refused == []  # neither the sends nor the polls
        assert pacer.waited > 0 and len(polls) > 3
        assert len(k.requests(SEND)) == 70
        batch = await k.worker.run(lambda db: db.batches.get(batch_id))
        assert batch is not None and batch.counts == {OutboxState.SENT: 70}


async def test_pause_holds_the_rest_and_resume_sends_it_once(tmp_path: Path) -> None:
    async with kit(tmp_path, timeout=TIMEOUT) as k:
        s = sender(k)
        batch_id = await _create(k, _personalised(NUMBERS[:20]))
        sent: list[int] = []

        async def pause_after_five(item: OutboxItem) -> None:
            if item.state is OutboxState.SENT and item.batch_id == batch_id:
                sent.append(item.id)
                if len(sent) == 5:
                    await k.worker.run(lambda db: db.batches.pause(batch_id))

        k.events.outbox_changed.connect(pause_after_five)
        report = await s.flush()
        assert 5 <= len(report.sent) <= 5 + 4  # those already on their way finish
        assert report.settled and report.queued == []  # paused rows are not "unsettled"
        held = await k.worker.run(lambda db: db.batches.get(batch_id))
        assert held is not None and held.state is BatchState.PAUSED
        assert held.count(OutboxState.QUEUED) == 20 - len(report.sent)
        assert len(k.requests(SEND)) == len(report.sent)
        quiet = await s.flush()
        assert quiet.sent == [] and len(k.requests(SEND)) == len(report.sent)
        await k.worker.run(lambda db: db.batches.resume(batch_id))
        await s.flush()
        await check_exactly_once(k, s)
        assert len(k.requests(SEND)) == 20


async def test_cancel_mid_way_sends_each_recipient_once_or_not_at_all(tmp_path: Path) -> None:
    async with kit(tmp_path, timeout=TIMEOUT) as k:
        s = sender(k)
        # Some sends lose their answer: unknown when the cancel comes, settled after.
        k.state.add_fault(fault("drop_after", SEND, count=2))
        k.state.add_fault(fault("drop_before", SEND, count=1))
        batch_id = await _create(k, _personalised(NUMBERS[:30]))
        seen = 0

        async def cancel_after_eight(item: OutboxItem) -> None:
            nonlocal seen
            seen += 1
            if seen == 8:
                await k.worker.run(lambda db: db.batches.cancel(batch_id))

        k.events.outbox_changed.connect(cancel_after_eight)
        await s.flush()
        k.clock.offset += 30  # past the reconcile window: unknown rows can be decided
        await check_exactly_once(k, s)
        items = await k.worker.run(lambda db: db.batches.items(batch_id))
        states = Counter(i.state for i in items)
        assert set(states) <= {OutboxState.SENT, OutboxState.CANCELLED}
        assert states[OutboxState.CANCELLED] >= 30 - 8 - 4
        for item in items:
            copies = server_copies(k)[(item.destinations[0], item.text)]
            assert copies == (1 if item.state is OutboxState.SENT else 0), item


async def test_a_batch_row_that_certainly_did_not_go_is_cancelled_not_resent(
    tmp_path: Path,
) -> None:
    async with kit(tmp_path, timeout=TIMEOUT) as k:
        s = sender(k)
        k.state.add_fault(fault("drop_before", SEND))  # not executed, but unknown to us
        batch_id = await _create(k, _personalised(NUMBERS[:1]))
        first = await s.flush(batch=batch_id)
        assert len(first.unknown) == 1
        await k.worker.run(lambda db: db.batches.cancel(batch_id))
        k.clock.offset += 30
        report = await s.settle(timeout=10, batch=batch_id)
        assert report.cancelled == first.unknown and report.settled
        assert server_copies(k) == Counter() and len(k.requests(SEND)) == 1


async def test_a_flush_of_one_batch_leaves_everything_else_alone(tmp_path: Path) -> None:
    async with kit(tmp_path, timeout=TIMEOUT) as k:
        s = sender(k)
        other = await k.worker.run(lambda db: db.outbox.enqueue(SENDER, [NUMBERS[0]], "own"))
        batch_id = await _create(k, _personalised(NUMBERS[1:4]))
        report = await s.flush(batch=batch_id)
        assert len(report.sent) == 3 and other.id not in report.sent
        still = await k.worker.run(lambda db: db.outbox.get(other.id))
        assert still is not None and still.state is OutboxState.QUEUED
