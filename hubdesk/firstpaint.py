"""The first frame's pieces, for ``AppShell.show_cached``: the cached read of the theme and
the newest conversations (one short read-only query, before the store is opened), and
the event filter that tells when the window's first paint has returned to the loop.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QTimer

from hubdesk.ui import guarded

if TYPE_CHECKING:
    from hubdesk.domain import Conversation

__all__ = ["FIRST_ROWS", "FirstPaint", "read_cached"]

log = logging.getLogger("hubdesk.appshell")
FIRST_ROWS = 100  # conversations read before the first paint (the rest follow at once)


class FirstPaint(QObject):
    """Sets ``done`` once ``widget``'s first paint pass has returned to the event loop."""

    def __init__(self, widget: QObject, done: asyncio.Event) -> None:
        super().__init__(widget)
        self._widget = widget
        self._done = done
        widget.installEventFilter(self)

    @guarded(False)
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if watched is self._widget and event.type() == QEvent.Type.Paint:
            self._widget.removeEventFilter(self)
            QTimer.singleShot(0, self._done.set)
        return False


def read_cached(path: Path) -> tuple[str, bool, list[Conversation]]:
    """(theme, start minimised, the newest ``FIRST_ROWS`` conversations) from the profile
    database, read-only; defaults (and no rows) when it is missing or unreadable."""
    from hubdesk.core.settings import settings_from_values
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
            current, _warnings = settings_from_values(Settings(conn).all())
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
