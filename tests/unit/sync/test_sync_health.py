"""Background loops survive anything and say so: bounded waits, the status board, supervise."""

from __future__ import annotations

import asyncio
import math

import pytest

from hubdesk.sync.events import SyncStatus, SyncStatusKind, SyncStatusSource
from hubdesk.sync.health import MAX_WAIT, StatusBoard, bounded_wait, problem, supervise

POLLER, OUTBOX, BACKFILL = SyncStatusSource
ONLINE, OFFLINE, ERROR = SyncStatusKind.ONLINE, SyncStatusKind.OFFLINE, SyncStatusKind.ERROR


@pytest.mark.parametrize(
    "given,expected",
    [
        (None, 5.0),
        (math.nan, 5.0),
        (-3.0, 5.0),
        (2.0, 5.0),
        (40.0, 40.0),
        (1e9, MAX_WAIT),
        (float("1e400"), MAX_WAIT),  # what float() makes of "Retry-After: 1e400"
    ],
)
def test_bounded_wait_is_finite_and_at_most_an_hour(given: float | None, expected: float) -> None:
    assert bounded_wait(given, at_least=5.0) == expected


def test_the_problem_sentence_names_the_loop_the_error_and_the_retry() -> None:
    status = problem(OUTBOX, UnicodeEncodeError("utf-8", "x", 0, 1, "surrogates"), 90)
    assert status.kind is ERROR and status.source is OUTBOX and status.retry_after == 90
    assert status.detail == (
        "Sending queued messages failed on an internal error (UnicodeEncodeError); "
        "trying again in 90 s. The details are in HubDesk's log."
    )
    assert "in 60 min." in (problem(POLLER, RuntimeError(), 1e12).detail or "")


def status(kind: SyncStatusKind, source: SyncStatusSource = POLLER) -> SyncStatus:
    return SyncStatus(kind, source=source)


def shown(board: StatusBoard) -> tuple[SyncStatusKind, SyncStatusSource] | None:
    current = board.shown()
    return None if current is None else (current.kind, current.source)


def test_online_is_shown_only_after_a_poll_went_through() -> None:
    board = StatusBoard()
    board.update(status(SyncStatusKind.CONNECTING))
    board.update(status(ONLINE, OUTBOX))  # a send went through: not a poll
    board.update(status(ONLINE, BACKFILL))
    assert shown(board) == (SyncStatusKind.CONNECTING, POLLER)
    board.update(status(ONLINE))
    assert shown(board) == (ONLINE, POLLER)


def test_a_loops_problem_stays_until_that_loop_reports_again() -> None:
    board = StatusBoard()
    board.update(status(ONLINE))
    board.update(status(ERROR, OUTBOX))
    board.update(status(ONLINE))  # polls go on working: the outbox is still broken
    assert shown(board) == (ERROR, OUTBOX)
    board.update(status(ERROR))
    assert shown(board) == (ERROR, POLLER)  # the newest problem
    board.update(status(ONLINE))
    assert shown(board) == (ERROR, OUTBOX)
    board.update(status(ONLINE, OUTBOX))
    assert shown(board) == (ONLINE, POLLER)
    board.update(status(ERROR, BACKFILL))
    board.update(status(SyncStatusKind.CONNECTING, BACKFILL))  # started afresh
    assert shown(board) == (ONLINE, POLLER)


def test_an_expired_session_comes_first_and_offline_replaces_online() -> None:
    board = StatusBoard()
    board.update(status(ERROR, OUTBOX))
    board.update(status(SyncStatusKind.SESSION_EXPIRED))
    assert shown(board) == (SyncStatusKind.SESSION_EXPIRED, POLLER)
    board.update(status(ONLINE, OUTBOX))
    board.update(status(OFFLINE, OUTBOX))  # a send could not connect
    assert shown(board) == (OFFLINE, OUTBOX)
    board.update(status(ONLINE))
    assert shown(board) == (ONLINE, POLLER)


async def test_supervise_restarts_a_loop_that_raised_and_reports_it() -> None:
    stop = asyncio.Event()
    runs: list[int] = []
    reports: list[SyncStatus] = []
    pauses: list[float] = []

    async def loop() -> None:
        runs.append(len(runs))
        if len(runs) < 3:
            raise RuntimeError("a bug outside the loop's own guard")

    async def report(s: SyncStatus) -> None:
        reports.append(s)

    async def sleep(seconds: float) -> None:
        pauses.append(seconds)

    await asyncio.wait_for(
        supervise(loop, stop, source=BACKFILL, report=report, sleep=sleep, first_retry=5), 5
    )
    assert runs == [0, 1, 2] and pauses == [5, 10]
    assert [(r.kind, r.source, r.retry_after) for r in reports] == [
        (ERROR, BACKFILL, 5),
        (ERROR, BACKFILL, 10),
    ]
