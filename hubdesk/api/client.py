"""``HubClient``: one async method per HubWork endpoint over one ``httpx.AsyncClient``
(``hubdesk.api.exchange``: each request within its deadline and size cap)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from datetime import datetime
from types import TracebackType
from typing import Any, Self, TypeVar

import httpx

from hubdesk.api.auth import OnTokens, TokenSession
from hubdesk.api.bearer import BearerAuth
from hubdesk.api.exchange import DEFAULT_DEADLINE, Exchange, OnServerTime
from hubdesk.api.headers import RateLimitInfo
from hubdesk.api.limits import MAX_BODY
from hubdesk.api.operations import OPERATIONS, Operation
from hubdesk.api.parsing import (
    ShapeError,
    parse_bulk_send,
    parse_dial,
    parse_page,
    parse_sender_id,
    parse_sms,
    parse_token_grant,
    require_object,
)
from hubdesk.api.persisted import OnExpired, PersistedTokens, RefreshGuard
from hubdesk.api.responses import (
    error_for_response,
    json_body,
    refusal_in_body,
    unexpected,
)
from hubdesk.api.retry import OnWait, RetryPolicy, WaitBudget, call_with_retries
from hubdesk.api.scrub import scrub
from hubdesk.api.text import encodable, repair_text
from hubdesk.api.urls import validate_base_url
from hubdesk.domain import BulkSendResult, DialResult, Page, SenderId, Sms, TokenGrant
from hubdesk.domain.times import format_server_time

__all__ = ["HubClient"]

T = TypeVar("T")


class HubClient:
    """The HubWork SMS Extension API, typed.

    Every method raises only :class:`~hubdesk.api.errors.ApiError` subclasses for
    anything the server or the network does. Use as ``async with HubClient(...) as c``
    or call :meth:`aclose`.

    What one answer may cost is bounded: each attempt of a request (connect, send, a
    token refresh it needs, and the whole answer) has ``deadline`` seconds
    (``DeadlineExceeded`` past it, not retried), and no body is read past ``max_body``
    bytes (``ResponseTooLarge``; ``hubdesk.api.limits``). ``timeout`` still bounds each
    phase (connect, each read, each write) within the deadline.

    ``on_server_time`` receives the ``Date`` of every response (parsed strictly, UTC):
    the server's clock, which sync uses instead of this machine's. Proxies and the
    network settings: ``hubdesk.api.network``.

    Tokens live in memory; ``on_tokens`` receives every new
    grant (login and refresh) and is awaited before the tokens are used, so the rotated
    refresh token can be persisted first. ``refresh_guard`` (see ``hubdesk.api.auth``)
    wraps every refresh when other processes share the persisted session: a
    cross-process lock that also lets the refresh use a token another process rotated,
    or adopt the access token it persisted. ``persisted``: the tokens as stored when
    the client is made (an access token still valid is used at once); ``on_expired``:
    awaited when the server ends the session, with the refresh token held.
    """

    def __init__(
        self,
        base_url: str,
        *,
        client_id: str,
        client_secret: str,
        refresh_token: str | None = None,
        on_tokens: OnTokens | None = None,
        refresh_guard: RefreshGuard | None = None,
        on_expired: OnExpired | None = None,
        persisted: PersistedTokens | None = None,
        on_wait: OnWait | None = None,
        timeout: httpx.Timeout | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        max_retries: int = 3,
        retry_policy: RetryPolicy | None = None,
        deadline: float = DEFAULT_DEADLINE,
        max_body: int = MAX_BODY,
        on_server_time: OnServerTime | None = None,
    ) -> None:
        self._base_url = validate_base_url(base_url)  # before any I/O
        self._client_id = client_id
        self._client_secret = client_secret
        self._on_wait = on_wait
        self._max_retries = max_retries
        self._policy = retry_policy or RetryPolicy()
        self._budget = WaitBudget(self._policy.max_total_wait)
        self._session = TokenSession(
            refresher=self._refresh_grant,
            refresh_token=refresh_token,
            on_tokens=on_tokens,
            refresh_guard=refresh_guard,
            on_expired=on_expired,
            persisted=persisted,
        )
        self._exchange = Exchange(
            self._base_url,
            timeout=timeout,
            transport=transport,
            deadline=deadline,
            max_body=max_body,
            wait_bound=self._policy.max_retry_after,
            on_server_time=on_server_time,
        )

    def __repr__(self) -> str:
        return f"HubClient(base_url={self._base_url!r})"

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the connections, after a token refresh in flight has finished (and its
        rotated refresh token has been persisted: see ``TokenSession.settle``)."""
        try:
            await self._session.settle()
        finally:
            await self._exchange.aclose()

    @property
    def base_url(self) -> str:
        return self._base_url

    @property
    def rate_limit(self) -> RateLimitInfo | None:
        """The rate-limit headers of the latest response that carried any (their waits
        clamped to ``RetryPolicy.max_retry_after``: pacing waits no longer than the client)."""
        return self._exchange.rate_limit

    @property
    def has_session(self) -> bool:
        """True while an access or a refresh token is held."""
        return self._session.has_session

    # ------------------------------------------------------------------ plumbing

    def _scrub(self, text: str, *extra: str) -> str:
        return scrub(text, (self._client_secret, *self._session.secrets(), *extra))

    async def _call(
        self,
        op: Operation,
        *,
        path: str | None = None,
        params: Mapping[str, str | int] | None = None,
        data: Mapping[str, str | Sequence[str]] | None = None,
        grant: str | None = None,
        secret: str = "",
        retries: bool = True,
    ) -> tuple[Mapping[str, Any], httpx.Response]:
        """Send ``op`` (with retries unless ``retries`` is False); return its JSON object
        body, or raise ``ApiError``."""

        async def once() -> tuple[Mapping[str, Any], httpx.Response]:
            return await self._send_once(op, path or op.path, params, data, grant, secret)

        if not retries:
            return await once()
        return await call_with_retries(
            once,
            op=op,
            max_retries=self._max_retries,
            policy=self._policy,
            on_wait=self._on_wait,
            budget=self._budget,
        )

    async def _send_once(
        self,
        op: Operation,
        path: str,
        params: Mapping[str, str | int] | None,
        data: Mapping[str, str | Sequence[str]] | None,
        grant: str | None,
        secret: str,
    ) -> tuple[Mapping[str, Any], httpx.Response]:
        auth = None if grant is not None else BearerAuth(self._session, op)
        if params is not None:  # a lone surrogate cannot be encoded: U+FFFD goes instead
            params = {k: encodable(v) if isinstance(v, str) else v for k, v in params.items()}
        if data is not None:
            data = {
                k: encodable(v) if isinstance(v, str) else [encodable(i) for i in v]
                for k, v in data.items()
            }
        response = await self._exchange.send(op, path, params=params, data=data, auth=auth)

        def scrub(text: str) -> str:
            return self._scrub(text, secret)

        error = error_for_response(op, response, grant=grant, scrub=scrub)
        if error is not None:
            raise error
        body = json_body(op, response)
        try:
            obj = require_object(body)
        except ShapeError as exc:
            raise unexpected(op, response, str(exc)) from None
        refusal = refusal_in_body(op, response, obj, scrub)
        if refusal is not None:
            raise refusal
        return obj, response

    @staticmethod
    def _parsed(op: Operation, parse: Callable[[], T], response: httpx.Response) -> T:
        try:
            return parse()
        except ShapeError as exc:
            raise unexpected(op, response, str(exc)) from None

    async def _token_grant(
        self, op: Operation, form: dict[str, str], grant: str, secret: str, *, retries: bool = True
    ) -> TokenGrant:
        body, response = await self._call(
            op, data=form, grant=grant, secret=secret, retries=retries
        )
        return self._parsed(op, lambda: parse_token_grant(body), response)

    async def _refresh_grant(self, refresh_token: str) -> TokenGrant:
        """One refresh grant, sent once: it has no retries of its own.

        A refresh always serves one logical call, whose retry budget covers it: the
        request whose auth flow needed a token (each of that request's attempts makes at
        most one grant, and its failure is retried, or not, as that request's failure),
        or :meth:`refresh`. Nesting a budget here multiplied the attempts (4 x 4 with the
        server down).
        """
        form = {
            "grant_type": "refresh_token",
            "refresh_token": refresh_token,
            "client_id": self._client_id,
            "client_secret": self._client_secret,
        }
        return await self._token_grant(
            OPERATIONS["refresh"], form, "refresh_token", "", retries=False
        )

    # ------------------------------------------------------------------ session

    async def login(self, username: str, password: str) -> TokenGrant:
        """Password grant. The password is sent once and kept nowhere."""
        op = OPERATIONS["login"]
        form = {
            "grant_type": "password",
            "client_id": self._client_id,
            "client_secret": self._client_secret,
            "username": username,
            "password": password,
        }
        return await self._session.login(lambda: self._token_grant(op, form, "password", password))

    async def refresh(self) -> TokenGrant:
        """Refresh now (single flight with any automatic refresh); returns the new grant.

        This is a logical call of its own, with the usual retry budget (a grant that may
        have reached the server is never sent again: see ``retry.retry_delay``).
        """
        op = OPERATIONS["refresh"]
        return await call_with_retries(
            lambda: self._session.force_refresh(op),
            op=op,
            max_retries=self._max_retries,
            policy=self._policy,
            on_wait=self._on_wait,
            budget=self._budget,
        )

    # ------------------------------------------------------------------ sender ids

    async def list_sender_ids(self, page: int = 1) -> Page[SenderId]:
        op = OPERATIONS["list_sender_ids"]
        body, response = await self._call(op, params={"page": page})
        return self._parsed(op, lambda: parse_page(body.get("data"), parse_sender_id), response)

    async def all_sender_ids(self) -> list[SenderId]:
        """Every sender id, walking all pages."""
        found: list[SenderId] = []
        page_number = 1
        while True:
            page = await self.list_sender_ids(page_number)
            found.extend(page.items)
            if (
                not page.has_next
                or page.current_page < page_number
                or not (page.items or page.skipped)
            ):
                return found
            page_number = page.current_page + 1

    async def add_sender_id(self, sender_id: str) -> str:
        """Ask for a new sender id; returns the server's message (it awaits approval)."""
        op = OPERATIONS["add_sender_id"]
        body, _ = await self._call(op, data={"sender_id": sender_id})
        message = body.get("message")
        return repair_text(message) if isinstance(message, str) else ""

    # ------------------------------------------------------------------ sms

    async def send_sms(self, source: str, destination: str, text: str) -> Sms:
        op = OPERATIONS["send_sms"]
        form = {"source": source, "destination": destination, "text": text}
        body, response = await self._call(op, data=form)
        return self._parsed(op, lambda: parse_sms(body.get("sms")), response)

    async def bulk_send(
        self, source: str, destinations: Sequence[str], text: str
    ) -> BulkSendResult:
        """One text to many numbers (form field ``destination[]`` repeated). No ids return."""
        op = OPERATIONS["bulk_send"]
        form: dict[str, str | Sequence[str]] = {
            "source": source,
            "text": text,
            "destination[]": list(destinations),
        }
        body, response = await self._call(op, data=form)
        return self._parsed(op, lambda: parse_bulk_send(body), response)

    async def list_sms(
        self,
        *,
        sender: str | None = None,
        receiver: str | None = None,
        sent_since: datetime | None = None,
        sent_until: datetime | None = None,
        page: int = 1,
    ) -> Page[Sms]:
        """One page of messages, newest first."""
        op = OPERATIONS["list_sms"]
        params: dict[str, str | int] = {}
        if sender is not None:
            params["sender"] = sender
        if receiver is not None:
            params["receiver"] = receiver
        if sent_since is not None:
            params["sent_since"] = format_server_time(sent_since)
        if sent_until is not None:
            params["sent_until"] = format_server_time(sent_until)
        params["page"] = page
        body, response = await self._call(op, params=params)
        return self._parsed(op, lambda: parse_page(body.get("data"), parse_sms), response)

    async def iter_sms_pages(
        self,
        *,
        sender: str | None = None,
        receiver: str | None = None,
        sent_since: datetime | None = None,
        sent_until: datetime | None = None,
        start_page: int = 1,
    ) -> AsyncIterator[Page[Sms]]:
        """Pages from ``start_page`` on, until the last one (stop early by breaking out)."""
        number = start_page
        while True:
            page = await self.list_sms(
                sender=sender,
                receiver=receiver,
                sent_since=sent_since,
                sent_until=sent_until,
                page=number,
            )
            yield page
            if not page.has_next or page.current_page < number or not (page.items or page.skipped):
                return
            number = page.current_page + 1

    async def sms_detail(self, sms_id: int) -> Sms:
        op = OPERATIONS["sms_detail"]
        body, response = await self._call(op, path=f"/sms/detail/{int(sms_id)}")
        return self._parsed(op, lambda: parse_sms(body.get("data")), response)

    # ------------------------------------------------------------------ calls

    async def dial(self, destination: str) -> DialResult:
        op = OPERATIONS["dial"]
        body, response = await self._call(op, data={"destination": destination})
        return self._parsed(op, lambda: parse_dial(body), response)

    async def dial_masked(self, source: str, destination: str) -> DialResult:
        op = OPERATIONS["dial_masked"]
        body, response = await self._call(op, data={"source": source, "destination": destination})
        return self._parsed(op, lambda: parse_dial(body), response)
