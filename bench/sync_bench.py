"""Sync engine benchmarks against hubdesk-sim over loopback (see bench/README.md).

    python bench/sync_bench.py [--quick]

Each line reports a measured value, its goal and the ratio (value / goal), all from this
run; the script exits non-zero when a goal is missed. ``--quick`` skips the scenario
where the rate limiter binds (it waits out a one-minute window).
"""

from __future__ import annotations

import argparse
import asyncio
import math
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx

from hubdesk.api import HubClient
from hubdesk.domain.times import format_server_time
from hubdesk.sim import SimConfig, SimServer, SimState
from hubdesk.store.worker import DbWorker
from hubdesk.sync.backfill import Backfill
from hubdesk.sync.clock import ServerClock, ServerClockTransport
from hubdesk.sync.pacing import RatePacer, reserve_for
from hubdesk.sync.poller import Poller

LIST = "/api/sms/list"
CONCURRENCY = 6


@dataclass
class Row:
    name: str
    value: float
    goal: float
    unit: str
    ok: bool

    @property
    def ratio(self) -> float:
        return self.value / self.goal if self.goal else float("inf")


ROWS: list[Row] = []


def record(name: str, value: float, goal: float, unit: str, *, exact: bool = False) -> None:
    ok = value == goal if exact else value <= goal
    ROWS.append(Row(name, value, goal, unit, ok))


@dataclass
class Env:
    sim: SimServer
    client: HubClient
    clock: ServerClock
    worker: DbWorker

    def list_requests(self) -> int:
        return sum(1 for r in self.sim.state.requests() if r["path"] == LIST)


@asynccontextmanager
async def env(
    tmp: Path, name: str, *, login: bool = True, **settings: object
) -> AsyncIterator[Env]:
    config = SimConfig().with_changes(**{"demo_data": False, "delivery_delay": 0.0, **settings})
    with SimServer(SimState(config)) as sim:
        clock = ServerClock()
        limits = httpx.Limits(max_connections=CONCURRENCY + 4)
        client = HubClient(
            sim.base_url,
            client_id="hubdesk-demo",
            client_secret="demo-secret",
            transport=ServerClockTransport(clock, httpx.AsyncHTTPTransport(limits=limits)),
        )
        worker = await DbWorker.open(tmp / f"{name}.db")
        try:
            if login:
                await client.login("demo@hubwork.test", "demo-password")
            yield Env(sim, client, clock, worker)
        finally:
            await client.aclose()
            await worker.close()


def seed_history(state: SimState, n: int, days: float = 25.0) -> None:
    now = time.time()
    for i in range(n):
        stamp = format_server_time(datetime.fromtimestamp(now - 120 - i * days * 86400 / n, UTC))
        state.inject_inbound(f"447700900{i % 700:03d}", f"history {i}", time=stamp)


def latency(state: SimState, seconds: float) -> None:
    """Every API request from now on is answered ``seconds`` late (the simulator's
    ``latency`` setting: a round trip, not a fault)."""
    state.configure(latency=seconds)


# ---------------------------------------------------------------------- scenarios


async def poll_scenarios(tmp: Path) -> None:
    async with env(tmp, "poll") as e:
        for i in range(8):
            e.sim.state.inject_inbound("447700900111", f"seed {i}")
        poller = Poller(e.client, e.worker)
        await poller.poll_once()
        idle = []
        for _ in range(5):
            before = e.list_requests()
            await poller.poll_once()
            idle.append(e.list_requests() - before)
        record("requests per idle poll (max of 5)", max(idle), 1, "req", exact=True)
        for n in (1, 10, 25, 47):
            for i in range(n):
                e.sim.state.inject_inbound("447700900222", f"burst {n}/{i}")
            before = e.list_requests()
            result = await poller.poll_once()
            made = e.list_requests() - before
            assert len(result.new_ids) == n, (n, len(result.new_ids))
            record(f"requests to pull {n} new messages", made, math.ceil(n / 10) + 1, "req")


def limiter_bound(n: int, *, usable: int, first_window_left: int, until_reset: float) -> float:
    """Seconds the limiter alone forces on n requests (see bench/README.md): 0 when they
    fit in what is left of the current window, else the time until the window that lets
    the last one start opens (``until_reset`` from the start, then every 60 s)."""
    if n <= first_window_left:
        return 0.0
    later_windows = math.ceil((n - first_window_left) / usable)
    return until_reset + 60.0 * (later_windows - 1)


async def backfill_limited(tmp: Path, *, preload: int, label: str) -> None:
    n_messages, d, limit = 2000, 0.02, 600
    async with env(tmp, f"bf{preload}", login=False, rate_limit=limit) as e:
        seed_history(e.sim.state, n_messages)
        total = len(e.sim.state.messages())
        latency(e.sim.state, d)
        window_opened = time.time()  # the window opens at the first hit below (or login)
        for _ in range(preload):
            e.sim.state.hit_rate_limit("127.0.0.1")
        await e.client.login("demo@hubwork.test", "demo-password")
        hits_before = preload + 1
        start = time.time()
        bf = Backfill(
            e.client,
            e.worker,
            server_clock=e.clock,
            concurrency=CONCURRENCY,
            pacer=RatePacer(e.client, server_clock=e.clock),
        )
        before = e.list_requests()
        result = await bf.run(depth=None)
        wall = time.time() - start
        made = e.list_requests() - before
        stored = await e.worker.run(lambda db: db.messages.count())
        assert stored == total, (stored, total)
        usable = limit - reserve_for(limit)
        bound = limiter_bound(
            made,
            usable=usable,
            first_window_left=max(0, usable - hits_before),
            until_reset=window_opened + 60 - start,
        )
        record(
            f"backfill {total} msgs @{limit}/min, {label}: requests",
            made,
            math.ceil(total / 10) + 2,
            "req",
        )
        name = f"backfill {total} msgs @{limit}/min, {label}: wall s"
        if bound > 0:
            record(f"{name} (goal 1.05 x bound {bound:.2f} s)", wall, 1.05 * bound, "s")
        else:
            print(f"  {name}: {wall:.2f} s (the limiter forces no wait: bound 0, info only)")
        assert result.finished


async def backfill_speedup(tmp: Path) -> None:
    n_messages, d = 2000, 0.02
    times: dict[int, float] = {}
    for concurrency in (1, CONCURRENCY):
        async with env(tmp, f"speed{concurrency}", rate_limit=1_000_000) as e:
            seed_history(e.sim.state, n_messages)
            latency(e.sim.state, d)
            start = time.perf_counter()
            await Backfill(e.client, e.worker, server_clock=e.clock, concurrency=concurrency).run(
                depth=None
            )
            times[concurrency] = time.perf_counter() - start
    speedup = times[1] / times[CONCURRENCY]
    print(
        f"  no limit, {d * 1000:.0f} ms latency: one at a time {times[1]:.2f} s, "
        f"{CONCURRENCY} in flight {times[CONCURRENCY]:.2f} s"
    )
    # goal: at least 3x faster, recorded as (1 / speedup) <= 1/3
    ROWS.append(
        Row(
            f"backfill speed-up without a limit ({speedup:.2f}x; goal >= 3x)",
            1 / speedup,
            1 / 3,
            "inv",
            speedup >= 3,
        )
    )


async def main(quick: bool) -> int:
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        await poll_scenarios(tmp)
        await backfill_limited(tmp, preload=0, label="fresh window (limit not binding)")
        if not quick:
            await backfill_limited(tmp, preload=440, label="window pre-loaded (limit binds)")
        await backfill_speedup(tmp)
    width = max(len(r.name) for r in ROWS)
    print(f"{'measurement':<{width}}  {'value':>9}  {'goal':>9}  {'ratio':>6}  verdict")
    failed = 0
    for r in ROWS:
        verdict = "ok" if r.ok else "FAIL"
        failed += not r.ok
        print(f"{r.name:<{width}}  {r.value:>9.3f}  {r.goal:>9.3f}  {r.ratio:>6.2f}  {verdict}")
    return 1 if failed else 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="skip the one-minute scenario")
    args = parser.parse_args()
    sys.exit(asyncio.run(main(args.quick)))
