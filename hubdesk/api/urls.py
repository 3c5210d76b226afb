"""Base URL validation: https everywhere, plain http only to this machine."""

from __future__ import annotations

import ipaddress

import httpx

from hubdesk.api.errors import InsecureUrl

__all__ = ["DEFAULT_BASE_URL", "is_loopback_host", "validate_base_url"]

DEFAULT_BASE_URL = "https://smsapi.thehubwork.com/api"

_LOOPBACK_NAMES = frozenset({"localhost", "localhost.", "ip6-localhost", "ip6-loopback"})


def is_loopback_host(host: str) -> bool:
    """True for ``localhost``, 127.0.0.0/8 and ::1 (brackets allowed)."""
    name = host.strip().lower()
    if name.startswith("[") and name.endswith("]"):
        name = name[1:-1]
    if name in _LOOPBACK_NAMES or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def validate_base_url(url: str) -> str:
    """Return ``url`` normalised (no trailing slash), or raise :class:`InsecureUrl`.

    Refused, before any I/O: schemes other than https/http; plain http to a host that is
    not loopback; a URL without a host; user info (``user:pass@``), a query or a fragment.
    """
    text = url.strip()
    try:
        parsed = httpx.URL(text)
    except (httpx.InvalidURL, TypeError, ValueError):
        raise InsecureUrl("The server address is not a valid URL.", operation="configure") from None
    scheme = parsed.scheme.lower()
    if scheme not in ("https", "http") or not parsed.host:
        raise InsecureUrl(
            f"The server address must be a full https:// URL (for example {DEFAULT_BASE_URL}).",
            operation="configure",
        )
    if parsed.userinfo:
        raise InsecureUrl(
            "The server address must not contain a user name or password.",
            operation="configure",
        )
    if parsed.query or parsed.fragment:
        raise InsecureUrl(
            "The server address must not contain a query or a fragment.",
            operation="configure",
        )
    if scheme == "http" and not is_loopback_host(parsed.host):
        raise InsecureUrl(
            f"Refusing plain http:// to {parsed.host}: use https:// (plain http is only "
            "allowed to this machine).",
            operation="configure",
        )
    return str(parsed.copy_with(scheme=scheme)).rstrip("/")
