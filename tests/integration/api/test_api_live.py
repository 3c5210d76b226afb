"""HubClient over real loopback HTTP (uvicorn SimServer): operations, refresh, faults."""

from __future__ import annotations

import asyncio
import socket
import time
from datetime import timedelta

import httpx
import pytest

from hubdesk.api import (
    BadCredentials,
    ConnectFailed,
    ConnectionDropped,
    HubClient,
    InsecureUrl,
    InvalidClient,
    NotSignedIn,
    RateLimited,
    Refused,
    RequestTimedOut,
    ServerError,
    SessionExpired,
    UnexpectedResponse,
    ValidationFailed,
)
from hubdesk.domain import DeliveryStatus, SmsType, TokenGrant
from hubdesk.sim import SimServer
from tests.integration.api.simhttp import Control
from tests.unit.api.simclient import PASSWORD, SENDER, USERNAME, MakeClient, Recorder

pytestmark = pytest.mark.network

DEST = "447520602707"
UNCONFIRMED_SMS = "The server did not confirm the message; it may or may not have been sent."


async def test_every_operation_over_loopback(client: HubClient, control: Control) -> None:
    senders = await client.list_sender_ids()
    assert any(s.sender_id == SENDER and s.approved for s in senders)
    assert "created successfully" in await client.add_sender_id("LOOPBACK1")
    assert "LOOPBACK1" in {s.sender_id for s in await client.all_sender_ids()}

    sms = await client.send_sms(SENDER, DEST, "over the wire")
    assert sms.type is SmsType.SENT and sms.chat_partner == DEST
    bulk = await client.bulk_send(SENDER, [DEST, "447700900123"], "bulk over the wire")
    assert bulk.delivery_status is DeliveryStatus.PENDING

    page = await client.list_sms(sender=SENDER, sent_since=sms.time - timedelta(seconds=1))
    assert {s.text for s in page} >= {"over the wire", "bulk over the wire"}
    walked = [p async for p in client.iter_sms_pages(sender=SENDER)]
    assert sum(len(p) for p in walked) == walked[0].total
    detail = await client.sms_detail(sms.sms_id)
    assert detail.sms_count == 1 and detail.text == "over the wire"

    assert (await client.dial("442073771555")).call_id
    assert (await client.dial_masked("442035043990", "442035041824")).call_id
    assert client.rate_limit is not None and client.rate_limit.limit == 1200

    bulk_entry = (await control.requests("/sms/bulk-send"))[0]
    assert bulk_entry["form"]["destination[]"] == [DEST, "447700900123"]
    await client.refresh()
    assert len(await control.refresh_grants()) == 1


async def test_login_errors_over_loopback(make_client: MakeClient) -> None:
    with pytest.raises(BadCredentials):
        await make_client().login(USERNAME, "nope")
    with pytest.raises(InvalidClient):
        await make_client(client_secret="wrong").login(USERNAME, PASSWORD)
    with pytest.raises(NotSignedIn):
        await make_client().list_sms()


async def test_twenty_concurrent_requests_at_expiry_refresh_exactly_once(
    client: HubClient, control: Control
) -> None:
    await control.expire_tokens()
    pages = await asyncio.gather(*(client.list_sms() for _ in range(20)))
    assert all(p.current_page == 1 for p in pages)
    assert len(await control.refresh_grants()) == 1
    listed = await control.requests("/sms/list")
    assert sum(1 for e in listed if e["status"] == 200) == 20


async def test_proactive_refresh_before_expiry_is_single_flight(
    make_client: MakeClient, control: Control
) -> None:
    await control.config(token_ttl=2)
    client = make_client()
    await client.login(USERNAME, PASSWORD)
    await asyncio.sleep(1.6)  # inside the last quarter of the token's life
    await asyncio.gather(*(client.list_sender_ids() for _ in range(20)))
    assert len(await control.refresh_grants()) == 1
    assert all(e["status"] == 200 for e in await control.requests("/sender-id/list"))


async def test_rotated_refresh_token_reaches_on_tokens_before_the_retried_request(
    make_client: MakeClient, control: Control, sim_server: SimServer
) -> None:
    order: list[str] = []

    async def on_tokens(grant: TokenGrant) -> None:
        order.append("on_tokens:start")
        await asyncio.sleep(0.2)  # a slow keyring write
        listed = sim_server.state.requests()
        order.append(f"on_tokens:done after {sum(e['path'] == '/api/sms/list' for e in listed)}")

    client = make_client(on_tokens=on_tokens)
    await client.login(USERNAME, PASSWORD)
    order.clear()
    await control.expire_tokens()
    await client.list_sms()
    assert order == ["on_tokens:start", "on_tokens:done after 1"]  # only the 401 so far
    assert [e["status"] for e in await control.requests("/sms/list")] == [401, 200]


async def test_reused_refresh_token_ends_the_session(
    client: HubClient, make_client: MakeClient, recorder: Recorder, control: Control
) -> None:
    copy = make_client(refresh_token=recorder.grants[-1].refresh_token)
    await copy.list_sms()  # uses (and so kills) the shared refresh token
    await control.expire_tokens()
    with pytest.raises(SessionExpired) as info:
        await client.list_sms()
    assert "sign in again" in str(info.value)
    assert not client.has_session


async def test_revoked_session_ends_with_session_expired(
    client: HubClient, control: Control
) -> None:
    await control.revoke_tokens()
    with pytest.raises(SessionExpired):
        await client.send_sms(SENDER, DEST, "never")
    sends = await control.requests("/sms/send")
    assert sends and all(e["status"] == 401 for e in sends)  # never executed


async def test_503_on_a_get_is_retried_and_succeeds(
    client: HubClient, control: Control, recorder: Recorder
) -> None:
    await control.fault("503", count=1, path="/api/sms/list", method="GET", seconds=0.5)
    started = time.monotonic()
    page = await client.list_sms()
    assert page.current_page == 1
    assert time.monotonic() - started >= 0.5  # Retry-After honoured (rounded up to 1 s)
    assert [e["status"] for e in await control.requests("/sms/list")] == [503, 200]
    assert recorder.waits and "HTTP 503" in recorder.waits[0][1]


@pytest.mark.parametrize("kind", ["500", "drop_before", "drop_after"])
async def test_send_failures_are_not_retried(
    client: HubClient, control: Control, kind: str
) -> None:
    await control.fault(kind, path="/api/sms/send")
    with pytest.raises((ServerError, ConnectionDropped)) as info:
        await client.send_sms(SENDER, DEST, "did it go?")
    assert info.value.may_have_executed
    assert str(info.value) == UNCONFIRMED_SMS
    assert len(await control.requests("/sms/send")) == 1
    if kind == "500":
        assert isinstance(info.value, ServerError) and info.value.status == 500
    else:
        assert isinstance(info.value, ConnectionDropped) and info.value.status is None


async def test_dropped_get_is_retried(client: HubClient, control: Control) -> None:
    await control.fault("drop_after", path="/api/sender-id/list")
    await client.list_sender_ids()
    assert len(await control.requests("/sender-id/list")) == 2


async def test_slow_send_times_out_and_is_not_retried(
    make_client: MakeClient, control: Control
) -> None:
    client = make_client(timeout=httpx.Timeout(0.5, connect=2.0))
    await client.login(USERNAME, PASSWORD)
    await control.fault("slow", path="/api/sms/send", seconds=1.5)
    with pytest.raises(RequestTimedOut) as info:
        await client.send_sms(SENDER, DEST, "slow one")
    assert info.value.may_have_executed
    assert str(info.value) == UNCONFIRMED_SMS
    assert len(await control.requests("/sms/send")) == 1


async def test_slow_get_times_out_and_is_retried(make_client: MakeClient, control: Control) -> None:
    client = make_client(timeout=httpx.Timeout(0.5, connect=2.0))
    await client.login(USERNAME, PASSWORD)
    await control.fault("slow", path="/api/sms/list", seconds=1.5)
    await client.list_sms()
    assert len(await control.requests("/sms/list")) == 2


async def test_429_waits_for_retry_after(
    client: HubClient, control: Control, recorder: Recorder
) -> None:
    await control.fault("429", path="/api/sms/send", seconds=1)
    started = time.monotonic()
    sms = await client.send_sms(SENDER, DEST, "after waiting")
    elapsed = time.monotonic() - started
    assert elapsed >= 1.0
    assert recorder.waits == [(1.0, "rate limited by the server while trying to send the SMS")]
    assert sms.text == "after waiting"
    assert [e["status"] for e in await control.requests("/sms/send")] == [429, 200]


async def test_real_throttle_gives_rate_limited_when_the_wait_is_too_long(
    client: HubClient, control: Control
) -> None:
    await control.config(rate_limit=3)
    with pytest.raises(RateLimited) as info:
        for _ in range(5):
            await client.list_sender_ids()
    assert info.value.retry_after > 5  # the window resets in up to a minute: not waited for
    assert client.rate_limit is not None and client.rate_limit.remaining == 0


async def test_malformed_json_is_an_unexpected_response(
    client: HubClient, control: Control
) -> None:
    await control.fault("malformed", path="/api/sms/list")
    with pytest.raises(UnexpectedResponse) as info:
        await client.list_sms()
    assert "list the messages" in str(info.value)
    assert "GET /api/sms/list" in str(info.value) and "HTTP 200" in str(info.value)


async def test_validation_and_refusal_over_loopback(client: HubClient) -> None:
    with pytest.raises(ValidationFailed) as invalid:
        await client.bulk_send(SENDER, ["not-a-number"], "x")
    assert invalid.value.errors
    with pytest.raises(Refused):
        await client.sms_detail(123456789)


async def test_nothing_listening_is_connect_failed(make_client: MakeClient) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    client = make_client(base_url=f"http://127.0.0.1:{port}/api", max_retries=1)
    with pytest.raises(ConnectFailed) as info:
        await client.login(USERNAME, PASSWORD)
    assert not info.value.may_have_executed
    assert "Could not reach" in str(info.value)


async def test_plain_http_to_a_remote_host_is_refused_before_any_io() -> None:
    attempts: list[httpx.Request] = []

    async def record(request: httpx.Request) -> httpx.Response:
        attempts.append(request)
        return httpx.Response(200)

    with pytest.raises(InsecureUrl):
        HubClient(
            "http://smsapi.thehubwork.com/api",
            client_id="x",
            client_secret="y",
            transport=httpx.MockTransport(record),
        )
    assert attempts == []
