"""Signing in, staying signed in, signing out: the session use case (no Qt, no printing).

Shared by ``hubdesk-cli`` and the GUI. A :class:`SessionManager` owns at most one
:class:`~hubdesk.api.HubClient` at a time and keeps the persistent side of a session in
two places:

* the profile (``store.profile``): base URL, client id, username, user id and name;
* the vault (``store.secrets``): client secret and the current refresh token.

The password is used once, for the password grant, and never stored. Every new token
grant (login, and each refresh: refresh tokens are single use) is written to the vault
through ``on_tokens`` *before* the client proceeds, so a crash cannot lose the only
valid refresh token. Blocking vault and profile I/O goes through ``asyncio.to_thread``.

Other processes (the GUI and ``hubdesk-cli``, or two CLIs) share the stored session, and
refresh tokens are single use. Every refresh therefore runs under the client's
``refresh_guard``: an exclusive file lock (``refresh.lock`` in the profile folder, see
``store.lock``) held from before the grant until its new refresh token is in the vault.
Inside it the client refreshes with the token the vault holds *now* (another process
may have rotated the one this process loaded), and on ``invalid_grant`` it reads the
vault once more and retries once if the token there is a different one. A session kept
only in memory (``persist_profile=False``) is this process's alone and has no guard.

Logging out forgets the session locally (vault entry and profile); the API has no
revoke endpoint, so the server is told nothing.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from hubdesk.api.auth import RefreshGuard, StoredRefreshToken
from hubdesk.api.errors import NotSignedIn, RequestTimedOut
from hubdesk.api.urls import validate_base_url
from hubdesk.domain import TokenGrant
from hubdesk.store.lock import REFRESH_LOCK, LockTimeout, hold
from hubdesk.store.profile import (
    Profile,
    clear_profile,
    load_profile,
    resolve_base_url,
    save_profile,
)
from hubdesk.store.secrets import SessionVault, StoredSession, VaultUnavailable

if TYPE_CHECKING:
    import httpx

    from hubdesk.api import HubClient, RetryPolicy

__all__ = ["REFRESH_LOCK_TIMEOUT", "Credentials", "SessionManager", "WaitCallback"]

WaitCallback = Callable[[float, str], None]
# Longest wait for another process's refresh (one grant: connect + write + read time-outs).
REFRESH_LOCK_TIMEOUT = 30.0
log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Credentials:
    """What a password-grant login needs. Secrets are kept out of ``repr``."""

    client_id: str
    client_secret: str = field(repr=False)
    username: str
    password: str = field(repr=False)


class SessionManager:
    """Builds, restores and ends the signed-in :class:`HubClient`.

    ``persist_profile=False`` (with a ``MemoryVault``) gives a session that lives only as
    long as this object: nothing is written to the profile folder or the OS keyring.
    """

    def __init__(
        self,
        home: Path,
        vault: SessionVault,
        *,
        persist_profile: bool = True,
        on_wait: WaitCallback | None = None,
        timeout: httpx.Timeout | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        max_retries: int = 3,
        retry_policy: RetryPolicy | None = None,
        deadline: float | None = None,
        on_server_time: Callable[[datetime], None] | None = None,
    ) -> None:
        self._home = home
        self._vault = vault
        self._persist_profile = persist_profile
        self._on_wait = on_wait
        self._timeout = timeout
        self._transport = transport
        self._max_retries = max_retries
        self._retry_policy = retry_policy
        self._deadline = deadline
        self._on_server_time = on_server_time
        self._client: HubClient | None = None
        self._profile: Profile | None = None

    # --- reading state -------------------------------------------------------------

    @property
    def client(self) -> HubClient | None:
        """The signed-in client, after :meth:`login` or :meth:`restore`."""
        return self._client

    @property
    def profile(self) -> Profile | None:
        """The profile of the current session (after login/restore), else the saved one."""
        if self._profile is not None:
            return self._profile
        return self.saved_profile()

    def saved_profile(self) -> Profile | None:
        """The profile saved at the last login, or None."""
        return load_profile(self._home)

    def base_url(self, explicit: str | None = None) -> str:
        """The base URL to use, validated (raises ``InsecureUrl``), without I/O.

        ``explicit`` (e.g. ``--base-url``) wins, then ``HUBDESK_API_URL``, then the URL
        saved at login, then production.
        """
        return validate_base_url(resolve_base_url(explicit, load_profile(self._home)))

    async def has_stored_session(self, profile: Profile) -> bool:
        """Whether the vault holds a session for ``profile`` (raises ``VaultUnavailable``)."""
        stored = await asyncio.to_thread(self._vault.load, profile.base_url, profile.username)
        return stored is not None

    # --- login / restore / logout --------------------------------------------------

    async def login(self, base_url: str, credentials: Credentials) -> Profile:
        """Sign in with the password grant; keep the session; return the new profile.

        The refresh token and client secret go to the vault as soon as the grant
        arrives; the profile is written after. A previous session for a different
        server or user is forgotten once the new one is in place.
        """
        url = validate_base_url(base_url)
        await self._close_client()
        previous = load_profile(self._home) if self._persist_profile else None

        async def keep_grant(grant: TokenGrant) -> None:
            session = StoredSession(
                refresh_token=grant.refresh_token, client_secret=credentials.client_secret
            )
            await asyncio.to_thread(self._vault.save, url, credentials.username, session)

        client = self._make_client(
            url,
            client_id=credentials.client_id,
            client_secret=credentials.client_secret,
            refresh_token=None,
            on_tokens=keep_grant,
            refresh_guard=self._refresh_guard(url, credentials.username),
        )
        try:
            grant = await client.login(credentials.username, credentials.password)
        except BaseException:
            await client.aclose()
            raise
        profile = Profile(
            base_url=url,
            client_id=credentials.client_id,
            username=credentials.username,
            user_id=grant.customer_user_id,
            user_name=grant.customer_user_name,
        )
        self._client = client
        self._profile = profile
        if self._persist_profile:
            await asyncio.to_thread(save_profile, self._home, profile)
            if previous is not None and (previous.base_url, previous.username) != (
                url,
                credentials.username,
            ):
                await asyncio.to_thread(self._vault.clear, previous.base_url, previous.username)
        return profile

    async def restore(self, base_url: str | None = None) -> HubClient:
        """Rebuild the client from the saved profile and the vault.

        ``base_url`` (already resolved, e.g. from ``--base-url``) defaults to the saved
        one. No request is made: the first call refreshes the access token. Raises
        ``NotSignedIn`` when there is no saved session for that server, and
        ``VaultUnavailable`` when the keyring cannot be used.
        """
        profile = load_profile(self._home)
        if profile is None:
            raise NotSignedIn("Not signed in.", operation="restore")
        url = validate_base_url(base_url or profile.base_url)
        stored = await asyncio.to_thread(self._vault.load, url, profile.username)
        if stored is None:
            raise NotSignedIn(f"Not signed in to {url}.", operation="restore")
        await self._close_client()
        username = profile.username

        async def keep_rotated(grant: TokenGrant) -> None:
            await asyncio.to_thread(
                self._vault.save_refresh_token, url, username, grant.refresh_token
            )

        self._client = self._make_client(
            url,
            client_id=profile.client_id,
            client_secret=stored.client_secret,
            refresh_token=stored.refresh_token,
            on_tokens=keep_rotated,
            refresh_guard=self._refresh_guard(url, username),
        )
        self._profile = profile
        return self._client

    async def logout(self) -> Profile | None:
        """Forget the session: close the client, clear the vault entry and the profile.

        Returns the profile that was signed in (None when there was none). The profile
        is removed even when the vault cannot be reached; ``VaultUnavailable`` is then
        raised so the caller can say the keyring entry may remain.
        """
        await self._close_client()
        profile = self._profile or load_profile(self._home)
        self._profile = None
        if profile is None:
            return None
        try:
            await asyncio.to_thread(self._vault.clear, profile.base_url, profile.username)
        finally:
            if self._persist_profile:
                await asyncio.to_thread(clear_profile, self._home)
        return profile

    # --- lifetime --------------------------------------------------------------------

    async def aclose(self) -> None:
        """Close the client (keeps the stored session)."""
        await self._close_client()

    async def __aenter__(self) -> SessionManager:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    # --- internals -------------------------------------------------------------------

    async def _close_client(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            await client.aclose()

    def _make_client(
        self,
        base_url: str,
        *,
        client_id: str,
        client_secret: str,
        refresh_token: str | None,
        on_tokens: Callable[[TokenGrant], Awaitable[None]],
        refresh_guard: RefreshGuard | None,
    ) -> HubClient:
        from hubdesk.api import DEFAULT_DEADLINE, HubClient

        return HubClient(
            base_url,
            client_id=client_id,
            client_secret=client_secret,
            refresh_token=refresh_token,
            on_tokens=on_tokens,
            refresh_guard=refresh_guard,
            on_wait=self._on_wait,
            timeout=self._timeout,
            transport=self._transport,
            max_retries=self._max_retries,
            retry_policy=self._retry_policy,
            deadline=self._deadline if self._deadline is not None else DEFAULT_DEADLINE,
            on_server_time=self._on_server_time,
        )

    def _refresh_guard(self, base_url: str, username: str) -> RefreshGuard | None:
        """The cross-process guard of this profile's refreshes (None: memory-only session)."""
        if not self._persist_profile:
            return None
        lock_path = self._home / REFRESH_LOCK
        vault = self._vault

        async def stored() -> str | None:
            try:
                session = await asyncio.to_thread(vault.load, base_url, username)
            except VaultUnavailable as exc:
                log.warning("cannot read the stored refresh token (%s); using the one held", exc)
                return None
            return None if session is None else session.refresh_token

        @asynccontextmanager
        async def guard() -> AsyncIterator[StoredRefreshToken]:
            async with AsyncExitStack() as stack:
                try:
                    await stack.enter_async_context(hold(lock_path, timeout=REFRESH_LOCK_TIMEOUT))
                except LockTimeout:
                    raise RequestTimedOut(
                        "Another HubDesk process is renewing the session and has not "
                        "finished; try again.",
                        operation="refresh",
                    ) from None
                except OSError as exc:  # e.g. the profile folder is read-only
                    log.warning("cannot lock %s (%s); refreshing without it", lock_path, exc)
                yield stored

        return guard
