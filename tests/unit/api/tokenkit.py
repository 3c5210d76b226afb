"""A token issuer that behaves like Passport, a manual clock and a refresh guard with a
"vault": what the ``TokenSession`` tests drive the session with."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from hubdesk.api import SessionExpired
from hubdesk.api.auth import TokenSession
from hubdesk.api.persisted import PersistedTokens, StoredTokens
from hubdesk.domain import TokenGrant


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Issuer:
    """Issues grants; a refresh token works once; records every event in order."""

    def __init__(self, *, ttl: int = 3600, delay: float = 0.01) -> None:
        self.ttl = ttl
        self.delay = delay
        self.live_refresh: set[str] = set()
        self.serial = 0
        self.refreshes = 0
        self.events: list[str] = []

    def grant(self) -> TokenGrant:
        self.serial += 1
        refresh = f"refresh-{self.serial}"
        self.live_refresh.add(refresh)
        return TokenGrant(f"access-{self.serial}", refresh, self.ttl, "user", 2)

    async def refresh(self, token: str) -> TokenGrant:
        self.refreshes += 1
        self.events.append(f"refresh-grant({token})")
        await asyncio.sleep(self.delay)
        if token not in self.live_refresh:
            raise SessionExpired("Your session has expired; please sign in again.")
        self.live_refresh.discard(token)
        return self.grant()


async def signed_in(issuer: Issuer, clock: Clock, **kw: object) -> TokenSession:
    session = TokenSession(refresher=issuer.refresh, clock=clock, **kw)  # type: ignore[arg-type]

    async def fetch() -> TokenGrant:
        return issuer.grant()

    await session.login(fetch)
    return session


class Guard:
    """A refresh guard with behaviour: an exclusive lock, and a "vault" that another
    process may have rotated. ``reads`` (when set) are the refresh tokens successive reads
    return. The vault also keeps the access token persisted with ``persisted`` and when
    it expires (on ``clock``)."""

    def __init__(self, persisted: str | None = None, clock: Clock | None = None) -> None:
        self.lock = asyncio.Lock()
        self.persisted = persisted
        self.access: str | None = None
        self.access_expires = 0.0
        self.clock = clock or Clock()
        self.reads: list[str | None] = []
        self.entries = 0

    def keep(self, grant: TokenGrant) -> None:
        self.persisted = grant.refresh_token
        self.access = grant.access_token
        self.access_expires = self.clock.now + grant.expires_in

    async def stored(self) -> PersistedTokens | None:
        token = self.reads.pop(0) if self.reads else self.persisted
        if token is None:
            return None
        if token != self.persisted or self.access is None:
            return PersistedTokens(token)
        left = self.access_expires - self.clock.now
        return PersistedTokens(token, self.access, access_left=left, access_lifetime=3600)

    @contextlib.asynccontextmanager
    async def __call__(self) -> AsyncIterator[StoredTokens]:
        async with self.lock:
            self.entries += 1
            yield self.stored


async def guarded(issuer: Issuer, clock: Clock, guard: Guard, **kw: object) -> TokenSession:
    guard.clock = clock

    async def persist(grant: TokenGrant) -> None:
        guard.keep(grant)

    return await signed_in(issuer, clock, on_tokens=persist, refresh_guard=guard, **kw)
