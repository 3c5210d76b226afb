"""``ThreadModel``: one conversation's entries, oldest first, shown through a window.

Entries arrive newest first (as the store pages them) and are shown oldest at the top.
The model shows a *window*: the newest ``initial_window`` entries at first, and
``reveal_chunk`` more each time the view nears the top (rows inserted at 0). Only when
nothing is hidden does the view ask the store for its next page.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from datetime import datetime
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from hubdesk.domain import MessageState, SmsType, ThreadEntry
from hubdesk.ui.qt.overrides import guarded
from hubdesk.ui.qt.plaintext import tooltip
from hubdesk.ui.qt.times import format_bubble_time, local_day

AnyIndex = QModelIndex | QPersistentModelIndex

STATE_LABELS: dict[MessageState, str] = {
    MessageState.QUEUED: "Queued",
    MessageState.SENDING: "Sending…",
    MessageState.PENDING: "Pending",
    MessageState.SENT: "Sent",
    MessageState.FAILED: "Failed",
    MessageState.UNKNOWN: "Checking…",  # "Unknown" read as lost: people typed it again
    MessageState.SCHEDULED: "Scheduled",
    MessageState.OVERDUE: "Overdue",
    MessageState.RECEIVED: "",
}


def state_hint(entry: ThreadEntry) -> str:
    """What a sent bubble's state means and what the user can do (its tooltip)."""
    state = entry.state
    if state is MessageState.FAILED and entry.resent:
        return "Not delivered, then sent again: the newer message below is the resend."
    if state is MessageState.FAILED:
        if entry.outbox_id is None:
            return "Not delivered: the network could not deliver it. Retry puts it back in the box."
        return "Not sent: the server refused it. Retry sends it again."
    return {
        MessageState.QUEUED: "Waiting to be sent: HubDesk sends it when the server can be reached.",
        MessageState.SENDING: "Being sent now.",
        MessageState.PENDING: "Accepted by the server; delivery not confirmed yet.",
        MessageState.SENT: "Sent: the network accepted it.",
        MessageState.UNKNOWN: (
            "The server's answer was lost: HubDesk checks whether it got the message "
            "before sending it again, so it never goes twice."
        ),
        MessageState.SCHEDULED: "Scheduled: HubDesk sends it at the time shown.",
        MessageState.OVERDUE: (
            "Overdue: its time passed more than an hour ago while HubDesk was not running; "
            "it is not sent until you choose Send now (or cancel it)."
        ),
    }.get(state, "")


class ThreadRole(IntEnum):
    ENTRY = Qt.ItemDataRole.UserRole + 1
    KEY = Qt.ItemDataRole.UserRole + 2
    STATE = Qt.ItemDataRole.UserRole + 3
    TIME_TEXT = Qt.ItemDataRole.UserRole + 4  # the bubble's time, relative to the clock


def accessible_text(entry: ThreadEntry, now: datetime) -> str:
    if entry.call is not None:  # a call placed from HubDesk, in the timeline
        said = "placed" if entry.call.ok else "failed"
        return f"Call {said}, {format_bubble_time(entry.time, now)}: {entry.text}"
    sent = entry.direction is SmsType.SENT
    bits = ["Sent" if sent else "Received", format_bubble_time(entry.time, now)]
    if sent:
        bits.append(f"from {entry.sender_id}")
        if entry.parts and entry.parts > 1:
            bits.append(f"{entry.parts} parts")
        label = "Resent" if entry.resent else STATE_LABELS[entry.state]
        bits.append(label.rstrip("…").lower())
    return ", ".join(bits) + ": " + entry.text


class ThreadModel(QAbstractListModel):
    """Entries oldest first; only the newest part (the window) is exposed as rows."""

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        initial_window: int = 60,
        reveal_chunk: int = 100,
        clock: Any = None,
    ) -> None:
        super().__init__(parent)
        self._entries: list[ThreadEntry] = []  # oldest first, all of them
        self._start = 0  # index in _entries of row 0
        self._pos: dict[str, int] = {}  # key -> index in _entries
        self.initial_window = max(1, initial_window)
        self.reveal_chunk = max(1, reveal_chunk)
        self._clock = clock or (lambda: datetime.now().astimezone())

    # --- Qt model API -------------------------------------------------------------
    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._entries) - self._start

    @guarded(None)
    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        entry = self.entry_at(index.row()) if index.isValid() else None
        if entry is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole or role == ThreadRole.ENTRY:
            return entry.text if role == Qt.ItemDataRole.DisplayRole else entry
        if role == ThreadRole.KEY:
            return entry.key
        if role == ThreadRole.STATE:
            return entry.state
        if role == ThreadRole.TIME_TEXT:
            return format_bubble_time(entry.time, self._clock())
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return accessible_text(entry, self._clock())
        if role == Qt.ItemDataRole.ToolTipRole:
            when = entry.time.astimezone().strftime("%A %d %B %Y, %H:%M:%S")
            if entry.call is not None:  # the server's sentence: plain text, never markup
                return tooltip(f"{when}\n{entry.text}")
            hint = state_hint(entry) if entry.direction is SmsType.SENT else ""
            return f"{when}\n{hint}" if hint else when
        return None

    # --- values in ----------------------------------------------------------------
    def set_entries(self, entries: Iterable[ThreadEntry]) -> None:
        """Replace everything; ``entries`` newest first (duplicate keys: first wins)."""
        ordered = _dedupe(entries)
        ordered.reverse()
        self.beginResetModel()
        self._entries = ordered
        self._start = max(0, len(ordered) - self.initial_window)
        self._reindex()
        self.endResetModel()

    def prepend_older(self, entries: Iterable[ThreadEntry]) -> int:
        """Add a page of older entries (newest first); returns how many were new."""
        older = [e for e in _dedupe(entries) if e.key not in self._pos]
        if not older:
            return 0
        older.reverse()
        if self._start > 0:  # older rows are still hidden: these go before them, hidden
            self._entries[0:0] = older
            self._start += len(older)
        else:
            self.beginInsertRows(QModelIndex(), 0, len(older) - 1)
            self._entries[0:0] = older
            self.endInsertRows()
        self._reindex()
        return len(older)

    def upsert(self, entries: Iterable[ThreadEntry]) -> None:
        """Replace entries with known keys in place; insert new ones by time."""
        for entry in entries:
            at = self._pos.get(entry.key)
            if at is not None:
                self._entries[at] = entry
                if at >= self._start:
                    changed = self.index(at - self._start)
                    self.dataChanged.emit(changed, changed)
                continue
            if not self._entries or entry.time >= self._entries[-1].time:
                at = len(self._entries)
            else:
                at = bisect.bisect_right(self._entries, entry.time, key=lambda e: e.time)
            if at < self._start:
                self._entries.insert(at, entry)
                self._start += 1
            else:
                row = at - self._start
                self.beginInsertRows(QModelIndex(), row, row)
                self._entries.insert(at, entry)
                self.endInsertRows()
            self._reindex(at)

    def remove(self, keys: Iterable[str]) -> None:
        """Drop entries by key (an outbox bubble replaced by the stored message)."""
        for at in sorted((self._pos[k] for k in set(keys) if k in self._pos), reverse=True):
            if at < self._start:
                del self._entries[at]
                self._start -= 1
            else:
                row = at - self._start
                self.beginRemoveRows(QModelIndex(), row, row)
                del self._entries[at]
                self.endRemoveRows()
        self._reindex()

    def reveal_older(self, count: int | None = None) -> int:
        """Show up to ``count`` (default ``reveal_chunk``) hidden older entries."""
        n = min(self._start, count if count is not None else self.reveal_chunk)
        if n <= 0:
            return 0
        self.beginInsertRows(QModelIndex(), 0, n - 1)
        self._start -= n
        self.endInsertRows()
        return n

    def ensure_shown(self, key: str) -> QModelIndex:
        """Reveal rows down to ``key`` if it is hidden; its index (invalid if unknown)."""
        at = self._pos.get(key)
        if at is None:
            return QModelIndex()
        if at < self._start:
            self.reveal_older(self._start - at)
        return self.index(at - self._start)

    def refresh_times(self) -> None:
        """Times read relative to now ("14:05" becomes "Tue 14:05" after midnight): tell
        the view the time role of every shown row changed (no relayout, a repaint)."""
        if self.rowCount():
            last = self.index(self.rowCount() - 1)
            self.dataChanged.emit(self.index(0), last, [ThreadRole.TIME_TEXT])

    # --- values out ---------------------------------------------------------------
    def now(self) -> datetime:
        """The model's clock (injectable): what relative times and day labels read from."""
        value: datetime = self._clock()
        return value

    def starts_day(self, row: int) -> bool | None:
        """Whether the entry at ``row`` is the first of its local day among those held.

        ``None`` for the oldest entry held: whether it starts its day depends on pages
        the store has not given yet (the view knows when there are none).
        """
        at = row + self._start
        if row < 0 or at >= len(self._entries):
            return False
        if at == 0:
            return None
        return local_day(self._entries[at].time) != local_day(self._entries[at - 1].time)

    def entry_at(self, row: int) -> ThreadEntry | None:
        at = row + self._start
        return self._entries[at] if row >= 0 and at < len(self._entries) else None

    def index_of(self, key: str) -> QModelIndex:
        at = self._pos.get(key)
        if at is None or at < self._start:
            return QModelIndex()
        return self.index(at - self._start)

    def entry_count(self) -> int:
        """Every entry held, shown or not (``rowCount`` counts only the shown ones)."""
        return len(self._entries)

    def hidden_count(self) -> int:
        return self._start

    def entries(self) -> list[ThreadEntry]:
        """All entries, oldest first."""
        return list(self._entries)

    def _reindex(self, from_at: int = 0) -> None:
        if from_at == 0:
            self._pos = {e.key: i for i, e in enumerate(self._entries)}
            return
        for i in range(from_at, len(self._entries)):
            self._pos[self._entries[i].key] = i


def _dedupe(entries: Iterable[ThreadEntry]) -> list[ThreadEntry]:
    seen: set[str] = set()
    result: list[ThreadEntry] = []
    for entry in entries:
        if entry.key not in seen:
            seen.add(entry.key)
            result.append(entry)
    return result


def entry_of(index: AnyIndex) -> ThreadEntry | None:
    """The entry an index shows (from a :class:`ThreadModel` or its ``ENTRY`` role)."""
    model = index.model()
    if isinstance(model, ThreadModel):
        return model.entry_at(index.row())
    value = index.data(ThreadRole.ENTRY)
    return value if isinstance(value, ThreadEntry) else None
