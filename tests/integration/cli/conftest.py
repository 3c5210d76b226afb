"""Fixtures for the CLI integration tests (helpers in ``cli_harness``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from hubdesk.sim import SimServer
from tests.integration.cli.cli_harness import Cli


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if item.path.is_relative_to(here):
            item.add_marker(pytest.mark.network)


@pytest.fixture
def sim() -> Iterator[SimServer]:
    with SimServer() as server:
        yield server


@pytest.fixture
def cli(tmp_path: Path, sim: SimServer) -> Iterator[Cli]:
    runner = Cli(tmp_path, sim)
    yield runner
    secrets = runner.secrets()
    for run in runner.runs:
        for secret in secrets:
            assert secret not in run.stdout and secret not in run.stderr, "secret in output"
        # Partial leaks too: no 24-character stretch of a token.
        for secret in secrets:
            if len(secret) > 100:
                for chunk in (secret[:24], secret[len(secret) // 2 :][:24], secret[-24:]):
                    assert chunk not in run.stdout + run.stderr, "token fragment in output"


@pytest.fixture
def logged_in(cli: Cli) -> Cli:
    cli.login()
    cli.sim.state.clear_requests()
    return cli
