"""The outbox sender's loops: ``settle`` (flush until done) and ``run`` (flush forever).

``run`` pauses ``interval`` seconds between passes while they go through, or less when
a scheduled message is due sooner (``FlushReport.next_due``), and a ``wake`` event (the
sender's ``poke``) ends a pause at once. While they
keep failing (the flush stopped early because the server could not be reached, limited
the rate or refused the session, or the flush raised) the pause doubles after each
failing pass, up to ``max_backoff``, and is at least a 429's Retry-After (at most an
hour: ``health.bounded_wait``); the first pass that goes through resets it. Every pause
uses the injected ``sleep`` and ends early when ``stop`` is set.

A flush that raises (a bug, a database error: anything but cancellation) never ends
the loop: it is logged with its traceback and reported through ``report`` as an
``ERROR`` status; the next pass that does not raise reports the loop well again.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from hubdesk.api import RateLimited
from hubdesk.sync.events import SyncStatus, SyncStatusKind, SyncStatusSource
from hubdesk.sync.health import Sleep, bounded_wait, pause, problem
from hubdesk.sync.outcomes import FlushReport

__all__ = ["MAX_BACKOFF", "pass_delay", "run_passes", "settle_passes"]

MAX_BACKOFF = 300.0  # seconds: the longest pause of ``run`` while passes keep failing
_DUE_MARGIN = 0.05  # seconds after a scheduled message's time that its pass starts
log = logging.getLogger(__name__)
Flush = Callable[[], Awaitable[FlushReport]]
Report = Callable[[SyncStatus], Awaitable[None]]


async def _no_report(status: SyncStatus) -> None:
    return None


def pass_delay(
    interval: float, failures: int, cap: float, retry_after: float | None = None
) -> float:
    """Seconds until the next pass: ``interval`` while passes succeed; after ``failures``
    failing passes in a row ``interval * 2**failures`` capped at ``cap`` (never shorter
    than ``interval``); at least the server's ``retry_after`` when it gave one. Never
    more than ``health.MAX_WAIT``, whatever the server said."""
    if failures <= 0:
        delay = interval
    else:
        delay = max(interval, min(cap, interval * 2.0 ** min(failures, 30)))
    if retry_after is not None:
        delay = max(delay, bounded_wait(retry_after))
    return bounded_wait(delay)


async def settle_passes(
    flush: Flush,
    timeout: float,
    *,
    retry_every: float,
    sleep: Sleep,
    monotonic: Callable[[], float],
) -> FlushReport:
    """Flush until every row is sent or failed, or ``timeout`` (monotonic) runs out."""
    deadline = monotonic() + timeout
    while True:
        report = await flush()
        left = deadline - monotonic()
        if report.settled or left <= 0:
            return report
        if report.stopped is not None:
            wait = retry_every
        else:
            wait = report.next_check if report.next_check is not None else retry_every
        await sleep(min(max(wait, 0.01) + 0.05, max(left, 0.01)))


async def run_passes(
    flush: Flush,
    stop: asyncio.Event,
    *,
    interval: float,
    max_backoff: float,
    sleep: Sleep,
    report: Report = _no_report,
    wake: asyncio.Event | None = None,
) -> None:
    """Flush until ``stop`` is set, pausing and reporting as the module docstring says."""
    failures = 0
    broken = False  # the last pass raised
    while not stop.is_set():
        retry_after: float | None = None
        if wake is not None:
            wake.clear()  # a poke from now on asks for another pass
        try:
            outcome = await flush()
        except Exception as exc:
            failures += 1
            delay = pass_delay(interval, failures, max_backoff)
            log.exception("an outbox pass failed on an internal error; again in %.0f s", delay)
            broken = True
            await report(problem(SyncStatusSource.OUTBOX, exc, delay))
        else:
            failures = failures + 1 if outcome.stopped is not None else 0
            if isinstance(outcome.error, RateLimited):
                retry_after = outcome.error.retry_after
            delay = pass_delay(interval, failures, max_backoff, retry_after)
            if failures == 0 and outcome.next_due is not None:
                delay = min(delay, outcome.next_due + _DUE_MARGIN)  # on time, not a pass late
            if broken:
                broken = False
                await report(SyncStatus(SyncStatusKind.ONLINE, source=SyncStatusSource.OUTBOX))
        await pause(stop, delay, sleep, wake)
