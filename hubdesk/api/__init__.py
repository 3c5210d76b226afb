"""The HubWork SMS Extension API client: ``HubClient`` and the ``ApiError`` tree.

Imports only ``hubdesk.domain``, httpx, stamina and the standard library.

This package exports what the other layers use: ``HubClient``, its ``RetryPolicy``, the
``ApiError`` tree and ``RateLimitInfo`` (``from hubdesk.api import HubClient, ApiError``).
Everything else is imported from its module (``hubdesk.api.urls``, ``.limits``, ...).

``HubClient`` and ``RetryPolicy`` are imported from their modules on first use (PEP 562,
``hubdesk.lazy_exports``): the error tree is needed before the first paint
(``core.errors`` describes failures), httpx and stamina are not, and importing them
costs the first frame some 150 modules. ``tests/unit/test_exports.py`` checks that the
``TYPE_CHECKING`` imports, ``_LAZY`` and ``__all__`` below agree.
"""

from typing import TYPE_CHECKING

from hubdesk import lazy_exports
from hubdesk.api.errors import (
    ApiError,
    BadCredentials,
    ConnectFailed,
    ConnectionDropped,
    DeadlineExceeded,
    InsecureUrl,
    InvalidClient,
    NetworkError,
    NotSignedIn,
    PermissionDenied,
    RateLimited,
    Refused,
    RequestTimedOut,
    ResponseTooLarge,
    ServerError,
    SessionExpired,
    Unauthenticated,
    UnexpectedResponse,
    ValidationFailed,
)
from hubdesk.api.headers import RateLimitInfo

if TYPE_CHECKING:
    from hubdesk.api.client import HubClient
    from hubdesk.api.retry import RetryPolicy

__all__ = [
    "ApiError",
    "BadCredentials",
    "ConnectFailed",
    "ConnectionDropped",
    "DeadlineExceeded",
    "HubClient",
    "InsecureUrl",
    "InvalidClient",
    "NetworkError",
    "NotSignedIn",
    "PermissionDenied",
    "RateLimitInfo",
    "RateLimited",
    "Refused",
    "RequestTimedOut",
    "ResponseTooLarge",
    "RetryPolicy",
    "ServerError",
    "SessionExpired",
    "Unauthenticated",
    "UnexpectedResponse",
    "ValidationFailed",
]

# Imported on first use: httpx and stamina wait until a client is built.
_LAZY: dict[str, str] = {
    "HubClient": "hubdesk.api.client",
    "RetryPolicy": "hubdesk.api.retry",
}

if not TYPE_CHECKING:  # mypy sees the imports above, and no catch-all
    __getattr__, __dir__ = lazy_exports(__name__, _LAZY)
