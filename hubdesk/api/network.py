"""The ``httpx.AsyncClient`` under a ``HubClient``, and how it reaches the server.

Proxies. Without an explicit transport the client is httpx's own, with ``trust_env``:
httpx reads the proxy settings through ``urllib.request.getproxies()`` when the client
is made, which means

* ``HTTPS_PROXY`` / ``HTTP_PROXY`` (for https:// and http:// server addresses),
  ``ALL_PROXY`` (both), upper or lower case, and ``NO_PROXY``: a comma-separated list of
  hosts that are reached directly (``example.com`` also covers its subdomains, an IP
  address or ``localhost`` only itself, ``*`` everything). Nothing is exempt by default:
  a proxy variable without ``NO_PROXY`` sends even ``http://127.0.0.1`` (the demo
  simulator) to the proxy, so most set-ups list ``localhost,127.0.0.1,::1`` there;
* when none of those variables is set, on Windows the system proxy of the Internet
  Options (the registry) and on macOS the proxies of the network settings
  (SystemConfiguration), as ``getproxies()`` returns them. The system's own bypass
  list is not applied (httpx reads only ``NO_PROXY``); set ``NO_PROXY`` to bypass.
  Automatic configuration scripts (PAC, WPAD) are not read: set the variables;
* https:// through a proxy uses ``CONNECT`` (the TLS session is end to end); plain
  http:// (loopback only, see ``hubdesk.api.urls``) is sent to the proxy in absolute
  form. SOCKS proxies are not supported (they need an extra package).

A TLS-inspecting proxy needs its certificate authority trusted: ``SSL_CERT_FILE`` (or
``SSL_CERT_DIR``) names the bundle to use instead of the built-in one.

The client is made on first use, not with the ``HubClient``: making it builds the TLS
context (17-49 ms), which the GUI keeps off its start-up. Settings that cannot be used (a
proxy URL with an unknown scheme, a SOCKS proxy, a missing ``SSL_CERT_FILE``) raise
``InsecureUrl`` (exit 2 in the command line, never retried) with a sentence that names
the variables but not their values (a proxy URL may hold a password).

An explicit ``transport`` (tests, the in-process simulator) is the whole network: as in
httpx, no proxy applies to it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import httpx

from hubdesk import __version__
from hubdesk.api.errors import InsecureUrl

__all__ = ["DEFAULT_TIMEOUT", "USER_AGENT", "make_http_client"]

DEFAULT_TIMEOUT = httpx.Timeout(connect=5.0, read=20.0, write=20.0, pool=5.0)
USER_AGENT = f"HubDesk/{__version__}"
ResponseHook = Callable[[httpx.Response], Awaitable[None]]

_PROXY_VARIABLES = "HTTPS_PROXY, HTTP_PROXY, ALL_PROXY and NO_PROXY"


def make_http_client(
    base_url: str,
    *,
    timeout: httpx.Timeout | None,
    transport: httpx.AsyncBaseTransport | None,
    on_response: ResponseHook,
) -> httpx.AsyncClient:
    """The client for ``base_url``; raises ``InsecureUrl`` when the computer's proxy or
    certificate settings cannot be used."""
    try:
        return httpx.AsyncClient(
            base_url=base_url + "/",
            headers={
                "Accept": "application/json",
                "Accept-Encoding": "identity",  # bodies are counted as they arrive (limits.py)
                "User-Agent": USER_AGENT,
            },
            timeout=timeout or DEFAULT_TIMEOUT,
            transport=transport,
            trust_env=True,  # proxies (and SSL_CERT_FILE): see the module's docstring
            follow_redirects=False,
            verify=True,
            event_hooks={"response": [on_response]},
        )
    except ImportError:  # httpx needs socksio for a socks5:// proxy
        raise InsecureUrl(
            "A SOCKS proxy is set (ALL_PROXY or the system's proxy settings), and HubDesk "
            "cannot use SOCKS proxies; set HTTPS_PROXY to an http:// proxy instead.",
            operation="configure",
        ) from None
    except (httpx.InvalidURL, ValueError):
        raise InsecureUrl(
            f"The proxy settings cannot be used (one of {_PROXY_VARIABLES}, or the system's "
            "proxy settings, is not an http:// or https:// address); fix or unset it.",
            operation="configure",
        ) from None
    except OSError:
        raise InsecureUrl(
            "The certificate settings cannot be used (SSL_CERT_FILE or SSL_CERT_DIR names "
            "no readable certificates); fix or unset them.",
            operation="configure",
        ) from None
