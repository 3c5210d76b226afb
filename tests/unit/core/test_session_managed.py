"""SessionManager with the machine's managed.toml: staff sign in with a username and a
password only, the managed secret never reaches the keyring or the profile, and an
expired session needs only the password. Real files, the simulator in process."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import httpx
import pytest

from hubdesk.api import NotSignedIn
from hubdesk.core.credentials import ENV_CLIENT_ID, ENV_CLIENT_SECRET, MissingClientCredentials
from hubdesk.core.managed import ENV_MANAGED_CONFIG, ManagedConfig, ManagedConfigError, load_managed
from hubdesk.core.session import Credentials, SessionManager
from hubdesk.sim import SimApp, SimState
from hubdesk.store.secrets import KeyringVault
from tests.fakes.keyring_backend import MemoryKeyring

URL = "http://127.0.0.1:9/api"  # never dialled: requests go through the ASGI transport
USER, PASSWORD, SECRET = "demo@hubwork.test", "demo-password", "demo-secret"


@pytest.fixture
def state() -> SimState:
    return SimState()


@pytest.fixture
def keyring_backend() -> MemoryKeyring:
    return MemoryKeyring()


@pytest.fixture
def managed_file(tmp_path: Path) -> Path:
    path = tmp_path / "etc" / "managed.toml"
    path.parent.mkdir()
    path.write_text(
        f'base_url = "{URL}"\nclient_id = "hubdesk-demo"\nclient_secret = "{SECRET}"\n',
        encoding="utf-8",
    )
    return path


Make = Callable[..., SessionManager]


@pytest.fixture
async def make(
    tmp_path: Path, state: SimState, keyring_backend: MemoryKeyring
) -> AsyncIterator[Make]:
    made: list[SessionManager] = []

    def build(
        managed_file: Path | None = None, environ: dict[str, str] | None = None
    ) -> SessionManager:
        env = {} if managed_file is None else {ENV_MANAGED_CONFIG: str(managed_file)}

        def managed() -> ManagedConfig | None:
            return load_managed(env) if env else None

        manager = SessionManager(
            tmp_path / "home",
            KeyringVault(keyring_backend),
            transport=httpx.ASGITransport(app=SimApp(state)),
            managed=managed,
            environ=environ or {},
        )
        made.append(manager)
        return manager

    yield build
    for manager in made:
        await manager.aclose()


async def test_a_fresh_profile_signs_in_with_username_and_password_only(
    make: Make, managed_file: Path, keyring_backend: MemoryKeyring, tmp_path: Path
) -> None:
    manager = make(managed_file)
    assert manager.base_url() == URL  # from the managed file
    chosen = await manager.client_credentials(URL)
    assert chosen is not None and chosen.source == "managed" and chosen.client_id == "hubdesk-demo"
    profile, source = await manager.login_with_password(URL, USER, PASSWORD)
    assert source == "managed" and profile.client_id == "hubdesk-demo"
    # The managed secret was copied nowhere: a marker in the keyring, nothing in the profile.
    assert all(SECRET not in value for value in keyring_backend.entries.values())
    assert SECRET not in (tmp_path / "home" / "config.json").read_text("utf-8")
    assert await manager.stored_client_source() == "managed"
    assert manager.client is not None and len(await manager.client.all_sender_ids()) == 4
    # The next start restores it, reading the secret from the managed file again.
    again = make(managed_file)
    client = await again.restore(URL)
    assert len(await client.all_sender_ids()) == 4


async def test_an_expired_session_needs_only_the_password(
    make: Make, managed_file: Path, state: SimState
) -> None:
    manager = make(managed_file)
    await manager.login_with_password(URL, USER, PASSWORD)
    state.revoke_tokens()  # the session is over on the server
    later = make(managed_file)
    profile = await later.relogin(PASSWORD)  # username from the profile, client from the file
    assert profile.username == USER
    assert later.client is not None and len(await later.client.all_sender_ids()) == 4


async def test_an_earlier_login_provides_the_client_without_a_managed_file(
    make: Make, keyring_backend: MemoryKeyring
) -> None:
    first = make()
    await first.login(URL, Credentials("hubdesk-demo", SECRET, USER, PASSWORD))
    assert await first.stored_client_source() == "profile"
    second = make()
    chosen = await second.client_credentials(URL)
    assert chosen is not None and (chosen.client_id, chosen.source) == ("hubdesk-demo", "profile")
    _profile, source = await second.login_with_password(URL, USER, PASSWORD)
    assert source == "profile"
    assert await second.relogin(PASSWORD)


async def test_without_any_client_nothing_is_sent(
    make: Make, state: SimState, tmp_path: Path
) -> None:
    manager = make()
    with pytest.raises(MissingClientCredentials, match="No client ID and secret"):
        await manager.login_with_password(URL, USER, PASSWORD)
    with pytest.raises(MissingClientCredentials, match="client secret for this client ID"):
        await make(environ={ENV_CLIENT_ID: "hubdesk-demo"}).login_with_password(URL, USER, PASSWORD)
    with pytest.raises(NotSignedIn):
        await manager.relogin(PASSWORD)  # nobody signed in here before: a username is needed
    assert state.requests() == []
    # The environment is a level of its own.
    env = {ENV_CLIENT_ID: "hubdesk-demo", ENV_CLIENT_SECRET: SECRET}
    _profile, source = await make(environ=env).login_with_password(URL, USER, PASSWORD)
    assert source == "environment"


async def test_a_session_keeps_its_client_and_says_when_the_file_is_gone(
    make: Make, managed_file: Path
) -> None:
    await make(managed_file).login_with_password(URL, USER, PASSWORD)
    managed_file.unlink()
    with pytest.raises(NotSignedIn, match="managed configuration, which no longer provides"):
        await make().restore(URL)
    managed_file.write_text("client_id = 'hubdesk-demo'\n", encoding="utf-8")  # half a pair
    with pytest.raises(ManagedConfigError, match="'client_secret'"):
        make(managed_file).base_url()


async def test_the_profile_records_no_secret_and_the_keyring_only_a_marker(
    make: Make, managed_file: Path, keyring_backend: MemoryKeyring, tmp_path: Path
) -> None:
    await make(managed_file).login_with_password(URL, USER, PASSWORD)
    config = json.loads((tmp_path / "home" / "config.json").read_text("utf-8"))
    assert set(config) == {"version", "base_url", "client_id", "username", "user_id", "user_name"}
    secrets = [v for k, v in keyring_backend.entries.items() if "client_secret" in str(k)]
    assert secrets == ["m:"]
