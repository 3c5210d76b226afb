"""The cross-process guard of a profile's token refreshes (see ``core.session``).

Refresh tokens are single use and several processes (the GUI, ``hubdesk-cli``) share one
stored session: each refresh runs under an exclusive file lock (``refresh.lock`` in the
profile folder) held from before the grant until its new refresh token is in the vault,
and refreshes with the token the vault holds at that moment.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path

from hubdesk.api import RequestTimedOut
from hubdesk.api.auth import RefreshGuard, StoredRefreshToken
from hubdesk.store.lock import REFRESH_LOCK, LockTimeout, hold
from hubdesk.store.secrets import SessionVault, VaultUnavailable

__all__ = ["REFRESH_LOCK_TIMEOUT", "profile_refresh_guard"]

# Longest wait for another process's refresh (one grant: connect + write + read time-outs).
REFRESH_LOCK_TIMEOUT = 30.0
log = logging.getLogger(__name__)


def profile_refresh_guard(
    home: Path, vault: SessionVault, base_url: str, username: str
) -> RefreshGuard:
    """The guard ``HubClient`` runs each refresh under, for the session of ``username``
    at ``base_url`` kept in ``vault`` (the profile in ``home``)."""
    lock_path = home / REFRESH_LOCK

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
