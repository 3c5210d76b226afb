"""``hubdesk-cli`` honours the proxy variables (issue 11, item 13). The command line and
the GUI used to hand httpx a transport of their own, which turns httpx's proxy support
off: HubDesk could not work behind a corporate proxy."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.integration.api.forward_proxy import ForwardProxy
from tests.integration.cli.cli_harness import CLIENT_ID, CLIENT_SECRET, PASSWORD, USERNAME, Cli

NAMES = ("http_proxy", "https_proxy", "all_proxy", "no_proxy")


@pytest.fixture
def proxy() -> Iterator[ForwardProxy]:
    with ForwardProxy() as running:
        yield running


def proxy_env(**values: str) -> dict[str, str | None]:
    env: dict[str, str | None] = {n: None for n in NAMES}
    env.update({n.upper(): None for n in NAMES})
    env.update(values)
    return env


def login(cli: Cli, env: dict[str, str | None]) -> None:
    cli.login(env=env)


def test_commands_go_through_the_proxy_in_http_proxy(cli: Cli, proxy: ForwardProxy) -> None:
    env = proxy_env(HTTP_PROXY=proxy.url)
    login(cli, env)
    assert cli("senders", env=env).code == 0
    origin = cli.sim.origin
    assert proxy.seen == [
        f"POST {origin}/api/oauth/token HTTP/1.1",  # login
        f"GET {origin}/api/sender-id/list?page=1 HTTP/1.1",  # the access token login stored
    ]
    cli.sim.state.expire_tokens()
    assert cli("senders", env=env).code == 0
    assert proxy.seen[2:] == [
        f"GET {origin}/api/sender-id/list?page=1 HTTP/1.1",  # refused (401)
        f"POST {origin}/api/oauth/token HTTP/1.1",  # the refresh
        f"GET {origin}/api/sender-id/list?page=1 HTTP/1.1",
    ]


def test_no_proxy_takes_the_server_out(cli: Cli, proxy: ForwardProxy) -> None:
    env = proxy_env(HTTP_PROXY=proxy.url, NO_PROXY="localhost,127.0.0.1,::1")
    login(cli, env)
    assert cli("senders", env=env).code == 0
    assert proxy.seen == []
    assert len(cli.api_requests("/sender-id/list")) == 1


def test_a_dead_proxy_is_a_network_failure_with_one_sentence(cli: Cli) -> None:
    env = proxy_env(HTTP_PROXY="http://127.0.0.1:9")  # the discard port: nothing listens
    run = cli(
        "--no-store",
        "senders",
        env={
            **env,
            "HUBDESK_CLIENT_ID": CLIENT_ID,
            "HUBDESK_CLIENT_SECRET": CLIENT_SECRET,
            "HUBDESK_USERNAME": USERNAME,
            "HUBDESK_PASSWORD": PASSWORD,
        },
    )
    assert run.code == 5, run
    assert "Could not reach the HubWork server" in run.stderr.strip().splitlines()[-1]
    assert cli.requests() == []


def test_an_unusable_proxy_setting_is_bad_input(cli: Cli) -> None:
    env = proxy_env(ALL_PROXY="socks5://user:secret@127.0.0.1:1080")
    run = cli(
        "--no-store",
        "login",
        "--client-id",
        CLIENT_ID,
        "--client-secret",
        CLIENT_SECRET,
        "--username",
        USERNAME,
        "--password-stdin",
        input=PASSWORD + "\n",
        env=env,
    )
    assert run.code == 2, run
    assert "cannot use SOCKS proxies" in run.stderr and "secret@" not in run.stderr
