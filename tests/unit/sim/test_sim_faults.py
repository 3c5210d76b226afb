"""Injected faults, in process (ASGITransport) and over real loopback HTTP."""

from __future__ import annotations

import json
import time

import httpx
import pytest

from hubdesk.sim import Fault, SimServer, SimState, parse_fault
from tests.unit.sim.helpers import CREDENTIALS, bearer, login

SEND = {"source": "447520602706", "destination": "447520602707", "text": "fault test"}


def sent(state: SimState) -> int:
    return sum(1 for m in state.messages() if m["origin"] == "send")


async def test_drop_before_is_a_transport_error_and_not_executed(
    client: httpx.AsyncClient, auth: dict[str, str], sim_state: SimState
) -> None:
    sim_state.add_fault(Fault("drop_before", path="/api/sms/send"))
    with pytest.raises(httpx.RemoteProtocolError):
        await client.post("/sms/send", data=SEND, headers=auth)
    assert sent(sim_state) == 0
    assert (await client.post("/sms/send", data=SEND, headers=auth)).status_code == 200
    assert sent(sim_state) == 1
    log = sim_state.requests()
    assert (log[-2]["fault"], log[-2]["status"]) == ("drop_before", 0)


async def test_drop_after_is_a_transport_error_but_executed(
    client: httpx.AsyncClient, auth: dict[str, str], sim_state: SimState
) -> None:
    sim_state.add_fault(Fault("drop_after", path="/api/sms/send"))
    with pytest.raises(httpx.TransportError):
        await client.post("/sms/send", data=SEND, headers=auth)
    assert sent(sim_state) == 1


async def test_malformed_is_200_with_a_broken_body(
    client: httpx.AsyncClient, auth: dict[str, str], sim_state: SimState
) -> None:
    sim_state.add_fault(Fault("malformed", path="/api/sms/send"))
    response = await client.post("/sms/send", data=SEND, headers=auth)
    assert response.status_code == 200
    with pytest.raises(json.JSONDecodeError):
        response.json()
    assert sent(sim_state) == 1  # the server did the work; the answer got mangled


@pytest.mark.parametrize(
    "kind,status,ctype",
    [
        ("500", 500, "application/json"),
        ("502", 502, "text/html"),
        ("503", 503, "application/json"),
        ("429", 429, "application/json"),
    ],
)
async def test_error_statuses_do_not_execute(
    client: httpx.AsyncClient,
    auth: dict[str, str],
    sim_state: SimState,
    kind: str,
    status: int,
    ctype: str,
) -> None:
    sim_state.add_fault(parse_fault({"kind": kind, "path": "/api/sms/send", "seconds": 7}))
    response = await client.post("/sms/send", data=SEND, headers=auth)
    assert response.status_code == status
    assert response.headers["content-type"].startswith(ctype)
    assert "x-ratelimit-limit" in response.headers
    if kind in ("503", "429"):
        assert response.headers["retry-after"] == "7"
    if kind == "429":
        assert response.json() == {"message": "Too Many Attempts."}
        assert int(response.headers["x-ratelimit-reset"]) >= int(time.time()) + 6
    assert sent(sim_state) == 0


async def test_403_is_invalid_scope_and_not_executed(
    client: httpx.AsyncClient, auth: dict[str, str], sim_state: SimState
) -> None:
    sim_state.add_fault(parse_fault({"kind": "403", "path": "/api/sms/send"}))
    response = await client.post("/sms/send", data=SEND, headers=auth)
    assert response.status_code == 403
    assert response.json() == {"message": "Invalid scope(s) provided."}
    assert "x-ratelimit-limit" in response.headers
    assert sent(sim_state) == 0
    assert sim_state.requests()[-1]["fault"] == "403"


@pytest.mark.sim_config(latency=0.2)
async def test_latency_delays_every_api_answer(
    client: httpx.AsyncClient, auth: dict[str, str], sim_state: SimState
) -> None:
    for request in (client.get("/sms/list", headers=auth), client.get("/nowhere")):
        started = time.monotonic()
        response = await request
        assert time.monotonic() - started >= 0.2
        assert response.status_code in (200, 404)
    sim_state.add_fault(Fault("500"))
    started = time.monotonic()
    assert (await client.get("/sms/list", headers=auth)).status_code == 500
    assert time.monotonic() - started >= 0.2  # a fault's answer travels back just as slowly
    assert sim_state.stats()["faults"] == 1  # latency is a setting, not a fault
    sim_state.configure(latency=0)
    started = time.monotonic()
    await client.get("/sms/list", headers=auth)
    assert time.monotonic() - started < 0.2


async def test_503_without_seconds_has_no_retry_after(
    client: httpx.AsyncClient, sim_state: SimState
) -> None:
    sim_state.add_fault(Fault("503"))
    response = await client.get("/sms/list")
    assert response.status_code == 503 and "retry-after" not in response.headers


async def test_slow_delays_the_answer(
    client: httpx.AsyncClient, auth: dict[str, str], sim_state: SimState
) -> None:
    sim_state.add_fault(Fault("slow", seconds=0.3))
    started = time.monotonic()
    response = await client.get("/sms/list", headers=auth)
    assert response.status_code == 200
    assert time.monotonic() - started >= 0.3


async def test_count_path_and_method_filters(
    client: httpx.AsyncClient, auth: dict[str, str], sim_state: SimState
) -> None:
    sim_state.add_fault(Fault("500", count=2, path="/api/sms/list", method="GET"))
    assert (await client.get("/sender-id/list", headers=auth)).status_code == 200
    assert (await client.post("/sms/list", headers=auth)).status_code == 405
    assert (await client.get("/sms/list", headers=auth)).status_code == 500
    assert (await client.get("/sms/list", headers=auth)).status_code == 500
    assert (await client.get("/sms/list", headers=auth)).status_code == 200
    assert sim_state.faults() == []


async def test_faults_apply_in_order_added(client: httpx.AsyncClient, sim_state: SimState) -> None:
    sim_state.add_fault(Fault("502"))
    sim_state.add_fault(Fault("500"))
    assert (await client.get("/sms/list")).status_code == 502
    assert (await client.get("/sms/list")).status_code == 500
    assert (await client.get("/sms/list")).status_code == 401


@pytest.mark.parametrize(
    "data",
    [{"kind": "teapot"}, {"kind": "500", "count": 0}, {"kind": "slow", "seconds": -1}, []],
)
def test_parse_fault_rejects_nonsense(data: object) -> None:
    with pytest.raises(ValueError):
        parse_fault(data)


@pytest.mark.network
def test_drops_over_real_loopback(sim_server: SimServer, sim_state: SimState) -> None:
    with httpx.Client(base_url=sim_server.base_url) as client:
        token = client.post("/oauth/token", data=CREDENTIALS).json()
        headers = {"Authorization": f"Bearer {token['access_token']}"}
        for kind, executed in (("drop_before", 0), ("drop_after", 1)):
            httpx.post(f"{sim_server.control_url}/faults", json={"kind": kind}).raise_for_status()
            before = sent(sim_state)
            with pytest.raises(httpx.RemoteProtocolError):
                client.post("/sms/send", data=SEND, headers=headers)
            assert sent(sim_state) - before == executed
        # the server is fine afterwards
        assert client.post("/sms/send", data=SEND, headers=headers).status_code == 200
        httpx.post(f"{sim_server.control_url}/faults", json={"kind": "malformed"})
        response = client.get("/sms/list", headers=headers)
        assert response.status_code == 200
        with pytest.raises(json.JSONDecodeError):
            response.json()


async def test_login_helper_still_works_after_fault_cleared(
    client: httpx.AsyncClient, sim_state: SimState
) -> None:
    sim_state.add_fault(Fault("500", path="/api/oauth"))
    assert (await client.post("/oauth/token", data=CREDENTIALS)).status_code == 500
    sim_state.add_fault(Fault("500", path="/api/oauth"))
    sim_state.clear_faults()
    assert bearer(await login(client))
