"""The backfill: fixed bounds, concurrent pages, reserve kept, resumable."""

from __future__ import annotations

import asyncio
import math
from datetime import timedelta
from pathlib import Path

import pytest

from hubdesk.api import ServerError
from hubdesk.domain.times import format_server_time
from hubdesk.sim import Fault
from hubdesk.store.syncstate import BACKFILL_CURSOR
from hubdesk.sync.backfill import Backfill, Cursor
from hubdesk.sync.events import BackfillProgress
from hubdesk.sync.pacing import RatePacer, reserve_for
from hubdesk.sync.poller import Poller
from tests.unit.sync.interleave import Hooks
from tests.unit.sync.simkit import SENDER, Kit, kit

LIST = "/api/sms/list"

ALICE = "447700900111"


def seed_history(k: Kit, n: int, *, days: float = 20) -> None:
    now = k.clock()
    step = days * 86400 / n
    for i in range(n):
        stamp = format_server_time_epoch(now - 60 - i * step)
        k.state.inject_inbound(f"447700900{i % 500:03d}", f"history {i}", time=stamp)


def format_server_time_epoch(epoch: float) -> str:
    from datetime import UTC, datetime

    return format_server_time(datetime.fromtimestamp(epoch, UTC))


async def test_backfill_fetches_everything_in_pages_plus_one(tmp_path: Path) -> None:
    async with kit(tmp_path) as k:
        seed_history(k, 205)
        await Poller(k.client, k.worker).poll_once()  # first run: page 1
        progress: list[BackfillProgress] = []
        k.events.backfill_progress.connect(progress.append)
        k.state.clear_requests()
        bf = Backfill(k.client, k.worker, events=k.events, server_clock=k.server_clock)
        result = await bf.run(depth=None)
        assert result.finished and result.fetched >= 195
        total = len(k.state.messages())
        assert result.requests == len(k.requests(LIST)) <= math.ceil(total / 10) + 2
        count = await k.worker.run(lambda db: db.messages.count())
        assert count == len(k.state.messages())
        assert progress[-1].finished and progress[-1].done == result.fetched
        assert [p.done for p in progress] == sorted(p.done for p in progress)
        # Every page request used the same fixed bounds.
        bounds = {
            (r["query"].get("sent_until"), r["query"].get("sent_since")) for r in k.requests(LIST)
        }
        assert len(bounds) == 1
        # Done: a second run costs nothing.
        k.state.clear_requests()
        again = await bf.run(depth=None)
        assert again.requests == 0 and k.requests(LIST) == []


async def test_depth_limits_how_far_back(tmp_path: Path) -> None:
    async with kit(tmp_path) as k:
        seed_history(k, 100, days=20)  # one message every 4.8 hours
        await Poller(k.client, k.worker).poll_once()
        bf = Backfill(k.client, k.worker, server_clock=k.server_clock)
        await bf.run(depth=timedelta(days=5))
        count = await k.worker.run(lambda db: db.messages.count())
        assert 24 <= count <= 27
        k.state.clear_requests()
        assert (await bf.run(depth=timedelta(days=5))).requests == 0
        await bf.run(depth=timedelta(days=10))
        assert 49 <= await k.worker.run(lambda db: db.messages.count()) <= 52


async def test_interrupted_backfill_resumes_from_its_cursor(tmp_path: Path) -> None:
    async with kit(tmp_path) as k:
        seed_history(k, 150)
        await Poller(k.client, k.worker).poll_once()
        # Let the first pages through, then fail everything.
        k.state.add_fault(Fault("slow", count=6, path=LIST, seconds=0.0))
        k.state.add_fault(Fault("500", count=1000, path=LIST))
        bf = Backfill(k.client, k.worker, server_clock=k.server_clock, concurrency=2)
        with pytest.raises(ServerError):
            await bf.run(depth=None)
        text = await k.worker.run(lambda db: db.sync_state.get(BACKFILL_CURSOR))
        cursor = Cursor.loads(text)
        assert cursor is not None and 1 in cursor.done and len(cursor.done) < cursor.last_page
        done_before = set(cursor.done)
        k.state.clear_faults()
        k.state.clear_requests()
        result = await bf.run(depth=None)
        assert result.resumed and result.finished
        pages = {int(r["query"]["page"]) for r in k.requests(LIST)}
        assert pages.isdisjoint(done_before)  # nothing fetched twice
        assert await k.worker.run(lambda db: db.messages.count()) == len(k.state.messages())


async def test_pacer_keeps_the_reserve_for_foreground_actions(tmp_path: Path) -> None:
    async with kit(tmp_path, rate_limit=60) as k:
        seed_history(k, 600)
        await Poller(k.client, k.worker).poll_once()
        pacer = RatePacer(k.client, server_clock=k.server_clock, window=60.0)
        bf = Backfill(k.client, k.worker, server_clock=k.server_clock, pacer=pacer)
        task = asyncio.create_task(bf.run(depth=None))
        for _ in range(200):
            await asyncio.sleep(0.01)
            if pacer.waited > 0:
                break
        assert pacer.waited > 0, "the pacer should have stopped at the reserve"
        info = k.client.rate_limit
        assert info is not None and info.remaining is not None
        assert info.remaining >= reserve_for(60) - 1  # at most one answer in flight past it
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        # The foreground still has its reserve: a send goes through.
        await k.client.send_sms("447520602706", "447520602707", "headroom")


def one_crowded_second(k: Kit, count: int, at: float) -> str:
    """``count`` messages stamped with one second (what one bulk send does)."""
    stamp = format_server_time_epoch(at)
    for i in range(count):
        k.state.inject_inbound(f"4477009{i:05d}", f"crowded {i}", destination=SENDER, time=stamp)
    return stamp


@pytest.mark.parametrize("bounds", ["inclusive", "exclusive"])
async def test_a_second_holding_many_pages_is_fetched_whole_whichever_way_bounds_are_read(
    tmp_path: Path, bounds: str
) -> None:
    """The first sync stores page 1 (ten of the 120 messages of the newest second); the
    backfill must fetch the other 110 too, also from a server that reads ``sent_until``
    as ``<``, and end after one pass over the pages."""
    async with kit(tmp_path, list_bounds=bounds) as k:
        seed_history(k, 30)
        one_crowded_second(k, 120, k.clock() - 30)
        await Poller(k.client, k.worker).poll_once()
        assert await k.worker.run(lambda db: db.messages.count()) == 10
        k.state.clear_requests()
        bf = Backfill(k.client, k.worker, server_clock=k.server_clock)
        result = await asyncio.wait_for(bf.run(depth=None), timeout=30)
        assert result.finished
        total = len(k.state.messages())
        assert await k.worker.run(lambda db: db.messages.count()) == total
        assert result.requests == len(k.requests(LIST)) <= math.ceil(total / 10) + 1
        k.state.clear_requests()
        assert (await bf.run(depth=None)).requests == 0


async def test_the_backfill_lists_only_once_the_servers_clock_is_past_its_range(
    tmp_path: Path,
) -> None:
    """The oldest stored message is brand new: a message sent while the pages are fetched
    could fall inside the range and shift the pages. The first listing waits until the
    server's clock is past the range's upper bound."""
    hooks = Hooks()
    async with kit(tmp_path, outside=hooks.wrap) as k:
        one_crowded_second(k, 30, k.clock())
        await Poller(k.client, k.worker).poll_once()
        seen: list[float] = []

        async def note_the_time() -> None:
            seen.append(k.clock())

        hooks.before("GET", LIST, note_the_time)
        k.state.clear_requests()
        bf = Backfill(k.client, k.worker, server_clock=k.server_clock)
        await asyncio.wait_for(bf.run(depth=None), timeout=30)
        (first, *_) = k.requests(LIST)
        until = first["query"]["sent_until"]
        assert format_server_time_epoch(seen[0]) > until  # a later second on the server
        assert await k.worker.run(lambda db: db.messages.count()) == len(k.state.messages())


async def test_keep_running_survives_failures_and_finishes(tmp_path: Path) -> None:
    """A store error (logged, shown as a problem) and then a network failure (quiet):
    each time the backfill pauses, runs again from its cursor, and finishes."""
    from hubdesk.sync.events import SyncStatus, SyncStatusKind, SyncStatusSource
    from tests.fakes.flaky_worker import FlakyWorker

    async with kit(tmp_path, worker_class=FlakyWorker) as k:
        assert isinstance(k.worker, FlakyWorker)
        seed_history(k, 80)
        await Poller(k.client, k.worker).poll_once()
        statuses: list[SyncStatus] = []
        pauses: list[float] = []

        async def sleep(seconds: float) -> None:
            pauses.append(seconds)
            if len(pauses) == 1:  # the second run meets a server that fails
                k.state.add_fault(Fault("500", count=1, path=LIST))

        k.events.sync_state.connect(statuses.append)
        k.worker.fail_next(RuntimeError("a bug"))
        bf = Backfill(k.client, k.worker, events=k.events, server_clock=k.server_clock, sleep=sleep)
        result = await asyncio.wait_for(bf.keep_running(None, asyncio.Event()), 30)
        assert result is not None and result.finished
        assert pauses == [30, 60]
        assert [(s.kind, s.source) for s in statuses] == [
            (SyncStatusKind.ERROR, SyncStatusSource.BACKFILL),
            (SyncStatusKind.ONLINE, SyncStatusSource.BACKFILL),
        ]
        assert await k.worker.run(lambda db: db.messages.count()) == len(k.state.messages())


async def test_the_pacer_waits_at_most_an_hour_whatever_the_headers_say(tmp_path: Path) -> None:
    """A 429 saying "retry in a billion seconds" (reset a billion seconds away): the
    pacer's wait for the next window is an hour at most (a Qt timer overflows ~24 days)."""
    from hubdesk.api import RateLimited

    async with kit(tmp_path) as k:
        seed_history(k, 30)
        await Poller(k.client, k.worker).poll_once()
        k.state.add_fault(Fault("429", count=1, path=LIST, seconds=1_000_000_000))
        waits: list[float] = []

        async def sleep(seconds: float) -> None:
            waits.append(seconds)

        pacer = RatePacer(k.client, server_clock=k.server_clock, sleep=sleep)
        bf = Backfill(k.client, k.worker, server_clock=k.server_clock, pacer=pacer)
        with pytest.raises(RateLimited):
            await bf.run(depth=None)
        result = await asyncio.wait_for(bf.run(depth=None), 30)
        assert result.finished and 0 < max(waits) <= 3600


async def test_a_message_arriving_while_the_backfill_starts_is_left_to_the_poller(
    tmp_path: Path,
) -> None:
    """HubDesk's first start: the backfill reads the empty store (its range ends at the
    server's clock) while the poller's first pass runs; a message arrives in that same
    second. The backfill does not store it as history: the poller's next pass does, and
    announces it (before, the SMS was filed silently: no notification)."""
    async with kit(tmp_path) as k:
        announced: list[int] = []
        k.events.new_inbound.connect(lambda ms: announced.extend(m.sms_id for m in ms))
        p = Poller(k.client, k.worker, events=k.events)
        arrived: list[int] = []

        async def settle(seconds: float) -> None:
            """The backfill waits for the server's clock: the first pass and the message
            happen meanwhile, still inside the backfill's range."""
            if not arrived:
                await p.poll_once()
                now = k.server_clock.now()  # the backfill's range ends here
                assert now is not None
                stamp = format_server_time(now)
                arrived.append(k.state.inject_inbound(ALICE, "sent as it started", time=stamp))
            await k.clock.sleep(seconds)

        bf = Backfill(k.client, k.worker, server_clock=k.server_clock, sleep=settle)
        await asyncio.wait_for(bf.run(depth=None), 30)
        assert arrived, "the backfill did not wait for the server's clock"
        stored = await k.worker.run(lambda db: db.messages.get(arrived[0]))
        assert stored is None
        await p.poll_once()
        assert announced == arrived
