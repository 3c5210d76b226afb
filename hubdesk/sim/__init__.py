"""The HubWork SMS Extension API simulator: demo mode's server and the tests' HTTP peer.

In process::

    state = SimState(SimConfig(delivery_delay=0))
    app = create_app(state)          # ASGI: httpx.ASGITransport(app)

Over loopback::

    with SimServer() as sim:         # sim.base_url == "http://127.0.0.1:PORT/api"
        ...

Imports nothing of hubdesk but ``hubdesk.domain`` (and ``hubdesk.__version__``).
"""

from hubdesk.sim.app import SimApp, create_app
from hubdesk.sim.config import SimConfig
from hubdesk.sim.faults import FAULT_KINDS, Fault, SimulatedDrop, parse_fault
from hubdesk.sim.laravel import SimError
from hubdesk.sim.server import AsyncSimServer, SimServer
from hubdesk.sim.state import SimState

__all__ = [
    "FAULT_KINDS",
    "AsyncSimServer",
    "Fault",
    "SimApp",
    "SimConfig",
    "SimError",
    "SimServer",
    "SimState",
    "SimulatedDrop",
    "create_app",
    "parse_fault",
]
