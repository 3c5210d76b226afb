"""HubClient over real loopback HTTP against a SimServer, driven through ``/_sim/``: fixtures.

``recorder`` and ``client`` (signed in) are ``tests/unit/api/simclient``'s, over this
folder's ``make_client``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from hubdesk.api import RetryPolicy
from hubdesk.sim import SimServer
from tests.unit.api.simclient import MakeClient, Recorder, client_maker

FAST = RetryPolicy(backoff_initial=0.02, backoff_max=0.1, jitter=0.01, max_retry_after=5)


class Control:
    """The simulator's HTTP control surface (``/_sim/...``)."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http

    async def _post(self, path: str, body: dict[str, Any] | None = None) -> Any:
        response = await self.http.post(path, json=body or {})
        response.raise_for_status()
        return response.json()

    async def fault(self, kind: str, **options: Any) -> None:
        await self._post("/faults", {"kind": kind, **options})

    async def expire_tokens(self) -> None:
        await self._post("/tokens/expire")

    async def revoke_tokens(self) -> None:
        await self._post("/tokens/revoke")

    async def config(self, **settings: Any) -> None:
        await self._post("/config", settings)

    async def requests(self, path: str | None = None) -> list[dict[str, Any]]:
        response = await self.http.get("/requests")
        response.raise_for_status()
        entries: list[dict[str, Any]] = response.json()
        if path is None:
            return entries
        return [e for e in entries if e["path"] == "/api" + path]

    async def refresh_grants(self) -> list[dict[str, Any]]:
        return [
            e
            for e in await self.requests("/oauth/token")
            if e["form"].get("grant_type") == ["refresh_token"]
        ]

    async def stats(self) -> dict[str, int]:
        response = await self.http.get("/stats")
        response.raise_for_status()
        stats: dict[str, int] = response.json()
        return stats


@pytest.fixture
async def control(sim_server: SimServer) -> AsyncIterator[Control]:
    async with httpx.AsyncClient(base_url=sim_server.control_url, timeout=10) as http:
        yield Control(http)


@pytest.fixture
async def make_client(sim_server: SimServer, recorder: Recorder) -> AsyncIterator[MakeClient]:
    async with client_maker(sim_server.base_url, recorder, FAST) as make:
        yield make
