"""The persisted side of one profile's tokens, as ``SessionManager``'s client sees it.

``ProfileTokens`` names where a session is kept (profile folder, vault entry) and hands
the client what it needs to share the tokens with the other processes of the profile
(see ``core.refresh_guard`` and ``api.auth``): the refresh guard, ``on_tokens`` for
every grant (the rotated refresh token and the new access token with its expiry, in one
vault write), the tokens stored when the client is made, and ``on_expired`` (the stored
access token of a session the server ended is forgotten). Blocking vault I/O goes
through ``asyncio.to_thread``.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from pathlib import Path

from hubdesk.api.persisted import PersistedTokens, RefreshGuard
from hubdesk.core.refresh_guard import (
    WallClock,
    persisted_tokens,
    profile_refresh_guard,
    stored_access,
    utc_now,
)
from hubdesk.domain import TokenGrant
from hubdesk.store.secrets import SessionVault, StoredAccess, StoredSession, VaultUnavailable

__all__ = ["ProfileTokens"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ProfileTokens:
    """The tokens of ``username`` at ``base_url``, kept in ``vault`` for the profile in
    ``home``. ``shared``: a persisted profile, which other processes may use at once
    (False: a session in memory only, with no refresh guard)."""

    home: Path
    vault: SessionVault
    base_url: str
    username: str
    shared: bool
    clock: WallClock = utc_now

    def guard(self) -> RefreshGuard | None:
        """The cross-process guard of this profile's refreshes (None: not shared)."""
        if not self.shared:
            return None
        return profile_refresh_guard(
            self.home, self.vault, self.base_url, self.username, clock=self.clock
        )

    def persisted(self, stored: StoredSession) -> PersistedTokens:
        """``stored``'s tokens as the client adopts them, now."""
        return persisted_tokens(stored, self.clock())

    async def keep_login(self, grant: TokenGrant, client_secret: str | None) -> None:
        """Store a password grant's session (``client_secret`` None: the managed one)."""
        session = StoredSession(grant.refresh_token, client_secret, self._access(grant))
        await asyncio.to_thread(self.vault.save, self.base_url, self.username, session)

    async def keep_refresh(self, grant: TokenGrant) -> None:
        """Store a refresh grant's tokens, before anyone uses them."""
        await asyncio.to_thread(
            self.vault.save_tokens,
            self.base_url,
            self.username,
            grant.refresh_token,
            self._access(grant),
        )

    async def forget_access(self, issued_with: str) -> None:
        """The server ended the session: forget the access token stored with refresh
        token ``issued_with`` (a newer session's, stored meanwhile, is kept)."""
        try:
            await asyncio.to_thread(
                self.vault.forget_access_token, self.base_url, self.username, issued_with
            )
        except VaultUnavailable as exc:
            log.warning("cannot forget the stored access token (%s)", exc)

    def _access(self, grant: TokenGrant) -> StoredAccess:
        return stored_access(grant, self.clock())
