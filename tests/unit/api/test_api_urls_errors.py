"""Base URL rules and the error tree's shape."""

from __future__ import annotations

import pytest

from hubdesk.api import (
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
from hubdesk.api.urls import is_loopback_host, validate_base_url


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("https://smsapi.thehubwork.com/api", "https://smsapi.thehubwork.com/api"),
        ("https://smsapi.thehubwork.com/api/", "https://smsapi.thehubwork.com/api"),
        ("  HTTPS://smsapi.thehubwork.com/api ", "https://smsapi.thehubwork.com/api"),
        ("http://127.0.0.1:8080/api", "http://127.0.0.1:8080/api"),
        ("http://127.1.2.3/api", "http://127.1.2.3/api"),
        ("http://localhost:9000/api", "http://localhost:9000/api"),
        ("http://[::1]:9000/api", "http://[::1]:9000/api"),
    ],
)
def test_accepted_base_urls(given: str, expected: str) -> None:
    assert validate_base_url(given) == expected


@pytest.mark.parametrize(
    "url",
    [
        "http://smsapi.thehubwork.com/api",
        "http://10.0.0.5/api",
        "http://128.0.0.1/api",
        "http://localhost.evil.com/api",
        # Names that go through DNS or a hosts file on many machines (issue 11, item 10).
        "http://evil.localhost/api",
        "http://localhost./api",
        "http://LOCALHOST.:8080/api",
        "http://ip6-localhost/api",
        "http://ip6-loopback/api",
        "http://127.0.0.1.nip.io/api",
        # Not a literal loopback address as written (inet_aton forms).
        "http://127.1/api",
        "http://2130706433/api",
        "http://[::2]/api",
        "ftp://smsapi.thehubwork.com/api",
        "smsapi.thehubwork.com/api",
        "https://user:pw@smsapi.thehubwork.com/api",
        "https://smsapi.thehubwork.com/api?x=1",
        "",
    ],
)
def test_refused_base_urls(url: str) -> None:
    with pytest.raises(InsecureUrl) as info:
        validate_base_url(url)
    assert isinstance(info.value, ValueError)
    assert str(info.value).endswith(".")
    assert "pw" not in str(info.value)


def test_loopback_hosts() -> None:
    assert is_loopback_host("127.0.0.1")
    assert is_loopback_host("127.255.255.254")
    assert is_loopback_host("LOCALHOST")
    assert is_loopback_host("[::1]")
    assert not is_loopback_host("192.168.1.1")
    assert not is_loopback_host("example.com")
    for name in ("a.localhost", "localhost.", "ip6-localhost", "ip6-loopback", "[::2]"):
        assert not is_loopback_host(name), name


@pytest.mark.parametrize(
    "url", ["http://xn--localhost/api", "https://xn--ls8h.la/api", "https://xn--a/api"]
)
def test_a_host_that_is_not_a_valid_idna_name_is_an_insecure_url(url: str) -> None:
    """idna's InvalidCodepoint (a UnicodeError) used to escape as an internal error."""
    with pytest.raises(InsecureUrl, match="host name that is not a valid domain name"):
        validate_base_url(url)


def test_tree_shape() -> None:
    network: tuple[type[ApiError], ...] = (ConnectFailed, RequestTimedOut, ConnectionDropped)
    assert all(issubclass(cls, NetworkError) for cls in network)
    auth: tuple[type[ApiError], ...] = (NotSignedIn, SessionExpired, InvalidClient, BadCredentials)
    assert all(issubclass(cls, Unauthenticated) for cls in auth)
    assert issubclass(Refused, ValidationFailed)
    top: tuple[type[Exception], ...] = (
        NetworkError,
        Unauthenticated,
        PermissionDenied,
        ValidationFailed,
        RateLimited,
        ServerError,
        UnexpectedResponse,
        InsecureUrl,
    )
    assert all(issubclass(cls, ApiError) for cls in top)
    assert not issubclass(PermissionDenied, Unauthenticated)


def test_error_attributes_str_and_repr() -> None:
    err = ValidationFailed(
        "The server refused to send the SMS: text: The text field is required.",
        errors={"text": ["The text field is required."]},
        operation="send_sms",
        status=422,
    )
    assert str(err) == "The server refused to send the SMS: text: The text field is required."
    assert err.errors == {"text": ["The text field is required."]}
    assert (err.operation, err.status, err.may_have_executed) == ("send_sms", 422, False)
    assert repr(err).startswith("ValidationFailed(")
    limited = RateLimited("Slow down.", retry_after=2.5, operation="list_sms")
    assert (limited.retry_after, limited.status) == (2.5, 429)
