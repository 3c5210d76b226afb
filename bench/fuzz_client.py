"""HubClient against generated hostile servers, long form (the test run tries 2,000 of the
same in tests/unit/api/test_api_fuzz.py).

    python bench/fuzz_client.py [--examples 50000] [--seed N]

Every example drives one public ``HubClient`` method through ``httpx.MockTransport``
with one to two generated answers (any status, hostile header values, body bytes that
are API-shaped JSON with hostile values, raw bytes, deep nesting, bodies past the size
cap, bad UTF-8, a byte-order mark, in any chunks, or a transport failure before or
during the body): the method must return its domain value or raise an ``ApiError``
with a one-line sentence holding no secret (``tests/unit/api/fuzzkit.py``). Prints the
examples run, the time, what the methods ended in, and every failure hypothesis found
(shrunk); exits non-zero when there was one.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from hypothesis import HealthCheck, Phase, given, seed, settings

from tests.unit.api import fuzzkit


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    endings: Counter[str] = Counter()
    ran = 0

    def observed(scenario: fuzzkit.Scenario) -> None:
        nonlocal ran
        ran += 1
        endings[fuzzkit.check(scenario)] += 1

    @seed(args.seed)
    @settings(
        max_examples=args.examples,
        deadline=None,
        database=None,
        phases=[Phase.generate, Phase.shrink],
        report_multiple_bugs=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(fuzzkit.scenarios())
    def prop(scenario: fuzzkit.Scenario) -> None:
        observed(scenario)

    started = time.perf_counter()
    failures: list[BaseException] = []
    try:
        prop()
    except BaseExceptionGroup as group:
        failures.extend(group.exceptions)
    except Exception as exc:  # one failure: hypothesis re-raises it as it is
        failures.append(exc)
    took = time.perf_counter() - started

    print(f"examples run (shrinking included): {ran}")
    print(f"time: {took:.1f} s ({1000 * took / max(ran, 1):.1f} ms per example)")
    print("endings:")
    for ending, count in endings.most_common():
        print(f"  {count:7d}  {ending}")
    print(f"failures found: {len(failures)}")
    for failure in failures:
        print(f"  {type(failure).__name__}: {str(failure)[:300]}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
