"""The /_sim control surface (loopback only) and the same operations on SimState."""

from __future__ import annotations

import httpx
import pytest

from hubdesk.sim import SimApp, SimConfig, SimError, SimState, create_app
from tests.unit.sim.helpers import CREDENTIALS, ManualClock, bearer, login, make_client


@pytest.fixture
async def control(sim_app: SimApp) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(sim_app, client=("127.0.0.1", 50001)),
        base_url="http://127.0.0.1:8765/_sim",
    )


async def test_inbound_defaults_and_shape(
    control: httpx.AsyncClient, client: httpx.AsyncClient, auth: dict[str, str]
) -> None:
    response = await control.post("/inbound", json={"source": "447400123456", "text": "Hello"})
    assert response.status_code == 200
    sms_id = response.json()["sms_id"]
    assert sms_id == 747034
    detail = (await client.get(f"/sms/detail/{sms_id}", headers=auth)).json()["data"]
    assert detail["source"] == "447400123456" and detail["destination"] == "447520602706"
    assert (detail["type"], detail["read_status"], detail["delivery_status"]) == ("2", "0", "1")


async def test_inbound_with_destination_and_time(
    control: httpx.AsyncClient, sim_state: SimState
) -> None:
    body = {"source": "+447400123456", "text": "Hi", "destination": "13234710258",
            "time": "2025-06-01 10:00:00"}  # fmt: skip
    sms_id = (await control.post("/inbound", json=body)).json()["sms_id"]
    stored = [m for m in sim_state.messages() if m["sms_id"] == sms_id][0]
    assert stored["source"] == "447400123456" and stored["destination"] == "13234710258"
    assert stored["time"] == "2025-06-01 10:00:00"


@pytest.mark.parametrize(
    "body,status",
    [
        ({"text": "x"}, 400),
        ({"source": "447400123456", "text": ""}, 422),
        ({"source": "447400123456", "text": "x", "time": "yesterday"}, 422),
    ],
)
async def test_inbound_rejects_bad_input(
    control: httpx.AsyncClient, body: dict[str, str], status: int
) -> None:
    assert (await control.post("/inbound", json=body)).status_code == status


def test_inject_inbound_python_api_raises_422(sim_state: SimState) -> None:
    with pytest.raises(SimError) as caught:
        sim_state.inject_inbound("447400123456", "")
    assert caught.value.status == 422


async def test_request_log_hides_secrets(
    control: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    grant = await login(client)
    refresh = {
        "grant_type": "refresh_token",
        "refresh_token": grant["refresh_token"],
        "client_id": "hubdesk-demo",
        "client_secret": "demo-secret",
    }
    new = await client.post("/oauth/token", files={k: (None, v) for k, v in refresh.items()})
    await client.get(
        "/sms/list", params={"sender": "SMTEST", "page": "2"}, headers=bearer(new.json())
    )
    log = (await control.get("/requests")).json()
    text = str(log)
    for secret in (
        CREDENTIALS["password"],
        "demo-secret",
        grant["refresh_token"],
        grant["access_token"],
    ):
        assert secret not in text
    assert log[0]["form"]["password"] == ["***"] and log[0]["form"]["username"] == [
        CREDENTIALS["username"]
    ]
    assert log[1]["form"]["refresh_token"] == ["***"]
    last = log[2]
    assert last["method"] == "GET" and last["path"] == "/api/sms/list"
    assert last["query"] == {"sender": "SMTEST", "page": "2"}
    assert last["auth"] is True and last["status"] == 200 and last["form"] == {}
    assert log[0]["auth"] is False and "T" in log[0]["at"]
    assert (await control.delete("/requests")).status_code == 200
    assert (await control.get("/requests")).json() == []


async def test_faults_endpoints(control: httpx.AsyncClient, client: httpx.AsyncClient) -> None:
    armed = await control.post("/faults", json={"kind": "500", "count": 2, "path": "/api/sms"})
    assert armed.status_code == 200
    assert (await control.get("/faults")).json()[0]["count"] == 2
    assert (await control.post("/faults", json={"kind": "nope"})).status_code == 400
    assert (await client.get("/sms/list")).status_code == 500
    assert (await control.delete("/faults")).status_code == 200
    assert (await client.get("/sms/list")).status_code == 401


async def test_expire_and_revoke_tokens(
    control: httpx.AsyncClient, client: httpx.AsyncClient, sim_state: SimState
) -> None:
    grant = await login(client)
    assert (await control.post("/tokens/expire")).json() == {"expired": 1}
    assert (await client.get("/sms/list", headers=bearer(grant))).status_code == 401
    refreshed = await client.post(
        "/oauth/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": grant["refresh_token"],
            "client_id": "hubdesk-demo",
            "client_secret": "demo-secret",
        },
    )
    assert refreshed.status_code == 200
    new = refreshed.json()
    assert (await client.get("/sms/list", headers=bearer(new))).status_code == 200
    await control.post("/tokens/revoke")
    assert (await client.get("/sms/list", headers=bearer(new))).status_code == 401
    again = await client.post(
        "/oauth/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": new["refresh_token"],
            "client_id": "hubdesk-demo",
            "client_secret": "demo-secret",
        },
    )
    assert again.json()["hint"] == "Token has been revoked"
    assert sim_state.stats()["refreshes"] == 1


async def test_reset_returns_to_seed(
    control: httpx.AsyncClient, client: httpx.AsyncClient, sim_state: SimState
) -> None:
    auth = bearer(await login(client))
    await client.post(
        "/sms/send",
        headers=auth,
        data={"source": "447520602706", "destination": "447520602707", "text": "x"},
    )
    await control.post("/config", json={"rate_limit": 50})
    seeded = len(sim_state.messages()) - 1
    assert (await control.post("/reset")).status_code == 200
    assert len(sim_state.messages()) == seeded
    assert sim_state.config.rate_limit == 1200
    assert (await client.get("/sms/list", headers=auth)).status_code == 401  # tokens gone
    auth = bearer(await login(client))
    await control.post("/reset", json={"keep_tokens": True})
    assert (await client.get("/sms/list", headers=auth)).status_code == 200


async def test_config_endpoint(control: httpx.AsyncClient, sim_state: SimState) -> None:
    response = await control.post(
        "/config",
        json={
            "token_ttl": 5,
            "rate_limit": 7,
            "delivery_delay": 0.5,
            "inbound_every": 3,
            "latency": 0.02,
        },
    )
    assert response.json() == {
        "token_ttl": 5,
        "rate_limit": 7,
        "delivery_delay": 0.5,
        "inbound_every": 3,
        "latency": 0.02,
    }
    assert sim_state.config.token_ttl == 5
    assert sim_state.config.latency == 0.02
    for bad in (
        {"token_ttl": 0},
        {"rate_limit": "many"},
        {"delivery_delay": -1},
        {"latency": -0.1},
        {"latency": "slow"},
        {"password": "x"},
    ):
        assert (await control.post("/config", json=bad)).status_code == 400
    assert (await control.get("/config")).json()["rate_limit"] == 7


async def test_messages_calls_stats_sender_ids(
    control: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    auth = bearer(await login(client))
    await client.post("/click-to-dial/dial", data={"destination": "442073771555"}, headers=auth)
    messages = (await control.get("/messages")).json()
    assert [m["sms_id"] for m in messages] == sorted(m["sms_id"] for m in messages)
    assert {m["origin"] for m in messages} == {"seed"}
    assert (await control.get("/calls")).json()[0]["destination"] == "442073771555"
    stats = (await control.get("/stats")).json()
    assert stats["password_grants"] == 1 and stats["dials"] == 1
    assert stats["live_access_tokens"] == 1
    ids = (await control.get("/sender-ids")).json()
    assert [s["id"] for s in ids] == [1, 61, 678, 813]
    assert (await control.post("/sender-ids/approve", json={"sender_id": "SMTEST"})).json() == {
        "approved": "SMTEST"
    }
    assert (await control.post("/sender-ids/approve", json={"sender_id": "X"})).status_code == 404


@pytest.mark.parametrize("host", ["10.0.0.5", "192.168.1.20", "2001:db8::1"])
async def test_control_refuses_non_loopback(sim_app: SimApp, host: str) -> None:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(sim_app, client=(host, 40000)),
        base_url="http://sim/_sim",
    ) as remote:
        for method, path in (("GET", "/stats"), ("POST", "/reset"), ("GET", "/requests")):
            response = await remote.request(method, path)
            assert response.status_code == 403
        # the API itself still answers
        assert (await remote.get("http://sim/api/sms/list")).status_code == 401


async def test_control_accepts_ipv6_loopback(sim_app: SimApp) -> None:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(sim_app, client=("::1", 40000)), base_url="http://sim"
    ) as local:
        assert (await local.get("/_sim/stats")).status_code == 200


def test_inbound_every_tick() -> None:
    clock = ManualClock()
    state = SimState(SimConfig(demo_data=False, inbound_every=10), clock=clock)
    before = len(state.messages())
    assert state.tick() is None
    clock.advance(10)
    sms_id = state.tick()
    assert sms_id is not None
    new = state.messages()[-1]
    assert new["source"].startswith("4474001") and new["type"] == "2" and new["text"]
    assert state.tick() is None
    state.configure(inbound_every=0)
    clock.advance(100)
    assert state.tick() is None
    assert len(state.messages()) == before + 1


async def test_demo_data_flag() -> None:
    with_demo = SimState(SimConfig(demo_data=True))
    demo = [m for m in with_demo.messages() if m["origin"] == "demo"]
    assert len({m["source"] if m["type"] == "2" else m["destination"] for m in demo}) >= 24
    assert all(m["sms_id"] >= 747034 for m in demo)
    assert any(m["read_status"] == "0" for m in demo)
    async with make_client(create_app(with_demo)) as client:
        auth = bearer(await login(client))
        sent = await client.post(
            "/sms/send",
            headers=auth,
            data={"source": "447520602706", "destination": "447400123456", "text": "x"},
        )
        assert sent.json()["sms"]["sms_id"] == max(m["sms_id"] for m in demo) + 1


async def test_demo_contacts_are_the_people_of_the_demo_history() -> None:
    with_demo = SimState(SimConfig(demo_data=True))
    people = with_demo.demo_contacts()
    partners = {
        m["source"] if m["type"] == "2" else m["destination"]
        for m in with_demo.messages()
        if m["origin"] == "demo"
    }
    assert people and {p.number for p in people} == partners
    assert all(p.name and p.number.startswith("4474001") for p in people)
    generated = SimState(SimConfig(demo_data=False), clock=lambda: 1_800_000_000.0)
    sms_id = generated.generate_inbound()  # inbound texts come from the same people
    source = next(m["source"] for m in generated.messages() if m["sms_id"] == sms_id)
    assert source in {p.number for p in generated.demo_contacts()}
