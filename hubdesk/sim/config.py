"""The simulator's settings (credentials, timings, limits)."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any, Literal

#: How ``/sms/list`` compares ``sent_since``/``sent_until`` with a message's time. The
#: API does not say; "exclusive" (``>``/``<``) also stands for a server that keeps
#: sub-second times and reads a bound as ``HH:MM:SS.000``, hiding the rest of that second.
ListBounds = Literal["inclusive", "exclusive"]
LIST_BOUNDS: tuple[ListBounds, ...] = ("inclusive", "exclusive")

# Settings that may change while the simulator runs (POST /_sim/config).
LIVE_SETTINGS = ("token_ttl", "rate_limit", "delivery_delay", "inbound_every", "latency")


@dataclass(frozen=True, slots=True)
class SimConfig:
    """Everything the simulated account and server are made of."""

    client_id: str = "hubdesk-demo"
    client_secret: str = "demo-secret"
    username: str = "demo@hubwork.test"
    password: str = "demo-password"
    customer_user_name: str = "200-VasimTest"
    customer_user_id: int = 2
    token_ttl: int = 3600  # access token lifetime (``expires_in``), seconds
    refresh_ttl: int = 30 * 86400  # refresh token lifetime, seconds
    rate_limit: int = 1200  # requests per minute per client address
    delivery_delay: float = 2.0  # seconds an outbound SMS stays Pending
    inbound_every: float = 0.0  # seconds between generated inbound SMS (0 = off)
    # Seconds added to every /api request, after it is executed and before it is answered
    # (a network round trip; the same place as the ``slow`` fault's wait).
    latency: float = 0.0
    demo_data: bool = True  # seed a generated demo history besides the collection's data
    seed: int = 2025  # random seed for the demo history and generated inbound texts
    per_page: int = 10
    list_bounds: ListBounds = "inclusive"  # see ``ListBounds``
    first_sms_id: int = 747034  # the next id after the collection's send example
    revoke_access_on_refresh: bool = True  # Passport revokes the old access token

    def __post_init__(self) -> None:
        check_live_settings(
            token_ttl=self.token_ttl,
            rate_limit=self.rate_limit,
            delivery_delay=self.delivery_delay,
            inbound_every=self.inbound_every,
            latency=self.latency,
        )
        if self.per_page < 1:
            raise ValueError("per_page must be at least 1")
        if self.list_bounds not in LIST_BOUNDS:
            raise ValueError(f"list_bounds must be one of {', '.join(LIST_BOUNDS)}")

    def with_changes(self, **changes: Any) -> SimConfig:
        known = {f.name for f in fields(self)}
        unknown = sorted(set(changes) - known)
        if unknown:
            raise ValueError(f"unknown setting(s): {', '.join(unknown)}")
        return replace(self, **changes)


def check_live_settings(**values: object) -> None:
    """Raise ``ValueError`` unless every given live setting has a sensible value."""
    for name, value in values.items():
        if name not in LIVE_SETTINGS:
            raise ValueError(f"{name} cannot be changed (allowed: {', '.join(LIVE_SETTINGS)})")
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"{name} must be a number")
        if name in ("token_ttl", "rate_limit"):
            if not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a positive integer")
        elif value < 0:
            raise ValueError(f"{name} must not be negative")
