"""The poller against the in-process simulator and a real SQLite file."""

from __future__ import annotations

import math
from datetime import timedelta
from pathlib import Path

import pytest

from hubdesk.domain import DeliveryStatus, Sms
from hubdesk.sim import Fault
from hubdesk.store.syncstate import HIGH_WATER
from hubdesk.sync.events import SyncStatus, SyncStatusKind
from hubdesk.sync.poller import Poller
from tests.unit.sync.simkit import SENDER, kit

LIST = "/api/sms/list"
ALICE = "447700900111"
BOB = "447700900222"


def poller(k: object, **kwargs: object) -> Poller:
    from tests.unit.sync.simkit import Kit

    assert isinstance(k, Kit)
    return Poller(k.client, k.worker, events=k.events, **kwargs)  # type: ignore[arg-type]


async def test_first_run_fetches_page_one_only_and_announces_nothing(tmp_path: Path) -> None:
    async with kit(tmp_path) as k:
        for i in range(25):
            k.state.inject_inbound(ALICE, f"old {i}")
        announced: list[list[Sms]] = []
        k.events.new_inbound.connect(announced.append)
        result = await poller(k).poll_once()
        assert result.requests == 1 and result.initial
        assert len(result.new_ids) == 10
        assert announced == []
        hw = await k.worker.run(lambda db: db.sync_state.get_time(HIGH_WATER))
        assert hw is not None and hw == result.high_water


async def test_idle_poll_costs_one_request_and_new_ones_cost_pages_plus_one(
    tmp_path: Path,
) -> None:
    async with kit(tmp_path) as k:
        for i in range(8):  # fits page 1: the first run stores all of it
            k.state.inject_inbound(ALICE, f"old {i}")
        p = poller(k)
        await p.poll_once()
        for _ in range(3):
            k.state.clear_requests()
            idle = await p.poll_once()
            assert idle.requests == 1 and idle.new_ids == frozenset()
            assert len(k.requests(LIST)) == 1
        for n in (1, 10, 25, 30):
            for i in range(n):
                k.state.inject_inbound(BOB, f"burst {n} {i}")
            k.state.clear_requests()
            result = await p.poll_once()
            assert len(result.new_ids) == n
            assert len(result.new_inbound) == n
            assert result.requests == len(k.requests(LIST))
            assert result.requests <= math.ceil(n / 10) + 1, (n, result.pages)


async def test_new_inbound_is_announced_once_across_overlap_and_restart(tmp_path: Path) -> None:
    async with kit(tmp_path) as k:
        k.state.inject_inbound(ALICE, "seed")
        await poller(k).poll_once()
        announced: list[int] = []
        k.events.new_inbound.connect(lambda ms: announced.extend(m.sms_id for m in ms))
        first = k.state.inject_inbound(ALICE, "hello")
        p = poller(k)
        await p.poll_once()
        await p.poll_once()  # the same row is inside the overlap again
        assert announced == [first]
        second = k.state.inject_inbound(BOB, "hi")
    # A new process: new worker and client on the same database file and server.
    async with kit(tmp_path, state=k.state, clock=k.clock) as k2:
        again: list[int] = []
        k2.events.new_inbound.connect(lambda ms: again.extend(m.sms_id for m in ms))
        await poller(k2).poll_once()
        await poller(k2).poll_once()
        assert again == [second]


async def test_high_water_uses_server_time_and_overlap(tmp_path: Path) -> None:
    async with kit(tmp_path) as k:
        k.state.inject_inbound(ALICE, "a", time="2030-01-01 10:00:00")
        p = poller(k, overlap=timedelta(minutes=5))
        await p.poll_once()
        k.state.clear_requests()
        await p.poll_once()
        (req,) = k.requests(LIST)
        assert req["query"]["sent_since"] == "2030-01-01 09:55:00"
        # A message stamped inside the overlap but behind the high-water mark is found.
        late = k.state.inject_inbound(BOB, "late", time="2030-01-01 09:58:00")
        result = await p.poll_once()
        assert late in result.new_ids


async def test_status_changes_of_pending_messages(tmp_path: Path) -> None:
    async with kit(tmp_path, delivery_delay=5.0) as k:
        k.state.inject_inbound(ALICE, "x")
        p = poller(k, pending_every=1)
        await p.poll_once()
        sent = await k.client.send_sms(SENDER, ALICE, "pending one")
        await k.worker.run(lambda db: db.messages.upsert_messages([sent]))
        changes: list[int] = []
        k.events.status_changed.connect(lambda cs: changes.extend(c.sms.sms_id for c in cs))
        k.state.clear_requests()
        r1 = await p.poll_once()
        assert r1.requests == 1 and r1.status_changed == ()
        k.clock.offset += 6
        r2 = await p.poll_once()
        assert r2.requests == 1
        assert changes == [sent.sms_id]
        stored = await k.worker.run(lambda db: db.messages.get(sent.sms_id))
        assert stored is not None and stored.delivery_status is not DeliveryStatus.PENDING


async def test_stale_pending_messages_are_refreshed_with_detail_bounded(tmp_path: Path) -> None:
    from hubdesk.domain.times import format_server_time

    async with kit(tmp_path, delivery_delay=30.0) as k:
        sent = [await k.client.send_sms(SENDER, ALICE, f"p{i}") for i in range(7)]
        await k.worker.run(lambda db: db.messages.upsert_messages(sent))
        later = format_server_time(sent[0].time + timedelta(minutes=10))
        for i in range(12):
            k.state.inject_inbound(BOB, f"n{i}", time=later)
        p = poller(k, pending_every=2, pending_batch=3, overlap=timedelta(0))
        first = await p.poll_once()  # walks down to the pending ones: refreshed for free
        assert first.requests == 2
        k.clock.offset += 60  # they are delivered now, but no longer inside the window
        per_pass = []
        for _ in range(8):
            k.state.clear_requests()
            r = await p.poll_once()
            details = [x for x in k.state.requests() if str(x["path"]).startswith("/api/sms/d")]
            per_pass.append((r.requests, len(details)))
        # passes 2..9: detail requests every 2nd pass, at most 3 at a time, then none
        assert per_pass == [(1, 0), (4, 3), (1, 0), (4, 3), (1, 0), (2, 1), (1, 0), (1, 0)]
        left = await k.worker.run(lambda db: db.messages.pending_outbound())
        assert left == []


async def test_stop_and_start_keywords_update_the_optout_list(tmp_path: Path) -> None:
    async with kit(tmp_path) as k:
        p = poller(k)
        await p.poll_once()
        changed: list[frozenset[str]] = []
        k.events.optouts_changed.connect(changed.append)
        k.state.inject_inbound(ALICE, "Stop!")
        k.state.inject_inbound(BOB, "stopped by later")
        await p.poll_once()
        assert await k.worker.run(lambda db: db.optouts.is_opted_out(ALICE))
        assert not await k.worker.run(lambda db: db.optouts.is_opted_out(BOB))
        k.state.inject_inbound(ALICE, "start")
        await p.poll_once()
        assert not await k.worker.run(lambda db: db.optouts.is_opted_out(ALICE))
        assert changed == [frozenset({ALICE}), frozenset({ALICE})]


async def test_interval_has_a_minimum() -> None:
    with pytest.raises(ValueError):
        Poller(None, None, interval=1.0)  # type: ignore[arg-type]


async def test_run_reports_offline_and_recovers(tmp_path: Path) -> None:
    import asyncio

    async with kit(tmp_path) as k:
        statuses: list[SyncStatus] = []
        stop = asyncio.Event()

        async def fake_sleep(seconds: float) -> None:
            if len(statuses) >= 3:
                stop.set()

        from hubdesk.sim import Fault

        k.state.add_fault(Fault("500", count=2, path=LIST))
        p = Poller(k.client, k.worker, events=k.events, sleep=fake_sleep)
        k.events.sync_state.connect(statuses.append)
        await asyncio.wait_for(p.run(stop), 10)
        kinds = [s.kind for s in statuses]
        assert kinds == [SyncStatusKind.OFFLINE, SyncStatusKind.OFFLINE, SyncStatusKind.ONLINE]


def an_unreadable_text() -> UnicodeEncodeError:
    """What the store raises for a text SQLite cannot bind (a lone surrogate)."""
    try:
        "\ud83d".encode()
    except UnicodeEncodeError as exc:
        return exc
    raise AssertionError("unreachable")


async def test_run_survives_unexpected_errors_and_is_online_only_after_a_poll_that_worked(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A store that raises (an unbindable text, a locked database, a bug): each failure
    is logged with its traceback and shown as a problem, the pause doubles, and the
    status says online again only once a poll went through."""
    import asyncio
    import logging
    import sqlite3

    from tests.fakes.flaky_worker import FlakyWorker

    async with kit(tmp_path, worker_class=FlakyWorker) as k:
        assert isinstance(k.worker, FlakyWorker)
        waiting = k.state.inject_inbound(ALICE, "waiting to be stored")
        failures = [
            an_unreadable_text(),
            sqlite3.OperationalError("database is locked"),
            RuntimeError("a bug"),
        ]
        statuses: list[SyncStatus] = []
        pauses: list[float] = []
        stop = asyncio.Event()

        async def sleep(seconds: float) -> None:
            pauses.append(seconds)
            if statuses and statuses[-1].kind is SyncStatusKind.ONLINE:
                stop.set()

        k.worker.fail_next(*failures)
        k.events.sync_state.connect(statuses.append)
        p = Poller(k.client, k.worker, events=k.events, interval=15, sleep=sleep)
        with caplog.at_level(logging.ERROR, logger="hubdesk.sync"):
            await asyncio.wait_for(p.run(stop), 10)
        kinds = [s.kind for s in statuses]
        assert kinds == [SyncStatusKind.ERROR] * 3 + [SyncStatusKind.ONLINE]
        assert pauses[:3] == [15, 30, 60]
        assert [s.retry_after for s in statuses[:3]] == [15, 30, 60]
        details = [s.detail or "" for s in statuses[:3]]
        assert "UnicodeEncodeError" in details[0]
        # The worker reports a locked database as DatabaseBusy: a wait, not a bug.
        assert "database is busy" in details[1] and "internal error" not in details[1]
        assert "RuntimeError" in details[2]
        assert not any("Traceback" in d for d in details)
        logged = [r.exc_info[1] for r in caplog.records if r.exc_info is not None]
        assert len(logged) == len(failures)
        assert all(isinstance(got, type(e)) for got, e in zip(logged, failures, strict=True))
        assert await k.worker.run(lambda db: db.messages.get(waiting)) is not None


async def test_a_retry_after_of_any_size_waits_at_most_an_hour(tmp_path: Path) -> None:
    import asyncio

    from hubdesk.sim import Fault

    an_hour = 3600.0
    async with kit(tmp_path) as k:
        k.state.add_fault(Fault("429", count=10, path=LIST, seconds=1_000_000_000))
        statuses: list[SyncStatus] = []
        pauses: list[float] = []
        stop = asyncio.Event()

        async def sleep(seconds: float) -> None:
            pauses.append(seconds)
            stop.set()

        k.events.sync_state.connect(statuses.append)
        p = Poller(k.client, k.worker, events=k.events, sleep=sleep)
        await asyncio.wait_for(p.run(stop), 10)
        assert [s.kind for s in statuses] == [SyncStatusKind.RATE_LIMITED]
        assert pauses == [an_hour] and statuses[0].retry_after == an_hour


async def test_a_page_whose_every_item_is_unreadable_does_not_end_the_walk(
    tmp_path: Path,
) -> None:
    """With one message a page, an unreadable newest message is a page of nothing but
    skipped items: the walk goes on to the older pages instead of taking the empty page
    for the end, and the skipped message is stored by a later poll."""
    async with kit(tmp_path, per_page=1) as k:
        k.state.inject_inbound(ALICE, "seed")
        p = poller(k)
        await p.poll_once()
        older = [k.state.inject_inbound(BOB, f"new {i}") for i in range(2)]
        newest = k.state.inject_inbound(BOB, "garbled by the server this once")
        k.state.add_fault(Fault("bad_item", path=LIST))
        result = await p.poll_once()
        assert set(older) <= result.new_ids and newest not in result.new_ids
        again = await p.poll_once()
        assert newest in again.new_ids


async def test_the_first_message_an_empty_account_receives_is_announced(tmp_path: Path) -> None:
    """A new account holds no message: the first pass finds none, and the first SMS
    that arrives afterwards is news, not history."""
    async with kit(tmp_path) as k:
        k.state.clear_messages()
        announced: list[int] = []
        k.events.new_inbound.connect(lambda ms: announced.extend(m.sms_id for m in ms))
        p = poller(k)
        assert (await p.poll_once()).initial
        first = k.state.inject_inbound(ALICE, "the very first")
        result = await p.poll_once()
        assert not result.initial
        assert announced == [first]
