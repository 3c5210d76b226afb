"""pytest plugin: the HubWork API simulator as fixtures.

* ``sim_state``: a fresh :class:`hubdesk.sim.SimState` (collection data only, no generated
  demo history; delivery delay 2 s as on the real service). Override settings with the
  marker ``@pytest.mark.sim_config(delivery_delay=0, token_ttl=5, ...)``.
* ``sim_app``: the ASGI app around ``sim_state``, for ``httpx.ASGITransport(sim_app)``.
* ``sim_server``: a :class:`hubdesk.sim.SimServer` on 127.0.0.1 (free port) around
  ``sim_state``; ``sim_server.base_url`` is ``http://127.0.0.1:PORT/api``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from hubdesk.sim import SimApp, SimConfig, SimServer, SimState, create_app


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "sim_config(**settings): SimConfig settings for the sim_state fixture"
    )


@pytest.fixture
def sim_state(request: pytest.FixtureRequest) -> SimState:
    settings: dict[str, object] = {"demo_data": False}
    marker = request.node.get_closest_marker("sim_config")
    if marker is not None:
        settings.update(marker.kwargs)
    return SimState(SimConfig().with_changes(**settings))


@pytest.fixture
def sim_app(sim_state: SimState) -> SimApp:
    return create_app(sim_state)


@pytest.fixture
def sim_server(sim_state: SimState) -> Iterator[SimServer]:
    with SimServer(sim_state) as server:
        yield server
