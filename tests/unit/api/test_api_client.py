"""HubClient against the simulator in process: every operation, every error mapping."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta, timezone

import httpx
import pytest

from hubdesk import __version__
from hubdesk.api import (
    BadCredentials,
    ConnectFailed,
    ConnectionDropped,
    HubClient,
    InsecureUrl,
    InvalidClient,
    NotSignedIn,
    PermissionDenied,
    RateLimited,
    Refused,
    ServerError,
    SessionExpired,
    Unauthenticated,
    UnexpectedResponse,
    ValidationFailed,
)
from hubdesk.api.scrub import scrub
from hubdesk.core.errors import describe_error
from hubdesk.domain import DeliveryStatus, SenderIdStatus, SmsType
from hubdesk.sim import Fault, SimState
from tests.unit.api.simclient import (
    PASSWORD,
    SENDER,
    USERNAME,
    Gate,
    MakeClient,
    Recorder,
    api_requests,
    refresh_grants,
)

DEST = "447520602707"
UK_LANDLINE = "442073771555"


# --------------------------------------------------------------------- session


async def test_login_grants_tokens_and_reports_them(
    make_client: MakeClient, recorder: Recorder, sim_state: SimState
) -> None:
    client = make_client()
    assert not client.has_session
    grant = await client.login(USERNAME, PASSWORD)
    assert client.has_session
    assert grant.customer_user_id == 2
    assert grant.expires_in == 3600
    assert recorder.grants == [grant]
    (entry,) = api_requests(sim_state, "/oauth/token")
    assert entry["form"]["grant_type"] == ["password"]
    assert entry["form"]["username"] == [USERNAME]


async def test_requests_carry_accept_user_agent_and_bearer(make_client: MakeClient) -> None:
    seen: list[httpx.Request] = []

    async def capture(request: httpx.Request) -> None:
        seen.append(request)

    client = make_client()
    client._exchange.http.event_hooks["request"].append(capture)  # observe what goes out
    await client.login(USERNAME, PASSWORD)
    await client.list_sender_ids()
    token_request, list_request = seen
    for request in seen:
        assert request.headers["accept"] == "application/json"
        assert request.headers["user-agent"] == f"HubDesk/{__version__}"
    assert "authorization" not in token_request.headers
    assert list_request.headers["authorization"].startswith("Bearer ey")


async def test_explicit_refresh_rotates_and_persists(
    client: HubClient, recorder: Recorder, sim_state: SimState
) -> None:
    first = recorder.grants[-1]
    second = await client.refresh()
    assert second.refresh_token != first.refresh_token
    assert recorder.grants[-1] == second
    assert len(refresh_grants(sim_state)) == 1
    await client.list_sender_ids()  # the new access token works


async def test_restored_refresh_token_session(
    client: HubClient, make_client: MakeClient, recorder: Recorder, sim_state: SimState
) -> None:
    stored = recorder.grants[-1].refresh_token
    restored = make_client(refresh_token=stored)
    assert restored.has_session
    page = await restored.list_sender_ids()
    assert page.total >= 1
    assert len(refresh_grants(sim_state)) == 1
    assert recorder.grants[-1].refresh_token != stored


async def test_bad_credentials(make_client: MakeClient) -> None:
    client = make_client()
    with pytest.raises(BadCredentials) as info:
        await client.login(USERNAME, "wrong-password")
    assert info.value.operation == "login"
    assert not client.has_session


async def test_invalid_client(make_client: MakeClient) -> None:
    client = make_client(client_secret="not-the-secret")
    with pytest.raises(InvalidClient) as info:
        await client.login(USERNAME, PASSWORD)
    assert info.value.status == 401
    assert "not-the-secret" not in str(info.value)


async def test_not_signed_in_sends_nothing(make_client: MakeClient, sim_state: SimState) -> None:
    client = make_client()
    with pytest.raises(NotSignedIn) as info:
        await client.send_sms(SENDER, DEST, "hi")
    assert info.value.operation == "send_sms"
    assert "send the SMS" in str(info.value)
    assert sim_state.requests() == []


async def test_expired_access_token_is_refreshed_once_on_401(
    client: HubClient, sim_state: SimState, recorder: Recorder
) -> None:
    sim_state.expire_tokens()
    await client.list_sms()
    assert len(refresh_grants(sim_state)) == 1
    statuses = [r["status"] for r in api_requests(sim_state, "/sms/list")]
    assert statuses == [401, 200]


async def test_twenty_concurrent_requests_after_expiry_refresh_once(
    client: HubClient, sim_state: SimState
) -> None:
    sim_state.expire_tokens()
    pages = await asyncio.gather(*(client.list_sms() for _ in range(20)))
    assert len(pages) == 20
    assert len(refresh_grants(sim_state)) == 1


async def test_reused_refresh_token_ends_the_session(
    client: HubClient, make_client: MakeClient, recorder: Recorder, sim_state: SimState
) -> None:
    stolen = recorder.grants[-1].refresh_token
    other = make_client(refresh_token=stolen)
    await other.refresh()  # someone else uses the refresh token first
    sim_state.expire_tokens()
    with pytest.raises(SessionExpired) as info:
        await client.list_sms()
    assert not client.has_session
    assert info.value.operation == "refresh"
    with pytest.raises(SessionExpired):
        await client.list_sms()  # no new I/O: still ended


async def test_401_after_a_successful_refresh_is_session_expired(
    client: HubClient, gate: Gate, sim_state: SimState
) -> None:
    gate.answer("/sms/list", 401, {"message": "Unauthenticated."}, count=2)
    with pytest.raises(SessionExpired) as info:
        await client.list_sms()
    assert info.value.status == 401
    assert len(refresh_grants(sim_state)) == 1
    assert not client.has_session


async def test_bare_401_from_the_token_endpoint_is_unauthenticated(
    make_client: MakeClient, gate: Gate
) -> None:
    gate.answer("/oauth/token", 401, {"message": "Unauthenticated."})
    with pytest.raises(Unauthenticated) as info:
        await make_client().login(USERNAME, PASSWORD)
    assert type(info.value) is Unauthenticated
    assert info.value.status == 401


# ----------------------------------------------------------------- operations


async def test_sender_ids(client: HubClient, sim_state: SimState) -> None:
    page = await client.list_sender_ids()
    assert page.current_page == 1
    assert any(s.sender_id == SENDER and s.approved for s in page)
    message = await client.add_sender_id("HUBDESK")
    assert "created successfully" in message
    everything = await client.all_sender_ids()
    added = [s for s in everything if s.sender_id == "HUBDESK"]
    assert added and added[0].status is SenderIdStatus.AWAITING_APPROVAL
    assert api_requests(sim_state, "/sender-id/add")[0]["form"] == {"sender_id": ["HUBDESK"]}


async def test_all_sender_ids_walks_every_page(client: HubClient) -> None:
    for n in range(12):
        await client.add_sender_id(f"SND{n:02d}")
    everything = await client.all_sender_ids()
    names = [s.sender_id for s in everything]
    assert len(names) == len(set(names))
    assert {f"SND{n:02d}" for n in range(12)} <= set(names)
    assert len(names) > 10  # more than one page of 10


async def test_send_sms_returns_the_stored_message(client: HubClient, sim_state: SimState) -> None:
    sms = await client.send_sms(SENDER, DEST, "Hello from HubDesk")
    assert sms.source == SENDER and sms.destination == DEST
    assert sms.text == "Hello from HubDesk"
    assert sms.type is SmsType.SENT
    assert sms.delivery_status is DeliveryStatus.PENDING
    assert sms.chat_partner == DEST
    detail = await client.sms_detail(sms.sms_id)
    assert detail.sms_id == sms.sms_id
    assert detail.sms_count == 1
    (entry,) = api_requests(sim_state, "/sms/send")
    assert entry["form"] == {
        "source": [SENDER],
        "destination": [DEST],
        "text": ["Hello from HubDesk"],
    }


async def test_bulk_send_repeats_destination_brackets(
    client: HubClient, sim_state: SimState
) -> None:
    result = await client.bulk_send(SENDER, [DEST, "447700900123"], "Bulk hello")
    assert result.delivery_status is DeliveryStatus.PENDING
    assert result.message
    (entry,) = api_requests(sim_state, "/sms/bulk-send")
    assert entry["form"]["destination[]"] == [DEST, "447700900123"]
    page = await client.list_sms(sender=SENDER)
    assert sum(1 for s in page if s.text == "Bulk hello") == 2


async def test_list_sms_filters_and_formats_times(client: HubClient, sim_state: SimState) -> None:
    sent = await client.send_sms(SENDER, DEST, "filter me")
    since = sent.time - timedelta(seconds=1)
    local = since.astimezone(timezone(timedelta(hours=2)))
    page = await client.list_sms(sender=SENDER, receiver=DEST, sent_since=local)
    assert [s.sms_id for s in page] == [sent.sms_id]
    query = api_requests(sim_state, "/sms/list")[-1]["query"]
    assert query["sent_since"] == since.strftime("%Y-%m-%d %H:%M:%S")  # UTC on the wire
    assert query["page"] == "1"
    empty = await client.list_sms(sent_until=datetime(2000, 1, 1, tzinfo=UTC))
    assert len(empty) == 0 and empty.first_item is None


async def test_iter_sms_pages_walks_to_the_last_page(client: HubClient) -> None:
    for n in range(23):
        await client.send_sms(SENDER, DEST, f"page test {n}")
    pages = [page async for page in client.iter_sms_pages(sender=SENDER, receiver=DEST)]
    assert [p.current_page for p in pages] == list(range(1, pages[0].last_page + 1))
    ids = [s.sms_id for p in pages for s in p]
    assert len(ids) == len(set(ids)) == pages[0].total
    later = [p.current_page async for p in client.iter_sms_pages(sender=SENDER, start_page=2)]
    assert later[0] == 2


async def test_dial_and_masked_dial(client: HubClient, sim_state: SimState) -> None:
    result = await client.dial(UK_LANDLINE)
    assert result.call_id
    assert UK_LANDLINE in result.message
    masked = await client.dial_masked("442035043990", "442035041824")
    assert masked.call_id and masked.call_id != result.call_id
    assert api_requests(sim_state, "/click-to-dial-mask/dial")[0]["form"] == {
        "source": ["442035043990"],
        "destination": ["442035041824"],
    }


# --------------------------------------------------------------------- errors


async def test_validation_failed_lists_the_fields(client: HubClient) -> None:
    with pytest.raises(ValidationFailed) as info:
        await client.send_sms("NOTAPPROVED", DEST, "")
    err = info.value
    assert err.status == 422
    assert "source" in err.errors
    assert "source" in str(err) and "send the SMS" in str(err)
    assert not err.may_have_executed


async def test_dial_refuses_non_uk_numbers(client: HubClient) -> None:
    with pytest.raises(ValidationFailed) as info:
        await client.dial("12025550123")
    assert "destination" in info.value.errors


async def test_unknown_sms_is_refused_with_the_server_reason(client: HubClient) -> None:
    with pytest.raises(Refused) as info:
        await client.sms_detail(999_999_999)
    assert info.value.status == 404
    assert "SMS not found" in str(info.value)


async def test_status_error_with_200_is_refused(client: HubClient, gate: Gate) -> None:
    gate.answer("/sender-id/add", 200, {"status": "error", "message": "Sender ID limit reached."})
    with pytest.raises(Refused) as info:
        await client.add_sender_id("ANOTHER")
    assert "Sender ID limit reached" in str(info.value)
    assert info.value.status == 200


async def test_permission_denied(client: HubClient, sim_state: SimState) -> None:
    sim_state.add_fault(Fault("403", path="/api/click-to-dial/dial"))
    with pytest.raises(PermissionDenied) as info:
        await client.dial(UK_LANDLINE)
    assert info.value.status == 403
    assert "place the call" in str(info.value)
    assert "Invalid scope(s) provided" in str(info.value)


@pytest.mark.parametrize(
    "body",
    [
        b"<html>oops</html>",
        b"[1, 2, 3]",
        b'{"status": "success", "message": "success", "data": {"current_page": 1}}',
        b'{"status": "success", "message": "success", "data": {"data": "x", "current_page": 1}}',
    ],
)
async def test_wrong_bodies_are_unexpected_responses(
    client: HubClient, gate: Gate, body: bytes
) -> None:
    gate.answer("/sms/list", 200, body)
    with pytest.raises(UnexpectedResponse) as info:
        await client.list_sms()
    assert "GET /api/sms/list" in str(info.value)
    assert "HTTP 200" in str(info.value)
    assert info.value.operation == "list_sms"


async def test_malformed_json_from_the_simulator(client: HubClient, sim_state: SimState) -> None:
    sim_state.add_fault(Fault("malformed", path="/api/sms/detail"))
    with pytest.raises(UnexpectedResponse) as info:
        await client.sms_detail(747033)
    assert "not valid JSON" in str(info.value)


async def test_malformed_answer_to_a_send_may_have_executed(
    client: HubClient, sim_state: SimState
) -> None:
    # The simulator's malformed fault executes the send, then garbles the reply.
    sim_state.add_fault(Fault("malformed", path="/api/sms/send", method="POST"))
    with pytest.raises(UnexpectedResponse) as info:
        await client.send_sms(SENDER, DEST, "garbled reply")
    err = info.value
    assert err.may_have_executed
    assert err.operation == "send_sms" and err.status == 200
    assert "POST /api/sms/send" in str(err) and "not valid JSON" in str(err)
    assert "it may or may not have been sent" in str(err)
    assert len(api_requests(sim_state, "/sms/send")) == 1  # never retried
    sent = [m for m in sim_state.messages() if m["text"] == "garbled reply"]
    assert len(sent) == 1  # the server did act on it
    sentence = describe_error(err)
    assert "may or may not have been sent" in sentence
    assert "could not be read, HTTP 200" in sentence


async def test_malformed_answer_to_a_read_or_a_grant_did_not_execute(
    client: HubClient, make_client: MakeClient, sim_state: SimState
) -> None:
    sim_state.add_fault(Fault("malformed", path="/api/sms/list"))
    with pytest.raises(UnexpectedResponse) as read:
        await client.list_sms()
    assert not read.value.may_have_executed
    assert "may or may not" not in str(read.value)
    sim_state.add_fault(Fault("malformed", path="/api/oauth/token"))
    with pytest.raises(UnexpectedResponse) as grant:
        await make_client().login(USERNAME, PASSWORD)
    assert not grant.value.may_have_executed


async def test_503_on_a_get_is_retried_and_succeeds(
    client: HubClient, sim_state: SimState, recorder: Recorder
) -> None:
    sim_state.add_fault(Fault("503", count=2, path="/api/sms/list"))
    page = await client.list_sms()
    assert page.current_page == 1
    statuses = [r["status"] for r in api_requests(sim_state, "/sms/list")]
    assert statuses == [503, 503, 200]
    assert len(recorder.waits) == 2


async def test_503_on_a_get_gives_up_after_max_retries(
    make_client: MakeClient, sim_state: SimState
) -> None:
    client = make_client(max_retries=1)
    await client.login(USERNAME, PASSWORD)
    sim_state.add_fault(Fault("503", count=5, path="/api/sms/list"))
    with pytest.raises(ServerError) as info:
        await client.list_sms()
    assert info.value.status == 503
    assert len(api_requests(sim_state, "/sms/list")) == 2


async def test_502_html_on_a_get_is_retried(client: HubClient, sim_state: SimState) -> None:
    sim_state.add_fault(Fault("502", path="/api/sender-id/list"))
    await client.list_sender_ids()
    assert [r["status"] for r in api_requests(sim_state, "/sender-id/list")] == [502, 200]


@pytest.mark.parametrize("kind", ["500", "502", "503"])
async def test_5xx_on_send_is_not_retried_and_may_have_executed(
    client: HubClient, sim_state: SimState, kind: str
) -> None:
    sim_state.add_fault(Fault(kind, path="/api/sms/send"))  # type: ignore[arg-type]
    with pytest.raises(ServerError) as info:
        await client.send_sms(SENDER, DEST, "maybe")
    assert info.value.may_have_executed
    assert str(info.value) == (
        "The server did not confirm the message; it may or may not have been sent."
    )
    assert len(api_requests(sim_state, "/sms/send")) == 1


async def test_dropped_connection_on_send_is_not_retried(
    client: HubClient, sim_state: SimState
) -> None:
    sim_state.add_fault(Fault("drop_after", path="/api/sms/send"))
    with pytest.raises(ConnectionDropped) as info:
        await client.send_sms(SENDER, DEST, "maybe")
    assert info.value.may_have_executed
    assert "may or may not have been sent" in str(info.value)
    assert len(api_requests(sim_state, "/sms/send")) == 1


async def test_dropped_connection_on_a_get_is_retried(
    client: HubClient, sim_state: SimState
) -> None:
    sim_state.add_fault(Fault("drop_before", path="/api/sms/list"))
    await client.list_sms()
    assert len(api_requests(sim_state, "/sms/list")) == 2


async def test_429_waits_for_retry_after_then_retries_even_a_post(
    client: HubClient, sim_state: SimState, recorder: Recorder
) -> None:
    sim_state.add_fault(Fault("429", path="/api/sms/send", seconds=1))
    started = asyncio.get_running_loop().time()
    sms = await client.send_sms(SENDER, DEST, "after the limit")
    assert asyncio.get_running_loop().time() - started >= 1.0
    assert sms.text == "after the limit"
    assert recorder.waits[0][0] == 1.0
    assert "rate limited" in recorder.waits[0][1]
    assert client.rate_limit is not None and client.rate_limit.limit == 1200


async def test_429_beyond_the_wait_limit_is_raised(client: HubClient, sim_state: SimState) -> None:
    sim_state.add_fault(Fault("429", path="/api/sms/list", seconds=30))
    with pytest.raises(RateLimited) as info:
        await client.list_sms()
    assert info.value.retry_after == 30
    assert not info.value.may_have_executed
    assert "30 s" in str(info.value)


async def test_real_rate_limit_updates_rate_limit_info(
    client: HubClient, sim_state: SimState
) -> None:
    await client.list_sender_ids()
    info = client.rate_limit
    assert info is not None and info.limit == 1200
    assert info.remaining is not None and info.remaining < 1200
    before = info.observed_at
    await client.list_sender_ids()
    assert client.rate_limit is not None
    assert client.rate_limit.observed_at >= before
    assert client.rate_limit.remaining == info.remaining - 1


async def test_connect_failure_is_retried_then_raised(make_client: MakeClient) -> None:
    attempts = 0

    async def refuse(request: httpx.Request) -> httpx.Response:
        nonlocal attempts
        attempts += 1
        raise httpx.ConnectError("connection refused", request=request)

    client = make_client(transport=httpx.MockTransport(refuse), max_retries=2)
    with pytest.raises(ConnectFailed) as info:
        await client.login(USERNAME, PASSWORD)
    assert attempts == 3  # a POST that never connected may be retried
    assert not info.value.may_have_executed
    assert info.value.status is None


def test_plain_http_to_a_remote_host_is_refused_before_io(make_client: MakeClient) -> None:
    with pytest.raises(InsecureUrl):
        HubClient("http://smsapi.thehubwork.com/api", client_id="x", client_secret="y")


def test_repr_shows_only_the_base_url() -> None:
    client = HubClient(
        "https://smsapi.thehubwork.com/api/",
        client_id="hubdesk-demo",
        client_secret="demo-secret",
        refresh_token="def502-refresh-secret",
    )
    assert repr(client) == "HubClient(base_url='https://smsapi.thehubwork.com/api')"
    assert client.base_url == "https://smsapi.thehubwork.com/api"
    assert client.has_session


def test_scrub_removes_secrets_without_mangling_words() -> None:
    token = "def50200" + "a1b2c3" * 20
    said = f"refresh_token={token}&x; client secret 'b'; Invalid number; pass1 pass12"
    clean = scrub(said, [token, "b", "pass1", ""])
    assert token not in clean and "refresh_token=[redacted]&x" in clean
    assert "client secret '[redacted]'" in clean
    assert "Invalid number" in clean  # a one-letter secret is not cut out of words
    assert "[redacted] pass12" in clean
    assert scrub(f"xx{token}yy", [token]) == "xx[redacted]yy"  # long ones: anywhere
    assert scrub("abc#12 and #123", ["#12"]) == "abc[redacted] and #123"  # "#" is no letter
