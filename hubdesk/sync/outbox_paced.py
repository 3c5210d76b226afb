"""The rows of bulk sends made of many rows (a personalised send: one request per
recipient), worked through a few at a time under the server's rate limit.

A flush sends a message of its own at once; a batch's rows go through ``PacedRows``:
``concurrency`` workers (4 by default) take the rows in order, and each row's work
(its send, or the reconcile of an unknown one) starts only when the ``RatePacer``
admits one more request: while the ``X-RateLimit-Remaining`` the server last reported,
less the requests in flight, stays above the reserve kept for the poll and the user's
own actions (``pacing.reserve_for``: a tenth of the limit, at least 20). So a
1,000-recipient send never starves the poll, and never meets a 429 of its own making.

Several rows in flight at once are safe: each row is claimed in its own transaction
(``Outbox.mark_sending``), and the sender keeps the rows it is working on apart.

The workers stop taking rows once ``should_stop()`` says so (the flush met a failure
that stops it: offline, rate limited, session expired); rows already started finish.
A worker whose work raises (a bug, a busy database) lets the others finish their rows,
then the first such exception is raised again.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable, Sequence

from hubdesk.domain import OutboxItem
from hubdesk.sync.pacing import RatePacer

__all__ = ["DEFAULT_CONCURRENCY", "PacedRows"]

DEFAULT_CONCURRENCY = 4


class PacedRows:
    """Runs ``work(row)`` for many rows, ``concurrency`` at a time, paced by ``pacer``."""

    def __init__(self, pacer: RatePacer, concurrency: int = DEFAULT_CONCURRENCY) -> None:
        if concurrency < 1:
            raise ValueError("at least one row must be allowed in flight")
        self.pacer = pacer
        self.concurrency = concurrency

    async def run(
        self,
        rows: Sequence[OutboxItem],
        work: Callable[[OutboxItem], Awaitable[None]],
        should_stop: Callable[[], bool],
    ) -> None:
        """Work through ``rows`` in order (see the module docstring)."""
        waiting = deque(rows)
        failures: list[BaseException] = []

        async def worker() -> None:
            while waiting and not failures and not should_stop():
                row = waiting.popleft()
                await self.pacer.acquire()
                try:
                    await work(row)
                except Exception as exc:  # the others finish their rows first
                    failures.append(exc)
                finally:
                    self.pacer.release()

        workers = min(self.concurrency, len(waiting))
        await asyncio.gather(*(worker() for _ in range(workers)))
        if failures:
            raise failures[0]
