"""The first frame: the main window, filled from the cache, on screen before anything else.

``app.main`` calls :func:`show_first_frame` right after the ``QApplication`` exists and
before the asyncio loop, the store worker, the keyring or the network are even imported:
one short read-only query gives the theme and the newest ``FIRST_ROWS`` conversations,
the window is built and shown, and Qt's events are processed (a local ``QEventLoop``,
bounded by ``FIRST_PAINT_WAIT_S``) until its first paint has returned to the loop. The
rest of start-up (``AppShell.start``) then opens the store properly, with its integrity
check, and reloads the whole list. ``bench/ui_bench.py`` and ``bench/startup_bench.py``
time this path; ``tests/unit/test_startup_imports.py`` keeps its imports this short.

A quit asked for meanwhile is noticed through the window's own ``quit_requested`` (and
the local loop ending early), never through an event filter on the application, which
Qt would call for every event of every object while the window is built and painted.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QEventLoop, QObject, QTimer

from hubdesk.ui.qt.overrides import guarded

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication, QWidget

    from hubdesk.domain import Conversation
    from hubdesk.ui.qt.icons import IconSet
    from hubdesk.ui.shell.window import MainWindow

__all__ = ["FIRST_PAINT_WAIT_S", "FIRST_ROWS", "FirstFrame", "read_cached", "show_first_frame"]

log = logging.getLogger("hubdesk.app.shell")
FIRST_ROWS = 100  # conversations read before the first paint (the rest follow at once)
FIRST_PAINT_WAIT_S = 1.0  # go on anyway when no paint comes (an odd platform)


@dataclass(slots=True)
class FirstFrame:
    """What :func:`show_first_frame` did: ``window`` is None when HubDesk starts hidden
    (``--minimized`` or the setting); ``painted`` whether its first paint completed;
    ``quit_requested`` when a quit was asked for meanwhile: the window's Quit or close
    (macOS Cmd+Q and the Dock's Quit reach it as a close, Qt's handling of the Quit
    event) or ``QCoreApplication.exit``. It also ends the local loop: ``app.main`` then
    quits."""

    window: MainWindow | None = None
    icons: IconSet | None = None
    painted: bool = False
    quit_requested: bool = False


class PaintWatch(QObject):
    """Calls ``done()`` once ``widget``'s first paint pass has returned to the event loop
    (a zero-timer posted when the Paint event arrives), then stops watching."""

    def __init__(self, widget: QWidget, done: Callable[[], None]) -> None:
        super().__init__(widget)
        self._widget = widget
        self._done = done
        widget.installEventFilter(self)

    @guarded(False)
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._widget and event.type() == QEvent.Type.Paint:
            self._widget.removeEventFilter(self)
            QTimer.singleShot(0, self._done)
        return False


def show_first_frame(
    app: QApplication,
    home: Path,
    *,
    minimized: bool = False,
    wait_s: float = FIRST_PAINT_WAIT_S,
) -> FirstFrame:
    """Build and show the main window from the cache in ``home`` and return once it has
    painted (or after ``wait_s``). Nothing is shown when HubDesk starts hidden."""
    from hubdesk.store.profile import database_path
    from hubdesk.ui.qt.icons import IconSet
    from hubdesk.ui.qt.theme import apply_theme
    from hubdesk.ui.shell.window import MainWindow

    theme, hidden, rows = read_cached(database_path(home))
    if minimized or hidden:
        return FirstFrame()
    apply_theme(app, theme)
    # Quitting is HubDesk's (window close without a tray, Ctrl+Q, tray menu, signals):
    # Qt must not end the application when the window hides.
    app.setQuitOnLastWindowClosed(False)
    icons = IconSet()
    window = MainWindow(icons)
    if rows:
        window.messages_page.set_conversations(rows)
    frame = FirstFrame(window, icons)
    loop = QEventLoop()

    def painted() -> None:
        frame.painted = True
        loop.quit()

    def quit_asked() -> None:
        frame.quit_requested = True
        loop.quit()

    watch = PaintWatch(window, painted)
    window.quit_requested.connect(quit_asked)
    limit = QTimer()
    limit.setSingleShot(True)
    limit.timeout.connect(loop.quit)
    window.show()
    limit.start(max(1, int(wait_s * 1000)))
    try:
        loop.exec()  # before any asyncio loop exists: Qt's events only, bounded by ``limit``
        if not frame.painted and limit.isActive():  # ended early: QCoreApplication.exit()
            frame.quit_requested = True
    finally:
        limit.stop()
        window.quit_requested.disconnect(quit_asked)
        watch.deleteLater()
    if not frame.painted and not frame.quit_requested:
        log.info("the first frame did not paint within %.1f s; starting anyway", wait_s)
    return frame


def read_cached(path: Path) -> tuple[str, bool, list[Conversation]]:
    """(theme, start minimised, the newest ``FIRST_ROWS`` conversations) from the profile
    database, read-only; defaults (and no rows) when it is missing or unreadable."""
    from hubdesk.core.settings import settings_from_values, stored_values
    from hubdesk.store.conversations import list_conversations
    from hubdesk.store.settings import Settings

    if not path.is_file():
        return "system", False, []
    try:
        conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=1.0)
    except sqlite3.Error as exc:
        log.info("no cached first frame: %s", exc)
        return "system", False, []
    try:
        try:
            current, _warnings = settings_from_values(stored_values(Settings(conn)))
            theme, minimized = current.theme, current.start_minimized
        except (sqlite3.Error, ValueError) as exc:
            log.info("settings not read for the first frame: %s", exc)
            theme, minimized = "system", False
        try:
            rows = list_conversations(conn, limit=FIRST_ROWS)
        except sqlite3.Error as exc:  # damaged, locked or an older schema: start() sees
            log.info("no cached conversations for the first frame: %s", exc)
            rows = []
        return theme, minimized, rows
    finally:
        conn.close()
