"""SessionManager against the simulator in process (httpx.ASGITransport)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from keyring.errors import NoKeyringError

from hubdesk.api import BadCredentials, InsecureUrl, NotSignedIn, SessionExpired
from hubdesk.core.session import Credentials, SessionManager
from hubdesk.sim import SimApp, SimState
from hubdesk.store.lock import REFRESH_LOCK
from hubdesk.store.profile import Profile, load_profile, save_profile
from hubdesk.store.secrets import KeyringVault, MemoryVault, StoredSession, VaultUnavailable
from tests.fakes.keyring_backend import FailingKeyring, MemoryKeyring

URL = "http://127.0.0.1:9/api"  # never dialled: requests go through the ASGI transport
CREDS = Credentials("hubdesk-demo", "demo-secret", "demo@hubwork.test", "demo-password")


@pytest.fixture
def state() -> SimState:
    return SimState()


@pytest.fixture
def transport(state: SimState) -> httpx.ASGITransport:
    return httpx.ASGITransport(app=SimApp(state))


@pytest.fixture
def keyring_backend() -> MemoryKeyring:
    return MemoryKeyring()


@pytest.fixture
def vault(keyring_backend: MemoryKeyring) -> KeyringVault:
    return KeyringVault(keyring_backend)


@pytest.fixture
async def manager(
    tmp_path: Path, vault: KeyringVault, transport: httpx.ASGITransport
) -> AsyncIterator[SessionManager]:
    async with SessionManager(tmp_path, vault, transport=transport) as m:
        yield m


async def test_login_stores_profile_and_secrets_but_never_the_password(
    manager: SessionManager, tmp_path: Path, vault: KeyringVault, keyring_backend: MemoryKeyring
) -> None:
    profile = await manager.login(URL, CREDS)
    assert profile == Profile(URL, "hubdesk-demo", "demo@hubwork.test", 2, "200-VasimTest")
    assert load_profile(tmp_path) == profile
    stored = vault.load(URL, "demo@hubwork.test")
    assert stored is not None and stored.client_secret == "demo-secret"
    assert all("demo-password" not in v for v in keyring_backend.entries.values())
    assert "demo-password" not in (tmp_path / "config.json").read_text()
    assert manager.client is not None
    assert len(await manager.client.all_sender_ids()) == 4


async def test_bad_password_stores_nothing(
    manager: SessionManager, tmp_path: Path, keyring_backend: MemoryKeyring
) -> None:
    with pytest.raises(BadCredentials):
        await manager.login(
            URL, Credentials("hubdesk-demo", "demo-secret", "demo@hubwork.test", "x")
        )
    assert load_profile(tmp_path) is None
    assert keyring_backend.entries == {}
    assert manager.client is None


async def test_restore_then_refresh_persists_the_rotated_token(
    tmp_path: Path, vault: KeyringVault, transport: httpx.ASGITransport, state: SimState
) -> None:
    async with SessionManager(tmp_path, vault, transport=transport) as first:
        await first.login(URL, CREDS)
    after_login = vault.load(URL, CREDS.username)
    assert after_login is not None

    async with SessionManager(tmp_path, vault, transport=transport) as second:
        client = await second.restore()
        await client.all_sender_ids()  # the access token stored at login: no refresh
        assert state.stats().get("refreshes", 0) == 0
        state.expire_tokens()
        await client.all_sender_ids()  # refused: refreshes first
    rotated = vault.load(URL, CREDS.username)
    assert rotated is not None and after_login.access is not None
    assert rotated.refresh_token != after_login.refresh_token
    assert rotated.access is not None and rotated.access.token != after_login.access.token
    assert rotated.client_secret == "demo-secret"
    assert state.stats()["refreshes"] == 1

    # The old token is dead (single use); the stored one keeps working.
    async with SessionManager(tmp_path, vault, transport=transport) as third:
        client = await third.restore()
        await client.list_sms()


async def test_restore_without_login_or_for_another_server(
    manager: SessionManager, tmp_path: Path
) -> None:
    with pytest.raises(NotSignedIn):
        await manager.restore()
    await manager.login(URL, CREDS)
    with pytest.raises(NotSignedIn, match="https://other.example/api"):
        await manager.restore("https://other.example/api")


async def test_restore_refused_refresh_is_session_expired(
    tmp_path: Path, vault: KeyringVault, transport: httpx.ASGITransport, state: SimState
) -> None:
    async with SessionManager(tmp_path, vault, transport=transport) as m:
        await m.login(URL, CREDS)
    state.revoke_tokens()
    async with SessionManager(tmp_path, vault, transport=transport) as m:
        client = await m.restore()
        with pytest.raises(SessionExpired):
            await client.all_sender_ids()


async def test_logout_clears_vault_and_profile(
    manager: SessionManager, tmp_path: Path, keyring_backend: MemoryKeyring
) -> None:
    await manager.login(URL, CREDS)
    profile = await manager.logout()
    assert profile is not None and profile.username == CREDS.username
    assert load_profile(tmp_path) is None
    assert keyring_backend.entries == {}
    assert manager.client is None
    assert await manager.logout() is None


async def test_logout_with_broken_keyring_still_removes_profile(tmp_path: Path) -> None:
    save_profile(tmp_path, Profile(URL, "hubdesk-demo", CREDS.username, 2, "x"))
    manager = SessionManager(tmp_path, KeyringVault(FailingKeyring(NoKeyringError())))
    with pytest.raises(VaultUnavailable):
        await manager.logout()
    assert load_profile(tmp_path) is None


async def test_login_as_someone_else_forgets_the_previous_session(
    manager: SessionManager, vault: KeyringVault, tmp_path: Path
) -> None:
    vault.save("https://old.example/api", "old@user", StoredSession("r", "s"))
    save_profile(tmp_path, Profile("https://old.example/api", "c", "old@user"))
    await manager.login(URL, CREDS)
    assert vault.load("https://old.example/api", "old@user") is None
    assert vault.load(URL, CREDS.username) is not None


async def test_memory_vault_writes_nothing_to_disk(
    tmp_path: Path, transport: httpx.ASGITransport
) -> None:
    vault = MemoryVault()
    async with SessionManager(tmp_path, vault, persist_profile=False, transport=transport) as m:
        profile = await m.login(URL, CREDS)
        assert m.profile == profile
        assert m.client is not None
        await m.client.all_sender_ids()
    assert list(tmp_path.iterdir()) == []


async def test_keyring_failure_at_login_surfaces_as_vault_unavailable(
    tmp_path: Path, transport: httpx.ASGITransport
) -> None:
    async with SessionManager(
        tmp_path, KeyringVault(FailingKeyring(NoKeyringError())), transport=transport
    ) as m:
        with pytest.raises(VaultUnavailable):
            await m.login(URL, CREDS)
        assert m.client is None
    assert load_profile(tmp_path) is None


def test_base_url_resolution_and_refusal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HUBDESK_API_URL", raising=False)
    m = SessionManager(tmp_path, MemoryVault())
    assert m.base_url() == "https://smsapi.thehubwork.com/api"
    save_profile(tmp_path, Profile("http://localhost:8765/api/", "c", "u"))
    assert m.base_url() == "http://localhost:8765/api"
    monkeypatch.setenv("HUBDESK_API_URL", "https://env.example/api")
    assert m.base_url() == "https://env.example/api"
    assert m.base_url("https://flag.example/api/") == "https://flag.example/api"
    with pytest.raises(InsecureUrl):
        m.base_url("http://example.com/api")


async def test_two_sessions_sharing_the_profile_refresh_without_spending_each_others_token(
    tmp_path: Path, vault: KeyringVault, transport: httpx.ASGITransport, state: SimState
) -> None:
    """Like a GUI and a CLI on one profile: they share the stored access token (restored
    from the vault: no refresh at start), and when it is refused one of them refreshes
    while the other adopts what it stored (one refresh, where each used to refresh)."""
    async with SessionManager(tmp_path, vault, transport=transport) as first:
        await first.login(URL, CREDS)
    async with (
        SessionManager(tmp_path, vault, transport=transport) as gui,
        SessionManager(tmp_path, vault, transport=transport) as cli,
    ):
        gui_client, cli_client = await gui.restore(), await cli.restore()  # same token
        await asyncio.gather(gui_client.list_sms(), cli_client.list_sms())
        assert state.stats().get("refreshes", 0) == 0
        state.expire_tokens()
        await asyncio.gather(gui_client.list_sms(), cli_client.list_sms())
    assert state.stats()["refreshes"] == 1  # was 4: one per session and round
    assert state.stats().get("refresh_failures", 0) == 0
    assert (tmp_path / REFRESH_LOCK).exists()
    async with SessionManager(tmp_path, vault, transport=transport) as third:
        await (await third.restore()).list_sms()  # the vault holds the live token


async def test_a_memory_only_session_takes_no_refresh_lock(
    tmp_path: Path, transport: httpx.ASGITransport
) -> None:
    async with SessionManager(
        tmp_path, MemoryVault(), persist_profile=False, transport=transport
    ) as manager:
        await manager.login(URL, CREDS)
        assert manager.client is not None
        await manager.client.refresh()
    assert not (tmp_path / REFRESH_LOCK).exists()
