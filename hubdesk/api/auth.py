"""Bearer tokens with a single-flight refresh.

``TokenSession`` holds the access token (memory only), the refresh token and a
*generation* counter that goes up each time the tokens change. ``BearerAuth`` is the
``httpx.Auth`` flow for one operation: it attaches the access token, refreshes it shortly
before ``expires_in`` runs out (monotonic clock), and refreshes once on a 401.

Single flight: every refresh happens behind one ``asyncio.Lock``. A request remembers the
generation of the token it used; when it gets the lock and the generation has moved on,
someone else already refreshed and it reuses that result instead of refreshing again
(refresh tokens are single use: a second refresh with the same token would end the
session). The refresh itself runs as a shielded task, so a caller being cancelled never
abandons a rotated refresh token half-way: the next waiter joins the same task.

``on_tokens`` is awaited with every new grant *before* the new tokens are used by anyone:
that is where the caller persists the rotated refresh token.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncGenerator, Awaitable, Callable, Generator

import httpx

from hubdesk.api.errors import NotSignedIn, SessionExpired
from hubdesk.api.operations import Operation
from hubdesk.api.responses import session_expired
from hubdesk.domain import TokenGrant

__all__ = ["REFRESH_MARGIN", "BearerAuth", "OnTokens", "Refresher", "TokenSession"]

OnTokens = Callable[[TokenGrant], Awaitable[None]]
Refresher = Callable[[str], Awaitable[TokenGrant]]  # refresh token -> new grant

REFRESH_MARGIN = 60.0  # seconds before expiry; at most a quarter of the token's life


class TokenSession:
    """The tokens of one signed-in account, shared by every request of a ``HubClient``."""

    def __init__(
        self,
        *,
        refresher: Refresher,
        refresh_token: str | None = None,
        on_tokens: OnTokens | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._refresher = refresher
        self._on_tokens = on_tokens
        self._clock = clock
        self._access: str | None = None
        self._refresh: str | None = refresh_token or None
        self._refresh_at = 0.0
        self._generation = 0
        self._expired = False  # the last session ended with SessionExpired
        self._lock = asyncio.Lock()
        self._inflight: asyncio.Task[None] | None = None
        self._last_grant: TokenGrant | None = None
        self.refresh_count = 0  # refresh grants sent (diagnostics and tests)

    def __repr__(self) -> str:
        return f"<TokenSession signed_in={self.has_session} generation={self._generation}>"

    @property
    def has_session(self) -> bool:
        return self._access is not None or self._refresh is not None

    @property
    def can_refresh(self) -> bool:
        return self._refresh is not None

    @property
    def generation(self) -> int:
        return self._generation

    def secrets(self) -> tuple[str, ...]:
        """The tokens held right now, for scrubbing text that leaves the client."""
        return tuple(t for t in (self._access, self._refresh) if t)

    def _fresh(self) -> bool:
        return self._access is not None and self._clock() < self._refresh_at

    def _not_signed_in(self, op: Operation) -> NotSignedIn | SessionExpired:
        if self._expired:
            return session_expired(op, None)
        return NotSignedIn(f"You are not signed in; sign in to {op.doing}.", operation=op.name)

    async def _commit(self, grant: TokenGrant, requested_at: float) -> None:
        """Hand the grant to ``on_tokens`` first, then start using it."""
        try:
            if self._on_tokens is not None:
                await self._on_tokens(grant)
        finally:
            # Even if persisting failed, the old refresh token is dead: keep the new one.
            margin = min(REFRESH_MARGIN, grant.expires_in / 4)
            self._last_grant = grant
            self._access = grant.access_token
            self._refresh = grant.refresh_token
            self._refresh_at = requested_at + grant.expires_in - margin
            self._expired = False
            self._generation += 1

    def end(self, *, expired: bool) -> None:
        """Drop every token (sign-out, or the server ended the session)."""
        self._access = None
        self._refresh = None
        self._last_grant = None
        self._refresh_at = 0.0
        self._expired = expired
        self._generation += 1

    async def login(self, fetch: Callable[[], Awaitable[TokenGrant]]) -> TokenGrant:
        """Run a password grant behind the lock and install its tokens."""
        async with self._lock:
            requested_at = self._clock()
            grant = await fetch()
            await self._commit(grant, requested_at)
            return grant

    async def token_for_request(self, op: Operation) -> tuple[str, int]:
        """A usable access token and its generation, refreshing first if it is due."""
        generation = self._generation
        if self._fresh():
            assert self._access is not None
            return self._access, generation
        if not self.has_session:
            raise self._not_signed_in(op)
        return await self.refresh(op, seen_generation=generation)

    async def force_refresh(self, op: Operation) -> TokenGrant:
        """Refresh now, behind the same lock; return the grant it produced."""
        async with self._lock:
            await self._refresh_locked(op, seen_generation=None)
            assert self._last_grant is not None
            return self._last_grant

    async def refresh(self, op: Operation, *, seen_generation: int | None) -> tuple[str, int]:
        """Refresh unless someone did since ``seen_generation`` (None: refresh regardless)."""
        async with self._lock:
            return await self._refresh_locked(op, seen_generation=seen_generation)

    async def _refresh_locked(
        self, op: Operation, *, seen_generation: int | None
    ) -> tuple[str, int]:
        if self._inflight is None and seen_generation is not None:
            if self._generation != seen_generation:
                if self._fresh():
                    assert self._access is not None
                    return self._access, self._generation
                if not self.has_session:
                    raise self._not_signed_in(op)
        if self._inflight is None:
            if self._refresh is None:
                raise self._not_signed_in(op)
            task = asyncio.create_task(self._run_refresh(self._refresh))
            task.add_done_callback(_retrieve)
            self._inflight = task
        await asyncio.shield(self._inflight)
        if self._access is None:  # pragma: no cover - the task raised instead
            raise self._not_signed_in(op)
        return self._access, self._generation

    async def _run_refresh(self, refresh_token: str) -> None:
        try:
            requested_at = self._clock()
            self.refresh_count += 1
            try:
                grant = await self._refresher(refresh_token)
            except SessionExpired:
                self.end(expired=True)
                raise
            await self._commit(grant, requested_at)
        finally:
            self._inflight = None


def _retrieve(task: asyncio.Task[None]) -> None:
    """Mark a refresh task's exception as seen (its waiters re-raise it themselves)."""
    if not task.cancelled():
        task.exception()


class BearerAuth(httpx.Auth):
    """The auth flow of one operation: bearer token, refresh when due, once more on 401."""

    requires_response_body = True  # read the 401 so its connection is free during a refresh

    def __init__(self, session: TokenSession, op: Operation) -> None:
        self._session = session
        self._op = op

    def __repr__(self) -> str:
        return f"<BearerAuth {self._op.name}>"

    def sync_auth_flow(
        self, request: httpx.Request
    ) -> Generator[httpx.Request, httpx.Response, None]:
        raise RuntimeError("HubClient is async only")

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        token, generation = await self._session.token_for_request(self._op)
        request.headers["Authorization"] = f"Bearer {token}"
        response = yield request
        if response.status_code != 401 or not self._session.can_refresh:
            return
        token, _ = await self._session.refresh(self._op, seen_generation=generation)
        request.headers["Authorization"] = f"Bearer {token}"
        response = yield request
        if response.status_code == 401:
            # A freshly refreshed token was refused too: this session cannot go on.
            self._session.end(expired=True)
            raise session_expired(self._op, 401)
