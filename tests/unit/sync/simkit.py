"""The sync engine against the simulator, in process: a movable server clock, client
time-outs that ASGITransport does not enforce by itself, a real SQLite file."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from hubdesk.api import HubClient, RetryPolicy
from hubdesk.sim import SimConfig, SimState, create_app
from hubdesk.sim.laravel import JsonDict
from hubdesk.store.worker import DbWorker
from hubdesk.sync.clock import ServerClock, ServerClockTransport
from hubdesk.sync.events import SyncEvents

BASE_URL = "http://127.0.0.1/api"
CLIENT_ID = "hubdesk-demo"
CLIENT_SECRET = "demo-secret"
USERNAME = "demo@hubwork.test"
PASSWORD = "demo-password"
SENDER = "447520602706"  # approved in the collection's data
FAST = RetryPolicy(backoff_initial=0.001, backoff_max=0.005, jitter=0.001, max_retry_after=5)


class SimClock:
    """The simulator's clock: real time plus an offset the test can push forward."""

    def __init__(self) -> None:
        self.offset = 0.0

    def __call__(self) -> float:
        return time.time() + self.offset

    async def sleep(self, seconds: float) -> None:
        """A sleep for code under test: the server's time jumps instead of waiting."""
        self.offset += max(0.0, seconds)
        await asyncio.sleep(0)


class TimeoutTransport(httpx.AsyncBaseTransport):
    """Enforce a read time-out on an in-process transport (ASGITransport has none)."""

    def __init__(self, inner: httpx.AsyncBaseTransport, timeout: float) -> None:
        self._inner = inner
        self._timeout = timeout

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        try:
            return await asyncio.wait_for(self._inner.handle_async_request(request), self._timeout)
        except TimeoutError:
            raise httpx.ReadTimeout("timed out (test transport)", request=request) from None


@dataclass
class Kit:
    state: SimState
    clock: SimClock
    server_clock: ServerClock
    client: HubClient
    worker: DbWorker
    events: SyncEvents
    db_path: Path

    def requests(self, path: str | None = None) -> list[JsonDict]:
        return [r for r in self.state.requests() if path is None or r["path"] == path]


def make_state(**settings: object) -> tuple[SimState, SimClock]:
    clock = SimClock()
    config = SimConfig().with_changes(**{"demo_data": False, "delivery_delay": 0.0, **settings})
    return SimState(config, clock=clock), clock


Wrap = Callable[[httpx.AsyncBaseTransport], httpx.AsyncBaseTransport]


def _same(transport: httpx.AsyncBaseTransport) -> httpx.AsyncBaseTransport:
    return transport


def make_client(
    state: SimState,
    server_clock: ServerClock,
    timeout: float = 2.0,
    *,
    inside: Wrap = _same,
    outside: Wrap = _same,
) -> HubClient:
    """``inside`` wraps the app within the time-out (its delays count against it);
    ``outside`` wraps the timed transport (its waits never time a request out)."""
    inner = outside(TimeoutTransport(inside(httpx.ASGITransport(app=create_app(state))), timeout))
    return HubClient(
        BASE_URL,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        transport=ServerClockTransport(server_clock, inner),
        retry_policy=FAST,
        max_retries=3,
    )


@asynccontextmanager
async def kit(
    tmp_path: Path,
    *,
    state: SimState | None = None,
    clock: SimClock | None = None,
    timeout: float = 2.0,
    db_name: str = "hub.db",
    inside: Wrap = _same,
    outside: Wrap = _same,
    worker_class: type[DbWorker] = DbWorker,
    **settings: object,
) -> AsyncIterator[Kit]:
    if state is None or clock is None:
        state, clock = make_state(**settings)
    server_clock = ServerClock()
    client = make_client(state, server_clock, timeout, inside=inside, outside=outside)
    worker = await worker_class.open(tmp_path / db_name)
    try:
        await client.login(USERNAME, PASSWORD)
        state.clear_requests()
        yield Kit(state, clock, server_clock, client, worker, SyncEvents(), tmp_path / db_name)
    finally:
        await client.aclose()
        await worker.close()
