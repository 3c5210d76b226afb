"""Hostile servers for HubClient, generated: the strategies and the property (issue 11,
item 4). ``test_api_fuzz.py`` runs a few thousand examples in the normal test run;
``bench/fuzz_client.py`` runs the same property for as many as it is asked.

The property: every public ``HubClient`` method, against any sequence of answers (any
status, any headers, any body bytes delivered in any chunks, or a transport failure),
either returns the domain value it promises or raises an ``ApiError`` subclass whose
message is a non-empty sentence holding no secret; closing the client never raises; and
nothing reaches the client's "this should never happen" log lines.

Answers are served by ``httpx.MockTransport`` in order, the last one repeating; with
``good_tokens`` every token request gets a valid grant, so that authenticated methods
reach their own endpoint (and the refresh on a 401 works), else token requests get the
generated answers like everything else.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import httpx
import stamina.instrumentation
from hypothesis import strategies as st

from hubdesk.api import ApiError, HubClient, RetryPolicy
from hubdesk.domain import BulkSendResult, DialResult, Page, SenderId, Sms, TokenGrant

__all__ = ["Scenario", "check", "scenarios"]

CLIENT_SECRET = "fuzz-client-secret-value"
REFRESH_TOKEN = "def50200-fuzz-refresh-token-value"
ACCESS_TOKEN = "eyJ-fuzz-access-token-value"
ROTATED_REFRESH_TOKEN = "def50200-fuzz-rotated-refresh-token"
GRANT = {
    "customer_user_name": "fuzz",
    "customer_user_id": 2,
    "expires_in": 3600,
    "access_token": ACCESS_TOKEN,
    "refresh_token": ROTATED_REFRESH_TOKEN,
}
SECRETS = (CLIENT_SECRET, REFRESH_TOKEN, ACCESS_TOKEN, ROTATED_REFRESH_TOKEN)
MAX_BODY = 32 * 1024  # small, so that "too large" is cheap to reach


async def _pages(client: HubClient) -> list[Page[Sms]]:
    found: list[Page[Sms]] = []
    async for page in client.iter_sms_pages():
        found.append(page)
        if len(found) >= 5:
            break
    return found


def _all(kind: type) -> Callable[[object], bool]:
    def accepts(value: object) -> bool:
        return isinstance(value, list) and all(isinstance(v, kind) for v in value)

    return accepts


def _page_of(kind: type) -> Callable[[object], bool]:
    def accepts(value: object) -> bool:
        return isinstance(value, Page) and all(isinstance(v, kind) for v in value.items)

    return accepts


def _is(kind: type) -> Callable[[object], bool]:
    return lambda value: isinstance(value, kind)


Call = Callable[[HubClient], Awaitable[object]]
METHODS: dict[str, tuple[Call, Callable[[object], bool]]] = {
    "login": (lambda c: c.login("fuzz@hubwork.test", "fuzz-password-value"), _is(TokenGrant)),
    "refresh": (lambda c: c.refresh(), _is(TokenGrant)),
    "list_sender_ids": (lambda c: c.list_sender_ids(), _page_of(SenderId)),
    "all_sender_ids": (lambda c: c.all_sender_ids(), _all(SenderId)),
    "add_sender_id": (lambda c: c.add_sender_id("HubWork"), _is(str)),
    "send_sms": (lambda c: c.send_sms("447520602706", "447400123456", "hi"), _is(Sms)),
    "bulk_send": (
        lambda c: c.bulk_send("447520602706", ["447400123456", "447400123457"], "hi"),
        _is(BulkSendResult),
    ),
    "list_sms": (lambda c: c.list_sms(page=2), _page_of(Sms)),
    "iter_sms_pages": (_pages, _all(Page)),
    "sms_detail": (lambda c: c.sms_detail(747033), _is(Sms)),
    "dial": (lambda c: c.dial("447400123456"), _is(DialResult)),
    "dial_masked": (lambda c: c.dial_masked("442035041824", "447400123456"), _is(DialResult)),
}

# --------------------------------------------------------------------------- strategies

HOSTILE_NUMBERS = [
    "0",
    "1",
    "5",
    "60",
    "1200",
    "-1",
    "nan",
    "inf",
    "-inf",
    "1e400",
    "1e3",
    "1.5",
    "1000000000",
    "9" * 40,
    "",
    " ",
    "0x10",
    "1,2",
    "\u0661",
    "Wed, 21 Oct 2015 07:28:00 GMT",
    "Fri, 31 Dec 9999 23:59:59 GMT",
    "Mon, 32 Jan 2024 00:00:00 GMT",
]
HEADER_NAMES = [
    "retry-after", "x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset", "date",
    "content-type", "content-length", "content-encoding", "location", "www-authenticate",
    "transfer-encoding", "x-anything",
]  # fmt: skip

text = st.one_of(
    st.sampled_from(["", "hello", "\ud83d", "a\x00b", "\r\n", "\x1b[2J", "<b>x</b>", "2"]),
    st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=10),
)  # surrogates, NUL and every control included
json_scalar = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    text,
    st.sampled_from(["1", "2", "0", "", "2025-06-01 10:00:00", "9999-12-31T23:59:59-23:59"]),
)
json_any = st.one_of(  # one level of nesting (hypothesis' recursive() is slow to draw);
    json_scalar,  # deep nesting has its own body kind below
    st.lists(json_scalar, max_size=3),
    st.dictionaries(text, json_scalar, max_size=3),
)


SMS_FIELDS = {
    "source": "447400123456", "destination": "447520602706", "text": "hello", "type": "2",
    "delivery_status": "1", "read_status": "0", "time": "2025-06-01 10:00:00",
    "sms_id": 747033, "sms_count": 1, "chat_partner": "447400123456",
}  # fmt: skip
SENDER_FIELDS = {
    "id": 61, "customer_user_id": "2", "sender_id": "HubWork", "status": "1",
    "created_at": "2025-06-17 04:00:58", "created_by": "x", "updated_at": None,
    "updated_by": None,
}  # fmt: skip


def _spoiled(good: dict[str, Any], most: int) -> st.SearchStrategy[dict[str, Any]]:
    """``good`` with up to ``most`` fields replaced by hostile values or removed."""
    changes = st.dictionaries(
        st.sampled_from(sorted(good)), st.one_of(st.just(_GONE), json_any), max_size=most
    )
    return changes.map(lambda c: {k: c.get(k, v) for k, v in good.items() if c.get(k) is not _GONE})


_GONE = object()
sms_like = _spoiled(SMS_FIELDS, 3)
sender_like = _spoiled(SENDER_FIELDS, 3)
PAGE_FIELDS = {
    "current_page": 1, "last_page": 2, "per_page": 10, "total": 12, "from": 1, "to": 10,
    "next_page_url": "https://api.hubwork.test/api/sms/list?page=2",
}  # fmt: skip
paginator = st.builds(
    lambda numbers, items: {**numbers, "data": items},
    _spoiled(PAGE_FIELDS, 2),
    st.lists(st.one_of(sms_like, sender_like, json_any), max_size=3),
)
envelope = st.one_of(
    paginator.map(lambda p: {"status": "success", "data": p}),
    sms_like.map(lambda m: {"status": "success", "data": m, "sms": m}),
    _spoiled(GRANT, 2),
    st.fixed_dictionaries(
        {"status": st.sampled_from(["success", "error", "failed", "ok"]) | text},
        optional={
            "message": json_any,
            "delivery_status": json_scalar,
            "call_id": json_scalar,
            "errors": json_any,
        },
    ),
    st.fixed_dictionaries(
        {"error": st.sampled_from(["invalid_grant", "invalid_client", "invalid_request"]) | text},
        optional={"error_description": json_any, "message": json_any},
    ),
    json_any,
)
BAD_BYTES = [b"\xff", b"\xc3", b"\xed\xa0\xbd", b"\x00"]


@st.composite
def body_bytes(draw: st.DrawFn) -> bytes:
    kind = draw(st.sampled_from(["json", "json", "json", "raw", "deep", "big", "bom"]))
    if kind == "raw":
        return draw(st.binary(max_size=300))
    if kind == "deep":
        depth = draw(st.integers(500, 50_000))
        return b'{"data":' + b"[" * depth + b"]" * draw(st.integers(0, depth)) + b"}"
    if kind == "big":
        return b'{"status":"' + b"x" * draw(st.integers(MAX_BODY - 50, 2 * MAX_BODY)) + b'"}'
    value = draw(envelope)
    encoded = json.dumps(value, ensure_ascii=draw(st.booleans()), allow_nan=True)
    raw = encoded.encode("utf-8", "surrogatepass")  # a lone surrogate: bytes not UTF-8
    if draw(st.booleans()):  # a bad byte somewhere
        at = draw(st.integers(0, len(raw)))
        raw = raw[:at] + draw(st.sampled_from(BAD_BYTES)) + raw[at:]
    return (b"\xef\xbb\xbf" + raw) if kind == "bom" else raw


@dataclass(frozen=True)
class Answer:
    status: int
    headers: tuple[tuple[bytes, bytes], ...]
    body: bytes
    cuts: tuple[int, ...]  # the body arrives in pieces, cut here
    streamed: bool  # as an async stream (else as bytes already in memory)
    failure: str | None  # raise this transport error instead (or mid-body)


STATUSES = st.one_of(
    st.sampled_from(
        [200, 200, 200, 200, 201, 204, 301, 400, 401, 403, 404, 422, 429, 429, 500, 502, 503, 504]
    ),
    st.integers(100, 599),
    st.integers(0, 999),
)
HEADER_VALUES = [
    *(v.encode("utf-8") for v in HOSTILE_NUMBERS),
    b"gzip",
    b"br",
    b"identity",
    b"application/json; charset=x",
    b"text/html",
    b"\xff\xfe",
    b"a\nb",
    b"\x00",
    b"9" * 400,
]
HEADER_POOL = [(n.encode("ascii"), v) for n in HEADER_NAMES for v in HEADER_VALUES]
NUMBER_HEADERS = [
    b"retry-after",
    b"x-ratelimit-limit",
    b"x-ratelimit-remaining",
    b"x-ratelimit-reset",
    b"date",
]
NUMBER_POOL = [(n, v.encode("utf-8")) for n in NUMBER_HEADERS for v in HOSTILE_NUMBERS]
HEADERS = st.lists(
    st.one_of(  # one draw per header: generation stays cheap
        st.sampled_from(NUMBER_POOL),  # the numbers every answer carries, hostile
        st.sampled_from(HEADER_POOL),
        st.tuples(st.sampled_from(HEADER_NAMES).map(str.encode), st.binary(max_size=40)),
    ),
    max_size=3,
)
FAILURES = st.one_of(
    st.none(),
    st.none(),
    st.none(),
    st.none(),
    st.none(),
    st.none(),
    st.sampled_from(["connect", "read_timeout", "protocol", "mid_body", "pool"]),
)


api_shaped = st.one_of(  # what a real answer looks like, with hostile values inside
    paginator.map(lambda p: {"status": "success", "message": "", "data": p}),
    sms_like.map(lambda m: {"status": "success", "data": m, "sms": m, "call_id": 16939009}),
    st.builds(
        lambda d: {"status": "success", "message": "SMS sent", **d},
        st.fixed_dictionaries({}, optional={"delivery_status": json_scalar}),
    ),
)


@st.composite
def answers(draw: st.DrawFn) -> Answer:
    if draw(st.booleans()):  # an ordinary 200 whose values are hostile: parsing goes deep
        raw = json.dumps(draw(api_shaped), ensure_ascii=draw(st.booleans()), allow_nan=True)
        numbers = tuple(draw(st.lists(st.sampled_from(NUMBER_POOL), max_size=3)))
        return Answer(200, numbers, raw.encode("utf-8", "surrogatepass"), (), False, None)
    body = draw(body_bytes())
    cuts = draw(st.lists(st.integers(0, max(len(body), 1)), max_size=2))
    return Answer(
        status=draw(STATUSES),
        headers=tuple(draw(HEADERS)),
        body=body,
        cuts=tuple(sorted(cuts)),
        streamed=draw(st.booleans()),
        failure=draw(FAILURES),
    )


@dataclass(frozen=True)
class Scenario:
    method: str
    answers: tuple[Answer, ...]
    good_tokens: bool
    signed_in: bool  # the client starts with a refresh token


MOSTLY = st.sampled_from([True, True, True, False])


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    return Scenario(
        method=draw(st.sampled_from(sorted(METHODS))),
        answers=tuple(draw(st.lists(answers(), min_size=1, max_size=2))),
        good_tokens=draw(MOSTLY),
        signed_in=draw(MOSTLY),
    )


# --------------------------------------------------------------------------- the property


async def _chunks(answer: Answer, request: httpx.Request) -> AsyncIterator[bytes]:
    start = 0
    for cut in (*answer.cuts, len(answer.body)):
        if cut > start:
            yield answer.body[start:cut]
            start = cut
        await asyncio.sleep(0)
    if answer.failure == "mid_body":
        raise httpx.RemoteProtocolError("peer closed connection", request=request)


def _respond(answer: Answer, request: httpx.Request) -> httpx.Response:
    failure = answer.failure
    if failure == "connect":
        raise httpx.ConnectError("connection refused", request=request)
    if failure == "read_timeout":
        raise httpx.ReadTimeout("timed out", request=request)
    if failure == "protocol":
        raise httpx.RemoteProtocolError("garbage", request=request)
    if failure == "pool":
        raise httpx.PoolTimeout("no connection", request=request)
    if answer.streamed or failure == "mid_body":
        return httpx.Response(
            answer.status, headers=list(answer.headers), stream=_Stream(answer, request)
        )
    return httpx.Response(answer.status, headers=list(answer.headers), content=answer.body)


class _Stream(httpx.AsyncByteStream):
    def __init__(self, answer: Answer, request: httpx.Request) -> None:
        self._answer = answer
        self._request = request

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in _chunks(self._answer, self._request):
            yield chunk


class _Backstop(logging.Handler):
    """Catches ERROR records from hubdesk.api: the contract's backstops never fire."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@dataclass
class Outcome:
    value: object = None
    error: ApiError | None = None
    served: int = 0
    dates: list[object] = field(default_factory=list)


async def _run(scenario: Scenario) -> Outcome:
    outcome = Outcome()
    queue = list(scenario.answers)

    async def handler(request: httpx.Request) -> httpx.Response:
        outcome.served += 1
        if scenario.good_tokens and request.url.path.endswith("/oauth/token"):
            return httpx.Response(200, json=GRANT)
        answer = queue.pop(0) if len(queue) > 1 else queue[0]
        return _respond(answer, request)

    async def on_tokens(grant: TokenGrant) -> None:
        assert isinstance(grant, TokenGrant)

    client = HubClient(
        "https://api.hubwork.test/api",
        client_id="fuzz",
        client_secret=CLIENT_SECRET,
        refresh_token=REFRESH_TOKEN if scenario.signed_in else None,
        on_tokens=on_tokens,
        transport=httpx.MockTransport(handler),
        max_retries=2,
        retry_policy=RetryPolicy(backoff_initial=0, backoff_max=0, jitter=0, max_retry_after=0),
        deadline=5.0,
        max_body=MAX_BODY,
        on_server_time=outcome.dates.append,
    )
    call, _ = METHODS[scenario.method]
    try:
        outcome.value = await call(client)
    except ApiError as exc:
        outcome.error = exc
    finally:
        await client.aclose()
    return outcome


@contextlib.contextmanager
def _quiet() -> Iterator[_Backstop]:
    """Warnings (skipped items, retries) off while examples run, thousands of them: only
    the ERROR records the backstop looks for still pass."""
    backstop = _Backstop()
    hubdesk_log, api_log = logging.getLogger("hubdesk"), logging.getLogger("hubdesk.api")
    level, hooks = hubdesk_log.level, stamina.instrumentation.get_on_retry_hooks()
    hubdesk_log.setLevel(logging.ERROR)
    api_log.addHandler(backstop)
    stamina.instrumentation.set_on_retry_hooks([])
    try:
        yield backstop
    finally:
        stamina.instrumentation.set_on_retry_hooks(hooks)
        api_log.removeHandler(backstop)
        hubdesk_log.setLevel(level)


def check(scenario: Scenario) -> str:
    """The property; raises AssertionError (or the escaping exception) when it fails,
    else returns how the method ended ("list_sms: Page", "login: RateLimited")."""
    with _quiet() as backstop:
        outcome = asyncio.run(_run(scenario))
    assert not backstop.records, [r.getMessage() for r in backstop.records]
    for moment in outcome.dates:
        assert isinstance(moment, datetime) and moment.tzinfo is not None
    if outcome.error is None:
        _, accepts = METHODS[scenario.method]
        assert accepts(outcome.value), (scenario.method, outcome.value)
        return f"{scenario.method}: {type(outcome.value).__name__}"
    message = str(outcome.error)
    assert message.strip(), repr(outcome.error)
    assert message == message.strip() and "\n" not in message, message
    for secret in SECRETS:
        assert secret not in message and secret not in repr(outcome.error), message
    return f"{scenario.method}: {type(outcome.error).__name__}"
