"""HubClient through a real forward proxy (issue 11, item 13): HTTP_PROXY, HTTPS_PROXY
(CONNECT, TLS end to end), NO_PROXY, and proxy settings that cannot be used.

Loopback addresses are proxied like any other host unless NO_PROXY names them (httpx's
rule, and curl's): these tests clear every proxy variable first, so that the simulator on
127.0.0.1 is reached through the proxy, and then show NO_PROXY taking it out again.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from hubdesk.api import InsecureUrl
from hubdesk.sim import SimServer, SimState
from tests.integration.api.forward_proxy import ForwardProxy
from tests.integration.api.tls_files import make_tls_files
from tests.unit.api.simclient import PASSWORD, USERNAME, MakeClient

pytestmark = pytest.mark.network

PROXY_VARIABLES = ("http_proxy", "https_proxy", "all_proxy", "no_proxy")


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
    for name in ("SSL_CERT_FILE", "SSL_CERT_DIR"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


@pytest.fixture
def proxy() -> Iterator[ForwardProxy]:
    with ForwardProxy() as running:
        yield running


async def test_plain_http_goes_through_http_proxy(
    clean_env: pytest.MonkeyPatch,
    proxy: ForwardProxy,
    make_client: MakeClient,
    sim_server: SimServer,
) -> None:
    clean_env.setenv("HTTP_PROXY", proxy.url)
    client = make_client()
    await client.login(USERNAME, PASSWORD)
    assert (await client.list_sender_ids()).items
    origin = sim_server.origin
    assert proxy.seen == [
        f"POST {origin}/api/oauth/token HTTP/1.1",
        f"GET {origin}/api/sender-id/list?page=1 HTTP/1.1",
    ]


@pytest.mark.parametrize("no_proxy", ["127.0.0.1", "localhost,127.0.0.1,::1", "*"])
async def test_no_proxy_reaches_the_server_directly(
    clean_env: pytest.MonkeyPatch,
    proxy: ForwardProxy,
    make_client: MakeClient,
    no_proxy: str,
) -> None:
    clean_env.setenv("HTTP_PROXY", proxy.url)
    clean_env.setenv("NO_PROXY", no_proxy)
    client = make_client()
    await client.login(USERNAME, PASSWORD)
    assert (await client.list_sender_ids()).items
    assert proxy.seen == []


async def test_all_proxy_is_used_too(
    clean_env: pytest.MonkeyPatch, proxy: ForwardProxy, make_client: MakeClient
) -> None:
    clean_env.setenv("all_proxy", proxy.url)
    await make_client().login(USERNAME, PASSWORD)
    assert len(proxy.seen) == 1 and proxy.seen[0].startswith("POST http://127.0.0.1:")


@pytest.fixture
def tls_server(tmp_path: Path, sim_state: SimState) -> Iterator[tuple[SimServer, Path]]:
    files = make_tls_files(tmp_path)
    with SimServer(sim_state, tls=(str(files.cert), str(files.key))) as server:
        yield server, files.ca


async def test_https_goes_through_the_proxy_with_connect(
    clean_env: pytest.MonkeyPatch,
    proxy: ForwardProxy,
    make_client: MakeClient,
    tls_server: tuple[SimServer, Path],
) -> None:
    """The production path: no transport given, so httpx reads HTTPS_PROXY (and, with
    trust_env, SSL_CERT_FILE, which a TLS-inspecting proxy's users need)."""
    server, ca = tls_server
    clean_env.setenv("HTTPS_PROXY", proxy.url)
    clean_env.setenv("SSL_CERT_FILE", str(ca))
    client = make_client(base_url=server.base_url)
    await client.login(USERNAME, PASSWORD)
    assert (await client.list_sms()).items is not None
    assert proxy.seen and all(
        line == f"CONNECT 127.0.0.1:{server.port} HTTP/1.1" for line in proxy.seen
    )
    clean_env.setenv("NO_PROXY", "127.0.0.1")
    seen = len(proxy.seen)
    direct = make_client(base_url=server.base_url)
    await direct.login(USERNAME, PASSWORD)
    assert len(proxy.seen) == seen


@pytest.mark.parametrize(
    ("variable", "value", "says"),
    [
        ("ALL_PROXY", "socks5://127.0.0.1:1080", "cannot use SOCKS proxies"),
        ("HTTP_PROXY", "ftp://127.0.0.1:21", "proxy settings cannot be used"),
        ("HTTP_PROXY", "http://[::1", "proxy settings cannot be used"),
        ("SSL_CERT_FILE", "/nonexistent/ca.pem", "certificate settings cannot be used"),
    ],
)
async def test_settings_that_cannot_be_used_are_one_sentence(
    clean_env: pytest.MonkeyPatch, make_client: MakeClient, variable: str, value: str, says: str
) -> None:
    clean_env.setenv(variable, value)
    client = make_client()
    with pytest.raises(InsecureUrl) as info:
        await client.login(USERNAME, PASSWORD)
    assert says in str(info.value)
    assert value not in str(info.value)  # a proxy URL may hold a password
    assert os.environ[variable] == value
