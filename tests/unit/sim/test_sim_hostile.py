"""The hostile-server faults (header override, dribbling body, huge body) and hostile
message texts (a lone surrogate, NUL), in process and over real loopback HTTP."""

from __future__ import annotations

import asyncio
import json
import socket
import time

import httpx
import pytest

from hubdesk.sim import Fault, SimServer, SimState, parse_fault
from tests.unit.sim.helpers import CREDENTIALS


async def test_header_fault_sets_any_header_on_the_normal_answer(
    client: httpx.AsyncClient, auth: dict[str, str], sim_state: SimState
) -> None:
    sim_state.add_fault(
        parse_fault(
            {
                "kind": "header",
                "path": "/api/sms/list",
                "headers": {"X-RateLimit-Limit": "nan", "Retry-After": "1e400"},
            }
        )
    )
    response = await client.get("/sms/list", headers=auth)
    assert response.status_code == 200 and response.json()["status"] == "success"
    assert response.headers.get_list("x-ratelimit-limit") == ["nan"]  # replaced, not added
    assert response.headers["retry-after"] == "1e400"
    assert sim_state.requests()[-1]["fault"] == "header"
    again = await client.get("/sms/list", headers=auth)
    assert again.headers["x-ratelimit-limit"] == "1200" and "retry-after" not in again.headers


async def test_headers_ride_on_an_answering_fault_too(
    client: httpx.AsyncClient, sim_state: SimState
) -> None:
    sim_state.add_fault(parse_fault({"kind": "429", "headers": {"Retry-After": "1000000000"}}))
    response = await client.get("/sms/list")
    assert response.status_code == 429 and response.headers["retry-after"] == "1000000000"


async def test_header_fault_on_the_token_grant_still_grants(
    client: httpx.AsyncClient, sim_state: SimState
) -> None:
    sim_state.add_fault(
        parse_fault(
            {"kind": "header", "path": "/api/oauth/token", "headers": {"X-RateLimit-Limit": "inf"}}
        )
    )
    response = await client.post("/oauth/token", data=CREDENTIALS)
    assert response.status_code == 200 and response.json()["refresh_token"]
    assert response.headers["x-ratelimit-limit"] == "inf"


@pytest.mark.parametrize(
    "data",
    [
        {"kind": "header"},  # nothing to set
        {"kind": "header", "headers": {"Bad Name": "x"}},
        {"kind": "header", "headers": {"X-Split": "a\r\nInjected: b"}},
        {"kind": "header", "headers": {"X-Wide": "\u2603"}},
        {"kind": "header", "headers": ["Retry-After", "1"]},
        {"kind": "huge", "megabytes": -1},
        {"kind": "huge", "megabytes": 10_000},
        {"kind": "dribble", "seconds": float("inf")},
        {"kind": "dribble", "seconds": float("nan")},
    ],
)
def test_parse_fault_rejects_undeliverable_options(data: object) -> None:
    with pytest.raises(ValueError):
        parse_fault(data)


async def test_dribble_never_finishes_in_process(
    client: httpx.AsyncClient, auth: dict[str, str], sim_state: SimState
) -> None:
    """Through ASGITransport the whole body is gathered before the answer returns: a
    dribbled one does not return at all, until the caller gives up (and the stream ends)."""
    sim_state.add_fault(Fault("dribble", path="/api/sms/list", seconds=0.05))
    with pytest.raises(TimeoutError):
        async with asyncio.timeout(0.5):
            await client.get("/sms/list", headers=auth)
    assert sim_state.stats()["streaming"] == 0
    assert (await client.get("/sms/list", headers=auth)).status_code == 200


@pytest.mark.network
def test_dribble_sends_the_start_then_one_byte_per_interval(
    sim_server: SimServer, sim_state: SimState
) -> None:
    token = httpx.post(f"{sim_server.base_url}/oauth/token", data=CREDENTIALS).json()
    sim_state.add_fault(Fault("dribble", path="/api/sms/list", seconds=0.05))
    arrivals: list[int] = []
    headers = {"Authorization": f"Bearer {token['access_token']}"}
    with httpx.Client(base_url=sim_server.base_url) as client:
        with client.stream("GET", "/sms/list", headers=headers) as response:
            assert response.status_code == 200
            length = int(response.headers["content-length"])
            started = time.monotonic()
            for chunk in response.iter_raw():
                arrivals.append(len(chunk))
                if time.monotonic() - started > 0.5:
                    break
    assert arrivals[0] == 8  # '{"status' at once
    assert all(size == 1 for size in arrivals[1:])
    assert 4 <= len(arrivals) - 1 <= 12  # one byte per 50 ms for the rest of the 0.5 s
    assert sum(arrivals) < length  # far from done


async def test_huge_is_a_200_of_the_asked_size_without_a_length(
    client: httpx.AsyncClient, auth: dict[str, str], sim_state: SimState
) -> None:
    sim_state.add_fault(parse_fault({"kind": "huge", "megabytes": 3}))
    async with client.stream("GET", "/sms/list", headers=auth) as response:
        assert response.status_code == 200 and "content-length" not in response.headers
        size = 0
        async for chunk in response.aiter_raw():
            if size == 0:
                assert chunk.startswith(b'{"status":"success"')
            size += len(chunk)
    assert size == 3 * 1024 * 1024


@pytest.mark.network
def test_a_dribble_stops_when_the_client_goes_away(
    sim_server: SimServer, sim_state: SimState
) -> None:
    """Over uvicorn a gone client is only noticed by watching for the disconnect: the
    simulator must stop dribbling (else each such test leaves an hour-long task)."""
    token = httpx.post(f"{sim_server.base_url}/oauth/token", data=CREDENTIALS).json()
    sim_state.add_fault(Fault("dribble", path="/api/sms/list", seconds=0.05))
    with socket.create_connection((sim_server.host, sim_server.port)) as sock:
        sock.sendall(
            b"GET /api/sms/list HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
            + token["access_token"].encode()
            + b"\r\n\r\n"
        )
        assert b"200" in sock.recv(4096)
    deadline = time.monotonic() + 5
    tasks = 0
    while time.monotonic() < deadline:
        time.sleep(0.2)
        tasks = sim_state.stats().get("streaming", 0)
        if tasks == 0:
            break
    assert tasks == 0


@pytest.mark.network
def test_a_huge_body_over_loopback_can_be_abandoned(sim_server: SimServer) -> None:
    token = httpx.post(f"{sim_server.base_url}/oauth/token", data=CREDENTIALS).json()
    httpx.post(
        f"{sim_server.control_url}/faults", json={"kind": "huge", "megabytes": 400}
    ).raise_for_status()
    with httpx.Client(base_url=sim_server.base_url) as client:
        headers = {"Authorization": f"Bearer {token['access_token']}"}
        with client.stream("GET", "/sms/list", headers=headers) as response:
            got = 0
            for chunk in response.iter_raw():
                got += len(chunk)
                if got > 1024 * 1024:
                    break
        # the server is fine afterwards
        assert client.get("/sms/list", headers=headers).status_code == 200


@pytest.mark.network
def test_hostile_texts_come_out_as_json_escapes(sim_server: SimServer) -> None:
    """A lone surrogate (an emoji split across SMS parts) and NUL, injected through the
    control API, reach the client as "\\ud83d" and "\\u0000" escapes, as PHP writes them."""
    control = sim_server.control_url
    for text in ("\ud83d", "a\x00b", "\ud83d\x00\ude00"):
        raw = json.dumps({"source": "447400123456", "text": text}).encode()
        injected = httpx.post(
            f"{control}/inbound", content=raw, headers={"content-type": "application/json"}
        )
        assert injected.status_code == 200, injected.text
    token = httpx.post(f"{sim_server.base_url}/oauth/token", data=CREDENTIALS).json()
    listed = httpx.get(
        f"{sim_server.base_url}/sms/list",
        headers={"Authorization": f"Bearer {token['access_token']}"},
    )
    assert rb'"text":"\ud83d"' in listed.content
    assert rb'"text":"a\u0000b"' in listed.content
    assert rb'"text":"\ud83d\u0000\ude00"' in listed.content
    # The control surface can show them too (its JSON used to fail to encode).
    held = httpx.get(f"{control}/messages")
    assert held.status_code == 200 and rb"\ud83d" in held.content


async def test_bad_item_spoils_the_first_item_of_a_list_only(
    client: httpx.AsyncClient, auth: dict[str, str], sim_state: SimState
) -> None:
    sim_state.inject_inbound("447400123456", "one")
    sim_state.inject_inbound("447400123456", "two")
    sim_state.add_fault(Fault("bad_item", path="/api/sms/list"))
    first, second, *_ = (await client.get("/sms/list", headers=auth)).json()["data"]["data"]
    assert isinstance(first["sms_id"], int) and first["text"] == {"unreadable": True}
    assert second["text"] == "one"
    again = (await client.get("/sms/list", headers=auth)).json()["data"]["data"]
    assert again[0]["text"] == "two"
