"""``KeyringVault`` against a real Secret Service (gnome-keyring in the desktop session)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from jeepney import DBusAddress
from jeepney.io.blocking import open_dbus_connection

from hubdesk.store.secrets import (
    MAX_ENTRY_CHARS,
    SERVICE,
    KeyringVault,
    StoredSession,
    VaultUnavailable,
)
from tests.fixtures_desktop import Desktop, DesktopSession, call

if sys.platform != "linux":
    pytest.skip("the Secret Service is Linux's keyring", allow_module_level=True)

import secretstorage
from keyring.backends.SecretService import Keyring as SecretServiceKeyring

URL = "http://127.0.0.1:8765/api"
REFRESH = "def502" + "0123456789abcdef" * 59  # ~950 characters
SECRET = "demo-client-secret"
SECRETS = DBusAddress(
    "/org/freedesktop/secrets", "org.freedesktop.secrets", "org.freedesktop.Secret.Service"
)


def stored_items() -> dict[str, str]:
    """What the session keyring holds under HubDesk's service: entry key -> value."""
    connection = secretstorage.dbus_init()
    try:
        collection = secretstorage.get_default_collection(connection)
        return {
            item.get_attributes()["username"]: item.get_secret().decode()
            for item in collection.search_items({"service": SERVICE})
        }
    finally:
        connection.close()


@pytest.fixture
def username(request: pytest.FixtureRequest) -> str:
    return f"{request.node.name}@hubwork.test"


@pytest.mark.desktop
def test_session_round_trip_rotation_and_clear(desktop_session: Desktop, username: str) -> None:
    vault = KeyringVault(SecretServiceKeyring())
    assert vault.load(URL, username) is None
    vault.save(URL, username, StoredSession(refresh_token=REFRESH, client_secret=SECRET))
    assert KeyringVault(SecretServiceKeyring()).load(URL, username) == StoredSession(
        refresh_token=REFRESH, client_secret=SECRET
    )
    vault.save_refresh_token(URL, username, "def502rotated")
    assert vault.load(URL, username) == StoredSession("def502rotated", SECRET)
    vault.clear(URL, username)
    assert vault.load(URL, username) is None
    assert not any(username in key for key in stored_items())


@pytest.mark.desktop
def test_default_vault_uses_the_session_keyring(desktop_session: Desktop, username: str) -> None:
    vault = KeyringVault()
    vault.save(URL, username, StoredSession(refresh_token=REFRESH, client_secret=SECRET))
    try:
        items = stored_items()
        assert items[f"{URL}|{username}|refresh_token"] == "v:" + REFRESH
        assert items[f"{URL}|{username}|client_secret"] == "v:" + SECRET
    finally:
        vault.clear(URL, username)


@pytest.mark.desktop
def test_long_token_is_chunked_in_the_real_keyring(desktop_session: Desktop, username: str) -> None:
    vault = KeyringVault(SecretServiceKeyring())
    long_token = "def502" + "z" * 3000
    vault.save(URL, username, StoredSession(refresh_token=long_token, client_secret=SECRET))
    try:
        mine = {k: v for k, v in stored_items().items() if username in k}
        assert len(mine) == 2 + 4  # secret, header, four chunks
        assert all(len(value) <= MAX_ENTRY_CHARS for value in mine.values())
        assert vault.load(URL, username) == StoredSession(long_token, SECRET)
    finally:
        vault.clear(URL, username)
    assert not any(username in key for key in stored_items())


@pytest.mark.desktop
def test_locked_keyring_is_a_clear_error(
    desktop_session: Desktop, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Locks the default collection of a second, throw-away session's keyring."""
    with DesktopSession() as other:
        address = other.env["DBUS_SESSION_BUS_ADDRESS"]
        monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", address)
        vault = KeyringVault(SecretServiceKeyring())
        vault.save(URL, "locked@hubwork.test", StoredSession(REFRESH, SECRET))
        with open_dbus_connection(bus=address) as connection:
            (default,) = call(connection, SECRETS, "ReadAlias", "s", ("default",))
            call(connection, SECRETS, "Lock", "ao", ([default],))
        with pytest.raises(VaultUnavailable, match="The keyring is locked: unlock it"):
            vault.load(URL, "locked@hubwork.test")


def test_unreachable_secret_service_is_a_clear_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """No desktop session needed: a bus address that leads nowhere."""
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", f"unix:path={tmp_path}/no-bus-here")
    vault = KeyringVault(SecretServiceKeyring())
    with pytest.raises(VaultUnavailable, match="No system keyring is available"):
        vault.load(URL, "nobody@hubwork.test")
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS")
    with pytest.raises(VaultUnavailable, match="No system keyring is available"):
        vault.save(URL, "nobody@hubwork.test", StoredSession(REFRESH, SECRET))
