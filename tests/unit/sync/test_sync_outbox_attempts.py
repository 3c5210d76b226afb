"""OutboxSender's outcome of each attempt (``Attempt``) and ``run``'s backoff between passes."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from hubdesk.api import (
    ConnectionDropped,
    PermissionDenied,
    RateLimited,
    ServerError,
    SessionExpired,
    UnexpectedResponse,
)
from hubdesk.domain import OutboxState
from hubdesk.sim import Fault
from hubdesk.sync.outbox import OutboxSender
from hubdesk.sync.passes import pass_delay
from tests.unit.sync.simkit import SENDER, Kit, kit

SEND = "/api/sms/send"
A = "447520602707"
TIMEOUT = 0.05


def limited() -> Fault:
    """429 with Retry-After 6 s (longer than the client waits) on the next sends."""
    return Fault("429", count=20, path=SEND, seconds=6)


def sender(k: Kit, **options: object) -> OutboxSender:
    return OutboxSender(
        k.client,
        k.worker,
        server_clock=k.server_clock,
        events=k.events,
        reconcile_window=1.0,
        clock_margin=1.0,
        **options,  # type: ignore[arg-type]
    )


async def queued(k: Kit, text: str) -> object:
    return await k.worker.run(lambda db: db.outbox.enqueue(SENDER, [A], text))


@pytest.mark.parametrize(
    "kind,error,executed,state",
    [
        (None, None, "yes", OutboxState.SENT),
        ("403", PermissionDenied, "no", OutboxState.FAILED),
        ("429", RateLimited, "no", OutboxState.QUEUED),
        ("500", ServerError, "maybe", OutboxState.UNKNOWN),
        ("malformed", UnexpectedResponse, "maybe", OutboxState.UNKNOWN),
        ("drop_after", ConnectionDropped, "maybe", OutboxState.UNKNOWN),
    ],
)
async def test_attempt_reports_the_real_error_and_whether_it_executed(
    tmp_path: Path, kind: str | None, error: type | None, executed: str, state: OutboxState
) -> None:
    async with kit(tmp_path, timeout=TIMEOUT) as k:
        s = sender(k)
        if kind is not None:
            seconds = 30.0 if kind == "429" else None  # longer than the client waits
            k.state.add_fault(Fault(kind, path=SEND, method="POST", seconds=seconds))  # type: ignore[arg-type]
        item = await queued(k, f"outcome {kind}")
        attempt = await s.attempt(item)  # type: ignore[arg-type]
        assert attempt.item.state is state
        assert attempt.executed == executed
        if error is None:
            assert attempt.error is None
        else:
            assert attempt.error is not None and type(attempt.error) is error
            assert attempt.error.operation == "send_sms"
            assert attempt.item.error == str(attempt.error)


async def test_attempt_when_the_session_is_gone_is_not_executed(tmp_path: Path) -> None:
    async with kit(tmp_path, timeout=TIMEOUT) as k:
        s = sender(k)
        k.state.revoke_tokens()
        k.state.expire_tokens()
        attempt = await s.attempt(await queued(k, "no session"))  # type: ignore[arg-type]
        assert isinstance(attempt.error, SessionExpired)
        assert attempt.executed == "no" and attempt.item.state is OutboxState.QUEUED
        assert [m for m in k.state.messages() if m["text"] == "no session"] == []


def test_pass_delay_doubles_up_to_the_cap_and_honours_retry_after() -> None:
    assert [pass_delay(10, n, 300) for n in range(7)] == [10, 20, 40, 80, 160, 300, 300]
    assert pass_delay(10, 0, 300, retry_after=45) == 45
    assert pass_delay(10, 99, 300) == 300
    assert pass_delay(10, 3, 5) == 10  # a cap below the interval never shortens it


async def test_run_backs_off_while_offline_and_resets_after_success(tmp_path: Path) -> None:
    async with kit(tmp_path, timeout=TIMEOUT) as k:
        pauses: list[float] = []
        stop = asyncio.Event()
        plan: list[str] = ["down", "down", "down", "up", "down", "stop"]

        async def sleep(seconds: float) -> None:
            pauses.append(seconds)
            step = plan.pop(0)
            if step == "stop":
                stop.set()
            elif step == "down":  # the next pass is rate limited past what the client waits
                k.state.add_fault(limited())
            else:
                k.state.clear_faults()
            await asyncio.sleep(0)

        s = sender(k, sleep=sleep)
        await k.worker.run(lambda db: db.outbox.enqueue(SENDER, [A], "first"))
        k.state.add_fault(limited())
        await asyncio.wait_for(s.run(stop, interval=10, max_backoff=60), timeout=30)
        # Pass 1 fails (20), 2 fails (40), 3 fails (60: capped), 4 fails (60),
        # 5 goes through (10), 6 finds nothing to do again (10).
        assert pauses == [20, 40, 60, 60, 10, 10]
        item = (await k.worker.run(lambda db: db.outbox.all()))[0]
        assert item.state is OutboxState.SENT


async def test_run_stops_at_once_when_asked(tmp_path: Path) -> None:
    async with kit(tmp_path, timeout=TIMEOUT) as k:
        stop = asyncio.Event()
        s = sender(k)  # the real asyncio.sleep: stop must interrupt the pause

        async def stop_soon() -> None:
            await asyncio.sleep(0.05)
            stop.set()

        started = asyncio.get_running_loop().time()
        await asyncio.gather(s.run(stop, interval=30), stop_soon())
        assert asyncio.get_running_loop().time() - started < 5


def test_pass_delay_never_exceeds_an_hour_whatever_the_server_says() -> None:
    assert pass_delay(10, 0, 300, retry_after=1_000_000_000) == 3600
    assert pass_delay(10, 0, 300, retry_after=float("inf")) == 3600
    assert pass_delay(10, 2, 300, retry_after=float("nan")) == 40


async def test_run_survives_a_pass_that_raises_and_shows_it_until_one_goes_through(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A flush that raises (the store failed: a locked database) is logged with its
    traceback and reported as a problem of the outbox; the loop backs off, tries again,
    and reports itself well after the first pass that goes through."""
    import logging
    import sqlite3

    from hubdesk.sync.events import SyncStatus
    from tests.fakes.flaky_worker import FlakyWorker

    async with kit(tmp_path, timeout=TIMEOUT, worker_class=FlakyWorker) as k:
        assert isinstance(k.worker, FlakyWorker)
        statuses: list[SyncStatus] = []
        pauses: list[float] = []
        stop = asyncio.Event()

        async def sleep(seconds: float) -> None:
            pauses.append(seconds)
            if len(pauses) == 4:
                stop.set()
            await asyncio.sleep(0)

        s = sender(k, sleep=sleep)
        item = await queued(k, "after the lock")
        k.events.sync_state.connect(statuses.append)
        k.worker.fail_next(sqlite3.OperationalError("database is locked"))
        k.worker.fail_next(sqlite3.OperationalError("database is locked"))
        with caplog.at_level(logging.ERROR, logger="hubdesk.sync"):
            await asyncio.wait_for(s.run(stop, interval=10, max_backoff=60), timeout=30)
        assert [x.kind.value for x in statuses] == ["error", "error", "online"]
        assert {x.source.value for x in statuses} == {"outbox"}
        assert pauses == [20, 40, 10, 10]
        assert sum(1 for r in caplog.records if r.exc_info is not None) == 2
        sent = await k.worker.run(lambda db: db.outbox.get(item.id))  # type: ignore[attr-defined]
        assert sent is not None and sent.state is OutboxState.SENT
