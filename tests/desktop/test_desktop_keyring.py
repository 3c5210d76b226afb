"""The session's keyring: gnome-keyring's default collection works through ``keyring``."""

from __future__ import annotations

import secrets

import keyring
import pytest
from keyring.backends.SecretService import Keyring as SecretServiceKeyring
from keyring.errors import PasswordDeleteError

from tests.fixtures_desktop import Desktop

pytestmark = pytest.mark.desktop


def test_keyring_picks_the_secret_service(desktop_session: Desktop) -> None:
    assert isinstance(keyring.get_keyring(), SecretServiceKeyring)


def test_default_collection_stores_reads_and_deletes(desktop_session: Desktop) -> None:
    backend = SecretServiceKeyring()
    name = f"session-check-{secrets.token_hex(4)}"
    value = secrets.token_urlsafe(64)
    assert backend.get_password("HubDesk-tests", name) is None
    backend.set_password("HubDesk-tests", name, value)
    assert backend.get_password("HubDesk-tests", name) == value
    assert SecretServiceKeyring().get_password("HubDesk-tests", name) == value  # new connection
    backend.delete_password("HubDesk-tests", name)
    assert backend.get_password("HubDesk-tests", name) is None
    with pytest.raises(PasswordDeleteError):
        backend.delete_password("HubDesk-tests", name)
