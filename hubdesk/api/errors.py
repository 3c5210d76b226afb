"""Every way a call to the HubWork API can fail, as one exception tree.

::

    ApiError
    ├── NetworkError
    │   ├── ConnectFailed          nothing reached the server
    │   ├── RequestTimedOut
    │   │   └── DeadlineExceeded   the whole answer did not arrive within the deadline
    │   └── ConnectionDropped
    ├── Unauthenticated            401
    │   ├── NotSignedIn            no tokens held
    │   ├── SessionExpired         refresh refused, or 401 after a successful refresh
    │   ├── InvalidClient          invalid_client
    │   └── BadCredentials         invalid_grant on the password grant
    ├── PermissionDenied           403 / missing scope
    ├── ValidationFailed           422 (``errors``: field -> messages)
    │   └── Refused                ``{"status": "error", "message": ...}`` or another 4xx
    ├── RateLimited                429 (``retry_after`` seconds, at most a day)
    ├── ServerError                5xx
    ├── UnexpectedResponse         the body is not the expected JSON / shape
    │   └── ResponseTooLarge       the body passed the size cap and was not read
    └── InsecureUrl                plain http:// to a non-loopback host, or no usable URL

Every instance carries one sentence fit for a person (``str(error)``), plus
``operation`` (the ``HubClient`` method name, e.g. ``"send_sms"``), ``status`` (the HTTP
status, or None when no response arrived) and ``may_have_executed`` (True when a request
that changes something may have reached the server even though no answer confirmed it).

No message, ``repr`` or attribute ever holds a token, the client secret or a password.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from hubdesk.api.headers import MAX_WAIT

__all__ = [
    "ApiError",
    "BadCredentials",
    "ConnectFailed",
    "ConnectionDropped",
    "DeadlineExceeded",
    "InsecureUrl",
    "InvalidClient",
    "NetworkError",
    "NotSignedIn",
    "PermissionDenied",
    "RateLimited",
    "Refused",
    "RequestTimedOut",
    "ResponseTooLarge",
    "ServerError",
    "SessionExpired",
    "Unauthenticated",
    "UnexpectedResponse",
    "ValidationFailed",
]


class ApiError(Exception):
    """Base of every HubDesk API failure; ``str()`` is a sentence for a person."""

    def __init__(
        self,
        message: str,
        *,
        operation: str = "",
        status: int | None = None,
        may_have_executed: bool = False,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.operation = operation
        self.status = status
        self.may_have_executed = may_have_executed

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}({self.message!r}, operation={self.operation!r}, "
            f"status={self.status!r}, may_have_executed={self.may_have_executed!r})"
        )


class NetworkError(ApiError):
    """No usable HTTP answer arrived."""


class ConnectFailed(NetworkError):
    """The connection could not be set up: nothing reached the server."""


class RequestTimedOut(NetworkError):
    """The server did not answer in time."""


class DeadlineExceeded(RequestTimedOut):
    """The request (connect, send and the whole answer) took longer than the client's
    deadline: a server answering a byte at a time. Not retried."""


class ConnectionDropped(NetworkError):
    """The connection broke before a complete answer arrived."""


class Unauthenticated(ApiError):
    """The server did not accept who we are (HTTP 401)."""


class NotSignedIn(Unauthenticated):
    """The client holds no tokens: sign in first."""


class SessionExpired(Unauthenticated):
    """The session cannot be continued; the client has dropped its tokens."""


class InvalidClient(Unauthenticated):
    """The client id or client secret was refused (``invalid_client``)."""


class BadCredentials(Unauthenticated):
    """The username or password was refused at sign-in."""


class PermissionDenied(ApiError):
    """The account may not do this (HTTP 403, e.g. a missing scope)."""


class ValidationFailed(ApiError):
    """The server refused the input (HTTP 422); ``errors`` maps field to messages."""

    def __init__(
        self,
        message: str,
        *,
        errors: Mapping[str, list[str]] | None = None,
        operation: str = "",
        status: int | None = None,
        may_have_executed: bool = False,
    ) -> None:
        super().__init__(
            message, operation=operation, status=status, may_have_executed=may_have_executed
        )
        self.errors: dict[str, list[str]] = {k: list(v) for k, v in (errors or {}).items()}


class Refused(ValidationFailed):
    """The server answered ``{"status": "error", "message": ...}`` or another client error."""


def _wait(seconds: float) -> float:
    """A server-requested wait made safe to schedule: finite, within [0, MAX_WAIT]."""
    return min(max(0.0, seconds), MAX_WAIT) if math.isfinite(seconds) else MAX_WAIT


class RateLimited(ApiError):
    """Too many requests (HTTP 429); nothing was executed. Try again after ``retry_after``.

    ``retry_after`` is the server's Retry-After (or its X-RateLimit-Reset) in seconds,
    parsed strictly and clamped to [0, one day] (``hubdesk.api.headers``): always safe to
    round, format and hand to a timer. A scheduler clamps it further to its own bound
    (the GUI poller: an hour; an interactive command: it gives up past 60 s).
    """

    def __init__(
        self,
        message: str,
        *,
        retry_after: float,
        operation: str = "",
        status: int | None = 429,
        may_have_executed: bool = False,
    ) -> None:
        super().__init__(
            message, operation=operation, status=status, may_have_executed=may_have_executed
        )
        self.retry_after = _wait(retry_after)


class ServerError(ApiError):
    """The server failed (HTTP 5xx). ``retry_after`` is set when it sent Retry-After."""

    def __init__(
        self,
        message: str,
        *,
        retry_after: float | None = None,
        operation: str = "",
        status: int | None = None,
        may_have_executed: bool = False,
    ) -> None:
        super().__init__(
            message, operation=operation, status=status, may_have_executed=may_have_executed
        )
        self.retry_after = None if retry_after is None else _wait(retry_after)


class UnexpectedResponse(ApiError):
    """The answer was not the JSON shape this operation expects."""


class ResponseTooLarge(UnexpectedResponse):
    """The answer's body was larger than the client's size cap; it was not read."""


class InsecureUrl(ApiError, ValueError):
    """The base URL is refused: plain http:// to a non-loopback host, or not a usable URL."""
