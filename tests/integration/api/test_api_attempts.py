"""One logical call, one retry budget: a token refresh never brings retries of its own.

The refresh a request needs runs inside that request's attempts (one grant per attempt),
so with the server down a call with a stored session makes ``max_retries + 1`` connection
attempts in all, not ``(max_retries + 1) ** 2``. Attempts are counted by a real httpx
transport that counts what it is asked to send; the unreachable server is a loopback
port nobody listens on, and the backoff is the real default one.
"""

from __future__ import annotations

import socket
import time
from pathlib import Path

import httpx
import pytest

from hubdesk.api import ConnectFailed, HubClient, RateLimited, RetryPolicy
from hubdesk.core.session import SessionManager
from hubdesk.store.profile import Profile, save_profile
from hubdesk.store.secrets import MemoryVault, StoredSession
from tests.integration.api.simhttp import Control
from tests.unit.api.simclient import (
    CLIENT_ID,
    CLIENT_SECRET,
    PASSWORD,
    USERNAME,
    MakeClient,
    Recorder,
)

pytestmark = pytest.mark.network

DEFAULT_MAX_RETRIES = 3  # HubClient's and SessionManager's default
# Default policy: backoffs 0.5 + 1 + 2 s, each plus up to 0.5 s of jitter (5 s at most).
WORST_CASE_SECONDS = 8.0


class CountingTransport(httpx.AsyncHTTPTransport):
    """The real loopback transport, counting every request it is asked to send."""

    def __init__(self) -> None:
        super().__init__()
        self.sent: list[tuple[str, str]] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.sent.append((request.method, request.url.path))
        return await super().handle_async_request(request)


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/api"


async def test_stored_session_with_the_server_down_fails_within_one_budget() -> None:
    transport = CountingTransport()
    client = HubClient(
        closed_port_url(),
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        refresh_token="def502-stored",
        transport=transport,
    )
    started = time.monotonic()
    async with client:
        with pytest.raises(ConnectFailed) as info:
            await client.list_sms()
    elapsed = time.monotonic() - started
    # Each attempt of list_sms needs a refresh first: it is the refresh that is attempted.
    assert transport.sent == [("POST", "/api/oauth/token")] * (DEFAULT_MAX_RETRIES + 1)
    assert elapsed < WORST_CASE_SECONDS, elapsed
    assert not info.value.may_have_executed
    print(f"attempts={len(transport.sent)} elapsed={elapsed:.2f}s")


async def test_cli_like_restore_with_the_server_down(tmp_path: Path) -> None:
    """The reported case: what ``hubdesk-cli`` builds (SessionManager.restore, defaults)."""
    url = closed_port_url()
    save_profile(tmp_path, Profile(url, CLIENT_ID, USERNAME))
    vault = MemoryVault()
    vault.save(url, USERNAME, StoredSession("def502-stored", CLIENT_SECRET))
    transport = CountingTransport()
    waits: list[tuple[float, str]] = []
    started = time.monotonic()
    async with SessionManager(
        tmp_path, vault, transport=transport, on_wait=lambda s, r: waits.append((s, r))
    ) as manager:
        client = await manager.restore()
        with pytest.raises(ConnectFailed):
            await client.all_sender_ids()
    elapsed = time.monotonic() - started
    assert len(transport.sent) == DEFAULT_MAX_RETRIES + 1
    assert len(waits) == DEFAULT_MAX_RETRIES
    assert all("list the sender IDs" in reason for _, reason in waits)
    assert elapsed < WORST_CASE_SECONDS, elapsed
    # The stored refresh token was never used up: nothing reached a server.
    stored = vault.load(url, USERNAME)
    assert stored is not None and stored.refresh_token == "def502-stored"


async def test_explicit_refresh_has_one_budget_too(make_client: MakeClient) -> None:
    transport = CountingTransport()
    client = make_client(
        base_url=closed_port_url(),
        refresh_token="def502-stored",
        transport=transport,
        max_retries=2,
    )
    with pytest.raises(ConnectFailed):
        await client.refresh()
    assert transport.sent == [("POST", "/api/oauth/token")] * 3


async def test_refresh_rate_limited_once_is_retried_within_the_request(
    make_client: MakeClient, control: Control, recorder: Recorder
) -> None:
    signed_in = make_client()
    await signed_in.login(USERNAME, PASSWORD)
    transport = CountingTransport()
    restored = make_client(refresh_token=recorder.grants[-1].refresh_token, transport=transport)
    await control.fault("429", count=1, path="/api/oauth/token", seconds=0)
    page = await restored.list_sms()
    assert page.current_page == 1
    assert transport.sent == [("POST", "/api/oauth/token")] * 2 + [("GET", "/api/sms/list")]
    assert len(await control.refresh_grants()) == 2  # one refused with 429, one granted


async def test_refresh_rate_limited_past_the_budget_stops_after_it(
    make_client: MakeClient, control: Control, recorder: Recorder
) -> None:
    signed_in = make_client()
    await signed_in.login(USERNAME, PASSWORD)
    transport = CountingTransport()
    restored = make_client(
        refresh_token=recorder.grants[-1].refresh_token,
        transport=transport,
        max_retries=2,
        retry_policy=RetryPolicy(backoff_initial=0.01, jitter=0.0),
    )
    await control.fault("429", count=10, path="/api/oauth/token", seconds=0)
    with pytest.raises(RateLimited):
        await restored.list_sms()
    assert transport.sent == [("POST", "/api/oauth/token")] * 3
