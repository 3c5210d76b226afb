"""Header numbers parsed strictly (issue 11, item 2): nothing raises, waits are bounded,
and a bad header on a token refresh no longer loses the rotated refresh token."""

from __future__ import annotations

import asyncio
import time
from email.utils import formatdate

import httpx
import pytest

from hubdesk.api import HubClient, RateLimited, RetryPolicy, ServerError
from hubdesk.api.headers import (
    DEFAULT_RETRY_AFTER,
    MAX_COUNT,
    MAX_WAIT,
    header_count,
    header_seconds,
    http_date,
    rate_limit_from_headers,
    rate_limited_wait,
    retry_after,
)
from hubdesk.core.errors import describe_error
from hubdesk.sim import Fault, SimState
from tests.unit.api.simclient import PASSWORD, USERNAME, MakeClient, Recorder, refresh_grants

HOSTILE_NUMBERS = [
    "nan",
    "NaN",
    "inf",
    "-inf",
    "Infinity",
    "1e400",
    "1e3",
    "-1",
    "-0",
    "+5",
    "1.5e2",
    "0x10",
    "",
    " ",
    "12 13",
    "12,13",
    "\u0661\u0662",
    "½",
    "9" * 33,
    "1_000",
    "5s",
]


@pytest.mark.parametrize("value", HOSTILE_NUMBERS)
def test_a_hostile_count_is_absent(value: str) -> None:
    assert header_count(value) is None


def test_counts_are_digits_clamped() -> None:
    assert header_count(" 1200 ") == 1200
    assert header_count("0") == 0
    assert header_count("9" * 32) == MAX_COUNT


@pytest.mark.parametrize("value", HOSTILE_NUMBERS)
def test_hostile_seconds_are_absent(value: str) -> None:
    assert header_seconds(value) is None


def test_seconds_accept_digits_and_a_fraction() -> None:
    assert header_seconds("30") == 30.0
    assert header_seconds("0.25") == 0.25


@pytest.mark.parametrize(
    "value",
    [
        "Mon, 32 Jan 2024 00:00:00 GMT",
        "Tue, 01 Jan 99999 00:00:00 GMT",
        "yesterday",
        "",
        "x" * 5000,
        "Mon, 01 Jan 2024 99:00:00 GMT",
    ],
)
def test_bad_dates_are_absent(value: str) -> None:
    assert http_date(value) is None


def headers(**values: str) -> httpx.Headers:
    """Headers as they arrive: bytes off the wire (UTF-8 here), decoded by httpx."""
    return httpx.Headers([(k.replace("_", "-").encode(), v.encode()) for k, v in values.items()])


@pytest.mark.parametrize("value", HOSTILE_NUMBERS)
def test_rate_limit_info_never_raises_and_holds_only_finite_numbers(value: str) -> None:
    info = rate_limit_from_headers(
        headers(
            x_ratelimit_limit=value,
            x_ratelimit_remaining=value,
            x_ratelimit_reset=value,
            retry_after=value,
        )
    )
    assert info is None


def test_retry_after_is_clamped_to_a_day_and_to_the_bound() -> None:
    assert retry_after(headers(retry_after="1000000000")) == MAX_WAIT
    assert retry_after(headers(retry_after="1000000000"), bound=120) == 120
    assert retry_after(headers(retry_after="7")) == 7


def test_retry_after_date_is_measured_from_the_servers_date() -> None:
    server_now = time.time() - 3600  # the server's clock is an hour behind this machine
    given = headers(
        date=formatdate(server_now, usegmt=True),
        retry_after=formatdate(server_now + 30, usegmt=True),
    )
    assert retry_after(given) == pytest.approx(30, abs=1)
    past = headers(retry_after=formatdate(time.time() - 100, usegmt=True))
    assert retry_after(past) == 0


def test_reset_is_clamped_relative_to_the_server_date() -> None:
    server_now = time.time()
    given = headers(date=formatdate(server_now, usegmt=True), x_ratelimit_reset="9" * 20)
    info = rate_limit_from_headers(given, bound=120)
    assert info is not None and info.reset_at is not None
    assert info.reset_at <= int(server_now) + 120 + 1
    assert rate_limited_wait(given) == pytest.approx(MAX_WAIT, abs=2)


def test_a_429_without_usable_headers_waits_the_default() -> None:
    assert rate_limited_wait(headers(retry_after="nan", x_ratelimit_reset="inf")) == (
        DEFAULT_RETRY_AFTER
    )


def test_errors_clamp_whatever_they_are_given() -> None:
    assert RateLimited("x", retry_after=float("inf")).retry_after == MAX_WAIT
    assert RateLimited("x", retry_after=float("nan")).retry_after == MAX_WAIT
    assert RateLimited("x", retry_after=-5).retry_after == 0
    assert ServerError("x", retry_after=1e12).retry_after == MAX_WAIT


# ------------------------------------------------------------------ through the client


@pytest.mark.parametrize("value", ["nan", "inf", "1e400", "-1", "9" * 400])
async def test_bad_rate_limit_headers_do_not_break_login_or_calls(
    make_client: MakeClient, sim_state: SimState, value: str
) -> None:
    hostile = {"X-RateLimit-Limit": value, "X-RateLimit-Remaining": value}
    sim_state.add_fault(Fault("header", count=3, headers=hostile))
    client = make_client()
    await client.login(USERNAME, PASSWORD)
    page = await client.list_sender_ids()
    assert page.items
    assert client.rate_limit is None or client.rate_limit.limit is None


async def test_a_bad_header_on_the_refresh_answer_keeps_the_rotated_token(
    client: HubClient, sim_state: SimState, recorder: Recorder
) -> None:
    """The refresh token is single use: the server spent the old one when it answered.
    The answer's headers used to raise in the response hook, so the new token was never
    stored and the session was lost."""
    sim_state.expire_tokens()
    sim_state.add_fault(
        Fault("header", path="/api/oauth/token", headers={"X-RateLimit-Limit": "inf"})
    )
    await client.list_sender_ids()
    assert len(refresh_grants(sim_state)) == 1
    assert len(recorder.grants) == 2  # login, then the refresh: handed over to be stored
    rotated = recorder.grants[-1].refresh_token
    # The stored token is the live one: a fresh client restored from it works.
    sim_state.expire_tokens()
    await client.refresh()
    assert recorder.grants[-1].refresh_token != rotated


async def test_retry_after_1e400_is_ignored_for_the_reset_time(
    client: HubClient, sim_state: SimState, recorder: Recorder
) -> None:
    """float("1e400") is inf: it used to become an endless wait and an OverflowError in
    the sentence. Now it is no number at all, and X-RateLimit-Reset (1 s) is used."""
    sim_state.add_fault(Fault("429", path="/api/sms/list", headers={"Retry-After": "1e400"}))
    await client.list_sms()
    assert len(recorder.waits) == 1 and 0 <= recorder.waits[0][0] <= 1.0


async def test_a_huge_retry_after_is_raised_at_once_clamped_to_a_day(
    client: HubClient, sim_state: SimState
) -> None:
    sim_state.add_fault(Fault("429", path="/api/sms/list", headers={"Retry-After": "1000000000"}))
    async with asyncio.timeout(10):
        with pytest.raises(RateLimited) as info:
            await client.list_sms()
    assert info.value.retry_after == MAX_WAIT
    assert "try again in 86400 seconds" in describe_error(info.value)


async def test_the_total_wait_budget_ends_the_retries(
    make_client: MakeClient, sim_state: SimState, recorder: Recorder
) -> None:
    client = make_client(retry_policy=RetryPolicy(max_retry_after=5, max_total_wait=1.5))
    await client.login(USERNAME, PASSWORD)
    sim_state.add_fault(Fault("429", count=3, path="/api/sms/list", seconds=1))
    started = time.monotonic()
    with pytest.raises(RateLimited):
        await client.list_sms()  # waits 1 s once; a second 1 s would pass 1.5
    assert [w for w, _ in recorder.waits] == [1.0]
    assert time.monotonic() - started < 3
    sim_state.clear_faults()
    sim_state.add_fault(Fault("429", path="/api/sms/list", seconds=0.4))
    with pytest.raises(RateLimited):  # the budget is the client's, over all its calls
        await client.list_sms()


# ------------------------------------------------------------------ the server's clock


async def test_every_answers_date_reaches_on_server_time(
    make_client: MakeClient, sim_state: SimState
) -> None:
    """The server clock used to be fed by a transport wrapper, which switched off httpx's
    proxy support; it is now fed from the client's response hook."""
    seen: list[object] = []
    client = make_client(on_server_time=seen.append)
    await client.login(USERNAME, PASSWORD)
    await client.list_sms()
    assert len(seen) == 2
    assert all(getattr(m, "tzinfo", None) is not None for m in seen)
    assert abs(seen[-1].timestamp() - sim_state.now()) < 2  # type: ignore[attr-defined]


@pytest.mark.parametrize("date", ["yesterday", "Fri, 31 Dec 9999 23:59:59 -2359", "\xff"])
async def test_a_bad_date_is_ignored(
    make_client: MakeClient, sim_state: SimState, date: str
) -> None:
    seen: list[object] = []
    sim_state.add_fault(Fault("header", headers={"Date": date}))
    client = make_client(on_server_time=seen.append)
    await client.login(USERNAME, PASSWORD)
    assert seen == []


async def test_a_failing_on_server_time_does_not_fail_the_request(
    make_client: MakeClient, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(moment: object) -> None:
        raise RuntimeError("clock broke")

    client = make_client(on_server_time=broken)
    await client.login(USERNAME, PASSWORD)
    assert (await client.list_sender_ids()).items
    assert "observing a response's headers failed" in caplog.text
