"""The HubWork SMS Extension API client: ``HubClient`` and the ``ApiError`` tree.

Imports only ``hubdesk.domain``, httpx, stamina and the standard library. The public
names below are imported from their submodules on first use (PEP 562), so that
``hubdesk.api.errors`` (which ``core.errors`` needs on every start) does not load httpx
and stamina: ``from hubdesk.api import HubClient`` works as ever, and loads the client."""

from typing import TYPE_CHECKING

from hubdesk import lazy_exports

if TYPE_CHECKING:
    from hubdesk.api.client import HubClient
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
    from hubdesk.api.exchange import DEFAULT_DEADLINE
    from hubdesk.api.headers import RateLimitInfo
    from hubdesk.api.limits import MAX_BODY
    from hubdesk.api.network import DEFAULT_TIMEOUT, USER_AGENT
    from hubdesk.api.retry import RetryPolicy
    from hubdesk.api.urls import DEFAULT_BASE_URL, is_loopback_host, validate_base_url

__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_DEADLINE",
    "DEFAULT_TIMEOUT",
    "USER_AGENT",
    "ApiError",
    "BadCredentials",
    "ConnectFailed",
    "ConnectionDropped",
    "DeadlineExceeded",
    "HubClient",
    "InsecureUrl",
    "InvalidClient",
    "MAX_BODY",
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
    "is_loopback_host",
    "validate_base_url",
]

# Where each public name lives: imported on first use, so that importing one part of
# the package (or a submodule) does not load the others' dependencies.
_HOME: dict[str, str] = {
    "DEFAULT_DEADLINE": "hubdesk.api.exchange",
    "MAX_BODY": "hubdesk.api.limits",
    "DEFAULT_TIMEOUT": "hubdesk.api.network",
    "USER_AGENT": "hubdesk.api.network",
    "HubClient": "hubdesk.api.client",
    "ApiError": "hubdesk.api.errors",
    "BadCredentials": "hubdesk.api.errors",
    "ConnectFailed": "hubdesk.api.errors",
    "ConnectionDropped": "hubdesk.api.errors",
    "DeadlineExceeded": "hubdesk.api.errors",
    "InsecureUrl": "hubdesk.api.errors",
    "InvalidClient": "hubdesk.api.errors",
    "NetworkError": "hubdesk.api.errors",
    "NotSignedIn": "hubdesk.api.errors",
    "PermissionDenied": "hubdesk.api.errors",
    "RateLimited": "hubdesk.api.errors",
    "Refused": "hubdesk.api.errors",
    "RequestTimedOut": "hubdesk.api.errors",
    "ResponseTooLarge": "hubdesk.api.errors",
    "ServerError": "hubdesk.api.errors",
    "SessionExpired": "hubdesk.api.errors",
    "Unauthenticated": "hubdesk.api.errors",
    "UnexpectedResponse": "hubdesk.api.errors",
    "ValidationFailed": "hubdesk.api.errors",
    "RateLimitInfo": "hubdesk.api.headers",
    "RetryPolicy": "hubdesk.api.retry",
    "DEFAULT_BASE_URL": "hubdesk.api.urls",
    "is_loopback_host": "hubdesk.api.urls",
    "validate_base_url": "hubdesk.api.urls",
}

if not TYPE_CHECKING:  # mypy sees the imports above, and no catch-all
    __getattr__, __dir__ = lazy_exports(__name__, _HOME)
