"""Fixtures for the api unit tests: the simulator in process and a HubClient around it."""

from tests.fixtures_sim import sim_app, sim_state  # noqa: F401 - fixtures
from tests.unit.api.simclient import client, gate, make_client, recorder  # noqa: F401
