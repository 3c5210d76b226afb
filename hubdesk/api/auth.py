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

Other processes. The lock above only covers this process; another process (the GUI and
a CLI, two CLIs) may share the same stored session. ``refresh_guard``, when given, is
entered around every refresh grant and its ``on_tokens``: the caller makes it a
cross-process lock and yields a reader of the *persisted* refresh token. Inside it the
session uses the persisted token when it differs from the one held (another process
rotated it: the held one is dead), and when the server answers ``invalid_grant`` it reads
the persisted token once more and, if that one is different, retries once with it before
the session ends. The api layer knows nothing of where tokens are stored: the guard is
``core.session``'s (a file lock in the profile folder and the keyring).

The server revokes the access token that was issued with a refresh token when that
refresh token is spent, so another process's refresh revokes this process's access
token. The guard is therefore held past the refresh, as a *lease*, until every request
of this process that was waiting for a token when the refresh ended has its answer: no
other process can refresh (and revoke) before those requests have used the new token.
A refresh needed while the lease is held runs under it (no second entry, no deadlock).
Requests that start later are not waited for, so the lease always ends.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Generator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field

import httpx

from hubdesk.api.errors import NotSignedIn, SessionExpired
from hubdesk.api.operations import OPERATIONS, Operation
from hubdesk.api.responses import session_expired
from hubdesk.domain import TokenGrant

__all__ = [
    "REFRESH_MARGIN",
    "BearerAuth",
    "OnTokens",
    "RefreshGuard",
    "Refresher",
    "StoredRefreshToken",
    "TokenSession",
]

OnTokens = Callable[[TokenGrant], Awaitable[None]]
Refresher = Callable[[str], Awaitable[TokenGrant]]  # refresh token -> new grant
# Reads the refresh token as persisted right now (None: nothing persisted).
StoredRefreshToken = Callable[[], Awaitable[str | None]]
# Entered around each refresh grant (a cross-process lock); yields the persisted token's reader.
RefreshGuard = Callable[[], AbstractAsyncContextManager[StoredRefreshToken]]

REFRESH_MARGIN = 60.0  # seconds before expiry; at most a quarter of the token's life
SETTLE_TIMEOUT = 15.0  # seconds a closing client waits for a refresh in flight


@dataclass(eq=False)
class _Lease:
    """The refresh guard, entered and still held; ``users``: requests it waits for."""

    context: AbstractAsyncContextManager[StoredRefreshToken]
    stored: StoredRefreshToken
    users: set[object] = field(default_factory=set)


class TokenSession:
    """The tokens of one signed-in account, shared by every request of a ``HubClient``."""

    def __init__(
        self,
        *,
        refresher: Refresher,
        refresh_token: str | None = None,
        on_tokens: OnTokens | None = None,
        refresh_guard: RefreshGuard | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._refresher = refresher
        self._on_tokens = on_tokens
        self._guard = refresh_guard
        self._clock = clock
        self._access: str | None = None
        self._refresh: str | None = refresh_token or None
        self._refresh_at = 0.0
        self._generation = 0
        self._expired = False  # the last session ended with SessionExpired
        self._lock = asyncio.Lock()
        self._inflight: asyncio.Task[None] | None = None
        self._lease: _Lease | None = None
        self._waiting: set[object] = set()  # requests between "need a token" and its answer
        self.guard_entries = 0  # times the refresh guard was entered (diagnostics and tests)
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

    async def settle(self, timeout: float = SETTLE_TIMEOUT) -> None:
        """Let a refresh in flight finish, its new tokens handed to ``on_tokens``, before
        the session is let go (closing, quitting, Ctrl+C). Refresh tokens are single use:
        the server has spent the old one as soon as it got the request, so abandoning
        the answer would end the session. Waits ``timeout`` seconds at most; the
        refresh's own errors belong to its callers."""
        task = self._inflight
        if task is not None and not task.done():
            await asyncio.wait({task}, timeout=timeout)

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

    @asynccontextmanager
    async def lease_for_request(
        self, op: Operation, *, refresh_after: int | None = None
    ) -> AsyncIterator[tuple[str, int]]:
        """A token for one request (refreshed first after generation ``refresh_after``);
        a refresh lease taken meanwhile lasts until the block (the request) is over."""
        ticket = object()
        self._waiting.add(ticket)
        try:
            if refresh_after is None:
                yield await self.token_for_request(op)
            else:
                yield await self.refresh(op, seen_generation=refresh_after)
        finally:
            self._waiting.discard(ticket)
            lease = self._lease
            if lease is not None:
                lease.users.discard(ticket)
                if not lease.users and self._inflight is None:
                    await self._end_lease()

    async def _run_refresh(self, refresh_token: str) -> None:
        try:
            if self._guard is None:
                await self._grant_and_commit(refresh_token, None)
                return
            lease = self._lease
            if lease is None:
                context = self._guard()
                stored = await context.__aenter__()
                self.guard_entries += 1
                lease = self._lease = _Lease(context, stored)
            try:
                await self._grant_and_commit(refresh_token, lease.stored)
            finally:
                lease.users = set(self._waiting)
                if not lease.users:
                    await self._end_lease()
        finally:
            self._inflight = None

    async def _end_lease(self) -> None:
        lease, self._lease = self._lease, None
        if lease is not None:
            await lease.context.__aexit__(None, None, None)

    async def _grant_and_commit(self, held: str, stored: StoredRefreshToken | None) -> None:
        """One refresh grant (two when ``invalid_grant`` meets a newer persisted token)."""
        if self._refresh is None:  # signed out (or ended) while waiting for the guard
            raise self._not_signed_in(OPERATIONS["refresh"])
        token = held
        if stored is not None:
            token = await stored() or held  # another process may have rotated it already
        self._refresh = token  # the held one is dead if they differ; scrubbed from errors
        requested_at = self._clock()
        self.refresh_count += 1
        try:
            grant = await self._refresher(token)
        except SessionExpired:
            newer = await stored() if stored is not None else None
            if newer is None or newer == token:
                self.end(expired=True)
                raise
            self._refresh = newer
            requested_at = self._clock()
            self.refresh_count += 1
            try:
                grant = await self._refresher(newer)
            except SessionExpired:
                self.end(expired=True)
                raise
        await self._commit(grant, requested_at)


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
        session = self._session
        async with session.lease_for_request(self._op) as (token, generation):
            request.headers["Authorization"] = f"Bearer {token}"
            response = yield request
            if response.status_code != 401 or not session.can_refresh:
                return
            # The retry is taken while this request still counts as waiting: a lease
            # taken for it (our own refresh revoked its token) lasts until the retry is
            # answered, so no other process can revoke the new token in between.
            retry = session.lease_for_request(self._op, refresh_after=generation)
            async with retry as (token, _):
                request.headers["Authorization"] = f"Bearer {token}"
                response = yield request
        if response.status_code == 401:
            # A freshly refreshed token was refused too: this session cannot go on.
            self._session.end(expired=True)
            raise session_expired(self._op, 401)
