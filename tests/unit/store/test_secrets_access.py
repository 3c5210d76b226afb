"""The access token in the vault: kept beside the refresh token it was issued with."""

from __future__ import annotations

import traceback
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from keyring.errors import PasswordSetError

from hubdesk.store.secrets import (
    MAX_ENTRY_CHARS,
    SERVICE,
    KeyringVault,
    MemoryVault,
    SessionVault,
    StoredAccess,
    StoredSession,
    VaultUnavailable,
)
from tests.fakes.keyring_backend import MemoryKeyring

URL = "http://127.0.0.1:8765/api"
USER = "demo@hubwork.test"
REFRESH = "def502" + "a1b2c3d4" * 118
SECRET = "s3cr3t-Client-Secret-0123456789abcdef"
JWT = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9." + "QWxhZGRpbjpvcGVuIHNlc2FtZQ" * 60  # ~1,600
ISSUED = datetime(2026, 12, 7, 15, 0, tzinfo=UTC)
ACCESS = StoredAccess(JWT, ISSUED, ISSUED + timedelta(seconds=3600))


def keyring_vault() -> SessionVault:
    return KeyringVault(MemoryKeyring(max_chars=1200))


@pytest.fixture(params=[keyring_vault, MemoryVault], ids=["keyring", "memory"])
def vault(request: pytest.FixtureRequest) -> SessionVault:
    factory: Callable[[], SessionVault] = request.param
    return factory()


def test_the_access_token_and_its_times_round_trip(vault: SessionVault) -> None:
    vault.save(URL, USER, StoredSession(REFRESH, SECRET, ACCESS))
    assert vault.load(URL, USER) == StoredSession(REFRESH, SECRET, ACCESS)
    newer = StoredAccess("eyJnew", ISSUED + timedelta(hours=1), ISSUED + timedelta(hours=2))
    vault.save_tokens(URL, USER, "def502rotated", newer)
    assert vault.load(URL, USER) == StoredSession("def502rotated", SECRET, newer)


def test_a_refresh_token_saved_alone_forgets_the_access_token(vault: SessionVault) -> None:
    vault.save(URL, USER, StoredSession(REFRESH, SECRET, ACCESS))
    vault.save_refresh_token(URL, USER, "def502rotated")
    assert vault.load(URL, USER) == StoredSession("def502rotated", SECRET, None)
    vault.save_tokens(URL, USER, "def502again", None)
    assert vault.load(URL, USER) == StoredSession("def502again", SECRET, None)


def test_forgetting_the_access_token_keeps_a_newer_one(vault: SessionVault) -> None:
    vault.save(URL, USER, StoredSession(REFRESH, SECRET, ACCESS))
    vault.forget_access_token(URL, USER, issued_with="def502-an-older-session")
    assert vault.load(URL, USER) == StoredSession(REFRESH, SECRET, ACCESS)
    vault.forget_access_token(URL, USER, issued_with=REFRESH)
    assert vault.load(URL, USER) == StoredSession(REFRESH, SECRET, None)
    vault.forget_access_token(URL, USER, issued_with=REFRESH)  # nothing left: still fine


def test_clear_forgets_the_access_token_too() -> None:
    backend = MemoryKeyring(max_chars=1200)
    vault = KeyringVault(backend)
    vault.save(URL, USER, StoredSession(REFRESH, SECRET, ACCESS))
    assert any(key.endswith("|access_token") for _, key in backend.entries)
    vault.clear(URL, USER)
    assert backend.entries == {}
    memory = MemoryVault()
    memory.save(URL, USER, StoredSession(REFRESH, SECRET, ACCESS))
    memory.clear(URL, USER)
    memory.save(URL, USER, StoredSession(REFRESH, SECRET))
    assert memory.load(URL, USER) == StoredSession(REFRESH, SECRET, None)


def test_an_entry_of_an_older_hubdesk_reads_without_an_access_token() -> None:
    backend = MemoryKeyring()
    backend.entries[(SERVICE, f"{URL}|{USER}|refresh_token")] = "v:" + REFRESH
    backend.entries[(SERVICE, f"{URL}|{USER}|client_secret")] = "v:" + SECRET
    assert KeyringVault(backend).load(URL, USER) == StoredSession(REFRESH, SECRET, None)


def test_an_access_token_is_read_only_beside_its_own_refresh_token() -> None:
    backend = MemoryKeyring(max_chars=1200)
    vault = KeyringVault(backend)
    vault.save(URL, USER, StoredSession(REFRESH, SECRET, ACCESS))
    # An older HubDesk rotates the refresh token and leaves the access entry behind.
    backend.entries[(SERVICE, f"{URL}|{USER}|refresh_token")] = "v:def502rotated-elsewhere"
    assert vault.load(URL, USER) == StoredSession("def502rotated-elsewhere", SECRET, None)


def test_a_write_cut_short_never_pairs_a_new_refresh_token_with_the_old_access() -> None:
    backend = MemoryKeyring(max_chars=1200)
    vault = KeyringVault(backend)
    vault.save(URL, USER, StoredSession(REFRESH, SECRET, ACCESS))
    backend.fail_after_writes = backend.writes + 1  # the refresh token lands, then it dies
    newer = StoredAccess("eyJnew", ISSUED, ISSUED + timedelta(hours=1))
    with pytest.raises(VaultUnavailable):
        vault.save_tokens(URL, USER, "def502new", newer)
    assert vault.load(URL, USER) == StoredSession("def502new", SECRET, None)


def test_entries_stay_under_the_limit_and_hold_no_refresh_token_twice() -> None:
    backend = MemoryKeyring(max_chars=1200)
    vault = KeyringVault(backend)
    vault.save(URL, USER, StoredSession(REFRESH, SECRET, ACCESS))
    assert all(len(value) <= MAX_ENTRY_CHARS for value in backend.entries.values())
    access_entries = [v for (_, k), v in backend.entries.items() if "|access_token" in k]
    assert access_entries and not any(REFRESH in v for v in access_entries)


def test_repr_and_errors_hide_the_access_token() -> None:
    session = StoredSession(REFRESH, SECRET, ACCESS)
    for text in (repr(session), str(session), repr(ACCESS), repr([session])):
        assert JWT not in text and REFRESH not in text

    class LeakyKeyring(MemoryKeyring):
        def set_password(self, service: str, username: str, password: str) -> None:
            raise PasswordSetError(f"could not store {password!r}")

    with pytest.raises(VaultUnavailable) as caught:
        KeyringVault(LeakyKeyring()).save_tokens(URL, USER, REFRESH, ACCESS)
    shown = "".join(traceback.format_exception(caught.value))
    assert JWT not in shown and JWT[:40] not in shown and REFRESH not in shown
