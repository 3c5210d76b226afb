"""Per-minute rate limit with Laravel's headers and 429."""

from __future__ import annotations

from hubdesk.sim import SimConfig, SimState, create_app
from tests.unit.sim.helpers import ManualClock, bearer, login, make_client


async def test_rate_limit_counts_down_then_429_then_resets() -> None:
    clock = ManualClock()
    state = SimState(SimConfig(demo_data=False, rate_limit=3), clock=clock)
    async with make_client(create_app(state)) as client:
        auth = bearer(await login(client))  # request 1
        first = await client.get("/sender-id/list", headers=auth)  # 2
        second = await client.get("/sender-id/list", headers=auth)  # 3
        assert [r.headers["x-ratelimit-remaining"] for r in (first, second)] == ["1", "0"]
        assert first.headers["x-ratelimit-limit"] == "3"
        clock.advance(20)
        limited = await client.get("/sender-id/list", headers=auth)
        assert limited.status_code == 429
        assert limited.json() == {"message": "Too Many Attempts."}
        assert limited.headers["retry-after"] == "40"
        assert limited.headers["x-ratelimit-reset"] == str(int(clock.now - 20 + 60))
        assert limited.headers["x-ratelimit-remaining"] == "0"
        assert state.stats()["rate_limited"] == 1
        clock.advance(40)
        again = await client.get("/sender-id/list", headers=auth)
        assert again.status_code == 200 and again.headers["x-ratelimit-remaining"] == "2"


async def test_rate_limit_is_per_client_address() -> None:
    state = SimState(SimConfig(demo_data=False, rate_limit=1))
    app = create_app(state)
    async with make_client(app, ("127.0.0.1", 1)) as one, make_client(app, ("127.0.0.2", 1)) as two:
        assert (await one.get("/sms/list")).status_code == 401
        assert (await one.get("/sms/list")).status_code == 429
        assert (await two.get("/sms/list")).status_code == 401


async def test_rate_limit_configurable_live(sim_state: SimState) -> None:
    sim_state.configure(rate_limit=5)
    async with make_client(create_app(sim_state)) as client:
        response = await client.get("/sms/list")
        assert response.headers["x-ratelimit-limit"] == "5"
        assert response.headers["x-ratelimit-remaining"] == "4"
