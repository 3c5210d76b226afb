"""Fixtures of the tests that build Qt objects (``tests/unit/ui``, ``tests/unit/app``):
their ``conftest.py`` import them. Widget tests run offscreen on Linux (Qt's own platform
on Windows and macOS); ``qloop`` is a qasync loop for async slots; Python's cyclic
garbage collection runs on the GUI thread only."""

from __future__ import annotations

import asyncio
import gc
import os
import sys
from collections.abc import Iterator

if sys.platform.startswith("linux"):  # Windows, macOS: Qt's own platform (CI has a desktop)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from hubdesk.ui.qt.async_slots import close_event_loop, create_event_loop

# Qt's own file and colour dialogs everywhere: a native one (Windows, macOS) is an OS
# window outside the test's reach.
QApplication.setAttribute(Qt.ApplicationAttribute.AA_DontUseNativeDialogs)

_tests_run = 0


@pytest.fixture(autouse=True, scope="session")
def _gc_on_the_gui_thread() -> Iterator[None]:
    """Python's cyclic GC runs on whichever thread happens to allocate. On a qasync or
    sqlite worker thread it destroys dropped Qt objects (a closed loop's timer object, a
    test's window) there; Qt cannot stop their timers from another thread ("QObject::
    ~QObject: Timers cannot be stopped from another thread") and the stale timers later
    fire into freed memory: a segfault in some later test. Collect on this thread only."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.collect()
        if enabled:
            gc.enable()


@pytest.fixture(autouse=True)
def _collect_after_each_test() -> Iterator[None]:
    """The young generation after every test, everything after every 20th (cheap)."""
    global _tests_run
    yield
    _tests_run += 1
    gc.collect(0 if _tests_run % 20 else 2)


@pytest.fixture
def qloop(qapp: QApplication) -> Iterator[asyncio.AbstractEventLoop]:
    loop = create_event_loop(qapp)
    try:
        yield loop
    finally:
        close_event_loop(loop)
