"""Which failures are retried, after how long, driven by ``stamina``.

Rules (docs/ARCHITECTURE.md, "Conventions": only what is safe is retried):

* 429 on any request: nothing was executed; wait exactly Retry-After, then retry.
* Connection not established (``ConnectFailed``, a pool time-out): retry any request.
* GET only: time-outs, dropped connections and 502/503/504 are retried with exponential
  backoff plus jitter; a 503 (or 502/504) carrying Retry-After waits exactly that.
* Never: an answer that took the whole deadline (``DeadlineExceeded``: the server is
  answering, at a crawl; another attempt would take as long) or passed the size cap.
* A request that changes something and may have reached the server is never retried.

One logical call has one budget of ``max_retries``: the token refresh a request needs is
sent once per attempt of that request (``HubClient._refresh_grant`` has no retries of
its own), and its failure is decided here like the request's own. With the server down
a call therefore makes ``max_retries + 1`` connection attempts in all, a few seconds of
backoff, instead of a nested budget per attempt.

Every sleep is reported through ``on_wait(seconds, reason)`` before it starts, and is
bounded: a single wait never exceeds ``RetryPolicy.max_retry_after`` (a longer
Retry-After is not waited for: the error is raised at once), and a client whose policy
sets ``max_total_wait`` sleeps at most that long in all, over every call it makes (the
interactive command line: 60 s; then the last error is raised, a 429 saying when to try
again). The numbers come from ``hubdesk.api.headers``: finite and within a day.
"""

from __future__ import annotations

import logging
import math
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

import stamina

from hubdesk.api.errors import (
    ApiError,
    ConnectFailed,
    ConnectionDropped,
    DeadlineExceeded,
    RateLimited,
    RequestTimedOut,
    ServerError,
)
from hubdesk.api.operations import Operation

__all__ = ["OnWait", "RetryPolicy", "WaitBudget", "call_with_retries", "retry_delay"]

T = TypeVar("T")
OnWait = Callable[[float, str], None]
log = logging.getLogger(__name__)

_RETRYABLE_GET_STATUSES = frozenset({502, 503, 504})


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Backoff shape and bounds.

    ``max_retry_after``: the longest single wait; a longer Retry-After is not waited for.
    ``max_total_wait``: seconds a client may sleep in all over its life (None: no total
    bound); an interactive command sets it so that it ends in bounded time.
    """

    backoff_initial: float = 0.5
    backoff_max: float = 8.0
    jitter: float = 0.5
    max_retry_after: float = 120.0
    max_total_wait: float | None = None

    def backoff(self, retry_number: int) -> float:
        """Exponential backoff with jitter for the ``retry_number``-th retry (1-based)."""
        base = min(self.backoff_max, self.backoff_initial * (2.0 ** (retry_number - 1)))
        return base + (random.uniform(0, self.jitter) if self.jitter > 0 else 0.0)


class WaitBudget:
    """What is left of ``RetryPolicy.max_total_wait`` for one client (shared by its calls)."""

    def __init__(self, total: float | None) -> None:
        self._left = total

    @property
    def left(self) -> float | None:
        return self._left

    def allows(self, seconds: float) -> bool:
        return self._left is None or seconds <= self._left

    def spend(self, seconds: float) -> None:
        if self._left is not None:
            self._left = max(0.0, self._left - seconds)


def retry_delay(
    exc: BaseException, op: Operation, retry_number: int, policy: RetryPolicy
) -> tuple[float, str] | None:
    """How long to wait before retrying ``op`` after ``exc``, and why; None: do not retry."""
    if not isinstance(exc, ApiError):
        return None
    if isinstance(exc, RateLimited):
        if not exc.retry_after <= policy.max_retry_after:  # also refuses nan
            return None
        return exc.retry_after, f"rate limited by the server while trying to {op.doing}"
    if exc.may_have_executed or isinstance(exc, DeadlineExceeded):
        return None
    if isinstance(exc, ConnectFailed):
        return policy.backoff(retry_number), f"could not connect while trying to {op.doing}"
    if isinstance(exc, RequestTimedOut):  # a GET, or nothing was sent (pool time-out)
        return policy.backoff(retry_number), f"timed out while trying to {op.doing}"
    if op.method != "GET":
        return None
    if isinstance(exc, ConnectionDropped):
        return policy.backoff(retry_number), f"connection dropped while trying to {op.doing}"
    if isinstance(exc, ServerError) and exc.status in _RETRYABLE_GET_STATUSES:
        reason = f"server unavailable (HTTP {exc.status}) while trying to {op.doing}"
        if exc.retry_after is not None:
            if not exc.retry_after <= policy.max_retry_after:
                return None
            return exc.retry_after, reason
        return policy.backoff(retry_number), reason
    return None


async def call_with_retries(
    send: Callable[[], Awaitable[T]],
    *,
    op: Operation,
    max_retries: int,
    policy: RetryPolicy,
    on_wait: OnWait | None,
    budget: WaitBudget | None = None,
) -> T:
    """Run ``send`` once, and again for each retryable failure, at most ``max_retries`` more.

    ``budget`` (the client's :class:`WaitBudget`) is charged for every sleep; a retry it
    cannot pay for is not made.
    """
    attempts = max(0, max_retries) + 1
    current = 0

    def decide(exc: Exception) -> bool | float:
        if current >= attempts:
            return False
        decision = retry_delay(exc, op, current, policy)
        if decision is None:
            return False
        seconds, reason = decision
        if not math.isfinite(seconds):
            return False
        seconds = min(max(0.0, seconds), policy.max_retry_after)
        if budget is not None:
            if not budget.allows(seconds):
                return False
            budget.spend(seconds)
        if on_wait is not None:
            try:
                on_wait(seconds, reason)
            except Exception:  # a reporting callback must not change what happens
                log.warning("on_wait callback failed", exc_info=True)
        return float(seconds)

    async for attempt in stamina.retry_context(
        on=decide, attempts=attempts, timeout=None, wait_jitter=0.0
    ):
        with attempt:
            current = attempt.num
            return await send()
    raise AssertionError("unreachable: stamina re-raises the last failure")  # pragma: no cover
