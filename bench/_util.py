"""Shared timing helpers for the scripts in bench/: medians, ratios to limits, one table.

Machines are noisy (shared 2-core CI boxes), so every measurement is the median of
several runs, printed next to its limit and the ratio between them; a script exits
non-zero only when a median is over its limit by more than ``TOLERANCE`` (20 %).

    from _util import Bench
    bench = Bench("store")
    bench.measure("conversation list (5k rows)", lambda: store.list(), limit_ms=50)
    bench.record("build 100k messages", seconds=12.3)        # informational, no limit
    sys.exit(bench.report())
"""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field

TOLERANCE = 0.20


@dataclass
class Measurement:
    name: str
    samples: list[float]  # seconds
    limit: float | None = None  # seconds
    note: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def ratio(self) -> float | None:
        return None if self.limit is None else self.median / self.limit

    @property
    def verdict(self) -> str:
        ratio = self.ratio
        if ratio is None:
            return "info"
        if ratio <= 1.0:
            return "ok"
        return "over" if ratio <= 1.0 + TOLERANCE else "FAIL"


def time_runs(
    fn: Callable[[], object],
    repeats: int = 9,
    warmup: int = 1,
    setup: Callable[[], object] | None = None,
) -> list[float]:
    """Wall-clock seconds of ``repeats`` calls of ``fn`` (``setup`` untimed before each)."""
    for _ in range(warmup):
        if setup is not None:
            setup()
        fn()
    samples = []
    for _ in range(repeats):
        if setup is not None:
            setup()
        gc.collect()
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return samples


@dataclass
class Bench:
    title: str
    rows: list[Measurement] = field(default_factory=list)

    def measure(
        self,
        name: str,
        fn: Callable[[], object],
        limit_ms: float | None = None,
        repeats: int = 9,
        warmup: int = 1,
        setup: Callable[[], object] | None = None,
        note: str = "",
    ) -> Measurement:
        samples = time_runs(fn, repeats=repeats, warmup=warmup, setup=setup)
        limit = None if limit_ms is None else limit_ms / 1000
        row = Measurement(name, samples, limit, note)
        self.rows.append(row)
        print(f"  measured {name}: {_ms(row.median)}", flush=True)
        return row

    def record(
        self, name: str, seconds: float, limit_ms: float | None = None, note: str = ""
    ) -> Measurement:
        """Add a one-off timing taken by the caller (e.g. building the data set)."""
        row = Measurement(name, [seconds], None if limit_ms is None else limit_ms / 1000, note)
        self.rows.append(row)
        return row

    def report(self) -> int:
        """Print the table; return the exit status (1 if anything is over by > 20 %)."""
        name_w = max([len(r.name) for r in self.rows] + [11])
        print()
        print(f"== {self.title} (median of runs; FAIL = over limit by > {TOLERANCE:.0%}) ==")
        header = (
            f"{'measurement':<{name_w}}  {'median':>10}  {'min':>10}  {'max':>10}  "
            f"{'runs':>4}  {'limit':>9}  {'ratio':>6}  verdict"
        )
        print(header)
        print("-" * len(header))
        for r in self.rows:
            limit = "-" if r.limit is None else _ms(r.limit)
            ratio = "-" if r.ratio is None else f"{r.ratio:.2f}"
            print(
                f"{r.name:<{name_w}}  {_ms(r.median):>10}  {_ms(min(r.samples)):>10}  "
                f"{_ms(max(r.samples)):>10}  {len(r.samples):>4}  {limit:>9}  {ratio:>6}  "
                f"{r.verdict}{'  ' + r.note if r.note else ''}"
            )
        failed = [r.name for r in self.rows if r.verdict == "FAIL"]
        if failed:
            print(f"\nFAILED: {', '.join(failed)}")
            return 1
        print("\nall within limits")
        return 0


def _ms(seconds: float) -> str:
    if seconds >= 10:
        return f"{seconds:.1f} s"
    return f"{seconds * 1000:.2f} ms"
