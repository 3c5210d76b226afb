"""What ``auth.TokenSession`` knows of tokens persisted elsewhere (another process's).

The api layer does not know where tokens are stored: the caller hands it a *refresh
guard* (``RefreshGuard``), a context manager entered around every refresh (a
cross-process lock) that yields a reader of the persisted tokens (``StoredTokens``).
``PersistedTokens`` is what that reader returns: the persisted refresh token and, when
one was persisted with it, the access token with how long it stays valid, measured by
the reader (wall clock) at the moment of reading.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field

__all__ = [
    "REFRESH_MARGIN",
    "OnExpired",
    "PersistedTokens",
    "RefreshGuard",
    "StoredTokens",
    "refresh_margin",
]

REFRESH_MARGIN = 60.0  # seconds before expiry; at most a quarter of the token's life


def refresh_margin(lifetime: float) -> float:
    """How long before its expiry a token of ``lifetime`` seconds is renewed."""
    return min(REFRESH_MARGIN, lifetime / 4)


@dataclass(frozen=True, slots=True)
class PersistedTokens:
    """The tokens as persisted right now. Tokens are kept out of ``repr``.

    ``access_left``: seconds the access token is still valid for (≤ 0: expired);
    ``access_lifetime``: seconds it was issued for (its ``expires_in``).
    """

    refresh_token: str = field(repr=False)
    access_token: str | None = field(default=None, repr=False)
    access_left: float = 0.0
    access_lifetime: float = 0.0

    def usable_access(self) -> str | None:
        """The access token if it is valid for longer than the refresh margin. Not one
        with more time left than it was issued for (the clock was set back, or the entry
        is not sane): that one's real expiry is not known."""
        if self.access_token is None or self.access_lifetime <= 0:
            return None
        margin = refresh_margin(self.access_lifetime)
        if not margin < self.access_left <= self.access_lifetime + REFRESH_MARGIN:
            return None
        return self.access_token


# Reads the tokens as persisted right now (None: nothing persisted, or unreadable).
StoredTokens = Callable[[], Awaitable[PersistedTokens | None]]
# Entered around each refresh grant (a cross-process lock); yields the persisted tokens' reader.
RefreshGuard = Callable[[], AbstractAsyncContextManager[StoredTokens]]
# Awaited when the server ended the session, with the refresh token that was held: the
# caller forgets the access token it persisted with it (not a newer one).
OnExpired = Callable[[str], Awaitable[None]]
