"""Fixtures for the api integration tests: a loopback SimServer and HubClients on it."""

from tests.fixtures_sim import sim_server, sim_state  # noqa: F401 - fixtures
from tests.integration.api.simhttp import client, control, make_client, recorder  # noqa: F401
