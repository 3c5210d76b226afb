"""The GUI and ``hubdesk-cli outbox --flush`` sending at once on one signed-in profile.

    python bench/shared_session.py [--sends 300] [--mode clients|processes]
                                   [--expire-every N] [--latency S] [--ttl S]

Two HubDesk "processes" share one profile folder and one vault and each sends
``--sends`` SMS, at the same time, to the simulator, which (like Laravel Passport)
revokes the old access token whenever a refresh token is spent. Reports what that cost
the server: requests per send, 401s, refresh grants.

``--mode clients`` (default): two ``SessionManager``s in this process, on the simulator
in process (httpx.ASGITransport) and an in-memory keyring, their sends interleaved.
``--mode processes``: two real child processes (this script with ``--child``) on
``hubdesk-sim`` over loopback HTTP, with the file-backed test keyring
(``tests/fakes/file_keyring.py``), as ``tests/integration/api`` runs them.
``--expire-every N``: the server refuses every access token held after every N sends in
all (0: never); each expiry costs at least one refresh and a 401 per process.
``--latency``: seconds the server takes per request; ``--ttl``: the access tokens'
lifetime (default an hour): short, they come due during the run (no 401 needed).

The simulator's rate limit is lifted so that it does not hide the extra requests (on a
rate-limited server they are the customer's quota). The goal: at most one refresh per
expiry (plus one) and two 401s per expiry (plus two): exits non-zero when it is missed,
a send failed or the server did not get exactly one message per send.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hubdesk.api import ApiError, HubClient  # noqa: E402
from hubdesk.api.persisted import refresh_margin  # noqa: E402
from hubdesk.core.session import Credentials, SessionManager  # noqa: E402
from hubdesk.sim import SimConfig, SimServer, SimState  # noqa: E402

SENDER = "447520602706"
DESTINATION = "07400123456"
CREDS = Credentials("hubdesk-demo", "demo-secret", "demo@hubwork.test", "demo-password")
IN_PROCESS_URL = "http://127.0.0.1:9/api"  # never dialled: the ASGI transport answers


def sim_config(latency: float, ttl: int) -> SimConfig:
    return SimConfig(rate_limit=10_000_000, latency=latency, demo_data=False, token_ttl=ttl)


async def send_many(client: HubClient, name: str, sends: int, sent: list[str]) -> int:
    """Send ``sends`` SMS one after the other (as an outbox flush does); the failures."""
    failures = 0
    for number in range(sends):
        try:
            await client.send_sms(SENDER, DESTINATION, f"{name} {number}")
        except ApiError as exc:  # counted and shown; the run goes on
            failures += 1
            print(f"{name}: send {number} failed: {type(exc).__name__}: {exc}", file=sys.stderr)
        sent.append(name)
        await asyncio.sleep(0)  # the other one gets in between
    return failures


async def expire_every(state: SimState, every: int, total: int, sent: list[str]) -> None:
    if every <= 0:
        return
    mark = every
    while mark < total:
        while len(sent) < mark:
            await asyncio.sleep(0.001)
        state.expire_tokens()
        mark += every


@dataclass
class Outcome:
    state: SimState  # the server
    before: dict[str, int]  # its counters when the sending began
    failures: int  # failed sends
    seconds: float  # how long the sending took


async def run_clients(sends: int, every: int, config: SimConfig) -> Outcome:
    import httpx

    from hubdesk.sim import SimApp
    from hubdesk.store.secrets import KeyringVault
    from tests.fakes.keyring_backend import MemoryKeyring

    state = SimState(config)
    transport = httpx.ASGITransport(app=SimApp(state))
    vault = KeyringVault(MemoryKeyring())
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder)
        async with SessionManager(home, vault, transport=transport) as first:
            await first.login(IN_PROCESS_URL, CREDS)
        before = state.stats()
        sent: list[str] = []
        async with (
            SessionManager(home, vault, transport=transport) as app,
            SessionManager(home, vault, transport=transport) as cli,
        ):
            app_client, cli_client = await app.restore(), await cli.restore()
            started = time.monotonic()
            failures = await asyncio.gather(
                send_many(app_client, "app", sends, sent),
                send_many(cli_client, "cli", sends, sent),
                expire_every(state, every, 2 * sends, sent),
            )
            seconds = time.monotonic() - started
    return Outcome(state, before, sum(f for f in failures if f is not None), seconds)


async def child(sends: int, name: str) -> None:
    """One process: restore the profile's session, wait for "go", send, say "done N"."""
    from hubdesk.store.profile import home_dir
    from hubdesk.store.secrets import KeyringVault

    async with SessionManager(home_dir(), KeyringVault()) as manager:
        client = await manager.restore()
        print("ready", flush=True)
        await asyncio.to_thread(sys.stdin.readline)
        failures = await send_many(client, name, sends, [])
        print(f"done {failures}", flush=True)


async def run_processes(sends: int, every: int, config: SimConfig) -> Outcome:
    from hubdesk.store.secrets import KeyringVault
    from tests.fakes.file_keyring import ENV_VAR, FileKeyring

    state = SimState(config)
    server = SimServer(state).start()
    try:
        with tempfile.TemporaryDirectory() as folder:
            home, keyring_file = Path(folder) / "home", Path(folder) / "keyring.json"
            os.environ[ENV_VAR] = str(keyring_file)
            vault = KeyringVault(FileKeyring())  # type: ignore[no-untyped-call]
            async with SessionManager(home, vault) as first:
                await first.login(server.base_url, CREDS)
            before = state.stats()
            env = {
                k: v
                for k, v in os.environ.items()
                if not k.startswith(("HUBDESK_", "PYTHON_KEYRING"))
            }
            env.update(
                HUBDESK_HOME=str(home),
                PYTHON_KEYRING_BACKEND="file_keyring.FileKeyring",
                PYTHONPATH=os.pathsep.join([str(ROOT / "tests" / "fakes"), str(ROOT)]),
            )
            env[ENV_VAR] = str(keyring_file)
            procs = [
                await asyncio.create_subprocess_exec(
                    sys.executable,
                    __file__,
                    "--child",
                    name,
                    "--sends",
                    str(sends),
                    env=env,
                    stdin=asyncio.subprocess.PIPE,
                    stdout=asyncio.subprocess.PIPE,
                )
                for name in ("app", "cli")
            ]
            for proc in procs:
                assert proc.stdout is not None
                assert (await proc.stdout.readline()).strip() == b"ready"
            started = time.monotonic()
            for proc in procs:
                assert proc.stdin is not None
                proc.stdin.write(b"go\n")
            expiring = asyncio.create_task(expire_by_count(state, every, 2 * sends))
            failures = 0
            for proc in procs:
                assert proc.stdout is not None
                line = (await proc.stdout.readline()).decode().split()
                failures += int(line[1]) if line[:1] == ["done"] else sends
                await proc.wait()
            expiring.cancel()
            seconds = time.monotonic() - started
    finally:
        server.stop()
    return Outcome(state, before, failures, seconds)


async def expire_by_count(state: SimState, every: int, total: int) -> None:
    """``expire_every`` for child processes: counts the messages the server holds."""
    if every <= 0:
        return
    start = state.stats()["messages"]
    mark = every
    while mark < total:
        while state.stats()["messages"] - start < mark:
            await asyncio.sleep(0.002)
        state.expire_tokens()
        mark += every


def report(outcome: Outcome, sends: int, every: int, ttl: int, mode: str) -> int:
    before, failures = outcome.before, outcome.failures
    after = outcome.state.stats()

    def grew(name: str) -> int:
        return after.get(name, 0) - before.get(name, 0)

    total = 2 * sends
    requests, refused, refreshes = grew("requests"), grew("unauthenticated"), grew("refreshes")
    messages = grew("messages")
    print(f"mode: {mode}; two senders x {sends} sends = {total}")
    print(f"requests: {requests} ({requests / total:.3f} per send)")
    print(f"401 answers: {refused}; refresh grants: {refreshes}")
    print(f"refused refreshes: {grew('refresh_failures')}; failed sends: {failures}")
    print(f"messages on the server: {messages}; sending took {outcome.seconds:.1f} s")
    # Renewals needed: one per expiry, and one each time the token comes due.
    expiries = (total - 1) // every if every > 0 else 0
    due = math.ceil(outcome.seconds / (ttl - refresh_margin(ttl)))
    renewals = expiries + due
    met = refreshes <= renewals + 1 and refused <= 2 * renewals + 2
    print(
        f"goal: <= {renewals + 1} refreshes and <= {2 * renewals + 2} 401s "
        f"(expiries: {expiries}, comes due: <= {due}): {'ok' if met else 'FAIL'}"
    )
    return 0 if met and failures == 0 and messages == total else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--sends", type=int, default=300, help="sends per sender")
    parser.add_argument("--mode", choices=("clients", "processes"), default="clients")
    parser.add_argument("--expire-every", type=int, default=0, metavar="N")
    parser.add_argument("--latency", type=float, default=0.0, metavar="S")
    parser.add_argument("--ttl", type=int, default=3600, metavar="S")
    parser.add_argument("--child", metavar="NAME", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        asyncio.run(child(args.sends, args.child))
        return 0
    runner = run_clients if args.mode == "clients" else run_processes
    config = sim_config(args.latency, args.ttl)
    outcome = asyncio.run(runner(args.sends, args.expire_every, config))
    return report(outcome, args.sends, args.expire_every, args.ttl, args.mode)


if __name__ == "__main__":
    sys.exit(main())
