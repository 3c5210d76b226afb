"""Signing in, staying signed in, signing out: the session use case (no Qt, no printing).

Shared by ``hubdesk-cli`` and the GUI. A :class:`SessionManager` owns at most one
:class:`~hubdesk.api.HubClient` at a time and keeps the persistent side of a session in
two places:

* the profile (``store.profile``): base URL, client id, username, user id and name;
* the vault (``store.secrets``): client secret, the current refresh token and the
  access token issued with it (and when it expires).

Staff sign in with a username and password only (``login_with_password``; ``relogin``
after the session expired): the client ID and secret come from the machine's managed
configuration (``core.managed``) or an earlier sign-in, by the precedence in
``core.credentials``. A secret from the managed file is never copied to the vault (a
marker is), and ``restore`` reads it from the file again.

The password is used once, for the password grant, and never stored. Every new token
grant (login, and each refresh: refresh tokens are single use) is written to the vault,
refresh and access token in one write, through ``on_tokens`` (``core.profile_tokens``)
*before* the client proceeds, so a crash cannot lose the only valid refresh token.
Blocking vault and profile I/O goes through ``asyncio.to_thread``.

Other processes (the GUI and ``hubdesk-cli``, or two CLIs) share the stored session, and
refresh tokens are single use while the server revokes the access token issued with a
refresh token once it is spent: every refresh runs under the profile's refresh lock
(``core.refresh_guard``) and first reads the vault; a valid access token there that this
process does not hold is adopted (another process renewed the tokens), else the refresh
uses the refresh token the vault holds *now*; on ``invalid_grant`` the client reads the
vault once more and retries once if the token there is a different one. ``restore``
adopts a stored access token that is still valid, so a process starting beside another
uses the same access token instead of refreshing (and revoking the other's). A session
that expires (``SessionExpired``) forgets its stored access token. A session kept only
in memory (``persist_profile=False``) has no guard.

Logging out forgets the session locally (vault entry and profile); the API has no
revoke endpoint, so the server is told nothing.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from hubdesk.api import NotSignedIn
from hubdesk.api.persisted import PersistedTokens
from hubdesk.api.urls import validate_base_url
from hubdesk.core.credentials import (
    ClientCredentials,
    ClientSource,
    MissingClientCredentials,
    choose_client,
)
from hubdesk.core.managed import ManagedConfig
from hubdesk.core.profile_tokens import ProfileTokens
from hubdesk.core.refresh_guard import REFRESH_LOCK_TIMEOUT, WallClock, utc_now
from hubdesk.domain import TokenGrant
from hubdesk.store.profile import (
    Profile,
    clear_profile,
    load_profile,
    resolve_base_url,
    save_profile,
)
from hubdesk.store.secrets import SessionVault

if TYPE_CHECKING:
    import httpx

    from hubdesk.api import HubClient, RetryPolicy

# Profile (store.profile) is what a sign-in returns: re-exported for the UI, which sees
# the store only through core.
__all__ = ["REFRESH_LOCK_TIMEOUT", "Credentials", "Profile", "SessionManager", "WaitCallback"]

_NO_CLIENT = (
    "No client ID and secret are set up for this server: ask whoever installed HubDesk "
    "for them (or for the machine's managed configuration)."
)
_NO_SECRET = (
    "The client secret for this client ID is not known here: ask whoever installed "
    "HubDesk for it (or for the machine's managed configuration)."
)

WaitCallback = Callable[[float, str], None]


@dataclass(frozen=True, slots=True)
class Credentials:
    """What a password-grant login needs. Secrets are kept out of ``repr``.

    ``from_managed``: the client secret is the machine's managed configuration's; it is
    not copied to the keyring (a marker is), and ``restore`` reads it from there again.
    """

    client_id: str
    client_secret: str = field(repr=False)
    username: str
    password: str = field(repr=False)
    from_managed: bool = False


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
        managed: Callable[[], ManagedConfig | None] | None = None,
        environ: Mapping[str, str] | None = None,
        wall_clock: WallClock = utc_now,
    ) -> None:
        self._wall_clock = wall_clock
        self._managed = managed
        self._environ = environ
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
        """The base URL to use, validated (raises ``InsecureUrl``), without network I/O.

        ``explicit`` (e.g. ``--base-url``) wins, then ``HUBDESK_API_URL``, then the
        machine's managed configuration, then the URL saved at login, then production.
        Raises ``ManagedConfigError`` when the managed file cannot be used.
        """
        managed = self.managed_config()
        return validate_base_url(
            resolve_base_url(
                explicit, load_profile(self._home), managed.base_url if managed else None
            )
        )

    def managed_config(self) -> ManagedConfig | None:
        """The machine's managed configuration (None: none, or none wired in); raises
        ``ManagedConfigError`` when its file cannot be used."""
        return self._managed() if self._managed is not None else None

    async def client_credentials(
        self,
        base_url: str,
        *,
        client_id: str | None = None,
        client_secret: str | None = None,
    ) -> ClientCredentials | None:
        """The client ID (and secret, when known) a sign-in to ``base_url`` would use, by
        the precedence of ``core.credentials``; None when nothing names a client ID.

        Reads the keyring (for the profile's secret) and the managed file; raises
        ``VaultUnavailable`` / ``ManagedConfigError``. The GUI asks this to decide whether
        its sign-in form needs the client fields at all.
        """
        url = validate_base_url(base_url)
        managed = self.managed_config()
        profile = load_profile(self._home) if self._persist_profile else None
        stored_secret = None
        if profile is not None and profile.base_url == url:
            stored = await asyncio.to_thread(self._vault.load, url, profile.username)
            stored_secret = stored.client_secret if stored is not None else None
        return choose_client(
            option_id=client_id,
            option_secret=client_secret,
            environ=os.environ if self._environ is None else self._environ,
            managed=managed,
            profile_id=profile.client_id if profile is not None else None,
            profile_secret=stored_secret,
        )

    async def stored_client_source(self, base_url: str | None = None) -> ClientSource | None:
        """Where the stored session's client secret lives: ``managed`` (the machine's
        file) or ``profile`` (the keyring); None without a stored session."""
        profile = load_profile(self._home)
        if profile is None:
            return None
        url = validate_base_url(base_url or profile.base_url)
        stored = await asyncio.to_thread(self._vault.load, url, profile.username)
        if stored is None:
            return None
        return "managed" if stored.client_secret is None else "profile"

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

        tokens = self._tokens(url, credentials.username)
        secret = None if credentials.from_managed else credentials.client_secret

        async def keep_grant(grant: TokenGrant) -> None:
            await tokens.keep_login(grant, secret)

        client = self._make_client(
            tokens,
            client_id=credentials.client_id,
            client_secret=credentials.client_secret,
            on_tokens=keep_grant,
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

    async def login_with_password(
        self,
        base_url: str,
        username: str,
        password: str,
        *,
        client_id: str | None = None,
        client_secret: str | None = None,
    ) -> tuple[Profile, ClientSource]:
        """Sign in with a username and password only: the client ID and secret come from
        ``client_id``/``client_secret``, the environment, the managed file or the profile
        (``client_credentials``). Returns the profile and where the secret came from.

        Raises ``MissingClientCredentials`` when none of them provides the pair (nothing
        is sent then), and whatever ``login`` raises.
        """
        chosen = await self.client_credentials(
            base_url, client_id=client_id, client_secret=client_secret
        )
        if chosen is None or chosen.client_secret is None:
            raise MissingClientCredentials(_NO_CLIENT if chosen is None else _NO_SECRET)
        credentials = Credentials(
            chosen.client_id,
            chosen.client_secret,
            username,
            password,
            from_managed=chosen.source == "managed",
        )
        return await self.login(base_url, credentials), chosen.source

    async def relogin(self, password: str, base_url: str | None = None) -> Profile:
        """Sign in again after the session expired, with the password only: the username
        from the saved profile, the client ID and secret as ``login_with_password`` finds
        them. Raises ``NotSignedIn`` when no profile was saved (a first sign-in)."""
        profile = load_profile(self._home)
        if profile is None:
            raise NotSignedIn("Not signed in yet: sign in with a username.", operation="login")
        url = base_url or profile.base_url
        signed_in, _source = await self.login_with_password(url, profile.username, password)
        return signed_in

    async def restore(self, base_url: str | None = None) -> HubClient:
        """Rebuild the client from the saved profile and the vault.

        ``base_url`` (already resolved, e.g. from ``--base-url``) defaults to the saved
        one. No request is made: the access token stored with the session is used while
        it is valid (another process may be using it too), else the first call refreshes
        it (or adopts one another process stored meanwhile). Raises
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
        client_id, client_secret = profile.client_id, stored.client_secret
        if client_secret is None:  # signed in with the managed file's: read it again
            managed = self.managed_config()
            if managed is None or managed.client_id is None or managed.client_secret is None:
                raise NotSignedIn(
                    "The session used the client ID and secret of this machine's managed "
                    "configuration, which no longer provides them; sign in again.",
                    operation="restore",
                )
            client_id, client_secret = managed.client_id, managed.client_secret
        await self._close_client()
        tokens = self._tokens(url, profile.username)
        self._client = self._make_client(
            tokens,
            client_id=client_id,
            client_secret=client_secret,
            on_tokens=tokens.keep_refresh,
            persisted=tokens.persisted(stored),
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
        tokens: ProfileTokens,
        *,
        client_id: str,
        client_secret: str,
        on_tokens: Callable[[TokenGrant], Awaitable[None]],
        persisted: PersistedTokens | None = None,
    ) -> HubClient:
        from hubdesk.api import HubClient
        from hubdesk.api.exchange import DEFAULT_DEADLINE

        return HubClient(
            tokens.base_url,
            client_id=client_id,
            client_secret=client_secret,
            on_tokens=on_tokens,
            refresh_guard=tokens.guard(),
            on_expired=tokens.forget_access,
            persisted=persisted,
            on_wait=self._on_wait,
            timeout=self._timeout,
            transport=self._transport,
            max_retries=self._max_retries,
            retry_policy=self._retry_policy,
            deadline=self._deadline if self._deadline is not None else DEFAULT_DEADLINE,
            on_server_time=self._on_server_time,
        )

    def _tokens(self, base_url: str, username: str) -> ProfileTokens:
        """Where this profile's tokens are kept; shared with other processes unless the
        session lives in memory only."""
        return ProfileTokens(
            self._home, self._vault, base_url, username, self._persist_profile, self._wall_clock
        )
