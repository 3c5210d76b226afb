"""Two SessionManagers on one profile (home folder and vault), as the GUI and a
``hubdesk-cli outbox --flush`` would be, sending at once against the simulator in
process (httpx.ASGITransport), which revokes the old access token on every refresh like
Passport. They share one access token through the vault: a refresh happens only when
that token is refused, and the other process adopts the new one instead of refreshing
(and revoking it) in turn.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from hubdesk.api import HubClient, SessionExpired
from hubdesk.core.session import Credentials, SessionManager
from hubdesk.sim import SimApp, SimState
from hubdesk.store.secrets import KeyringVault, StoredSession
from tests.fakes.keyring_backend import MemoryKeyring

URL = "http://127.0.0.1:9/api"  # never dialled: requests go through the ASGI transport
CREDS = Credentials("hubdesk-demo", "demo-secret", "demo@hubwork.test", "demo-password")
SENDER = "447520602706"
SENDS = 40  # per client
EXPIRIES = 3  # times the server refuses every access token held, mid-run


@pytest.fixture
def state() -> SimState:
    return SimState()


@pytest.fixture
def transport(state: SimState) -> httpx.ASGITransport:
    return httpx.ASGITransport(app=SimApp(state))


@pytest.fixture
def vault() -> KeyringVault:
    return KeyringVault(MemoryKeyring())


async def sign_in(home: Path, vault: KeyringVault, transport: httpx.ASGITransport) -> None:
    async with SessionManager(home, vault, transport=transport) as manager:
        await manager.login(URL, CREDS)


async def send_all(client: HubClient, name: str, on_sent: list[str]) -> None:
    for number in range(SENDS):
        await client.send_sms(SENDER, "07400123456", f"{name} {number}")
        on_sent.append(name)
        await asyncio.sleep(0)  # let the other "process" in between


async def test_app_and_flush_taking_turns_share_one_access_token(
    tmp_path: Path, vault: KeyringVault, transport: httpx.ASGITransport, state: SimState
) -> None:
    """The app and the CLI send in turn. Each used to refresh for every send of its own
    (the other's refresh had revoked its token): 80 refresh grants and 78 401s for 80
    sends. Now: one refresh per expiry, and one 401 per process and expiry."""
    await sign_in(tmp_path, vault, transport)
    before = state.stats()
    async with (
        SessionManager(tmp_path, vault, transport=transport) as app,
        SessionManager(tmp_path, vault, transport=transport) as cli,
    ):
        clients = [await app.restore(), await cli.restore()]
        for number in range(2 * SENDS):
            if number and number % (2 * SENDS // (EXPIRIES + 1)) == 0:
                state.expire_tokens()
            await clients[number % 2].send_sms(SENDER, "07400123456", f"turn {number}")
    after = state.stats()

    def grew(name: str) -> int:
        return after.get(name, 0) - before.get(name, 0)

    assert grew("messages") == 2 * SENDS
    assert (grew("refreshes"), grew("unauthenticated")) == (EXPIRIES, 2 * EXPIRIES)
    assert grew("requests") == 2 * SENDS + 3 * EXPIRIES
    assert grew("refresh_failures") == 0


async def test_app_and_flush_at_once_share_one_access_token(
    tmp_path: Path, vault: KeyringVault, transport: httpx.ASGITransport, state: SimState
) -> None:
    """The same, both sending at once: at most one refresh per expiry (the old code:
    4 to 6 here, in process; 600 refreshes for 600 sends in real processes, see
    bench/shared_session.py)."""
    await sign_in(tmp_path, vault, transport)
    before = state.stats()
    sent: list[str] = []

    async def expire_now_and_then() -> None:
        for expiry in range(EXPIRIES):
            while len(sent) < (expiry + 1) * 2 * SENDS // (EXPIRIES + 1):
                await asyncio.sleep(0)
            state.expire_tokens()

    async with (
        SessionManager(tmp_path, vault, transport=transport) as app,
        SessionManager(tmp_path, vault, transport=transport) as cli,
    ):
        app_client, cli_client = await app.restore(), await cli.restore()
        await asyncio.gather(
            send_all(app_client, "app", sent),
            send_all(cli_client, "cli", sent),
            expire_now_and_then(),
        )
    after = state.stats()
    refreshes = after.get("refreshes", 0) - before.get("refreshes", 0)
    refused = after.get("unauthenticated", 0) - before.get("unauthenticated", 0)
    requests = after["requests"] - before["requests"]

    assert len(sent) == 2 * SENDS and after["messages"] - before["messages"] == 2 * SENDS
    # One refresh per expiry (the other process adopts its token); each expiry refuses
    # at most the one request in flight per process.
    assert refreshes <= EXPIRIES, (refreshes, refused)
    assert refused <= 2 * EXPIRIES, (refreshes, refused)
    assert requests == 2 * SENDS + refreshes + refused
    assert after.get("refresh_failures", 0) == 0


async def test_a_session_stored_without_an_access_token_refreshes_as_before(
    tmp_path: Path, vault: KeyringVault, transport: httpx.ASGITransport, state: SimState
) -> None:
    await sign_in(tmp_path, vault, transport)
    stored = vault.load(URL, CREDS.username)
    assert stored is not None and stored.access is not None
    vault.save(URL, CREDS.username, StoredSession(stored.refresh_token, stored.client_secret))
    async with SessionManager(tmp_path, vault, transport=transport) as manager:
        await (await manager.restore()).list_sms()
    assert state.stats()["refreshes"] == 1
    renewed = vault.load(URL, CREDS.username)
    assert renewed is not None and renewed.access is not None  # stored from now on


async def test_an_expired_stored_access_token_is_not_used(
    tmp_path: Path, vault: KeyringVault, transport: httpx.ASGITransport, state: SimState
) -> None:
    await sign_in(tmp_path, vault, transport)
    later = SessionManager(
        tmp_path,
        vault,
        transport=transport,
        wall_clock=lambda: datetime.now(UTC) + timedelta(hours=1),  # past its expiry
    )
    async with later as manager:
        await (await manager.restore()).list_sms()
    assert state.stats()["refreshes"] == 1
    assert state.stats().get("unauthenticated", 0) == 0  # refreshed before sending


async def test_session_expiry_forgets_the_stored_access_token(
    tmp_path: Path, vault: KeyringVault, transport: httpx.ASGITransport, state: SimState
) -> None:
    await sign_in(tmp_path, vault, transport)
    state.revoke_tokens()
    async with SessionManager(tmp_path, vault, transport=transport) as manager:
        client = await manager.restore()
        with pytest.raises(SessionExpired):
            await client.list_sms()
    stored = vault.load(URL, CREDS.username)
    assert stored is not None and stored.access is None  # another process will not adopt it


async def test_sign_out_forgets_the_stored_access_token(
    tmp_path: Path, transport: httpx.ASGITransport
) -> None:
    backend = MemoryKeyring()
    vault = KeyringVault(backend)
    async with SessionManager(tmp_path, vault, transport=transport) as manager:
        await manager.login(URL, CREDS)
        assert any(key.endswith("|access_token") for _, key in backend.entries)
        await manager.logout()
    assert backend.entries == {}
