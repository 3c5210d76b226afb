"""One HTTP exchange with the server, within its limits: what ``HubClient`` sends through.

An :class:`Exchange` owns the ``httpx.AsyncClient`` (made on first use:
``hubdesk.api.network``, proxies) and bounds what one request may cost:

* a **deadline** for the whole attempt (connect, send, a token refresh the auth flow
  waits for, and the whole answer): past it, ``DeadlineExceeded``;
* a **size cap** on every body read (``hubdesk.api.limits``): past it, ``ResponseTooLarge``;
* a **response hook** that sees every response (token grants and an auth flow's 401s
  included) before its body is read: it puts the cap on, notes the rate-limit headers
  and hands the server's ``Date`` to ``on_server_time``. Reading headers never raises
  (``hubdesk.api.headers``): an exception there would lose the answer, and on a token
  refresh the rotated single-use refresh token with it.

Transport failures become ``ApiError``\\ s here; what a response *means* (status, body) is
``hubdesk.api.responses``'.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime

import httpx

from hubdesk.api.headers import RateLimitInfo, http_date, rate_limit_from_headers
from hubdesk.api.limits import MAX_BODY, BodyTooLarge, EncodedBody, cap_body
from hubdesk.api.network import make_http_client
from hubdesk.api.operations import Operation
from hubdesk.api.responses import compressed, deadline_exceeded, error_for_transport, too_large

__all__ = ["DEFAULT_DEADLINE", "Exchange", "OnServerTime"]

OnServerTime = Callable[[datetime], None]
DEFAULT_DEADLINE = 60.0  # seconds for one attempt of a request, whole answer included
log = logging.getLogger(__name__)


class Exchange:
    """Requests to ``base_url`` through one ``httpx.AsyncClient``, each bounded.

    ``wait_bound`` clamps the waits in :attr:`rate_limit` (the client's longest wait).
    """

    def __init__(
        self,
        base_url: str,
        *,
        timeout: httpx.Timeout | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        deadline: float = DEFAULT_DEADLINE,
        max_body: int = MAX_BODY,
        wait_bound: float,
        on_server_time: OnServerTime | None = None,
    ) -> None:
        self._base_url = base_url
        self._timeout = timeout
        self._transport = transport
        self._deadline = deadline
        self._max_body = max_body
        self._wait_bound = wait_bound
        self._on_server_time = on_server_time
        self._client: httpx.AsyncClient | None = None
        self.rate_limit: RateLimitInfo | None = None  # of the latest response with any

    @property
    def http(self) -> httpx.AsyncClient:
        """The httpx client, made on first use (raises ``InsecureUrl`` for unusable
        proxy or certificate settings: see ``hubdesk.api.network``)."""
        if self._client is None:
            self._client = make_http_client(
                self._base_url,
                timeout=self._timeout,
                transport=self._transport,
                on_response=self._observe,
            )
        return self._client

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()

    async def _observe(self, response: httpx.Response) -> None:
        """The response hook: see the module's docstring."""
        cap_body(response, self._max_body)  # BodyTooLarge / EncodedBody: mapped in send()
        try:
            info = rate_limit_from_headers(response.headers, bound=self._wait_bound)
            if info is not None:
                self.rate_limit = info
            moment = http_date(response.headers.get("date"))
            if moment is not None and self._on_server_time is not None:
                self._on_server_time(moment)
        except Exception:  # headers.py never raises; a callback might: neither may matter
            log.exception("observing a response's headers failed; they are ignored")

    async def send(
        self,
        op: Operation,
        path: str,
        *,
        params: Mapping[str, str | int] | None = None,
        data: Mapping[str, str | Sequence[str]] | None = None,
        auth: httpx.Auth | None = None,
    ) -> httpx.Response:
        """One attempt of ``op``: the response, its body read; or an ``ApiError``."""
        deadline = asyncio.timeout(self._deadline)
        try:
            async with deadline:
                return await self.http.request(op.method, path, params=params, data=data, auth=auth)
        except TimeoutError:
            if not deadline.expired():
                raise
            raise deadline_exceeded(op, self._deadline) from None
        except httpx.HTTPError as exc:
            raise error_for_transport(op, exc) from exc
        except BodyTooLarge as exc:
            raise too_large(op, exc.status, exc.limit) from None
        except EncodedBody as exc:
            raise compressed(op, exc.status, exc.encoding) from None
