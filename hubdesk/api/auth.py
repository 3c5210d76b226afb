"""Bearer tokens with a single-flight refresh.

``TokenSession`` holds the access token, the refresh token and a *generation* counter
that goes up each time the tokens change; the api layer persists nothing itself (the
caller does, through ``on_tokens``). ``BearerAuth`` (``api.bearer``) is the
``httpx.Auth`` flow for one operation: it attaches the access token, refreshes it shortly
before ``expires_in`` runs out (monotonic clock), and refreshes once on a 401.

Single flight: every refresh happens behind one ``asyncio.Lock``. A request remembers the
generation of the token it used; when it gets the lock and the generation has moved on,
someone else already refreshed and it reuses that result instead of refreshing again
(refresh tokens are single use: a second refresh with the same token would end the
session). The refresh itself runs as a shielded task, so a caller being cancelled never
abandons a rotated refresh token half-way: the next waiter joins the same task.

``on_tokens`` is awaited with every new grant *before* the new tokens are used by anyone:
that is where the caller persists the rotated refresh token (and the new access token).

Other processes. The lock above only covers this process; another process (the GUI and
a CLI, two CLIs) may share the same stored session. ``refresh_guard``, when given, is
entered around every refresh grant and its ``on_tokens``: the caller makes it a
cross-process lock and yields a reader of the *persisted* tokens (``api.persisted``):
the refresh token and the access token persisted with it, with how long that one stays
valid. Inside the guard, before any grant, the session reads them: when the persisted
access token is not the one held and is valid for longer than the refresh margin,
another process renewed the tokens and this one *adopts* them, with no grant (all the
processes of a profile then use one access token, and none revokes another's by
refreshing). Otherwise it refreshes with the persisted refresh token when it differs
from the one held (another process rotated it: the held one is dead), and hands the new
grant to ``on_tokens`` (which persists both tokens) before anyone uses it. When the
server answers ``invalid_grant`` it reads the persisted tokens once more and, if the
refresh token there is a different one, adopts or retries once with it before the
session ends. A token persisted before the client was made (``persisted``) is adopted
the same way, so a process starting beside another does not refresh at once. The api
layer knows nothing of where tokens are stored: the guard is ``core.session``'s (a file
lock in the profile folder and the keyring).

An adopted token can still be refused (the server revoked it, or it was persisted
half-way): a 401 on it is followed by a refresh grant of our own (no adopting then), and
only a freshly granted token that is refused ends the session. When the session ends
(``SessionExpired``), ``on_expired`` is awaited with the refresh token that was held, so
the caller forgets the access token persisted with it.

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
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field

from hubdesk.api.errors import NotSignedIn, SessionExpired
from hubdesk.api.operations import OPERATIONS, Operation
from hubdesk.api.persisted import (
    REFRESH_MARGIN,
    OnExpired,
    PersistedTokens,
    RefreshGuard,
    StoredTokens,
    refresh_margin,
)
from hubdesk.api.responses import session_expired
from hubdesk.domain import TokenGrant

__all__ = [
    "REFRESH_MARGIN",
    "OnExpired",
    "OnTokens",
    "PersistedTokens",
    "RefreshGuard",
    "Refresher",
    "StoredTokens",
    "TokenSession",
]

OnTokens = Callable[[TokenGrant], Awaitable[None]]
Refresher = Callable[[str], Awaitable[TokenGrant]]  # refresh token -> new grant

SETTLE_TIMEOUT = 15.0  # seconds a closing client waits for a refresh in flight


@dataclass(eq=False)
class _Lease:
    """The refresh guard, entered and still held; ``users``: requests it waits for."""

    context: AbstractAsyncContextManager[StoredTokens]
    stored: StoredTokens
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
        on_expired: OnExpired | None = None,
        persisted: PersistedTokens | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._refresher = refresher
        self._on_tokens = on_tokens
        self._on_expired = on_expired
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
        self._adopted: set[int] = set()  # generations whose token another process granted
        self.refresh_count = 0  # refresh grants sent (diagnostics and tests)
        self.adopt_count = 0  # persisted access tokens adopted (diagnostics and tests)
        if persisted is not None:
            self._refresh = persisted.refresh_token
            self._adopt(persisted)

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

    def adopted(self, generation: int) -> bool:
        """Whether the token of ``generation`` was adopted (persisted by another process)
        rather than granted to this session."""
        return generation in self._adopted

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
            margin = refresh_margin(grant.expires_in)
            self._last_grant = grant
            self._access = grant.access_token
            self._refresh = grant.refresh_token
            self._refresh_at = requested_at + grant.expires_in - margin
            self._expired = False
            self._generation += 1

    def _adopt(self, persisted: PersistedTokens) -> bool:
        """Use the persisted tokens if their access token is valid and not the one held."""
        access = persisted.usable_access()
        if access is None or access == self._access:
            return False
        margin = refresh_margin(persisted.access_lifetime)
        self._access = access
        self._refresh = persisted.refresh_token
        self._refresh_at = self._clock() + persisted.access_left - margin
        self._expired = False
        self._generation += 1
        self._adopted.add(self._generation)
        self.adopt_count += 1
        return True

    async def expire(self) -> None:
        """The server ended the session: drop every token, then tell ``on_expired``."""
        held = self._refresh
        self.end(expired=True)
        if held is not None and self._on_expired is not None:
            await self._on_expired(held)

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
        """Refresh now (a grant, never an adopted token), behind the same lock; return
        the grant it produced."""
        async with self._lock:
            await self._refresh_locked(op, seen_generation=None, adopt=False)
            assert self._last_grant is not None
            return self._last_grant

    async def refresh(
        self, op: Operation, *, seen_generation: int | None, adopt: bool = True
    ) -> tuple[str, int]:
        """Refresh unless someone did since ``seen_generation`` (None: refresh regardless);
        ``adopt``: a valid token another process persisted will do."""
        async with self._lock:
            return await self._refresh_locked(op, seen_generation=seen_generation, adopt=adopt)

    async def _refresh_locked(
        self, op: Operation, *, seen_generation: int | None, adopt: bool
    ) -> tuple[str, int]:
        if self._inflight is None and seen_generation is not None:
            if self._generation != seen_generation:
                if self._fresh():
                    assert self._access is not None
                    return self._access, self._generation
                if not self.has_session:
                    raise self._not_signed_in(op)
        if self._inflight is not None:  # left running by a cancelled caller: join it
            await asyncio.shield(self._inflight)
            if adopt or self._generation not in self._adopted:
                return self._current(op)
        if self._refresh is None:
            raise self._not_signed_in(op)
        task = asyncio.create_task(self._run_refresh(self._refresh, adopt=adopt))
        task.add_done_callback(_retrieve)
        self._inflight = task
        await asyncio.shield(task)
        return self._current(op)

    def _current(self, op: Operation) -> tuple[str, int]:
        if self._access is None:  # pragma: no cover - the refresh raised instead
            raise self._not_signed_in(op)
        return self._access, self._generation

    @asynccontextmanager
    async def lease_for_request(
        self, op: Operation, *, refresh_after: int | None = None, adopt: bool = True
    ) -> AsyncIterator[tuple[str, int]]:
        """A token for one request (refreshed first after generation ``refresh_after``,
        adopting another process's only if ``adopt``); a refresh lease taken meanwhile
        lasts until the block (the request) is over."""
        ticket = object()
        self._waiting.add(ticket)
        try:
            if refresh_after is None:
                yield await self.token_for_request(op)
            else:
                yield await self.refresh(op, seen_generation=refresh_after, adopt=adopt)
        finally:
            self._waiting.discard(ticket)
            lease = self._lease
            if lease is not None:
                lease.users.discard(ticket)
                if not lease.users and self._inflight is None:
                    await self._end_lease()

    async def _run_refresh(self, refresh_token: str, *, adopt: bool) -> None:
        try:
            if self._guard is None:
                await self._grant_and_commit(refresh_token, None, adopt=adopt)
                return
            lease = self._lease
            if lease is None:
                context = self._guard()
                stored = await context.__aenter__()
                self.guard_entries += 1
                lease = self._lease = _Lease(context, stored)
            try:
                await self._grant_and_commit(refresh_token, lease.stored, adopt=adopt)
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

    async def _grant_and_commit(
        self, held: str, stored: StoredTokens | None, *, adopt: bool
    ) -> None:
        """Adopt the persisted tokens when another process renewed them (``adopt``), else
        one refresh grant (two when ``invalid_grant`` meets a newer persisted token)."""
        if self._refresh is None:  # signed out (or ended) while waiting for the guard
            raise self._not_signed_in(OPERATIONS["refresh"])
        token = held
        persisted = await stored() if stored is not None else None
        if persisted is not None:
            if adopt and self._adopt(persisted):
                return
            token = persisted.refresh_token or held  # another process may have rotated it
        self._refresh = token  # the held one is dead if they differ; scrubbed from errors
        requested_at = self._clock()
        self.refresh_count += 1
        try:
            grant = await self._refresher(token)
        except SessionExpired:
            persisted = await stored() if stored is not None else None
            newer = persisted.refresh_token if persisted is not None else None
            if persisted is None or newer == token:
                await self.expire()
                raise
            if adopt and self._adopt(persisted):
                return
            self._refresh = newer
            requested_at = self._clock()
            self.refresh_count += 1
            try:
                grant = await self._refresher(persisted.refresh_token)
            except SessionExpired:
                await self.expire()
                raise
        await self._commit(grant, requested_at)


def _retrieve(task: asyncio.Task[None]) -> None:
    """Mark a refresh task's exception as seen (its waiters re-raise it themselves)."""
    if not task.cancelled():
        task.exception()
