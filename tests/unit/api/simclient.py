"""HubClient against the simulator in process (httpx.ASGITransport): fixtures and helpers.

``Gate`` is a fake with behaviour for answers the simulator has no fault for (a bare 401,
``{"status": "error"}`` with 200, odd shapes; a 403 is the simulator's ``403`` fault): it
answers matching requests itself a set number of times and passes everything else to the
simulator.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from starlette.types import Receive, Scope, Send

from hubdesk.api import HubClient, RetryPolicy
from hubdesk.domain import TokenGrant
from hubdesk.sim import SimApp, SimState

BASE_URL = "http://127.0.0.1/api"
CLIENT_ID = "hubdesk-demo"
CLIENT_SECRET = "demo-secret"
USERNAME = "demo@hubwork.test"
PASSWORD = "demo-password"
SENDER = "447520602706"  # approved in the collection's data
FAST = RetryPolicy(backoff_initial=0.01, backoff_max=0.05, jitter=0.01, max_retry_after=5)


@dataclass
class Canned:
    path: str
    status: int
    body: bytes
    count: int = 1
    headers: dict[str, str] = field(default_factory=dict)


class Gate:
    """ASGI wrapper: canned answers for matching paths, the simulator for the rest."""

    def __init__(self, app: SimApp) -> None:
        self.app = app
        self.canned: list[Canned] = []

    def answer(self, path: str, status: int, body: object, *, count: int = 1) -> None:
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.canned.append(Canned("/api" + path, status, raw, count))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        for canned in self.canned:
            if scope["type"] == "http" and scope["path"] == canned.path and canned.count > 0:
                canned.count -= 1
                headers = [(b"content-type", b"application/json")]
                await send(
                    {"type": "http.response.start", "status": canned.status, "headers": headers}
                )
                await send({"type": "http.response.body", "body": canned.body})
                return
        await self.app(scope, receive, send)


@dataclass
class Recorder:
    """What the client reported: grants (on_tokens), waits (on_wait), in order."""

    grants: list[TokenGrant] = field(default_factory=list)
    waits: list[tuple[float, str]] = field(default_factory=list)
    events: list[str] = field(default_factory=list)

    async def on_tokens(self, grant: TokenGrant) -> None:
        self.events.append(f"on_tokens:{grant.refresh_token[-8:]}")
        self.grants.append(grant)

    def on_wait(self, seconds: float, reason: str) -> None:
        self.events.append(f"wait:{seconds}")
        self.waits.append((seconds, reason))


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def gate(sim_app: SimApp) -> Gate:
    return Gate(sim_app)


MakeClient = Callable[..., HubClient]


@contextlib.asynccontextmanager
async def client_maker(
    base_url: str, recorder: Recorder, retry_policy: RetryPolicy, **fixed: Any
) -> AsyncIterator[MakeClient]:
    """``make(**overrides)``: HubClients with the simulator's demo client id and secret,
    reporting to ``recorder``, with ``fixed`` options (a transport); all closed at the
    end. The in-process fixtures below and ``tests/integration/api/simhttp.py`` (real
    loopback HTTP) both build theirs here."""
    made: list[HubClient] = []

    def make(**overrides: Any) -> HubClient:
        options: dict[str, Any] = {
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "on_tokens": recorder.on_tokens,
            "on_wait": recorder.on_wait,
            "retry_policy": retry_policy,
            **fixed,
        }
        options.update(overrides)
        client = HubClient(options.pop("base_url", base_url), **options)
        made.append(client)
        return client

    try:
        yield make
    finally:
        for client in made:
            await client.aclose()


@pytest.fixture
async def make_client(gate: Gate, recorder: Recorder) -> AsyncIterator[MakeClient]:
    transport = httpx.ASGITransport(gate, client=("127.0.0.1", 50000))
    async with client_maker(BASE_URL, recorder, FAST, transport=transport) as make:
        yield make


@pytest.fixture
async def client(make_client: MakeClient) -> HubClient:
    """Signed in; ``make_client`` is whichever the test's folder provides (in process
    here, over loopback in tests/integration/api)."""
    signed_in = make_client()
    await signed_in.login(USERNAME, PASSWORD)
    return signed_in


def api_requests(state: SimState, path: str) -> list[dict[str, Any]]:
    return [r for r in state.requests() if r["path"] == "/api" + path]


def refresh_grants(state: SimState) -> list[dict[str, Any]]:
    return [
        r
        for r in api_requests(state, "/oauth/token")
        if r["form"].get("grant_type") == ["refresh_token"]
    ]
