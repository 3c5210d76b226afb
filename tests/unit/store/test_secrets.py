"""The session vault: contract (keyring and memory), chunking, and clear errors."""

from __future__ import annotations

import os
import subprocess
import sys
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path

import keyring
import keyring.backends.fail
import pytest
from keyring.errors import (
    InitError,
    KeyringLocked,
    NoKeyringError,
    PasswordSetError,
)

from hubdesk.store.secrets import (
    MAX_ENTRY_CHARS,
    SERVICE,
    KeyringVault,
    MemoryVault,
    SessionVault,
    StoredSession,
    VaultUnavailable,
)
from tests.fakes.keyring_backend import FailingKeyring, MemoryKeyring
from tests.platforms import LINUX

# What keyring's Secret Service backend raises (it has imported secretstorage): Linux only,
# where keyring depends on secretstorage.
SECRET_SERVICE_ERRORS: list[tuple[Exception, str]] = []
if LINUX:
    from secretstorage.exceptions import ItemNotFoundException, SecretServiceNotAvailableException

    SECRET_SERVICE_ERRORS = [
        (SecretServiceNotAvailableException("no service"), "No system keyring is available"),
        (ItemNotFoundException("gone"), "The system keyring failed (ItemNotFoundException)"),
    ]

URL = "http://127.0.0.1:8765/api"
USER = "demo@hubwork.test"
REFRESH = "def502" + "a1b2c3d4" * 118  # ~950 characters, like the API's refresh tokens
SECRET = "s3cr3t-Client-Secret-0123456789abcdef"


def keyring_vault() -> SessionVault:
    return KeyringVault(MemoryKeyring(max_chars=1200))


VAULTS: list[Callable[[], SessionVault]] = [keyring_vault, MemoryVault]


@pytest.fixture(params=VAULTS, ids=["keyring", "memory"])
def vault(request: pytest.FixtureRequest) -> SessionVault:
    factory: Callable[[], SessionVault] = request.param
    return factory()


# -- the contract both vaults keep ------------------------------------------------------


def test_nothing_stored_loads_none(vault: SessionVault) -> None:
    assert vault.load(URL, USER) is None


def test_save_then_load_round_trips(vault: SessionVault) -> None:
    vault.save(URL, USER, StoredSession(refresh_token=REFRESH, client_secret=SECRET))
    assert vault.load(URL, USER) == StoredSession(refresh_token=REFRESH, client_secret=SECRET)


def test_rotated_refresh_token_replaces_only_the_token(vault: SessionVault) -> None:
    vault.save(URL, USER, StoredSession(refresh_token="def502old", client_secret=SECRET))
    vault.save_refresh_token(URL, USER, "def502new")
    assert vault.load(URL, USER) == StoredSession(refresh_token="def502new", client_secret=SECRET)


def test_refresh_token_alone_is_not_a_session(vault: SessionVault) -> None:
    vault.save_refresh_token(URL, USER, "def502orphan")
    assert vault.load(URL, USER) is None


def test_clear_forgets_and_is_idempotent(vault: SessionVault) -> None:
    vault.save(URL, USER, StoredSession(refresh_token=REFRESH, client_secret=SECRET))
    vault.clear(URL, USER)
    assert vault.load(URL, USER) is None
    vault.clear(URL, USER)  # nothing left to clear: still fine
    assert vault.load(URL, USER) is None


def test_profiles_are_kept_apart(vault: SessionVault) -> None:
    vault.save(URL, USER, StoredSession(refresh_token="def502a", client_secret="sa"))
    vault.save(
        URL, "other@hubwork.test", StoredSession(refresh_token="def502b", client_secret="sb")
    )
    vault.save("https://smsapi.thehubwork.com/api", USER, StoredSession("def502c", "sc"))
    vault.clear(URL, "other@hubwork.test")
    assert vault.load(URL, USER) == StoredSession("def502a", "sa")
    assert vault.load(URL, "other@hubwork.test") is None
    assert vault.load("https://smsapi.thehubwork.com/api", USER) == StoredSession("def502c", "sc")


def test_trailing_slash_names_the_same_profile(vault: SessionVault) -> None:
    vault.save(URL + "/", USER, StoredSession(refresh_token=REFRESH, client_secret=SECRET))
    assert vault.load(URL, USER) == StoredSession(refresh_token=REFRESH, client_secret=SECRET)


def test_repr_and_str_hide_the_secrets() -> None:
    session = StoredSession(refresh_token=REFRESH, client_secret=SECRET)
    for text in (repr(session), str(session), f"{session}", repr([session])):
        assert REFRESH not in text and SECRET not in text
        assert "hidden" in text


# -- the keyring layout -----------------------------------------------------------------


def test_entries_live_under_the_hubdesk_service_keyed_by_profile_and_kind() -> None:
    backend = MemoryKeyring()
    KeyringVault(backend).save(
        URL, USER, StoredSession(refresh_token=REFRESH, client_secret=SECRET)
    )
    assert {service for service, _ in backend.entries} == {SERVICE}
    keys = sorted(key for _, key in backend.entries)
    assert keys == [f"{URL}|{USER}|client_secret", f"{URL}|{USER}|refresh_token"]
    stored = "".join(backend.entries.values())
    assert REFRESH in stored and SECRET in stored  # a real token fits one entry


def test_long_values_are_chunked_below_the_entry_limit() -> None:
    backend = MemoryKeyring(max_chars=1200)  # refuses anything longer, as Windows would
    vault = KeyringVault(backend)
    long_token = "def502" + "".join(f"{i:04d}" for i in range(700))  # 2,806 characters
    vault.save(URL, USER, StoredSession(refresh_token=long_token, client_secret=SECRET))

    assert all(len(value) <= MAX_ENTRY_CHARS < 1200 for value in backend.entries.values())
    assert len(backend.entries) == 1 + 1 + 3  # secret, token header, three chunks
    assert vault.load(URL, USER) == StoredSession(refresh_token=long_token, client_secret=SECRET)

    vault.save_refresh_token(URL, USER, "def502short")  # shrinking drops the old chunks
    assert len(backend.entries) == 2
    assert vault.load(URL, USER) == StoredSession(refresh_token="def502short", client_secret=SECRET)

    vault.save_refresh_token(URL, USER, long_token[::-1])
    vault.clear(URL, USER)
    assert backend.entries == {}


def test_boundary_between_one_entry_and_chunks() -> None:
    backend = MemoryKeyring()
    vault = KeyringVault(backend)
    fits = "x" * (MAX_ENTRY_CHARS - 2)  # with its 2-character header: exactly the limit
    vault.save(URL, USER, StoredSession(refresh_token=fits, client_secret=SECRET))
    assert len(backend.entries) == 2
    assert vault.load(URL, USER) == StoredSession(refresh_token=fits, client_secret=SECRET)

    one_more = fits + "y"
    vault.save_refresh_token(URL, USER, one_more)
    assert len(backend.entries) == 3  # secret, token header, one chunk
    assert all(len(value) <= MAX_ENTRY_CHARS for value in backend.entries.values())
    assert vault.load(URL, USER) == StoredSession(refresh_token=one_more, client_secret=SECRET)


def test_interrupted_chunked_write_leaves_the_previous_token_readable() -> None:
    backend = MemoryKeyring()
    vault = KeyringVault(backend)
    old = "def502" + "o" * 2500
    vault.save(URL, USER, StoredSession(refresh_token=old, client_secret=SECRET))
    backend.fail_after_writes = backend.writes + 2  # two of the new chunks land, then it dies

    with pytest.raises(VaultUnavailable):
        vault.save_refresh_token(URL, USER, "def502" + "n" * 2500)
    assert vault.load(URL, USER) == StoredSession(refresh_token=old, client_secret=SECRET)


def test_entry_written_by_someone_else_reads_as_absent() -> None:
    backend = MemoryKeyring()
    backend.entries[(SERVICE, f"{URL}|{USER}|refresh_token")] = "plain value, no header"
    backend.entries[(SERVICE, f"{URL}|{USER}|client_secret")] = "v:" + SECRET
    assert KeyringVault(backend).load(URL, USER) is None


# -- errors -----------------------------------------------------------------------------


@pytest.fixture
def system_keyring() -> Iterator[None]:
    previous = keyring.get_keyring()
    yield
    keyring.set_keyring(previous)


def test_default_backend_is_the_system_keyring(system_keyring: None) -> None:
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    KeyringVault().save(URL, USER, StoredSession(refresh_token=REFRESH, client_secret=SECRET))
    assert len(backend.entries) == 2


def test_no_keyring_at_all_says_what_to_install(system_keyring: None) -> None:
    keyring.set_keyring(keyring.backends.fail.Keyring())  # what keyring picks with none
    with pytest.raises(VaultUnavailable) as caught:
        KeyringVault().load(URL, USER)
    message = str(caught.value)
    assert "No system keyring is available" in message
    assert "gnome-keyring" in message and "--no-store" in message


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (NoKeyringError("no backend"), "No system keyring is available: install and start"),
        (FileNotFoundError(2, "No such file"), "No system keyring is available"),
        (KeyringLocked("Failed to unlock the collection!"), "The keyring is locked: unlock it"),
        (InitError("Failed to create the collection: Prompt dismissed.."), "prompt was dismissed"),
        (PasswordSetError("nope"), "The system keyring failed (PasswordSetError)"),
        *SECRET_SERVICE_ERRORS,
    ],
)
@pytest.mark.parametrize(
    "operation",
    ["load", "save", "save_refresh_token", "save_tokens", "forget_access_token", "clear"],
)
def test_keyring_failures_become_vault_unavailable(
    error: Exception, expected: str, operation: str
) -> None:
    vault = KeyringVault(FailingKeyring(error))
    calls: dict[str, Callable[[], object]] = {
        "load": lambda: vault.load(URL, USER),
        "save": lambda: vault.save(URL, USER, StoredSession(REFRESH, SECRET)),
        "save_refresh_token": lambda: vault.save_refresh_token(URL, USER, REFRESH),
        "save_tokens": lambda: vault.save_tokens(URL, USER, REFRESH, None),
        "forget_access_token": lambda: vault.forget_access_token(URL, USER, REFRESH),
        "clear": lambda: vault.clear(URL, USER),
    }
    with pytest.raises(VaultUnavailable, match=expected.replace("(", r"\(").replace(")", r"\)")):
        calls[operation]()


def test_secret_values_never_reach_the_error_or_its_traceback() -> None:
    class LeakyKeyring(MemoryKeyring):
        def set_password(self, service: str, username: str, password: str) -> None:
            raise PasswordSetError(f"could not store {password!r}")

    vault = KeyringVault(LeakyKeyring())
    with pytest.raises(VaultUnavailable) as caught:
        vault.save(URL, USER, StoredSession(refresh_token=REFRESH, client_secret=SECRET))
    shown = "".join(traceback.format_exception(caught.value))
    assert SECRET not in shown and REFRESH not in shown
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


def test_programming_errors_are_not_disguised_as_keyring_trouble() -> None:
    vault = KeyringVault(FailingKeyring(TypeError("a bug")))
    with pytest.raises(TypeError, match="a bug"):
        vault.load(URL, USER)


def test_other_backends_do_not_load_secretstorage() -> None:
    """secretstorage (and cryptography, ~7 MB) load only with the SecretService backend:
    a vault used with another backend, failing and not, never imports them."""
    code = (
        "import sys; from hubdesk.store.secrets import KeyringVault, VaultUnavailable\n"
        "from keyring.errors import PasswordSetError\n"
        "from tests.fakes.keyring_backend import FailingKeyring, MemoryKeyring\n"
        "print(KeyringVault(MemoryKeyring()).load('https://x.test/api', 'u'))\n"
        "try:\n"
        "    KeyringVault(FailingKeyring(PasswordSetError('no'))).load('https://x.test/api', 'u')\n"
        "except VaultUnavailable as exc:\n"
        "    print('unavailable')\n"
        "print(sorted(m for m in ('secretstorage', 'cryptography') if m in sys.modules))"
    )
    root = Path(__file__).resolve().parents[3]
    done = subprocess.run(
        [sys.executable, "-c", code],
        env=dict(os.environ, PYTHONPATH=str(root)),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[:3] == ["None", "unavailable", "[]"]
