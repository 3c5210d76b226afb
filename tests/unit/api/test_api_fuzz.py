"""HubClient keeps its contract against generated hostile servers (issue 11, item 4):
every public method returns its domain value or raises an ApiError with a sentence, for
any status, headers, body bytes and chunking (see ``fuzzkit``). The normal run tries a
hundred examples; the ``slow`` run (``bench/run``, the nightly CI job) tries two
thousand, and ``bench/fuzz_client.py --examples 50000`` runs the long form."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from tests.unit.api.fuzzkit import Scenario, check, scenarios

FUZZ = settings(
    deadline=None,  # one example runs an event loop: timing varies on shared machines
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,  # the same examples on every machine: derandomized below
    derandomize=True,
)


@settings(FUZZ, max_examples=100)
@given(scenarios())
def test_every_method_returns_a_value_or_raises_an_api_error(scenario: Scenario) -> None:
    check(scenario)


@pytest.mark.slow
@settings(FUZZ, max_examples=2000)
@given(scenarios())
def test_every_method_keeps_its_contract_over_two_thousand_servers(scenario: Scenario) -> None:
    check(scenario)
