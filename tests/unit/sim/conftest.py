"""Fixtures for the simulator's own tests (helpers live in ``helpers.py``)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from hubdesk.sim import SimApp
from tests.unit.sim.helpers import bearer, login, make_client


@pytest.fixture
async def client(sim_app: SimApp) -> AsyncIterator[httpx.AsyncClient]:
    async with make_client(sim_app) as c:
        yield c


@pytest.fixture
async def auth(client: httpx.AsyncClient) -> dict[str, str]:
    return bearer(await login(client))
