"""Outbound SMS go Pending, then Sent, or Failed for an impossible number (lazily, on read)."""

from __future__ import annotations

import httpx

from hubdesk.sim import SimConfig, SimState, create_app
from tests.unit.sim.helpers import ManualClock, bearer, login, make_client

SOURCE = "447520602706"


async def statuses(client: httpx.AsyncClient, auth: dict[str, str]) -> dict[str, str]:
    rows = (await client.get("/sms/list", params={"sender": SOURCE}, headers=auth)).json()
    return {r["destination"]: r["delivery_status"] for r in rows["data"]["data"][:3]}


async def test_pending_then_sent_or_failed() -> None:
    clock = ManualClock()
    state = SimState(SimConfig(demo_data=False, delivery_delay=2.0), clock=clock)
    async with make_client(create_app(state)) as client:
        auth = bearer(await login(client))
        sent = await client.post(
            "/sms/send",
            data={"source": SOURCE, "destination": "447400123456", "text": "a"},
            headers=auth,
        )
        sms_id = sent.json()["sms"]["sms_id"]
        form = {
            "source": SOURCE,
            "text": "b",
            "destination[]": ["447700172124234235252524", "15167259623"],
        }
        await client.post("/sms/bulk-send", data=form, headers=auth)
        assert await statuses(client, auth) == {
            "447400123456": "0",
            "447700172124234235252524": "0",
            "15167259623": "0",
        }
        clock.advance(1.9)
        detail = await client.get(f"/sms/detail/{sms_id}", headers=auth)
        assert detail.json()["data"]["delivery_status"] == "0"
        clock.advance(0.1)
        assert await statuses(client, auth) == {
            "447400123456": "1",
            "447700172124234235252524": "2",
            "15167259623": "1",
        }
        detail = await client.get(f"/sms/detail/{sms_id}", headers=auth)
        assert detail.json()["data"]["delivery_status"] == "1"


async def test_delivery_delay_is_configurable_live() -> None:
    clock = ManualClock()
    state = SimState(SimConfig(demo_data=False), clock=clock)
    state.configure(delivery_delay=0)
    async with make_client(create_app(state)) as client:
        auth = bearer(await login(client))
        body = (
            await client.post(
                "/sms/send",
                data={"source": SOURCE, "destination": "447400123456", "text": "a"},
                headers=auth,
            )
        ).json()
        assert body["delivery_status"] == "0"  # the send answer always says Pending
        assert state.messages()[-1]["delivery_status"] == "1"
