"""What the core use cases run on in these tests: a real SQLite file and a HubClient
signed in to the simulator in process (the ASGI transport, through the server clock);
a registry hive (in memory, and on Windows the real one too) for the Windows paths."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from hubdesk.api import HubClient
from hubdesk.core.registry import Registry, open_registry
from hubdesk.sim import SimApp
from hubdesk.store.worker import DbWorker
from hubdesk.sync.clock import ServerClock, ServerClockTransport
from tests.fakes.registry import MemoryRegistry, ScratchRegistry
from tests.platforms import windows_only

URL = "http://127.0.0.1:9/api"  # never dialled: requests go through the ASGI transport


@dataclass(frozen=True)
class Wiring:
    worker: DbWorker
    client: HubClient
    clock: ServerClock


@pytest.fixture
async def wiring(tmp_path: Path, sim_app: SimApp) -> AsyncIterator[Wiring]:
    worker = await DbWorker.open(tmp_path / "hubdesk.sqlite3")
    clock = ServerClock()
    client = HubClient(
        URL,
        client_id="hubdesk-demo",
        client_secret="demo-secret",
        transport=ServerClockTransport(clock, httpx.ASGITransport(app=sim_app)),
        max_retries=0,
    )
    await client.login("demo@hubwork.test", "demo-password")
    yield Wiring(worker, client, clock)
    await client.aclose()
    await worker.close()


@pytest.fixture(params=["memory", pytest.param("windows", marks=windows_only("the real registry"))])
def registry(request: pytest.FixtureRequest) -> Iterator[Registry]:
    """HKCU: the in-memory one everywhere; on Windows also the real one, under a scratch
    key that is deleted afterwards (the same tests prove the fake behaves as winreg)."""
    if request.param == "memory":
        yield MemoryRegistry()
        return
    scratch = ScratchRegistry(open_registry("HKCU"), rf"Software\HubDeskTests\{uuid.uuid4()}")
    try:
        yield scratch
    finally:
        scratch.remove()
