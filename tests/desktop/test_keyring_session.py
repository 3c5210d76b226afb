"""The session and the real gnome-keyring (Secret Service on the session's private bus):
``hubdesk-cli login`` keeps the tokens and client secret there and nothing secret
on disk; a new process restores the session from it without the password; ``logout``
removes it. tests/desktop/test_app_e2e.py does the same for the GUI across a restart.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

if sys.platform != "linux":
    pytest.skip("Linux only: the Secret Service (secretstorage)", allow_module_level=True)

import secretstorage

from hubdesk.sim import SimServer
from hubdesk.store.secrets import SERVICE, KeyringVault
from tests.fixtures_desktop import Desktop

pytestmark = [pytest.mark.desktop, pytest.mark.sim_config(delivery_delay=0)]

BIN = Path(sys.executable).parent


class Cli:
    def __init__(self, sim: SimServer, home: Path) -> None:
        self.sim = sim
        self.home = home
        self.env = dict(os.environ, HUBDESK_HOME=str(home))
        self.env.pop("HUBDESK_API_URL", None)

    def __call__(self, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(BIN / "hubdesk-cli"), *args],
            input=stdin,
            capture_output=True,
            text=True,
            env=self.env,
            timeout=30,
        )

    def login(self) -> subprocess.CompletedProcess[str]:
        cfg = self.sim.state.config
        return self(
            "--base-url",
            self.sim.base_url,
            "login",
            "--client-id",
            cfg.client_id,
            "--client-secret",
            cfg.client_secret,
            "--username",
            cfg.username,
            "--password-stdin",
            stdin=cfg.password + "\n",
        )


def hubdesk_secrets() -> list[bytes]:
    """Every secret the Secret Service holds for HubDesk (read as another client would)."""
    connection = secretstorage.dbus_init()
    try:
        items = secretstorage.search_items(connection, {"service": SERVICE})
        return [item.get_secret() for item in items]
    finally:
        connection.close()


@pytest.fixture
def cli(desktop_session: Desktop, sim_server: SimServer, tmp_path: Path) -> Iterator[Cli]:
    made = Cli(sim_server, tmp_path / "home")
    yield made
    made("logout")


def test_login_keeps_the_session_in_the_keyring_and_nothing_secret_on_disk(cli: Cli) -> None:
    cfg = cli.sim.state.config
    assert hubdesk_secrets() == []
    run = cli.login()
    assert run.returncode == 0, run
    secrets = hubdesk_secrets()
    assert secrets, "login stored nothing in the Secret Service"
    joined = b"\n".join(secrets)
    assert cfg.client_secret.encode() in joined
    assert cfg.password.encode() not in joined
    stored = KeyringVault().load(cli.sim.base_url, cfg.username)
    assert stored is not None and stored.client_secret == cfg.client_secret
    assert stored.refresh_token and stored.access is not None  # both tokens: keyring only
    for file in cli.home.rglob("*"):
        if file.is_file():
            data = file.read_bytes()
            tokens = (stored.refresh_token, stored.access.token)
            for secret in (cfg.password, cfg.client_secret, *tokens):
                assert secret.encode() not in data, f"{secret[:3]}… written to {file}"


def test_a_new_process_restores_the_session_without_the_password(cli: Cli) -> None:
    assert cli.login().returncode == 0
    grants = cli.sim.state.stats()["password_grants"]
    run = cli("whoami")
    assert run.returncode == 0, run
    assert run.stdout.startswith("Logged in as") and cli.sim.base_url in run.stdout
    run = cli("senders")
    assert run.returncode == 0, run
    assert cli.sim.state.stats()["password_grants"] == grants


def test_logout_removes_the_session_from_the_keyring(cli: Cli) -> None:
    assert cli.login().returncode == 0
    assert hubdesk_secrets()
    run = cli("logout")
    assert run.returncode == 0, run
    assert hubdesk_secrets() == []
    assert KeyringVault().load(cli.sim.base_url, cli.sim.state.config.username) is None
    assert cli("senders").returncode != 0
