"""Outbox reliability trials, long form (the CI runs 200 of the same in tests/unit/sync).

    python bench/reliability.py [--trials 1000] [--seed N]

In process (httpx.ASGITransport, a movable server clock, 50 ms client time-out, 1 s
reconcile window): each trial arms 0-3 random faults (500, 503, slow past the time-out,
malformed reply, connection dropped before / after executing, 429) on POST /sms/send or
/sms/bulk-send and submits one message, single or bulk, with texts that repeat. Every
25 trials and at the end the outbox is settled and checked: the server holds exactly one
copy of every message of every outbox row, every row is ``sent`` with one distinct id per
destination, and the local store holds those messages. Exits non-zero on any violation.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.unit.sync.simkit import SENDER, kit  # noqa: E402
from tests.unit.sync.test_sync_outbox import (  # noqa: E402
    BULK,
    FAULTS,
    SEND,
    TIMEOUT,
    check_exactly_once,
    fault,
    sender,
)

A, B, C = "447520602707", "447520602708", "447911123456"


async def main(trials: int, seed: int) -> int:
    logging.getLogger("stamina").setLevel(logging.ERROR)
    rng = random.Random(seed)
    kinds: Counter[str] = Counter()
    start = time.perf_counter()
    checks = 0
    with tempfile.TemporaryDirectory() as tmp:
        async with kit(Path(tmp), timeout=TIMEOUT) as k:
            s = sender(k, window=1.0)
            for trial in range(trials):
                path = rng.choice([SEND, BULK])
                for _ in range(rng.randint(0, 3)):
                    kind = rng.choice(FAULTS)
                    kinds[kind] += 1
                    k.state.add_fault(fault(kind, path))
                text = f"t{rng.randint(0, max(1, trials // 8))}"
                dests = rng.choice([A, B]) if path == SEND else rng.sample([A, B, C], 2)
                await s.submit(SENDER, dests, text)
                if trial % 25 == 24 or trial == trials - 1:
                    await check_exactly_once(k, s)
                    checks += 1
                    k.state.clear_faults()
            items = await k.worker.run(lambda db: db.outbox.all(1_000_000))
            resent = sum(1 for i in items if i.attempts > 1)
            copies = sum(len(i.destinations) for i in items)
    elapsed = time.perf_counter() - start
    print(f"trials: {trials} (seed {seed}), outbox rows {len(items)}, messages on the server "
          f"{copies} (one per destination, checked), ")
    print(f"rows that needed more than one attempt {resent}, settle checks {checks}, "
          "all exactly once")
    print("faults armed: " + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items())))
    print(f"time: {elapsed:.1f} s")
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--trials", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    try:
        sys.exit(asyncio.run(main(args.trials, args.seed)))
    except AssertionError as exc:
        print(f"VIOLATION: {exc!r}")
        sys.exit(1)
