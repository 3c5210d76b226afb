"""The cross-process guard of a profile's token refreshes (see ``core.session``).

Refresh tokens are single use and several processes (the GUI, ``hubdesk-cli``) share one
stored session: each refresh runs under an exclusive file lock (``refresh.lock`` in the
profile folder) held from before the grant until its new tokens are in the vault, and
reads the vault first: when it holds a valid access token this process does not have,
another process renewed the tokens and this one adopts them (no grant); otherwise it
refreshes with the refresh token the vault holds at that moment.

The vault keeps the access token's expiry as a wall-clock time (UTC);
``persisted_tokens`` turns it into the seconds left that ``api.persisted`` works with.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hubdesk.api import RequestTimedOut
from hubdesk.api.persisted import PersistedTokens, RefreshGuard, StoredTokens
from hubdesk.domain import TokenGrant
from hubdesk.store.lock import REFRESH_LOCK, LockTimeout, hold
from hubdesk.store.secrets import SessionVault, StoredAccess, StoredSession, VaultUnavailable

__all__ = [
    "REFRESH_LOCK_TIMEOUT",
    "WallClock",
    "persisted_tokens",
    "profile_refresh_guard",
    "stored_access",
    "utc_now",
]

# Longest wait for another process's refresh (one grant: connect + write + read time-outs).
REFRESH_LOCK_TIMEOUT = 30.0
log = logging.getLogger(__name__)

WallClock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


def stored_access(grant: TokenGrant, now: datetime) -> StoredAccess:
    """What the vault keeps of a grant's access token, received at ``now``."""
    return StoredAccess(grant.access_token, now, now + timedelta(seconds=grant.expires_in))


def persisted_tokens(session: StoredSession, now: datetime) -> PersistedTokens:
    """The stored session's tokens as the api layer reads them, at ``now``."""
    access = session.access
    if access is None:
        return PersistedTokens(session.refresh_token)
    return PersistedTokens(
        session.refresh_token,
        access.token,
        access_left=(access.expires_at - now).total_seconds(),
        access_lifetime=(access.expires_at - access.issued_at).total_seconds(),
    )


def profile_refresh_guard(
    home: Path,
    vault: SessionVault,
    base_url: str,
    username: str,
    *,
    clock: WallClock = utc_now,
) -> RefreshGuard:
    """The guard ``HubClient`` runs each refresh under, for the session of ``username``
    at ``base_url`` kept in ``vault`` (the profile in ``home``)."""
    lock_path = home / REFRESH_LOCK

    async def stored() -> PersistedTokens | None:
        try:
            session = await asyncio.to_thread(vault.load, base_url, username)
        except VaultUnavailable as exc:
            log.warning("cannot read the stored tokens (%s); using the ones held", exc)
            return None
        return None if session is None else persisted_tokens(session, clock())

    @asynccontextmanager
    async def guard() -> AsyncIterator[StoredTokens]:
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
