"""What one answer may cost (issue 11, items 3 and 4): a total deadline per request, a
streamed size cap, and bodies that are not JSON in hostile ways (deep nesting, bad
UTF-8, absurd numbers, compression nobody asked for)."""

from __future__ import annotations

import asyncio
import gzip
import json
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest

from hubdesk.api import (
    DeadlineExceeded,
    HubClient,
    ResponseTooLarge,
    ServerError,
    UnexpectedResponse,
)
from hubdesk.api.limits import MAX_BODY
from hubdesk.core.errors import describe_error
from tests.unit.api.simclient import PASSWORD, USERNAME, MakeClient

GRANT = {
    "customer_user_name": "demo",
    "customer_user_id": 2,
    "expires_in": 3600,
    "access_token": "access-token",
    "refresh_token": "refresh-token",
}
SMS = {
    "source": "447400123456",
    "destination": "447520602706",
    "text": "hello",
    "type": "2",
    "delivery_status": "1",
    "read_status": "0",
    "time": "2025-06-01 10:00:00",
}


def listing(items: list[object]) -> bytes:
    page = {"current_page": 1, "last_page": 1, "per_page": 10, "total": len(items)}
    return json.dumps({"status": "success", "data": {**page, "data": items}}).encode()


Answer = Callable[[httpx.Request], httpx.Response]


class Server:
    """A MockTransport handler: token grants always work; ``answer`` serves the rest."""

    def __init__(self, answer: Answer) -> None:
        self.answer = answer
        self.requests: list[httpx.Request] = []

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if request.url.path.endswith("/oauth/token"):
            return httpx.Response(200, json=GRANT)
        return self.answer(request)

    def calls(self, path: str) -> int:
        return sum(1 for r in self.requests if r.url.path.endswith(path))


async def signed_in(make_client: MakeClient, server: Server, **options: Any) -> HubClient:
    client = make_client(transport=httpx.MockTransport(server), **options)
    await client.login(USERNAME, PASSWORD)
    return client


class Counted:
    """A body produced on demand, counting what the client pulled."""

    def __init__(self, chunks: AsyncIterator[bytes]) -> None:
        self._chunks = chunks
        self.pulled = 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._chunks:
            self.pulled += len(chunk)
            yield chunk


async def endless(chunk: bytes = b"x" * 65536) -> AsyncIterator[bytes]:
    yield b'{"status":"success","data":"'
    while True:
        yield chunk


async def dribble(interval: float) -> AsyncIterator[bytes]:
    yield b'{"data":'
    while True:
        await asyncio.sleep(interval)
        yield b" "


# ------------------------------------------------------------------ the deadline (item 3)


async def test_a_dribbling_answer_ends_at_the_deadline_and_is_not_retried(
    make_client: MakeClient,
) -> None:
    server = Server(lambda r: httpx.Response(200, content=dribble(0.05)))
    client = await signed_in(make_client, server, deadline=0.5)
    started = time.monotonic()
    with pytest.raises(DeadlineExceeded) as info:
        await client.list_sms()
    assert 0.45 < time.monotonic() - started < 2
    assert server.calls("/sms/list") == 1  # another attempt would crawl just as slowly
    assert str(info.value) == (
        "The server did not finish answering within 0.5 s while trying to list the "
        "messages; try again later."
    )
    assert describe_error(info.value) == str(info.value)


async def test_a_send_that_passes_the_deadline_may_have_been_sent(
    make_client: MakeClient,
) -> None:
    server = Server(lambda r: httpx.Response(200, content=dribble(0.05)))
    client = await signed_in(make_client, server, deadline=0.3)
    with pytest.raises(DeadlineExceeded) as info:
        await client.send_sms("447520602706", "447400123456", "hi")
    assert info.value.may_have_executed
    assert "may or may not have been sent" in str(info.value)
    assert server.calls("/sms/send") == 1


# ------------------------------------------------------------------ the size cap (item 3)


async def test_a_huge_answer_is_read_no_further_than_the_cap(make_client: MakeClient) -> None:
    body = Counted(endless())
    server = Server(lambda r: httpx.Response(200, content=body))
    client = await signed_in(make_client, server)
    with pytest.raises(ResponseTooLarge) as info:
        await client.list_sms()
    assert MAX_BODY < body.pulled <= MAX_BODY + 2 * 65536  # stopped at the cap
    assert isinstance(info.value, UnexpectedResponse)
    assert "larger than 10 MB" in str(info.value) and "list the messages" in str(info.value)
    assert not info.value.may_have_executed
    assert server.calls("/sms/list") == 1


async def test_a_length_over_the_cap_is_refused_before_reading(make_client: MakeClient) -> None:
    body = Counted(endless())
    headers = {"content-length": str(400 * 1024 * 1024)}
    server = Server(lambda r: httpx.Response(200, headers=headers, content=body))
    client = await signed_in(make_client, server, max_body=1000)
    with pytest.raises(ResponseTooLarge, match="larger than 0.000953674 MB"):
        await client.list_sms()
    assert body.pulled == 0


async def test_a_huge_answer_to_a_send_may_have_been_sent(make_client: MakeClient) -> None:
    server = Server(lambda r: httpx.Response(200, content=Counted(endless())))
    client = await signed_in(make_client, server, max_body=100_000)
    with pytest.raises(ResponseTooLarge) as info:
        await client.send_sms("447520602706", "447400123456", "hi")
    assert info.value.may_have_executed
    assert "may or may not have been sent" in describe_error(info.value)


async def test_the_cap_holds_for_a_401_that_the_auth_flow_reads(make_client: MakeClient) -> None:
    body = Counted(endless())
    server = Server(lambda r: httpx.Response(401, content=body))
    client = await signed_in(make_client, server, max_body=100_000)
    with pytest.raises(ResponseTooLarge):
        await client.list_sms()
    assert body.pulled <= 100_000 + 2 * 65536


async def test_compression_is_not_asked_for_and_refused_when_sent(
    make_client: MakeClient,
) -> None:
    bomb = gzip.compress(b"[" + b" " * 5_000_000 + b"]")  # ~5 kB that would grow 1000-fold
    headers = {"content-encoding": "gzip"}
    server = Server(lambda r: httpx.Response(200, headers=headers, content=bomb))
    client = await signed_in(make_client, server)
    with pytest.raises(UnexpectedResponse, match=r"compressed answer \(gzip\)"):
        await client.list_sms()
    assert all(r.headers["accept-encoding"] == "identity" for r in server.requests)


# ------------------------------------------------------------------ hostile JSON (item 4)


async def test_deeply_nested_json_is_an_unexpected_response(make_client: MakeClient) -> None:
    server = Server(lambda r: httpx.Response(200, content=b"[" * 200_000 + b"]" * 200_000))
    client = await signed_in(make_client, server)
    with pytest.raises(UnexpectedResponse, match="not valid JSON"):
        await client.list_sms()
    deep_error = b'{"message": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    server.answer = lambda r: httpx.Response(500, content=deep_error)
    with pytest.raises(ServerError):  # the error body is unreadable: the status still speaks
        await client.list_sms()


async def test_bytes_that_are_not_utf8_are_repaired_not_fatal(make_client: MakeClient) -> None:
    body = listing([dict(SMS, sms_id=1, text="caf\u00e9")]).replace(b"caf\\u00e9", b"caf\xe9")
    assert b"caf\xe9" in body
    server = Server(lambda r: httpx.Response(200, content=b"\xef\xbb\xbf" + body))
    client = await signed_in(make_client, server)
    page = await client.list_sms()
    assert [m.text for m in page] == ["caf\ufffd"]


async def test_an_absurd_number_spoils_only_its_own_item(make_client: MakeClient) -> None:
    raw = listing([dict(SMS, sms_id=1), dict(SMS, sms_id=2)]).replace(
        b'"sms_id": 1', b'"sms_id": ' + b"9" * 5000
    )
    server = Server(lambda r: httpx.Response(200, content=raw))
    client = await signed_in(make_client, server)
    page = await client.list_sms()
    assert [m.sms_id for m in page] == [2] and page.skipped == 1
