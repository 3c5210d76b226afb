"""Injected faults: what the network or the server in front of the API may do to a request.

A fault is armed for ``count`` matching requests (optionally only for a path prefix and
a method) and consumed in the order faults were added.

Kinds that answer instead of the API (the request is not executed): ``500``, ``502``,
``503``, ``429``, ``403``. Kinds that execute the request and then spoil its answer:
``slow`` (answers after ``seconds``), ``malformed`` (half the body), ``drop_after``
(half the body, then the connection dies), ``dribble`` (the first bytes of the body at
once, then one byte every ``seconds``: a server that never finishes), ``huge`` (a 200
whose body is ``megabytes`` of JSON-looking text, sent in chunks without a length),
``bad_item`` (the first item of a list answer keeps its id and loses every other field's
value to a JSON object: an SMS or sender id no client can read).
``drop_before`` drops the connection before anything is executed. ``header`` is the
normal answer; like every other kind it can carry ``headers``, which are set on the
answer whatever it is (``{"Retry-After": "1e400"}`` on a ``429``, ``{"X-RateLimit-Limit":
"nan"}`` on a token grant).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, get_args

import httpx

FaultKind = Literal[
    "500",
    "502",
    "503",
    "slow",
    "malformed",
    "drop_before",
    "drop_after",
    "429",
    "403",  # {"message": "Invalid scope(s) provided."}: Passport's missing-scope answer
    "header",
    "dribble",
    "huge",
    "bad_item",
]
FAULT_KINDS: tuple[FaultKind, ...] = get_args(FaultKind)
DEFAULT_SECONDS: Mapping[FaultKind, float] = {"slow": 5.0, "429": 1.0, "dribble": 2.0}
DEFAULT_MEGABYTES = 400.0
MAX_MEGABYTES = 4096.0
# A header name is an RFC 9110 token; a value any visible Latin-1 text without CR or LF
# (uvicorn refuses to write anything else, so the fault could not be delivered).
_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
_VALUE = re.compile(r"[\t\x20-\x7e\x80-\xff]*")


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
    headers: dict[str, str] = field(default_factory=dict)
    megabytes: float | None = None

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

    def size(self) -> int:
        """The ``huge`` body's length in bytes."""
        megabytes = DEFAULT_MEGABYTES if self.megabytes is None else self.megabytes
        return int(megabytes * 1024 * 1024)

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "count": self.count,
            "path": self.path,
            "method": self.method,
            "seconds": self.seconds,
            "headers": dict(self.headers),
            "megabytes": self.megabytes,
        }


def _number(data: Mapping[str, Any], name: str, upper: float | None = None) -> float | None:
    value = data.get(name)
    if value is None:
        return None
    if (
        not isinstance(value, int | float)
        or isinstance(value, bool)
        or not math.isfinite(value)
        or value < 0
    ):
        raise ValueError(f"{name} must be a non-negative number")
    if upper is not None and value > upper:
        raise ValueError(f"{name} must be at most {upper:g}")
    return float(value)


def _headers(value: object) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ValueError("headers must be an object of header name to value")
    headers: dict[str, str] = {}
    for name, text in value.items():
        if not isinstance(name, str) or not _TOKEN.fullmatch(name):
            raise ValueError(f"header name {name!r} is not a valid HTTP header name")
        if not isinstance(text, str) or not _VALUE.fullmatch(text):
            raise ValueError(f"header {name}: the value must be Latin-1 text without CR or LF")
        headers[name] = text
    return headers


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
    headers = _headers(data.get("headers"))
    if kind == "header" and not headers:
        raise ValueError('a header fault needs headers, e.g. {"Retry-After": "1e400"}')
    return Fault(
        kind=kind,
        count=count,
        path=path,
        method=method.upper() if method else None,
        seconds=_number(data, "seconds"),
        headers=headers,
        megabytes=_number(data, "megabytes", MAX_MEGABYTES),
    )
