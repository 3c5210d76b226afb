"""SimServer / AsyncSimServer over loopback, the demo inbound loop, and the hubdesk-sim CLI."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import httpx
import pytest

from hubdesk.sim import AsyncSimServer, SimConfig, SimServer, SimState
from tests.platforms import posix_only
from tests.unit.sim.helpers import CREDENTIALS

pytestmark = pytest.mark.network


def test_sim_server_urls_state_and_clean_stop() -> None:
    state = SimState(SimConfig(demo_data=False))
    with SimServer(state) as sim:
        assert sim.base_url == f"http://127.0.0.1:{sim.port}/api"
        assert sim.control_url == f"http://127.0.0.1:{sim.port}/_sim"
        assert sim.state is state
        response = httpx.post(f"{sim.base_url}/oauth/token", data=CREDENTIALS)
        assert response.status_code == 200
        assert response.headers["date"].endswith("GMT")
        assert response.headers["server"].startswith("hubdesk-sim/")
        assert len(response.headers.get_list("date")) == 1
        assert state.stats()["password_grants"] == 1
        port = sim.port
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"http://127.0.0.1:{port}/api/sms/list", timeout=2)


def test_sim_server_fixture(sim_server: SimServer, sim_state: SimState) -> None:
    sms_id = httpx.post(
        f"{sim_server.control_url}/inbound", json={"source": "447400123456", "text": "hi"}
    ).json()["sms_id"]
    assert sim_state.messages()[-1]["sms_id"] == sms_id


def test_lifespan_runs_the_inbound_generator() -> None:
    state = SimState(SimConfig(demo_data=False, inbound_every=0.2))
    with SimServer(state):
        deadline = time.monotonic() + 5
        while state.stats().get("generated_inbound", 0) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
    assert state.stats()["generated_inbound"] >= 2


async def test_async_sim_server() -> None:
    async with AsyncSimServer(config=SimConfig(demo_data=False)) as sim:
        async with httpx.AsyncClient(base_url=sim.base_url) as client:
            response = await client.post("/oauth/token", data=CREDENTIALS)
            assert response.status_code == 200
            token = response.json()["access_token"]
            listed = await client.get("/sms/detail/44147",
                                      headers={"Authorization": f"Bearer {token}"})  # fmt: skip
            assert listed.json()["data"]["delivery_status"] == "2"


def _start_cli(*args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(
        [sys.executable, "-m", "hubdesk.sim", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


@posix_only("SIGTERM to a child process (on Windows it is TerminateProcess, no clean exit)")
def test_cli_prints_the_real_port_and_stops_on_sigterm() -> None:
    proc = _start_cli("--port", "0", "--no-demo-data", "--token-ttl", "90")
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline().strip()
        prefix = "hubdesk-sim listening on http://127.0.0.1:"
        assert line.startswith(prefix) and line.endswith("/api"), line
        port = int(line[len(prefix) : -len("/api")])
        assert port > 0
        grant = httpx.post(f"http://127.0.0.1:{port}/api/oauth/token", data=CREDENTIALS)
        assert grant.json()["expires_in"] == 90
        stats = httpx.get(f"http://127.0.0.1:{port}/_sim/stats").json()
        assert stats["password_grants"] == 1
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


@posix_only("SIGINT to a child process (Windows has no Ctrl+C for one process)")
def test_cli_stops_on_ctrl_c() -> None:
    proc = _start_cli("--port", "0", "--no-demo-data")
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().startswith("hubdesk-sim listening on ")
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_cli_refuses_a_non_loopback_host() -> None:
    proc = _start_cli("--host", "0.0.0.0", "--port", "0")
    _, err = proc.communicate(timeout=20)
    assert proc.returncode == 2
    assert "--allow-remote" in err


def test_cli_rejects_bad_settings() -> None:
    proc = _start_cli("--port", "0", "--rate-limit", "0")
    _, err = proc.communicate(timeout=20)
    assert proc.returncode == 2 and "rate_limit" in err
