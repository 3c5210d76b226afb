"""Fixtures for the api integration tests: a loopback SimServer and HubClients on it."""

from tests.fixtures_sim import sim_server, sim_state  # noqa: F401 - fixtures
from tests.integration.api.simhttp import control, make_client  # noqa: F401
from tests.unit.api.simclient import client, recorder  # noqa: F401
