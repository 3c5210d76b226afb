"""TokenSession beside other processes: adopting the access token another one persisted.

Two ``TokenSession`` objects on one ``Guard`` (one lock, one "vault") stand for two
processes sharing a profile; the HTTP side is covered against the simulator in
tests/unit/core/test_session_shared.py.
"""

from __future__ import annotations

import httpx
import pytest

from hubdesk.api import SessionExpired
from hubdesk.api.auth import TokenSession
from hubdesk.api.bearer import BearerAuth
from hubdesk.api.operations import OPERATIONS
from hubdesk.api.persisted import PersistedTokens
from hubdesk.domain import TokenGrant
from tests.unit.api.tokenkit import Clock, Guard, Issuer, guarded

OP = OPERATIONS["list_sms"]


async def other_process(issuer: Issuer, guard: Guard, clock: Clock) -> TokenSession:
    """A second process: restored from what the first one persisted."""
    stored = await guard.stored()
    assert stored is not None

    async def persist(grant: TokenGrant) -> None:
        guard.keep(grant)

    return TokenSession(
        refresher=issuer.refresh,
        on_tokens=persist,
        refresh_guard=guard,
        persisted=stored,
        clock=clock,
    )


async def test_a_second_process_starts_with_the_persisted_token_and_adopts_the_next() -> None:
    issuer, clock, guard = Issuer(), Clock(), Guard()
    first = await guarded(issuer, clock, guard)
    second = await other_process(issuer, guard, clock)
    assert (await second.token_for_request(OP))[0] == "access-1"  # no refresh at start
    assert issuer.refreshes == 0 and second.adopt_count == 1

    clock.now += 3600  # due in both
    assert (await first.token_for_request(OP))[0] == "access-2"
    assert (await second.token_for_request(OP))[0] == "access-2"  # adopted: no grant
    assert issuer.refreshes == 1 and second.adopt_count == 2
    assert guard.persisted == "refresh-2" and second.can_refresh

    clock.now += 3600  # now the second one is first to find it due
    assert (await second.token_for_request(OP))[0] == "access-3"
    assert (await first.token_for_request(OP))[0] == "access-3"
    assert issuer.refreshes == 2 and first.adopt_count == 1
    assert issuer.events == ["refresh-grant(refresh-1)", "refresh-grant(refresh-2)"]


async def test_a_persisted_token_about_to_expire_is_not_adopted() -> None:
    issuer, clock, guard = Issuer(), Clock(), Guard()
    session = await guarded(issuer, clock, guard)
    guard.access, guard.access_expires = "access-elsewhere", clock.now + 3600 + 30
    clock.now += 3600  # ours is due; the persisted one has 30 s left: within the margin
    assert (await session.token_for_request(OP))[0] == "access-2"
    assert issuer.refreshes == 1 and session.adopt_count == 0


async def test_a_persisted_token_without_access_refreshes_as_before() -> None:
    issuer, clock = Issuer(), Clock()
    issuer.live_refresh.add("refresh-old")
    session = TokenSession(
        refresher=issuer.refresh, persisted=PersistedTokens("refresh-old"), clock=clock
    )
    assert (await session.token_for_request(OP))[0] == "access-1"
    assert issuer.events == ["refresh-grant(refresh-old)"]


async def test_an_adopted_token_refused_is_followed_by_a_grant_of_our_own() -> None:
    issuer, clock, guard = Issuer(), Clock(), Guard()
    session = await guarded(issuer, clock, guard)
    guard.keep(await issuer.refresh("refresh-1"))  # another process: refresh-2, access-2
    flow = BearerAuth(session, OP).async_auth_flow(httpx.Request("GET", "http://127.0.0.1/x"))
    first = await flow.__anext__()
    assert first.headers["Authorization"] == "Bearer access-1"
    adopted = await flow.asend(httpx.Response(401, request=first))  # revoked by that refresh
    assert adopted.headers["Authorization"] == "Bearer access-2"
    own = await flow.asend(httpx.Response(401, request=adopted))  # refused as well
    assert own.headers["Authorization"] == "Bearer access-3"
    with pytest.raises(StopAsyncIteration):
        await flow.asend(httpx.Response(200, request=own))
    assert session.has_session and not guard.lock.locked()
    assert issuer.events[-1] == "refresh-grant(refresh-2)" and guard.persisted == "refresh-3"


async def test_a_granted_token_refused_ends_the_session_and_forgets_the_stored_access() -> None:
    issuer, clock, guard = Issuer(), Clock(), Guard()
    forgotten: list[str] = []

    async def forget(issued_with: str) -> None:
        forgotten.append(issued_with)

    session = await guarded(issuer, clock, guard, on_expired=forget)
    flow = BearerAuth(session, OP).async_auth_flow(httpx.Request("GET", "http://127.0.0.1/x"))
    first = await flow.__anext__()
    retry = await flow.asend(httpx.Response(401, request=first))
    assert retry.headers["Authorization"] == "Bearer access-2"  # our own grant
    with pytest.raises(SessionExpired):
        await flow.asend(httpx.Response(401, request=retry))
    assert not session.has_session and forgotten == ["refresh-2"]


async def test_invalid_grant_forgets_the_stored_access_token() -> None:
    issuer, clock, guard = Issuer(), Clock(), Guard()
    forgotten: list[str] = []

    async def forget(issued_with: str) -> None:
        forgotten.append(issued_with)

    session = await guarded(issuer, clock, guard, on_expired=forget)
    issuer.live_refresh.clear()
    clock.now += 3600
    with pytest.raises(SessionExpired):
        await session.token_for_request(OP)
    assert forgotten == ["refresh-1"] and not session.has_session


async def test_an_explicit_refresh_is_a_grant_even_beside_a_persisted_token() -> None:
    issuer, clock, guard = Issuer(), Clock(), Guard()
    session = await guarded(issuer, clock, guard)
    guard.keep(await issuer.refresh("refresh-1"))  # another process's valid access-2
    grant = await session.force_refresh(OPERATIONS["refresh"])
    assert grant.access_token == "access-3" and session.adopt_count == 0
    assert issuer.events[-1] == "refresh-grant(refresh-2)"


@pytest.mark.parametrize(
    ("left", "lifetime", "usable"),
    [
        (3000.0, 3600.0, True),
        (61.0, 3600.0, True),
        (60.0, 3600.0, False),  # within the refresh margin
        (-5.0, 3600.0, False),  # expired
        (3.0, 10.0, True),  # short-lived: a quarter of its life as margin
        (2.5, 10.0, False),
        (3600.0 + 3600.0, 3600.0, False),  # more left than its life: the clock went back
        (100.0, 0.0, False),  # no lifetime known
    ],
)
def test_which_persisted_access_token_is_usable(left: float, lifetime: float, usable: bool) -> None:
    tokens = PersistedTokens("refresh", "access", access_left=left, access_lifetime=lifetime)
    assert (tokens.usable_access() == "access") is usable
    assert PersistedTokens("refresh").usable_access() is None


def test_persisted_tokens_repr_shows_no_token() -> None:
    tokens = PersistedTokens("def502-secret-refresh", "eyJ-secret-access", 3000, 3600)
    assert "secret" not in repr(tokens)
