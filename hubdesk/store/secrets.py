"""The session vault: tokens and client secret, kept in the OS keyring.

One profile (base URL + username) owns up to three entries under the keyring service
``HubDesk``: its refresh token, its client secret (or, for a session signed in with the
machine's managed configuration, a marker saying the secret is kept there), and the
current access token with when it was issued and expires (wall clock, UTC), so that the
processes sharing the profile (the GUI, ``hubdesk-cli``) use one access token instead of
refreshing (and so revoking) each other's. The password is never stored anywhere.

The access entry names the refresh token it was issued with (a short SHA-256
fingerprint): it is written after that refresh token, and read only beside it, so a
write cut short (or an entry written before this format) reads as "no access token",
never as a token of another grant. An entry without it (written by an older HubDesk)
is a session without an access token: the process refreshes as before.

Some keyrings cap an entry's size (Windows Credential Manager: 2,560 bytes), so a value
longer than ``MAX_ENTRY_CHARS`` is split into numbered chunk entries. A chunked value is
written chunks first, then a small header naming them, so a crash mid-write leaves the
previous value readable.

``KeyringVault`` blocks (D-Bus round trips): callers on an event loop run it with
``asyncio.to_thread``. Secret values never appear in exception text or logs.
"""

from __future__ import annotations

import hashlib
import secrets
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, NoReturn, Protocol

import keyring
import keyring.errors

# Backends also fail below keyring's own exceptions: an unreachable D-Bus socket is a
# plain OSError, a missing Secret Service a SecretStorageException (Linux). secretstorage
# (with cryptography, ~7 MB) is not imported for its exception types: when it raised
# one, the SecretService backend has loaded it (:func:`_backend_errors`).
_BACKEND_ERRORS: tuple[type[Exception], ...] = (keyring.errors.KeyringError, OSError)
_NO_SERVICE_ERRORS: tuple[type[Exception], ...] = (keyring.errors.NoKeyringError, OSError)
_SECRETSTORAGE_ERRORS = "secretstorage.exceptions"


def _backend_errors() -> tuple[tuple[type[Exception], ...], tuple[type[Exception], ...]]:
    """(what a backend may raise, what of it means "no keyring service"), including
    secretstorage's exceptions once something has imported it."""
    loaded = sys.modules.get(_SECRETSTORAGE_ERRORS)
    if loaded is None:
        return _BACKEND_ERRORS, _NO_SERVICE_ERRORS
    return (
        (*_BACKEND_ERRORS, loaded.SecretStorageException),
        (*_NO_SERVICE_ERRORS, loaded.SecretServiceNotAvailableException),
    )


SERVICE = "HubDesk"
MAX_ENTRY_CHARS = 1000
REFRESH_TOKEN = "refresh_token"
CLIENT_SECRET = "client_secret"
ACCESS_TOKEN = "access_token"

_SINGLE = "v:"  # header prefix: the value follows inline
_CHUNKED = "c:"  # header prefix: "c:<count>:<generation>", chunks stored separately
_MANAGED = "m:"  # the client secret entry only: "it is the managed file's" (no value)
_ACCESS_V1 = "a1|"  # the access entry's value (inside its header): see _encode_access
_CHUNK_SIZE = MAX_ENTRY_CHARS

NO_KEYRING_MESSAGE = (
    "No system keyring is available: install and start a Secret Service such as "
    "gnome-keyring or KWallet, or use --no-store"
)
LOCKED_MESSAGE = "The keyring is locked: unlock it and try again"
PROMPT_DISMISSED_MESSAGE = (
    "The keyring could not be unlocked (its prompt was dismissed): unlock it and try again"
)


class VaultUnavailable(Exception):
    """The keyring cannot be used; the message says what to install or unlock."""


@dataclass(frozen=True)
class StoredAccess:
    """An access token and its life (timezone-aware, UTC), issued with the stored refresh
    token."""

    token: str = field(repr=False)
    issued_at: datetime
    expires_at: datetime


@dataclass(frozen=True)
class StoredSession:
    """What survives a restart: the refresh token, the client secret and (when one was
    persisted with that refresh token) the current access token.

    ``client_secret`` None: the session was signed in with the client secret of the
    machine's managed configuration (``core.managed``), which is never copied here; the
    keyring then holds a marker in its place, and the secret is read from that file again.
    """

    refresh_token: str
    client_secret: str | None
    access: StoredAccess | None = None

    def __repr__(self) -> str:
        access = "<hidden>" if self.access is not None else "None"
        return f"StoredSession(refresh_token=<hidden>, client_secret=<hidden>, access={access})"

    __str__ = __repr__


class SessionVault(Protocol):
    """Where a profile's session secrets are kept between runs."""

    def load(self, base_url: str, username: str) -> StoredSession | None:
        """The stored session, or None when either secret is missing."""
        ...

    def save(self, base_url: str, username: str, session: StoredSession) -> None:
        """Store the whole session (after a password login)."""
        ...

    def save_tokens(
        self, base_url: str, username: str, refresh_token: str, access: StoredAccess | None
    ) -> None:
        """Store a rotated refresh token and the access token issued with it (after every
        refresh, before anything else); ``access`` None forgets the stored one."""
        ...

    def save_refresh_token(self, base_url: str, username: str, token: str) -> None:
        """Store a rotated refresh token alone (the stored access token is forgotten)."""
        ...

    def forget_access_token(self, base_url: str, username: str, issued_with: str) -> None:
        """Forget the stored access token if it was issued with refresh token
        ``issued_with`` (the session it belongs to ended); keep a newer one."""
        ...

    def clear(self, base_url: str, username: str) -> None:
        """Forget the profile's secrets (logout, or ``invalid_grant``)."""
        ...


def entry_key(base_url: str, username: str, kind: str) -> str:
    """The keyring "username" of one entry of a profile."""
    return f"{base_url.rstrip('/')}|{username}|{kind}"


class KeyringVault:
    """``SessionVault`` over a ``keyring`` backend (the system's by default)."""

    def __init__(self, backend: Any | None = None, service: str = SERVICE) -> None:
        self._backend = backend
        self._service = service

    def load(self, base_url: str, username: str) -> StoredSession | None:
        with _translated_errors():
            refresh = self._read(entry_key(base_url, username, REFRESH_TOKEN))
            secret_key = entry_key(base_url, username, CLIENT_SECRET)
            managed = self._get(secret_key) == _MANAGED
            secret = None if managed else self._read(secret_key)
            access = None
            if refresh is not None:
                access = _decode_access(
                    self._read(entry_key(base_url, username, ACCESS_TOKEN)), refresh
                )
        if refresh is None or (secret is None and not managed):
            return None
        return StoredSession(refresh_token=refresh, client_secret=secret, access=access)

    def save(self, base_url: str, username: str, session: StoredSession) -> None:
        with _translated_errors():
            secret_key = entry_key(base_url, username, CLIENT_SECRET)
            if session.client_secret is None:
                old = self._get(secret_key)
                self._set(secret_key, _MANAGED)
                self._remove_chunks(secret_key, old)
            else:
                self._write(secret_key, session.client_secret)
            self._write_tokens(base_url, username, session.refresh_token, session.access)

    def save_tokens(
        self, base_url: str, username: str, refresh_token: str, access: StoredAccess | None
    ) -> None:
        with _translated_errors():
            self._write_tokens(base_url, username, refresh_token, access)

    def save_refresh_token(self, base_url: str, username: str, token: str) -> None:
        self.save_tokens(base_url, username, token, None)

    def forget_access_token(self, base_url: str, username: str, issued_with: str) -> None:
        with _translated_errors():
            key = entry_key(base_url, username, ACCESS_TOKEN)
            if _decode_access(self._read(key), issued_with) is not None:
                self._remove(key)

    def clear(self, base_url: str, username: str) -> None:
        with _translated_errors():
            for kind in (REFRESH_TOKEN, ACCESS_TOKEN, CLIENT_SECRET):
                self._remove(entry_key(base_url, username, kind))

    def _write_tokens(
        self, base_url: str, username: str, refresh_token: str, access: StoredAccess | None
    ) -> None:
        """The refresh token first: the access entry names it, so until both are written
        (or if the second write fails) no access token is read with the new one."""
        self._write(entry_key(base_url, username, REFRESH_TOKEN), refresh_token)
        access_key = entry_key(base_url, username, ACCESS_TOKEN)
        if access is None:
            self._remove(access_key)
        else:
            self._write(access_key, _encode_access(access, refresh_token))

    # -- entries and chunks --------------------------------------------------------

    def _keyring(self) -> Any:
        return self._backend if self._backend is not None else keyring.get_keyring()

    def _get(self, key: str) -> str | None:
        value: str | None = self._keyring().get_password(self._service, key)
        return value

    def _set(self, key: str, value: str) -> None:
        self._keyring().set_password(self._service, key, value)

    def _delete(self, key: str) -> None:
        try:
            self._keyring().delete_password(self._service, key)
        except keyring.errors.PasswordDeleteError:
            pass  # already absent

    def _read(self, key: str) -> str | None:
        header = self._get(key)
        if header is None:
            return None
        if header.startswith(_SINGLE):
            return header[len(_SINGLE) :]
        count, generation = _parse_chunk_header(header)
        if count is None:
            return None  # not written by this vault: treat as absent
        parts = [self._get(_chunk_key(key, generation, i)) for i in range(count)]
        if any(part is None for part in parts):
            return None
        return "".join(part for part in parts if part is not None)

    def _write(self, key: str, value: str) -> None:
        old_header = self._get(key)
        if len(_SINGLE) + len(value) <= MAX_ENTRY_CHARS:
            self._set(key, _SINGLE + value)
        else:
            generation = secrets.token_hex(4)
            chunks = [value[i : i + _CHUNK_SIZE] for i in range(0, len(value), _CHUNK_SIZE)]
            for index, chunk in enumerate(chunks):
                self._set(_chunk_key(key, generation, index), chunk)
            self._set(key, f"{_CHUNKED}{len(chunks)}:{generation}")
        self._remove_chunks(key, old_header)

    def _remove(self, key: str) -> None:
        old_header = self._get(key)
        self._delete(key)
        self._remove_chunks(key, old_header)

    def _remove_chunks(self, key: str, header: str | None) -> None:
        if header is None:
            return
        count, generation = _parse_chunk_header(header)
        for index in range(count or 0):
            self._delete(_chunk_key(key, generation, index))


class MemoryVault:
    """``SessionVault`` that forgets everything when the process ends (``--no-store``)."""

    def __init__(self) -> None:
        self._entries: dict[str, str] = {}

    def load(self, base_url: str, username: str) -> StoredSession | None:
        refresh = self._entries.get(entry_key(base_url, username, REFRESH_TOKEN))
        secret = self._entries.get(entry_key(base_url, username, CLIENT_SECRET))
        if refresh is None or secret is None:
            return None
        stored_access = self._entries.get(entry_key(base_url, username, ACCESS_TOKEN))
        access = _decode_access(stored_access, refresh)
        return StoredSession(
            refresh, None if secret == _MANAGED else secret.removeprefix(_SINGLE), access
        )

    def save(self, base_url: str, username: str, session: StoredSession) -> None:
        secret = session.client_secret
        self._entries[entry_key(base_url, username, CLIENT_SECRET)] = (
            _MANAGED if secret is None else _SINGLE + secret
        )
        self.save_tokens(base_url, username, session.refresh_token, session.access)

    def save_tokens(
        self, base_url: str, username: str, refresh_token: str, access: StoredAccess | None
    ) -> None:
        self._entries[entry_key(base_url, username, REFRESH_TOKEN)] = refresh_token
        access_key = entry_key(base_url, username, ACCESS_TOKEN)
        if access is None:
            self._entries.pop(access_key, None)
        else:
            self._entries[access_key] = _encode_access(access, refresh_token)

    def save_refresh_token(self, base_url: str, username: str, token: str) -> None:
        self.save_tokens(base_url, username, token, None)

    def forget_access_token(self, base_url: str, username: str, issued_with: str) -> None:
        key = entry_key(base_url, username, ACCESS_TOKEN)
        if _decode_access(self._entries.get(key), issued_with) is not None:
            del self._entries[key]

    def clear(self, base_url: str, username: str) -> None:
        for kind in (REFRESH_TOKEN, ACCESS_TOKEN, CLIENT_SECRET):
            self._entries.pop(entry_key(base_url, username, kind), None)


def _fingerprint(refresh_token: str) -> str:
    """Names the refresh token an access entry belongs to (not enough to recover it)."""
    return hashlib.sha256(refresh_token.encode()).hexdigest()[:16]


def _encode_access(access: StoredAccess, refresh_token: str) -> str:
    """``a1|<issued>|<expires>|<fingerprint>|<token>`` (times: POSIX seconds)."""
    issued, expires = access.issued_at.timestamp(), access.expires_at.timestamp()
    return f"{_ACCESS_V1}{issued:.3f}|{expires:.3f}|{_fingerprint(refresh_token)}|{access.token}"


def _decode_access(value: str | None, refresh_token: str) -> StoredAccess | None:
    """The access entry's token if it was issued with ``refresh_token`` (else None)."""
    if value is None or not value.startswith(_ACCESS_V1):
        return None
    parts = value[len(_ACCESS_V1) :].split("|", 3)
    if len(parts) != 4 or parts[2] != _fingerprint(refresh_token) or not parts[3]:
        return None
    try:
        issued, expires = (datetime.fromtimestamp(float(p), UTC) for p in parts[:2])
    except (ValueError, OverflowError, OSError):
        return None
    return StoredAccess(token=parts[3], issued_at=issued, expires_at=expires)


def _chunk_key(key: str, generation: str, index: int) -> str:
    return f"{key}#{generation}#{index}"


def _parse_chunk_header(header: str) -> tuple[int | None, str]:
    if not header.startswith(_CHUNKED):
        return None, ""
    count, _, generation = header[len(_CHUNKED) :].partition(":")
    if not count.isdigit() or not generation:
        return None, ""
    return int(count), generation


@contextmanager
def _translated_errors() -> Iterator[None]:
    """Turn keyring failures into ``VaultUnavailable`` with an actionable message.

    The backend's own exception is not chained (``from None``): its text is not ours to
    vet, and this message is what the user and the logs see.
    """
    try:
        yield
    except Exception as exc:
        if not isinstance(exc, _backend_errors()[0]):
            raise
        _raise_unavailable(exc)


def _raise_unavailable(exc: Exception) -> NoReturn:
    if isinstance(exc, _backend_errors()[1]):
        message = NO_KEYRING_MESSAGE
    elif isinstance(exc, keyring.errors.KeyringLocked):
        message = LOCKED_MESSAGE
    elif "dismissed" in str(exc).lower():
        message = PROMPT_DISMISSED_MESSAGE
    else:
        message = (
            f"The system keyring failed ({type(exc).__name__}): unlock or restart it and "
            "try again, or use --no-store"
        )
    raise VaultUnavailable(message) from None
