"""The status bar: connection state, last sync time, backfill progress, unread count.

Dumb widget: the container maps the sync engine's states onto :class:`Connection`.
Server times arrive as aware datetimes and are shown in local time.
"""

from __future__ import annotations

import math
from datetime import datetime
from enum import Enum

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QLabel, QProgressBar, QStatusBar, QWidget

from hubdesk.ui.qt.plaintext import set_tooltip
from hubdesk.ui.qt.theme import colors_for


class Connection(Enum):
    CONNECTING = "connecting"
    ONLINE = "online"
    OFFLINE = "offline"
    RATE_LIMITED = "rate_limited"
    SESSION_EXPIRED = "session_expired"
    ERROR = "error"  # a background loop failed on an internal error and will try again
    SIGNED_OUT = "signed_out"


_TEXT = {
    Connection.CONNECTING: "Connecting…",
    Connection.ONLINE: "Online",
    Connection.OFFLINE: "Offline — messages will be queued",
    Connection.RATE_LIMITED: "Rate limited by the server",
    Connection.SESSION_EXPIRED: "Session expired — sign in again",
    Connection.ERROR: "Sync problem",
    Connection.SIGNED_OUT: "Not signed in",
}
_SAYS_WHEN = (Connection.RATE_LIMITED, Connection.ERROR)  # "retrying in …" when known
_LONGEST = 3600.0  # a longer (or nonsensical) wait is shown as this


def retry_text(seconds: float | None) -> str:
    """The label's suffix " — retrying in 40 s" (or "… 60 min"): "" when ``seconds`` is
    unknown or not a number; never more than an hour, whatever the server said."""
    if seconds is None or not math.isfinite(seconds) or seconds <= 0:
        return ""
    seconds = min(seconds, _LONGEST)
    if seconds < 120:
        return f" — retrying in {max(1, round(seconds))} s"
    return f" — retrying in {round(seconds / 60)} min"


def _plain(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


class SyncStatusBar(QStatusBar):
    """Online / offline / rate-limited / session expired, last sync, backfill progress."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state_label = _plain("", self)
        self.state_label.setAccessibleName("Connection status")
        self.sync_label = _plain("", self)
        self.sync_label.setAccessibleName("Last sync")
        self.backfill_bar = QProgressBar(self)
        self.backfill_bar.setAccessibleName("Downloading history")
        self.backfill_bar.setMaximumWidth(180)
        self.backfill_bar.setTextVisible(True)
        self.backfill_bar.hide()
        self.unread_label = _plain("", self)
        self.unread_label.setAccessibleName("Unread messages")
        self.addWidget(self.state_label)
        self.addWidget(self.sync_label)
        self.addPermanentWidget(self.backfill_bar)
        self.addPermanentWidget(self.unread_label)
        self.connection = Connection.CONNECTING
        self.set_connection(Connection.CONNECTING)

    def insert_notice(self, notice: QWidget) -> None:
        """Put the toast after the connection state and the last sync, before the history
        progress and the unread count; permanent, so a status tip does not hide it. (Qt
        counts the index over every item of the bar, the two labels first.) The
        connection state is left as it is: the first toast used to reset it to
        "Connecting…", over "Offline" or "Session expired"."""
        self.insertPermanentWidget(2, notice, 1)

    def set_connection(
        self, state: Connection, detail: str | None = None, retry_after: float | None = None
    ) -> None:
        self.connection = state
        text = _TEXT[state]
        if state in _SAYS_WHEN:
            text += retry_text(retry_after)
        self.state_label.setText(text)
        set_tooltip(self.state_label, detail or text)  # detail: a server's sentence
        colors = colors_for(self.palette())
        color = {
            Connection.ONLINE: colors.success,
            Connection.OFFLINE: colors.warning,
            Connection.RATE_LIMITED: colors.warning,
            Connection.SESSION_EXPIRED: colors.failed,
            Connection.ERROR: colors.failed,
        }.get(state, colors.muted_text)
        palette = self.state_label.palette()
        palette.setColor(QPalette.ColorRole.WindowText, color)
        self.state_label.setPalette(palette)

    def set_last_sync(self, moment: datetime | None) -> None:
        """When the last successful sync finished (shown in local time)."""
        if moment is None:
            self.sync_label.setText("")
            return
        local = moment.astimezone()
        self.sync_label.setText(f"Last sync {local.strftime('%H:%M:%S')}")
        self.sync_label.setToolTip(local.strftime("Last successful sync: %d %b %Y %H:%M:%S"))

    def set_backfill(self, done: int, total: int, finished: bool) -> None:
        if finished or total <= 0:
            self.backfill_bar.hide()
            return
        self.backfill_bar.setRange(0, total)
        self.backfill_bar.setValue(min(done, total))
        self.backfill_bar.setFormat(f"History {done:,}/{total:,}")
        self.backfill_bar.setToolTip("Downloading older messages in the background")
        self.backfill_bar.show()

    def set_unread(self, count: int) -> None:
        self.unread_label.setText(f"{count} unread" if count else "")
