"""TokenSession: single-flight refresh, generation reuse, expiry margin, on_tokens ordering.

These drive the session with a small token issuer that behaves like Passport (single-use
refresh tokens) and a manual clock; the HTTP side is covered against the simulator.
"""

from __future__ import annotations

import asyncio

import httpx
import pytest

from hubdesk.api import ConnectFailed, NotSignedIn, SessionExpired
from hubdesk.api.auth import TokenSession
from hubdesk.api.bearer import BearerAuth
from hubdesk.api.operations import OPERATIONS
from hubdesk.domain import TokenGrant
from tests.unit.api.tokenkit import Clock, Guard, Issuer, guarded, signed_in

OP = OPERATIONS["list_sms"]


async def test_fresh_token_is_used_without_refresh() -> None:
    issuer, clock = Issuer(), Clock()
    session = await signed_in(issuer, clock)
    token, generation = await session.token_for_request(OP)
    assert token == "access-1"
    assert issuer.refreshes == 0
    assert generation == session.generation


async def test_refresh_happens_margin_before_expiry() -> None:
    issuer, clock = Issuer(), Clock()
    session = await signed_in(issuer, clock)
    clock.now += 3600 - 61
    assert (await session.token_for_request(OP))[0] == "access-1"
    clock.now += 2  # now inside the 60 s margin
    assert (await session.token_for_request(OP))[0] == "access-2"
    assert issuer.refreshes == 1


async def test_short_lived_tokens_use_a_quarter_of_their_life_as_margin() -> None:
    issuer, clock = Issuer(ttl=8), Clock()
    session = await signed_in(issuer, clock)
    clock.now += 5.9
    assert (await session.token_for_request(OP))[0] == "access-1"
    clock.now += 0.2
    assert (await session.token_for_request(OP))[0] == "access-2"


async def test_twenty_concurrent_requests_at_expiry_cause_one_refresh() -> None:
    issuer, clock = Issuer(), Clock()
    session = await signed_in(issuer, clock)
    clock.now += 3600
    results = await asyncio.gather(*(session.token_for_request(OP) for _ in range(20)))
    assert issuer.refreshes == 1
    assert {token for token, _ in results} == {"access-2"}


async def test_concurrent_401s_on_the_same_generation_refresh_once() -> None:
    issuer, clock = Issuer(), Clock()
    session = await signed_in(issuer, clock)
    _, seen = await session.token_for_request(OP)
    results = await asyncio.gather(*(session.refresh(OP, seen_generation=seen) for _ in range(20)))
    assert issuer.refreshes == 1
    assert {token for token, _ in results} == {"access-2"}
    # A request that used the new token and still got a 401 does refresh again.
    await session.refresh(OP, seen_generation=results[0][1])
    assert issuer.refreshes == 2


async def test_on_tokens_is_awaited_before_the_new_token_is_handed_out() -> None:
    issuer, clock = Issuer(), Clock()

    async def on_tokens(grant: TokenGrant) -> None:
        issuer.events.append(f"on_tokens-start({grant.refresh_token})")
        await asyncio.sleep(0.02)
        issuer.events.append(f"on_tokens-done({grant.refresh_token})")

    session = await signed_in(issuer, clock, on_tokens=on_tokens)
    clock.now += 3600

    async def request() -> None:
        token, _ = await session.token_for_request(OP)
        issuer.events.append(f"use({token})")

    await asyncio.gather(request(), request())
    assert issuer.events[:3] == [
        "on_tokens-start(refresh-1)",
        "on_tokens-done(refresh-1)",
        "refresh-grant(refresh-1)",
    ]
    assert issuer.events[3:5] == ["on_tokens-start(refresh-2)", "on_tokens-done(refresh-2)"]
    assert issuer.events[5:] == ["use(access-2)", "use(access-2)"]


async def test_failed_persistence_still_keeps_the_rotated_token() -> None:
    issuer, clock = Issuer(), Clock()
    calls = 0

    async def on_tokens(grant: TokenGrant) -> None:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise OSError("keyring locked")

    session = await signed_in(issuer, clock, on_tokens=on_tokens)
    with pytest.raises(OSError):
        await session.force_refresh(OPERATIONS["refresh"])
    # The old refresh token is dead on the server; the new one is what we hold now.
    assert session.secrets() == ("access-2", "refresh-2")


async def test_reused_refresh_token_ends_the_session_for_every_waiter() -> None:
    issuer, clock = Issuer(), Clock()
    session = await signed_in(issuer, clock)
    issuer.live_refresh.clear()  # someone else already used it
    clock.now += 3600
    results = await asyncio.gather(
        *(session.token_for_request(OP) for _ in range(5)), return_exceptions=True
    )
    assert issuer.refreshes == 1
    assert all(isinstance(r, SessionExpired) for r in results)
    assert not session.has_session
    with pytest.raises(SessionExpired):
        await session.token_for_request(OP)


async def test_no_tokens_is_not_signed_in_before_any_io() -> None:
    issuer = Issuer()
    session = TokenSession(refresher=issuer.refresh)
    assert not session.has_session
    with pytest.raises(NotSignedIn) as info:
        await session.token_for_request(OP)
    assert info.value.operation == "list_sms"
    assert issuer.refreshes == 0


async def test_refresh_token_only_session_refreshes_on_first_use() -> None:
    issuer, clock = Issuer(), Clock()
    stored = issuer.grant().refresh_token
    session = TokenSession(refresher=issuer.refresh, refresh_token=stored, clock=clock)
    assert session.has_session
    token, _ = await session.token_for_request(OP)
    assert token == "access-2"
    assert issuer.refreshes == 1


async def test_cancelled_refresher_does_not_lose_the_rotated_token() -> None:
    issuer, clock = Issuer(delay=0.05), Clock()
    session = await signed_in(issuer, clock)
    clock.now += 3600
    first = asyncio.create_task(session.token_for_request(OP))
    await asyncio.sleep(0.01)  # the refresh grant is in flight
    first.cancel()
    second = await session.token_for_request(OP)  # joins the same refresh
    assert second[0] == "access-2"
    assert issuer.refreshes == 1
    with pytest.raises(asyncio.CancelledError):
        await first


def test_repr_shows_no_tokens() -> None:
    session = TokenSession(refresher=Issuer().refresh, refresh_token="def502-very-secret")
    assert "secret" not in repr(session)


# --- refresh_guard: other processes sharing the persisted session ----------------------


async def test_guard_refreshes_with_the_token_another_process_rotated() -> None:
    issuer, clock, guard = Issuer(), Clock(), Guard()
    session = await guarded(issuer, clock, guard)  # holds refresh-1
    other = await issuer.refresh("refresh-1")  # another process spent it ...
    guard.persisted = other.refresh_token  # ... and stored refresh-2
    clock.now += 3600
    token, _ = await session.token_for_request(OP)
    assert token == "access-3"
    assert issuer.events[-1] == "refresh-grant(refresh-2)"
    assert issuer.refreshes == 2  # the other process's and ours: none refused
    assert guard.persisted == "refresh-3" and guard.entries == 1
    assert not guard.lock.locked()


async def test_guard_invalid_grant_rereads_and_retries_once() -> None:
    issuer, clock, guard = Issuer(), Clock(), Guard()
    session = await guarded(issuer, clock, guard)
    other = await issuer.refresh("refresh-1")  # rotated by a process that took no lock
    guard.reads = ["refresh-1", other.refresh_token]  # seen stale, then the newer one
    clock.now += 3600
    token, _ = await session.token_for_request(OP)
    assert token == "access-3"
    assert issuer.events[-2:] == ["refresh-grant(refresh-1)", "refresh-grant(refresh-2)"]
    assert session.has_session


async def test_guard_invalid_grant_with_nothing_newer_ends_the_session() -> None:
    issuer, clock, guard = Issuer(), Clock(), Guard()
    session = await guarded(issuer, clock, guard)
    issuer.live_refresh.clear()  # revoked on the server; the vault has nothing newer
    clock.now += 3600
    with pytest.raises(SessionExpired):
        await session.token_for_request(OP)
    assert issuer.refreshes == 1  # no second try with the same dead token
    assert not session.has_session and not guard.lock.locked()


async def test_guard_is_held_until_the_waiting_requests_are_answered() -> None:
    issuer, clock, guard = Issuer(), Clock(), Guard()
    session = await guarded(issuer, clock, guard)
    clock.now += 3600
    release = asyncio.Event()
    held_during: list[bool] = []

    async def request() -> None:
        async with session.lease_for_request(OP) as (token, _):
            assert token == "access-2"
            await release.wait()  # the request is on the wire
            held_during.append(guard.lock.locked())

    tasks = [asyncio.create_task(request()) for _ in range(5)]
    await asyncio.sleep(0.05)
    assert guard.lock.locked()  # no other process may refresh (and revoke access-2) yet
    release.set()
    await asyncio.gather(*tasks)
    assert held_during == [True] * 5
    assert not guard.lock.locked()
    assert issuer.refreshes == 1 and guard.entries == 1
    # A request that starts once the lease is over takes no lock.
    async with session.lease_for_request(OP):
        assert not guard.lock.locked()


async def test_refresh_needed_during_the_lease_runs_under_it() -> None:
    issuer, clock, guard = Issuer(), Clock(), Guard()
    session = await guarded(issuer, clock, guard)
    clock.now += 3600
    async with session.lease_for_request(OP) as (_, generation):
        assert guard.lock.locked()
        # A 401 on that request: the refresh must not wait for the lease it is inside.
        async with asyncio.timeout(2):
            async with session.lease_for_request(OP, refresh_after=generation) as (token, _):
                assert token == "access-3"
    assert guard.entries == 1 and not guard.lock.locked()
    assert issuer.refreshes == 2


async def test_forced_refresh_and_failures_release_the_guard() -> None:
    issuer, clock, guard = Issuer(), Clock(), Guard()
    session = await guarded(issuer, clock, guard)
    await session.force_refresh(OPERATIONS["refresh"])  # no request waiting for it
    assert not guard.lock.locked()

    async def down(token: str) -> TokenGrant:
        raise ConnectFailed("Could not reach the HubWork server.")

    empty = Guard()  # nothing persisted: a grant is needed
    failing = TokenSession(refresher=down, refresh_token="refresh-x", refresh_guard=empty)
    with pytest.raises(ConnectFailed):
        async with failing.lease_for_request(OP):
            pass
    assert not empty.lock.locked()
    assert failing.has_session  # a network failure keeps the session


async def test_cancelled_request_ends_the_lease() -> None:
    issuer, clock, guard = Issuer(), Clock(), Guard()
    session = await guarded(issuer, clock, guard)
    clock.now += 3600

    async def request() -> None:
        async with session.lease_for_request(OP):
            await asyncio.sleep(10)

    task = asyncio.create_task(request())
    await asyncio.sleep(0.05)
    assert guard.lock.locked()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert not guard.lock.locked()


async def test_a_request_revoked_by_our_own_refresh_retries_under_the_lease() -> None:
    # A request on the wire with access-1 while this process refreshes (which revokes
    # access-1) gets a 401 and retries with access-2. The lease used to end as that 401
    # came back, before the retry was sent: another process could refresh meanwhile
    # (revoking access-2), the retry got a second 401, and the session was ended as
    # "expired" -- two 'outbox --flush' at once: one exited 3 "Your session has expired;
    # please sign in again" with the session fine.
    issuer, clock, guard = Issuer(), Clock(), Guard()
    session = await guarded(issuer, clock, guard)
    flow = BearerAuth(session, OP).async_auth_flow(httpx.Request("GET", "http://127.0.0.1/x"))
    first = await flow.__anext__()
    assert first.headers["Authorization"] == "Bearer access-1"
    await session.force_refresh(OPERATIONS["refresh"])  # revokes access-1
    assert guard.lock.locked()  # the lease waits for the request on the wire
    retry = await flow.asend(httpx.Response(401, request=first))
    assert retry.headers["Authorization"] == "Bearer access-2"
    assert guard.lock.locked()  # no other process may revoke access-2 before it is answered
    with pytest.raises(StopAsyncIteration):
        await flow.asend(httpx.Response(200, request=retry))
    assert not guard.lock.locked() and session.has_session
    assert issuer.refreshes == 1
