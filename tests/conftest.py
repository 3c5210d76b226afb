"""Project-wide pytest set-up: plugins shared by every test folder.

The repository root is on ``sys.path`` through pyproject's ``pythonpath = ["."]``, so
tests import their helpers as ``tests.*``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Generator
from typing import Any

import pytest

pytest_plugins = ["tests.fixtures_desktop", "tests.fixtures_sim"]


def _test_loop(item: pytest.Item) -> asyncio.AbstractEventLoop | None:
    loop = getattr(item, "funcargs", {}).get("qloop")
    if isinstance(loop, asyncio.AbstractEventLoop) and not loop.is_closed():
        return loop
    return None


def _mark_current(loop: asyncio.AbstractEventLoop | None) -> None:
    if loop is not None and not loop.is_running():
        asyncio.events._set_running_loop(loop)


def _unmark(item: pytest.Item) -> None:
    current = asyncio.events._get_running_loop()
    if current is not None and current is _test_loop(item) and not current.is_running():
        asyncio.events._set_running_loop(None)


# pytest-qt processes Qt's events after each phase of a test (its own wrappers, outside
# these). With a qasync loop (``qloop``), a task step pending then ran with no running
# loop and failed with "no running event loop", an ERROR with a traceback, where the app
# (whose loop runs for its whole life) would have run it. Between phases the test's loop
# is the thread's running loop; inside a phase ``qloop.run_until_complete`` runs it.
@pytest.hookimpl(wrapper=True, trylast=True)
def pytest_runtest_setup(item: pytest.Item) -> Generator[None, Any, Any]:
    try:
        return (yield)
    finally:
        _mark_current(_test_loop(item))


@pytest.hookimpl(wrapper=True, trylast=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, Any, Any]:
    _unmark(item)
    try:
        return (yield)
    finally:
        _mark_current(_test_loop(item))


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_teardown(item: pytest.Item) -> Generator[None, Any, Any]:
    try:
        return (yield)
    finally:
        current = asyncio.events._get_running_loop()
        if current is not None and not current.is_running():
            asyncio.events._set_running_loop(None)
