"""Outbox reliability trials, long form (CI runs 200 of each in tests/unit/sync).

    python bench/reliability.py [--trials 1000] [--seed N] [--starved] [--busy N]

In process (httpx.ASGITransport, a movable server clock, 50 ms client time-out, 1 s
reconcile window): each trial arms 0-3 random faults (500, 503, slow past the time-out,
malformed reply, connection dropped before / after executing, 429) on POST /sms/send or
/sms/bulk-send and submits one message, with texts that repeat: a single or bulk send, a
scheduled one come due (or found more than an hour late: never sent), or a personalised
batch of 2-4 recipients (one in four cancelled on the way). Every 25 trials and at the
end the outbox is settled and checked: the server holds exactly one copy of every
message of every sent row and none of a cancelled or overdue one, every other row is
``sent`` with one distinct id per destination, and the local store holds those
messages. Exits non-zero on any violation.

``--starved``: as on a heavily loaded machine (``tests/unit/sync/trials.py``): requests
held up past the time-out at random, the event loop stalled now and then, and the app's
background flush beside the sends. ``--busy N``: the trials run beside N busy processes
(real CPU starvation; combine with ``--starved`` or not).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import multiprocessing
import random
import sys
import tempfile
import time
import traceback
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from hubdesk.domain import OutboxState
from tests.unit.sync.simkit import kit
from tests.unit.sync.test_sync_outbox import TIMEOUT, sender
from tests.unit.sync.trials import (
    TRIAL_SETTINGS,
    Starvation,
    Starver,
    TrialStats,
    run_trials,
)


def _spin() -> None:
    while True:
        pass


@contextmanager
def busy_processes(count: int) -> Iterator[None]:
    """``count`` processes that keep a core busy each, for the ``with`` block."""
    procs = [multiprocessing.Process(target=_spin, daemon=True) for _ in range(count)]
    for p in procs:
        p.start()
    try:
        yield
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            p.join()


async def main(trials: int, seed: int, starved: bool) -> int:
    logging.getLogger("stamina").setLevel(logging.ERROR)
    rng = random.Random(seed)
    starver = Starver(Starvation(), random.Random(rng.random()), TrialStats()) if starved else None
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        inside = starver.wrap if starver is not None else (lambda t: t)
        async with kit(Path(tmp), timeout=TIMEOUT, inside=inside, **TRIAL_SETTINGS) as k:
            s = sender(k, window=1.0)
            stats = await run_trials(
                k, s, rng, trials, check_every=25, texts=trials // 8, starver=starver
            )
            items = await k.worker.run(lambda db: db.outbox.all(1_000_000))
            requests = k.state.stats()["requests"]
    elapsed = time.perf_counter() - start
    resent = sum(1 for i in items if i.attempts > 1)
    copies = sum(len(i.destinations) for i in items if i.state is OutboxState.SENT)
    held = Counter(i.state.value for i in items if i.state is not OutboxState.SENT)
    mode = "starved" if starved else "plain"
    print(
        f"trials: {trials} ({mode}, seed {seed}), outbox rows {len(items)}, messages on the "
        f"server {copies} (one per destination of each sent row, checked), requests {requests}"
    )
    print(
        "kinds: "
        + ", ".join(f"{k} {v}" for k, v in sorted(stats.kinds.items()))
        + "; not sent, and checked absent: "
        + (", ".join(f"{k} {v}" for k, v in sorted(held.items())) or "none")
    )
    print(
        f"rows that needed more than one attempt {resent}, settle checks {stats.checks}, "
        "all exactly once"
    )
    print("faults armed: " + ", ".join(f"{k} {v}" for k, v in sorted(stats.faults.items())))
    if starved:
        print(
            f"starvation: {stats.delays} requests held up, {stats.stalls} event-loop "
            f"stalls, {stats.background_passes} background flushes"
        )
    print(f"time: {elapsed:.1f} s")
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--trials", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--starved", action="store_true", help="delays, stalls, flush beside")
    parser.add_argument("--busy", type=int, default=0, metavar="N", help="N busy processes")
    args = parser.parse_args()
    try:
        with busy_processes(args.busy):
            sys.exit(asyncio.run(main(args.trials, args.seed, args.starved)))
    except AssertionError as exc:
        where = traceback.extract_tb(exc.__traceback__)[-1]
        print(f"VIOLATION: {exc!r} at {Path(where.filename).name}:{where.lineno}: {where.line}")
        sys.exit(1)
