"""The randomized fault trials, CPU-starved: 20 in the normal run, 200 in the ``slow``
run (``bench/run``, the nightly CI job), 1,000+ in ``bench/reliability.py --starved``;
scheduled messages and personalised batches among them.

Requests held up past the 50 ms time-out at random, the event loop stalled now and then,
and the app's background flush running beside the sends (``trials.Starvation``): the
interleavings a heavily loaded machine produces, and that an idle one never does.
"""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

import pytest

from hubdesk.domain import OutboxState
from tests.unit.sync.simkit import kit
from tests.unit.sync.test_sync_outbox import TIMEOUT, sender
from tests.unit.sync.trials import (
    KINDS,
    TRIAL_SETTINGS,
    Starvation,
    Starver,
    TrialStats,
    run_trials,
)


@pytest.mark.parametrize("trials", [20, pytest.param(200, marks=pytest.mark.slow)])
async def test_randomized_fault_trials_starved(tmp_path: Path, trials: int) -> None:
    rng = random.Random(20260211)
    starver = Starver(Starvation(), random.Random(rng.random()), TrialStats())
    async with kit(tmp_path, timeout=TIMEOUT, inside=starver.wrap, **TRIAL_SETTINGS) as k:
        s = sender(k, window=1.0)
        stats = await run_trials(
            k, s, rng, trials, check_every=10, texts=trials // 4, starver=starver
        )
        items = await k.worker.run(lambda db: db.outbox.all(10_000))
    assert stats.trials == trials and stats.checks == trials // 10
    states = Counter(i.state for i in items)
    assert set(states) <= {OutboxState.SENT, OutboxState.OVERDUE, OutboxState.CANCELLED}
    if trials >= 200:  # enough trials for every kind of message to come up often
        # Scheduled rows (some found too late and never sent) and personalised batches
        # (some cancelled on the way) among them.
        assert set(stats.kinds) == set(KINDS) and min(stats.kinds.values()) >= trials // 8
        assert states[OutboxState.OVERDUE] > 0 and states[OutboxState.CANCELLED] > 0
        assert sum(1 for i in items if i.batch_id is not None) > stats.kinds["batch"]
    # The starvation really happened: requests held up, the loop stalled, and the
    # background flush ran beside the sends.
    assert stats.delays >= trials and stats.stalls >= trials
    assert stats.background_passes >= trials // 2
