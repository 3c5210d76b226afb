"""Fixtures of the tests that build Qt objects (``tests/unit/ui``, ``tests/unit/app``):
their ``conftest.py`` import them. Widget tests run offscreen on Linux (Qt's own platform
on Windows and macOS); ``qloop`` is a qasync loop for async slots; Python's cyclic
garbage collection runs on the GUI thread only; a test that leaves a window shown fails
(``_no_window_left_open``)."""

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
from PySide6.QtWidgets import QApplication, QWidget

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


def shown_windows() -> list[QWidget]:
    """The top-level windows on screen now, Qt's own tooltips aside (Qt shows and hides
    those on its own timers, after a hover)."""
    if QApplication.instance() is None:
        return []
    return [
        w
        for w in QApplication.topLevelWidgets()
        if w.isVisible() and w.windowType() != Qt.WindowType.ToolTip
    ]


def close_child_windows(widget: QWidget) -> None:
    """Close the dialogs and other windows ``widget`` opened (its child windows): closing
    ``widget`` itself hides only it. For ``qtbot.addWidget(w, before_close_func=...)``."""
    for child in widget.findChildren(QWidget):
        if child.isWindow() and child.isVisible():
            child.close()


def hide_window(widget: QWidget) -> None:
    """For ``qtbot.addWidget(window, before_close_func=hide_window)``: a ``MainWindow``
    ignores a close (it asks the app to quit, or hides to the tray), so pytest-qt's close
    at teardown would leave it on screen."""
    close_child_windows(widget)
    widget.hide()


@pytest.fixture(autouse=True)
def _no_window_left_open(request: pytest.FixtureRequest) -> Iterator[None]:
    """Fail a test that leaves a window shown after its teardown (pytest-qt's close of
    ``qtbot.addWidget`` widgets and the shell's shutdown included): on the desktop
    session's screen, with no window manager, a leftover window covers later tests' windows
    and takes their real clicks. The leftovers are hidden so that no later test pays for
    them. Windows already shown before the test are not its doing."""
    before = set(shown_windows())
    yield
    left = [w for w in shown_windows() if w not in before]
    if not left:
        return
    names = ", ".join(f"{type(w).__name__} {w.windowTitle()!r}" for w in left)
    for w in left:
        w.hide()
    pytest.fail(
        f"{request.node.nodeid} left {len(left)} window(s) shown: {names}; close them in"
        " the test or its fixture (tests/qt_fixtures.py: close_child_windows, hide_window)",
        pytrace=False,
    )


@pytest.fixture
def qloop(qapp: QApplication) -> Iterator[asyncio.AbstractEventLoop]:
    loop = create_event_loop(qapp)
    try:
        yield loop
    finally:
        close_event_loop(loop)
