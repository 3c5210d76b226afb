"""``watch_wake``: a pause that took far longer by the wall clock means the computer slept."""

from __future__ import annotations

import asyncio

from hubdesk.sync.wake import watch_wake


def test_a_long_wall_clock_gap_calls_on_wake_once_per_sleep() -> None:
    async def scenario() -> list[float]:
        stop = asyncio.Event()
        wall = [1000.0]
        # each pause moves the wall clock: normal, normal, a 2-hour sleep, normal, a
        # 20 s hiccup (not a sleep), a 10-minute sleep
        steps = iter([5.0, 5.1, 7200.0, 5.0, 20.0, 600.0])
        woke: list[float] = []

        async def sleep(_seconds: float) -> None:
            step = next(steps, None)
            if step is None:
                stop.set()
                return
            wall[0] += step
            await asyncio.sleep(0)

        await watch_wake(
            stop, lambda: woke.append(wall[0]), period=5.0, gap=30.0, sleep=sleep,
            wall=lambda: wall[0],
        )  # fmt: skip
        return woke

    woke = asyncio.run(scenario())
    assert woke == [1000.0 + 5.0 + 5.1 + 7200.0, 1000.0 + 5.0 + 5.1 + 7200.0 + 5.0 + 20.0 + 600.0]


def test_it_ends_when_stop_is_set() -> None:
    async def scenario() -> None:
        stop = asyncio.Event()
        task = asyncio.create_task(watch_wake(stop, lambda: None, period=0.01))
        await asyncio.sleep(0.05)
        stop.set()
        await asyncio.wait_for(task, 1.0)

    asyncio.run(scenario())
