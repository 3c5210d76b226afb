"""``BearerAuth``: the ``httpx.Auth`` flow of one operation over a ``TokenSession``.

It attaches the session's access token (refreshed first when due), and on a 401 takes a
new one and sends the request once more; see ``hubdesk.api.auth`` for the refresh, the
lease and adopting another process's token.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Generator

import httpx

from hubdesk.api.auth import TokenSession
from hubdesk.api.operations import Operation
from hubdesk.api.responses import session_expired

__all__ = ["RETRIES_AFTER_401", "BearerAuth"]

RETRIES_AFTER_401 = 2  # an adopted token refused, then one of our own grant


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
            # answered, so no other process can revoke the new token in between. A
            # refused token that was adopted (another process's) is followed by a grant
            # of our own (no adopting then).
            for attempt in range(RETRIES_AFTER_401):
                retry = session.lease_for_request(
                    self._op, refresh_after=generation, adopt=attempt == 0
                )
                async with retry as (token, generation):
                    request.headers["Authorization"] = f"Bearer {token}"
                    response = yield request
                if response.status_code != 401 or not session.adopted(generation):
                    break
        if response.status_code == 401:
            # A freshly granted token was refused too: this session cannot go on.
            await self._session.expire()
            raise session_expired(self._op, 401)
