"""The HubWork SMS Extension API client: ``HubClient`` and the ``ApiError`` tree.

Imports only ``hubdesk.domain``, httpx, stamina and the standard library.
"""

from hubdesk.api.client import DEFAULT_TIMEOUT, USER_AGENT, HubClient
from hubdesk.api.errors import (
    ApiError,
    BadCredentials,
    ConnectFailed,
    ConnectionDropped,
    InsecureUrl,
    InvalidClient,
    NetworkError,
    NotSignedIn,
    PermissionDenied,
    RateLimited,
    Refused,
    RequestTimedOut,
    ServerError,
    SessionExpired,
    Unauthenticated,
    UnexpectedResponse,
    ValidationFailed,
)
from hubdesk.api.responses import RateLimitInfo
from hubdesk.api.retry import RetryPolicy
from hubdesk.api.urls import DEFAULT_BASE_URL, is_loopback_host, validate_base_url

__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_TIMEOUT",
    "USER_AGENT",
    "ApiError",
    "BadCredentials",
    "ConnectFailed",
    "ConnectionDropped",
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
    "RetryPolicy",
    "ServerError",
    "SessionExpired",
    "Unauthenticated",
    "UnexpectedResponse",
    "ValidationFailed",
    "is_loopback_host",
    "validate_base_url",
]
