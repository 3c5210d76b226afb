"""The whole GUI (``AppShell``) against the in-process simulator, for controller tests.

The shell is built exactly as ``hubdesk.app.main`` builds it, except: a temporary
profile folder, a ``MemoryVault``, HTTP through ``httpx.ASGITransport`` into the
simulator app, and no tray or D-Bus notifications (offscreen has neither).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import time
from collections.abc import Awaitable, Callable, Coroutine, Iterator
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
from PySide6.QtWidgets import QApplication

from hubdesk.app.main import Options
from hubdesk.app.runtime import Runtime
from hubdesk.app.shell import AppShell
from hubdesk.sim import SimApp, SimState
from hubdesk.store.secrets import MemoryVault
from hubdesk.ui.shell.intents import Intents

T = TypeVar("T")
# What a test waits at most for a state that arrives asynchronously: generous, since only
# a failing test waits that long and CI shares two cores with other work.
UNTIL_S = 15.0
BASE_URL = "http://127.0.0.1:8999/api"  # loopback: the ASGI transport never dials it


def in_loop(
    scenario: Callable[[Driver], Coroutine[Any, Any, None]],
) -> Callable[[Driver], None]:
    """Run an ``async def test_x(driver)`` wholly inside the qasync loop (pytest-qt
    processes Qt events between test phases, which must not step the app's tasks)."""

    @functools.wraps(scenario)
    def test(driver: Driver) -> None:
        driver.run(scenario(driver))

    return test


class Driver:
    """Runs coroutines and waits for conditions on the test's qasync loop."""

    def __init__(self, loop: asyncio.AbstractEventLoop, shell: AppShell, sim: SimState) -> None:
        self.loop = loop
        self.shell = shell
        self.sim = sim

    def run(self, coro: Coroutine[Any, Any, T]) -> T:
        return self.loop.run_until_complete(coro)

    async def until(
        self, predicate: Callable[[], object], timeout: float = UNTIL_S, what: str = ""
    ) -> None:
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what or predicate}")
            await asyncio.sleep(0.02)

    async def eventually(
        self, probe: Callable[[], Awaitable[object]], timeout: float = UNTIL_S, what: str = ""
    ) -> None:
        """:meth:`until` for a condition that must be awaited (a database read)."""
        deadline = time.monotonic() + timeout
        while not await probe():
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what or probe}")
            await asyncio.sleep(0.03)

    @property
    def window(self):  # type: ignore[no-untyped-def]
        assert self.shell.window is not None
        return self.shell.window

    @property
    def page(self):  # type: ignore[no-untyped-def]
        """The Messages page."""
        return self.window.messages_page

    @property
    def controller(self):  # type: ignore[no-untyped-def]
        assert self.shell.controller is not None
        return self.shell.controller

    @property
    def runtime(self) -> Runtime:
        assert self.shell.runtime is not None
        return self.shell.runtime

    @property
    def intents(self) -> Intents:
        assert self.shell.intents is not None
        return self.shell.intents

    async def sign_in_with_dialog(self) -> None:
        dialog = self.controller.sign_in.dialog
        assert dialog is not None and dialog.isVisible()
        cfg = self.sim.config
        dialog.client_id.setText(cfg.client_id)
        dialog.client_secret.setText(cfg.client_secret)
        dialog.username.setText(cfg.username)
        dialog.password.setText(cfg.password)
        dialog.submit()
        await self.until(
            lambda: self.runtime.signed_in and not self.controller.sign_in.is_open(), what="sign-in"
        )

    async def poll(self) -> None:
        """One poll, then the list's coalesced refresh of what it brought, finished."""
        poller = self.runtime.poller
        assert poller is not None
        await poller.poll_once()
        await asyncio.sleep(0.15)  # the change signals, the new-message notices
        flush = self.controller._flush
        if flush is not None and not flush.done():  # slower on a loaded machine
            await asyncio.wait_for(asyncio.shield(flush), UNTIL_S)

    def posts(self, path: str) -> list[dict[str, Any]]:
        return [r for r in self.sim.requests() if r["method"] == "POST" and r["path"] == path]


def make_shell(
    qapp: QApplication,
    home: Path,
    sim_app: SimApp,
    *,
    shell: dict[str, Any] | None = None,
    **options: Any,
) -> AppShell:
    """An AppShell as ``main`` builds it, on the in-process simulator; ``options`` are the
    command line's, ``shell`` overrides AppShell's own arguments (e.g. ``use_tray``)."""
    opts = Options(base_url=BASE_URL, **options)
    arguments: dict[str, Any] = {
        "home": home,
        "vault": MemoryVault(),
        "transport": lambda: httpx.ASGITransport(app=sim_app),
        "use_tray": False,
        "use_bus": False,
    }
    arguments.update(shell or {})
    return AppShell(qapp, opts, **arguments)


@contextlib.contextmanager
def running_shell(
    qapp: QApplication,
    loop: asyncio.AbstractEventLoop,
    home: Path,
    sim_app: SimApp,
    sim_state: SimState,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Driver]:
    """A started shell (signed out: no saved profile in ``home``), shut down after."""
    monkeypatch.setenv("HUBDESK_HOME", str(home))
    monkeypatch.delenv("HUBDESK_API_URL", raising=False)
    monkeypatch.delenv("HUBDESK_POLL_INTERVAL", raising=False)
    shell = make_shell(qapp, home, sim_app)
    d = Driver(loop, shell, sim_state)
    d.run(shell.start())
    try:
        yield d
    finally:
        d.run(shell.shutdown())


@pytest.fixture(name="driver")
def shell_driver(
    qapp: QApplication,
    qloop: asyncio.AbstractEventLoop,
    tmp_path: Path,
    sim_app: SimApp,
    sim_state: SimState,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Driver]:
    """The ``driver`` fixture: import it (``from ...appkit import shell_driver``)."""
    with running_shell(qapp, qloop, tmp_path, sim_app, sim_state, monkeypatch) as d:
        yield d


async def signed_in(d: Driver) -> Driver:
    """Sign in through the dialog and wait for the first sync to fill the list."""
    await d.sign_in_with_dialog()
    await d.until(lambda: d.page.conversation_model.rowCount() > 0, what="first sync")
    return d
