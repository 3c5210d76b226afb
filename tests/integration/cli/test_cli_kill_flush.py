"""kill -9 of a real ``hubdesk-cli outbox --flush`` while it sends a personalised bulk
send (every other one scheduled and just due), at random moments; then new flushes
finish it: every recipient gets exactly one copy of their own text on the simulator, and
nothing reaches it that the batch does not hold.

The simulator runs on a clock the test pushes forward after each kill, so that the sends
the killed process left uncertain (``sending`` -> ``unknown``) can be decided by the next
flush (the server's clock must pass the attempt's end plus the reconcile window).
"""

from __future__ import annotations

import random
import subprocess
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from hubdesk.domain import OutboxState
from hubdesk.sim import Fault, SimConfig, SimServer, SimState
from hubdesk.store.batches import BatchRow
from hubdesk.store.database import Database
from tests.integration.cli.cli_harness import CONSOLE_SCRIPT, SENDER, Cli, server_messages
from tests.unit.sync.simkit import SimClock

TRIALS = 8
RECIPIENTS = 30


@pytest.fixture
def clock() -> SimClock:
    return SimClock()


@pytest.fixture
def sim(clock: SimClock) -> Iterator[SimServer]:
    """This file's simulator: on a movable clock; every API answer takes 30 ms, so a
    kill often finds sends on the wire."""
    state = SimState(SimConfig().with_changes(demo_data=False, latency=0.03), clock=clock)
    with SimServer(state) as server:
        yield server


def _sends(cli: Cli) -> int:
    return sum(1 for r in cli.sim.state.requests() if r["path"] == "/api/sms/send")


def _kill_during_flush(cli: Cli, rng: random.Random) -> str:
    """Start a flush and SIGKILL it: before its first send, or a random moment into the
    sending. Returns when it was killed, for the failure message."""
    before = _sends(cli)
    child = subprocess.Popen(
        [str(CONSOLE_SCRIPT), "outbox", "--flush"], env=cli.env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        if rng.random() < 0.2:
            time.sleep(rng.uniform(0.0, 0.6))  # maybe still starting up
            when = "early"
        else:
            deadline = time.monotonic() + 30
            while _sends(cli) == before and child.poll() is None:
                assert time.monotonic() < deadline, "the flush never started sending"
                time.sleep(0.005)
            time.sleep(rng.uniform(0.0, 0.4))  # a random moment into the sending
            when = f"after {_sends(cli) - before} send(s)"
    finally:
        child.kill()  # SIGKILL; TerminateProcess on Windows
        child.wait(timeout=30)
    return when


def _finish(cli: Cli, clock: SimClock) -> int:
    """Flush in new processes until the outbox is settled; between two runs the server's
    clock passes the reconcile window of whatever the killed process left uncertain.
    Returns how many rows the killed process left on the wire (settled by reconciling:
    found on the server, or re-sent once certainly absent)."""
    reconciled = 0
    for _ in range(6):
        run = cli("--json", "outbox", "--flush", timeout=120)
        flushed = run.json().get("flushed", {}) if run.stdout else {}
        reconciled += len(flushed.get("found", [])) + len(flushed.get("resent", []))
        if run.code == 0:
            return reconciled
        assert run.code == 5 and "Not every message was settled" in run.stderr, run
        clock.offset += 200
    raise AssertionError("the outbox did not settle")


@pytest.mark.timeout(300)  # ~25 s idle; 8 trials of 2-4 process starts each, when loaded
def test_kill_9_during_a_personalised_bulk_then_a_new_flush_sends_each_recipient_once(
    cli: Cli, clock: SimClock
) -> None:
    cli.login()
    rng = random.Random(20260314)
    wanted: Counter[tuple[str, str]] = Counter()
    moments = []
    uncertain = 0  # sends the kills left on the wire (reconciled afterwards)
    for trial in range(TRIALS):
        rows = [
            BatchRow((f"4474001{trial:02d}{n:03d}",), f"k{trial} hello {n}", "hello {number}")
            for n in range(RECIPIENTS)
        ]
        # Every other batch was scheduled and is due now: the flush killed is also the
        # one that queues it (Schedule.promote_due), in one transaction.
        due = datetime.now(UTC) if trial % 2 else None
        with Database.open(cli.home / "hubdesk.sqlite3") as db:
            batch = db.batches.create(SENDER, rows, not_before=due)
        wanted.update((r.destinations[0], r.text) for r in rows)
        if trial == 0:  # once for certain: killed while a send is on the wire
            cli.sim.state.add_fault(Fault("slow", count=1, path="/api/sms/send", seconds=2))
        moments.append(_kill_during_flush(cli, rng))
        uncertain += _finish(cli, clock)
        with Database.open(cli.home / "hubdesk.sqlite3") as db:
            done = db.batches.get(batch.id)
        assert done is not None and done.counts == {OutboxState.SENT: RECIPIENTS}, (
            trial, moments[-1], done,
        )  # fmt: skip
        copies = Counter(
            (m["destination"], m["text"]) for m in server_messages(cli.sim)
            if m["text"].startswith("k")
        )  # fmt: skip
        assert copies == wanted, (trial, moments[-1])  # exactly once, nothing else
    assert sum(1 for m in moments if m.startswith("after")) >= TRIALS // 2, moments
    assert uncertain >= 1, moments  # the hard case happened: killed mid-request
