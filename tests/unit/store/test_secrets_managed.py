"""The vault's marker for a session signed in with the machine's managed client secret:
the secret itself is never written, and the marker is never mistaken for a secret."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from hubdesk.store.secrets import KeyringVault, MemoryVault, SessionVault, StoredSession
from tests.fakes.keyring_backend import MemoryKeyring

URL = "http://127.0.0.1:8765/api"
USER = "demo@hubwork.test"
LONG_SECRET = "x" * 2500  # chunked in a keyring


def _keyring() -> tuple[SessionVault, MemoryKeyring]:
    backend = MemoryKeyring(max_chars=1200)
    return KeyringVault(backend), backend


@pytest.mark.parametrize("factory", [lambda: _keyring()[0], MemoryVault], ids=["keyring", "memory"])
def test_a_managed_session_stores_a_marker_not_a_secret(
    factory: Callable[[], SessionVault],
) -> None:
    vault = factory()
    vault.save(URL, USER, StoredSession("def502token", None))
    assert vault.load(URL, USER) == StoredSession("def502token", None)
    vault.save_refresh_token(URL, USER, "def502rotated")
    assert vault.load(URL, USER) == StoredSession("def502rotated", None)
    # A real secret that happens to read like the marker stays a secret.
    vault.save(URL, USER, StoredSession("def502token", "m:"))
    assert vault.load(URL, USER) == StoredSession("def502token", "m:")
    vault.clear(URL, USER)
    assert vault.load(URL, USER) is None


def test_switching_a_chunked_secret_to_the_marker_drops_its_chunks() -> None:
    vault, backend = _keyring()
    vault.save(URL, USER, StoredSession("def502token", LONG_SECRET))
    assert len(backend.entries) > 2
    vault.save(URL, USER, StoredSession("def502token", None))
    assert sorted(backend.entries.values()) == ["m:", "v:def502token"]
    assert all(LONG_SECRET[:100] not in v for v in backend.entries.values())
