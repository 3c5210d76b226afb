"""Injected faults: what the network or the server in front of the API may do to a request.

A fault is armed for ``count`` matching requests (optionally only for a path prefix and
a method) and consumed in the order faults were added.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import httpx

FaultKind = Literal[
    "500", "502", "503", "slow", "malformed", "drop_before", "drop_after", "429", "403"
]
FAULT_KINDS: tuple[FaultKind, ...] = (
    "500",
    "502",
    "503",
    "slow",
    "malformed",
    "drop_before",
    "drop_after",
    "429",
    "403",  # {"message": "Invalid scope(s) provided."}: Passport's missing-scope answer
)
DEFAULT_SECONDS: Mapping[FaultKind, float] = {"slow": 5.0, "429": 1.0}


class SimulatedDrop(httpx.RemoteProtocolError):
    """Raised by the app to drop the connection.

    Over uvicorn the server aborts the connection (the client sees a protocol error).
    Through ``httpx.ASGITransport`` this exception reaches the client as it is: an
    ``httpx.RemoteProtocolError``, the same family the client sees over a socket.
    """


@dataclass(slots=True)
class Fault:
    kind: FaultKind
    count: int = 1
    path: str | None = None
    method: str | None = None
    seconds: float | None = None

    def matches(self, method: str, path: str) -> bool:
        if self.count <= 0:
            return False
        if self.method is not None and self.method.upper() != method.upper():
            return False
        return self.path is None or path.startswith(self.path)

    def delay(self) -> float:
        if self.seconds is not None:
            return self.seconds
        return DEFAULT_SECONDS.get(self.kind, 0.0)

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "count": self.count,
            "path": self.path,
            "method": self.method,
            "seconds": self.seconds,
        }


def parse_fault(data: object) -> Fault:
    """A ``Fault`` from the control API's JSON. Raises ``ValueError`` saying what is wrong."""
    if not isinstance(data, dict):
        raise ValueError("expected a JSON object")
    kind = str(data.get("kind", ""))
    if kind not in FAULT_KINDS:
        raise ValueError(f"kind must be one of {', '.join(FAULT_KINDS)}")
    count = data.get("count", 1)
    if not isinstance(count, int) or isinstance(count, bool) or count < 1:
        raise ValueError("count must be a positive integer")
    path = data.get("path")
    if path is not None and not isinstance(path, str):
        raise ValueError("path must be a string")
    method = data.get("method")
    if method is not None and not isinstance(method, str):
        raise ValueError("method must be a string")
    seconds = data.get("seconds")
    if seconds is not None and (
        not isinstance(seconds, int | float) or isinstance(seconds, bool) or seconds < 0
    ):
        raise ValueError("seconds must be a non-negative number")
    return Fault(
        kind=kind,
        count=count,
        path=path,
        method=method.upper() if method else None,
        seconds=float(seconds) if seconds is not None else None,
    )
