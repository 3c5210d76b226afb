"""How the background loops stay alive and say how they are, and what the user is shown.

Every loop (the poller, the outbox sender, the backfill) survives anything: an
unexpected exception (a bug, ``sqlite3.OperationalError``, a ``UnicodeEncodeError``
from the store) is logged with its traceback, reported as an ``ERROR`` status
(``problem``) and the loop tries again after a pause that doubles up to a cap. Every
pause goes through ``bounded_wait``: finite, never negative, at most ``MAX_WAIT`` (one
hour), whatever a server's ``Retry-After`` says, so it can never overflow a timer (Qt's
take milliseconds in a 32-bit int: ~24.8 days).

``StatusBoard`` turns what each loop last reported into the one status the user sees:
"online" only after a poll that succeeded; a loop's internal error stays shown until
that loop reports again (a pass that went through, or ``CONNECTING`` when the runtime
starts the loops afresh); a session that expired (the user must act) comes before
everything else.
"""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Awaitable, Callable
from datetime import datetime

from hubdesk.store.database import DatabaseBusy
from hubdesk.sync.events import SyncStatus, SyncStatusKind, SyncStatusSource

__all__ = ["MAX_WAIT", "Sleep", "StatusBoard", "bounded_wait", "pause", "problem", "supervise"]

MAX_WAIT = 3600.0  # seconds: the longest any background loop pauses
#: How the loops wait (``asyncio.sleep``; a test gives a fake clock's).
Sleep = Callable[[float], Awaitable[None]]
log = logging.getLogger(__name__)

_DOING = {
    SyncStatusSource.POLLER: "Receiving new messages",
    SyncStatusSource.OUTBOX: "Sending queued messages",
    SyncStatusSource.BACKFILL: "Downloading older messages",
}


def bounded_wait(
    seconds: float | None, *, at_least: float = 0.0, at_most: float = MAX_WAIT
) -> float:
    """``seconds`` as a pause a timer can take: not below ``at_least`` (also for None,
    NaN or a negative value), not above ``at_most`` (also for infinity)."""
    at_most = max(at_least, min(at_most, MAX_WAIT))
    if seconds is None or math.isnan(seconds):
        return at_least
    return min(at_most, max(at_least, seconds))


async def pause(
    stop: asyncio.Event,
    seconds: float,
    sleep: Sleep,
    wake: asyncio.Event | None = None,
) -> None:
    """``sleep(seconds)`` (bounded: ``bounded_wait``), ended early when ``stop`` (or
    ``wake``, when given) is set."""
    if stop.is_set() or (wake is not None and wake.is_set()):
        return
    waiters = {asyncio.ensure_future(stop.wait())}
    if wake is not None:
        waiters.add(asyncio.ensure_future(wake.wait()))
    sleeper = asyncio.ensure_future(sleep(bounded_wait(seconds)))
    try:
        await asyncio.wait({*waiters, sleeper}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in (*waiters, sleeper):
            task.cancel()
        await asyncio.gather(*waiters, sleeper, return_exceptions=True)


def problem(
    source: SyncStatusSource,
    exc: BaseException,
    retry_in: float,
    last_sync: datetime | None = None,
) -> SyncStatus:
    """The ``ERROR`` status for a loop stopped by ``exc``: one sentence, no traceback
    (that goes to the log), naming what stopped and when it is tried again."""
    if isinstance(exc, DatabaseBusy):  # another process holds the lock: not a bug
        sentence = (
            f"{_DOING[source]} is waiting: the local message database is busy (another "
            f"HubDesk or program is writing to it); trying again in {_duration(retry_in)}."
        )
    else:
        sentence = (
            f"{_DOING[source]} failed on an internal error ({type(exc).__name__}); trying "
            f"again in {_duration(retry_in)}. The details are in HubDesk's log."
        )
    return SyncStatus(SyncStatusKind.ERROR, last_sync, sentence, retry_in, source)


async def supervise(
    loop: Callable[[], Awaitable[object]],
    stop: asyncio.Event,
    *,
    source: SyncStatusSource,
    report: Callable[[SyncStatus], Awaitable[None]],
    sleep: Sleep = asyncio.sleep,
    first_retry: float = 5.0,
    max_backoff: float = 300.0,
) -> None:
    """Run ``loop()`` (a loop that returns when ``stop`` is set) and start it again
    whenever it raises, after a pause that doubles up to ``max_backoff``: the last guard
    behind the loops' own, for a bug outside them. Logged and reported like theirs."""
    backoff = first_retry
    while not stop.is_set():
        try:
            await loop()
        except Exception as exc:
            log.exception(
                "the %s loop ended on an internal error; restarted in %.0f s", source.value, backoff
            )
            await report(problem(source, exc, backoff))
            await pause(stop, backoff, sleep)
            backoff = bounded_wait(backoff * 2, at_least=first_retry, at_most=max_backoff)
        else:
            return


def _duration(seconds: float) -> str:
    seconds = bounded_wait(seconds)
    if seconds < 120:
        return f"{max(1, round(seconds))} s"
    return f"{round(seconds / 60)} min"


_LOOP_FINE = (SyncStatusKind.CONNECTING, SyncStatusKind.ONLINE)


class StatusBoard:
    """The latest status of each loop, combined into the one to show (see the module)."""

    def __init__(self) -> None:
        self._latest: SyncStatus | None = None  # the connection, as last reported
        self._problems: dict[SyncStatusSource, SyncStatus] = {}

    def update(self, status: SyncStatus) -> SyncStatus | None:
        """Take one loop's report; return what to show now (None: nothing known yet)."""
        self._problems.pop(status.source, None)
        if status.kind is SyncStatusKind.ERROR:
            self._problems[status.source] = status  # the newest problem last
        elif status.source is SyncStatusSource.POLLER or status.kind not in _LOOP_FINE:
            self._latest = status
        # else: another loop started or went through: that only clears its problem
        return self.shown()

    def shown(self) -> SyncStatus | None:
        latest = self._latest
        if latest is not None and latest.kind is SyncStatusKind.SESSION_EXPIRED:
            return latest
        if self._problems:
            return list(self._problems.values())[-1]
        return latest
