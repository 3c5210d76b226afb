"""The outbox's randomized fault trials, plain or CPU-starved (CI and ``bench/reliability.py``).

Each trial arms 0-3 random faults (500, 503, slow past the time-out, malformed reply,
connection dropped before / after executing, 429) on ``POST /sms/send`` or
``/sms/bulk-send`` and submits one message, with texts that repeat:

* a single or bulk send, as the user's Send does;
* a scheduled message (single or bulk) whose time has come, or, one time in five, one
  found more than an hour late (overdue: it must never be sent): a flush sends it;
* a batch of 2-4 rows, one per recipient with its own text (a personalised bulk send),
  sent by a flush of the batch; one batch in four is cancelled while it goes (each of
  its recipients must end sent once or not at all).

Every ``check_every`` trials and at the end the outbox is settled and checked
(``check_exactly_once``).

Run them on a simulator without a practical rate limit (``TRIAL_SETTINGS``): the
429s are the armed faults, and the batches' pacer never waits for a new window (it
waits in real time, as in the app: a minute per window would make the trials slow).

Starved (``Starvation``), the trials run as on a heavily loaded machine, where the 50 ms
client time-out takes scheduling delays for network faults:

* ``delays``: a request is held up before the server reads it and after it answered
  (inside the client's time-out), by up to twice the time-out, at random: GETs time out
  and are retried, sends time out before or after they executed.
* ``stalls``: a task blocks the whole event loop now and then (the process descheduled;
  the DB worker thread runs on meanwhile, as on another core).
* ``beside``: the app's background flush runs beside the user's sends, as in the GUI.

An in-process request never yields to the event loop on its own, so stalls alone never
time one out: the delays put them where a loaded machine does.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from hubdesk.store.batches import BatchRow
from hubdesk.sync.outbox import OutboxSender
from tests.unit.sync.simkit import SENDER, Kit
from tests.unit.sync.test_sync_outbox import BULK, FAULTS, SEND, check_exactly_once, fault

A, B, C = "447520602707", "447520602708", "447911123456"
D, E = "447911123457", "447911123458"
KINDS = ("send", "bulk", "scheduled", "batch")
TRIAL_SETTINGS: dict[str, Any] = {"rate_limit": 1_000_000}


@dataclass(frozen=True)
class Starvation:
    """How hard the trials are starved (see the module docstring)."""

    delay_chance: float = 0.15  # per request, before and again after the server
    max_delay: float = 0.1  # seconds: twice the trials' 50 ms time-out
    stall_every: float = 0.05  # mean seconds between event-loop stalls
    max_stall: float = 0.03
    beside: bool = True  # a background flush beside the sends


@dataclass
class TrialStats:
    trials: int = 0
    checks: int = 0
    faults: Counter[str] = field(default_factory=Counter)
    delays: int = 0
    stalls: int = 0
    background_passes: int = 0
    kinds: Counter[str] = field(default_factory=Counter)  # trials by kind of message


class Starver:
    """The starvation of one run: ``wrap`` the client's app transport with it (its
    delays count against the time-out); ``run_trials`` turns it on after sign-in."""

    def __init__(self, how: Starvation, rng: random.Random, stats: TrialStats) -> None:
        self.how = how
        self.rng = rng
        self.stats = stats
        self.on = False

    def wrap(self, inner: httpx.AsyncBaseTransport) -> httpx.AsyncBaseTransport:
        return _StarvedTransport(self, inner)

    async def maybe_delay(self) -> None:
        if self.on and self.rng.random() < self.how.delay_chance:
            self.stats.delays += 1
            await asyncio.sleep(self.rng.uniform(0, self.how.max_delay))


class _StarvedTransport(httpx.AsyncBaseTransport):
    """Holds requests up at random before and after the server (inside the time-out)."""

    def __init__(self, starver: Starver, inner: httpx.AsyncBaseTransport) -> None:
        self._starver = starver
        self._inner = inner

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await self._starver.maybe_delay()
        response = await self._inner.handle_async_request(request)
        await self._starver.maybe_delay()
        return response

    async def aclose(self) -> None:
        await self._inner.aclose()


async def _stall_loop(how: Starvation, rng: random.Random, stats: TrialStats) -> None:
    while True:
        await asyncio.sleep(rng.expovariate(1 / how.stall_every))
        stats.stalls += 1
        time.sleep(rng.uniform(0, how.max_stall))  # blocks the loop: nothing else runs


async def _flush_beside(s: OutboxSender, rng: random.Random, stats: TrialStats) -> None:
    while True:
        await s.flush()
        stats.background_passes += 1
        await asyncio.sleep(rng.uniform(0, 0.05))


async def run_trials(
    k: Kit,
    s: OutboxSender,
    rng: random.Random,
    trials: int,
    *,
    check_every: int,
    texts: int,
    starver: Starver | None = None,
    progress: Callable[[int], Awaitable[None] | None] | None = None,
) -> TrialStats:
    """Run the trials; raises ``AssertionError`` at the first violation. ``texts``: how
    many distinct texts (fewer: more repeats of one text to one number). ``starver``:
    starved, with its ``wrap`` around the kit's app transport."""
    stats = TrialStats() if starver is None else starver.stats
    background: list[asyncio.Task[None]] = []
    if starver is not None:
        starver.on = True
        how, extra = starver.how, random.Random(rng.random())
        background.append(asyncio.create_task(_stall_loop(how, extra, stats)))
        if how.beside:
            background.append(asyncio.create_task(_flush_beside(s, extra, stats)))
    try:
        for trial in range(trials):
            kind = rng.choice(KINDS)
            path = BULK if kind == "bulk" or (kind == "scheduled" and rng.random() < 0.5) else SEND
            for _ in range(rng.randint(0, 3)):
                armed = rng.choice(FAULTS)
                stats.faults[armed] += 1
                k.state.add_fault(fault(armed, path))
            text = f"t{rng.randint(0, max(1, texts))}"
            dests = rng.choice([A, B]) if path == SEND else rng.sample([A, B, C], 2)
            stats.kinds[kind] += 1
            if kind == "scheduled":
                late = rng.random() < 0.2  # found more than an hour late: never sent
                when = datetime.now(UTC) - (timedelta(hours=2) if late else timedelta(0))
                await s.submit(SENDER, dests, text, not_before=when)
                await s.flush()
            elif kind == "batch":
                await _batch(k, s, rng, text)
            else:
                await s.submit(SENDER, dests, text)
            stats.trials += 1
            if trial % check_every == check_every - 1 or trial == trials - 1:
                await check_exactly_once(k, s)
                stats.checks += 1
                k.state.clear_faults()
            if progress is not None:
                shown = progress(trial + 1)
                if shown is not None:
                    await shown
            for task in background:
                if task.done():
                    task.result()  # a background flush that raised: a bug, surface it
    finally:
        if starver is not None:
            starver.on = False
        for task in background:
            task.cancel()
        await asyncio.gather(*background, return_exceptions=True)
    return stats


async def _batch(k: Kit, s: OutboxSender, rng: random.Random, text: str) -> None:
    """A personalised batch of 2-4 recipients, flushed; one in four cancelled on the way."""
    numbers = rng.sample([A, B, C, D, E], rng.randint(2, 4))
    rows = [BatchRow((n,), f"{text} {n[-2:]}", f"{text} {{number}}") for n in numbers]
    batch = await k.worker.run(lambda db: db.batches.create(SENDER, rows))
    if rng.random() < 0.25:
        delay = rng.uniform(0, 0.05)

        async def cancel() -> None:
            await asyncio.sleep(delay)
            await k.worker.run(lambda db: db.batches.cancel(batch.id))

        await asyncio.gather(s.flush(batch=batch.id), cancel())
    else:
        await s.flush(batch=batch.id)
