"""Retry decisions (what is retried, after how long) and the stamina-driven loop."""

from __future__ import annotations

import time

import pytest

from hubdesk.api import (
    ApiError,
    ConnectFailed,
    ConnectionDropped,
    DeadlineExceeded,
    RateLimited,
    RequestTimedOut,
    RetryPolicy,
    ServerError,
    UnexpectedResponse,
    ValidationFailed,
)
from hubdesk.api.operations import OPERATIONS
from hubdesk.api.retry import call_with_retries, retry_delay

GET = OPERATIONS["list_sms"]
POST = OPERATIONS["send_sms"]
POLICY = RetryPolicy(backoff_initial=0.01, backoff_max=0.05, jitter=0.0, max_retry_after=10)


@pytest.mark.parametrize(
    ("exc", "op", "expected"),
    [
        (ConnectFailed("x"), GET, 0.01),
        (ConnectFailed("x"), POST, 0.01),
        (RequestTimedOut("x"), GET, 0.01),
        (DeadlineExceeded("crawling"), GET, None),  # another attempt would crawl as well
        (RequestTimedOut("x", may_have_executed=True), POST, None),
        (RequestTimedOut("pool", may_have_executed=False), POST, 0.01),
        (ConnectionDropped("x"), GET, 0.01),
        (ConnectionDropped("x", may_have_executed=True), POST, None),
        (ServerError("x", status=502), GET, 0.01),
        (ServerError("x", status=503, retry_after=3.0), GET, 3.0),
        (ServerError("x", status=504), GET, 0.01),
        (ServerError("x", status=500), GET, None),
        (ServerError("x", status=503, may_have_executed=True), POST, None),
        (RateLimited("x", retry_after=2.0), GET, 2.0),
        (RateLimited("x", retry_after=2.0), POST, 2.0),
        (RateLimited("x", retry_after=11.0), GET, None),
        (ValidationFailed("x", status=422), GET, None),
        (UnexpectedResponse("x"), GET, None),
        (ValueError("not ours"), GET, None),
    ],
)
def test_retry_decisions(exc: Exception, op: object, expected: float | None) -> None:
    decision = retry_delay(exc, op, 1, POLICY)  # type: ignore[arg-type]
    assert (None if decision is None else decision[0]) == expected


def test_backoff_grows_exponentially_and_is_capped() -> None:
    policy = RetryPolicy(backoff_initial=1.0, backoff_max=5.0, jitter=0.0)
    assert [policy.backoff(n) for n in (1, 2, 3, 4)] == [1.0, 2.0, 4.0, 5.0]
    jittered = RetryPolicy(backoff_initial=1.0, backoff_max=5.0, jitter=0.5)
    assert all(1.0 <= jittered.backoff(1) <= 1.5 for _ in range(50))


class Flaky:
    """Fails with the given errors in turn, then answers."""

    def __init__(self, *failures: Exception) -> None:
        self.failures = list(failures)
        self.calls = 0

    async def __call__(self) -> str:
        self.calls += 1
        if self.failures:
            raise self.failures.pop(0)
        return "ok"


async def test_retries_until_success_and_reports_each_wait() -> None:
    send = Flaky(ConnectFailed("x"), ServerError("x", status=503, retry_after=0.2))
    waits: list[tuple[float, str]] = []
    started = time.monotonic()
    result = await call_with_retries(
        send, op=GET, max_retries=3, policy=POLICY, on_wait=lambda s, r: waits.append((s, r))
    )
    assert result == "ok"
    assert send.calls == 3
    assert time.monotonic() - started >= 0.2
    assert [w[0] for w in waits] == [0.01, 0.2]
    assert "HTTP 503" in waits[1][1]


async def test_gives_up_after_max_retries_with_the_last_error() -> None:
    send = Flaky(*(ConnectFailed(f"attempt {n}") for n in range(10)))
    waits: list[float] = []
    with pytest.raises(ConnectFailed, match="attempt 2"):
        await call_with_retries(
            send, op=GET, max_retries=2, policy=POLICY, on_wait=lambda s, r: waits.append(s)
        )
    assert send.calls == 3
    assert len(waits) == 2  # no wait is announced when no retry follows


async def test_unsafe_failure_is_raised_at_once() -> None:
    send = Flaky(ServerError("x", status=500, may_have_executed=True))
    with pytest.raises(ServerError):
        await call_with_retries(send, op=POST, max_retries=3, policy=POLICY, on_wait=None)
    assert send.calls == 1


async def test_max_retries_zero_never_retries() -> None:
    send = Flaky(ConnectFailed("x"))
    with pytest.raises(ApiError):
        await call_with_retries(send, op=GET, max_retries=0, policy=POLICY, on_wait=None)
    assert send.calls == 1


async def test_a_failing_on_wait_does_not_break_the_retry() -> None:
    def on_wait(seconds: float, reason: str) -> None:
        raise RuntimeError("stderr closed")

    send = Flaky(ConnectFailed("x"))
    assert (
        await call_with_retries(send, op=GET, max_retries=1, policy=POLICY, on_wait=on_wait) == "ok"
    )
