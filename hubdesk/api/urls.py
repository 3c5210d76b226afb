"""Base URL validation: https everywhere, plain http only to this machine.

"This machine" means a host that cannot be redirected elsewhere by DNS or a hosts file:
a literal loopback address (127.0.0.0/8, ``::1``) or exactly the name ``localhost``
(which RFC 6761 reserves and resolvers answer from this machine). Names such as
``evil.localhost``, ``localhost.`` (a fully qualified name looked up through DNS) or
``ip6-localhost`` (a hosts-file entry) are sent through the resolver on many systems, so
plain http to them could carry the password and the client secret to another machine in
clear text: they must use https like any other host.
"""

from __future__ import annotations

import ipaddress

import httpx

from hubdesk.api.errors import InsecureUrl

__all__ = ["DEFAULT_BASE_URL", "is_loopback_host", "validate_base_url"]

DEFAULT_BASE_URL = "https://smsapi.thehubwork.com/api"


def is_loopback_host(host: str) -> bool:
    """True for exactly ``localhost`` (any case) and literal 127.0.0.0/8 or ::1 addresses
    (brackets allowed); False for every other name, however it resolves."""
    name = host.strip().lower()
    if name.startswith("[") and name.endswith("]"):
        name = name[1:-1]
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def validate_base_url(url: str) -> str:
    """Return ``url`` normalised (no trailing slash), or raise :class:`InsecureUrl`.

    Refused, before any I/O: schemes other than https/http; plain http to a host that is
    not loopback (see :func:`is_loopback_host`); a URL without a host, or whose host is
    not a valid international domain name (``xn--`` labels that do not decode); user info
    (``user:pass@``), a query or a fragment.
    """
    text = url.strip()
    try:
        parsed = httpx.URL(text)
        host = parsed.host  # decodes IDNA ("xn--...") labels: may raise UnicodeError
    except UnicodeError:  # idna's InvalidCodepoint and friends are UnicodeErrors
        raise InsecureUrl(
            "The server address has a host name that is not a valid domain name.",
            operation="configure",
        ) from None
    except (httpx.InvalidURL, TypeError, ValueError):
        raise InsecureUrl("The server address is not a valid URL.", operation="configure") from None
    scheme = parsed.scheme.lower()
    if scheme not in ("https", "http") or not host:
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
    if scheme == "http" and not is_loopback_host(host):
        raise InsecureUrl(
            f"Refusing plain http:// to {host}: use https:// (plain http is only allowed "
            "to localhost and loopback addresses such as 127.0.0.1).",
            operation="configure",
        )
    return str(parsed.copy_with(scheme=scheme)).rstrip("/")
