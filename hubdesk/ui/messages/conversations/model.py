"""``ConversationListModel``: one row per partner, newest first.

``set_conversations`` turns a fresh snapshot into the fewest cheap model signals
(removes, upward moves, inserts, ``dataChanged``) and falls back to one model reset when
the difference is large (more than ``RESET_THRESHOLD`` structural steps, or a quarter of
the rows): a reset of a few thousand fixed-height rows is cheaper than thousands of
single-row signals, and the view keeps its selection through ``index_of`` in the
container.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from hubdesk.domain import Conversation
from hubdesk.domain.text import neutralise
from hubdesk.ui.messages.conversations.numbertext import number_text
from hubdesk.ui.qt.overrides import guarded
from hubdesk.ui.qt.plaintext import tooltip
from hubdesk.ui.qt.times import format_list_time

AnyIndex = QModelIndex | QPersistentModelIndex

RESET_THRESHOLD = 64
_PREVIEW_CHARS = 240


class ConversationRole(IntEnum):
    CONVERSATION = Qt.ItemDataRole.UserRole + 1
    PARTNER = Qt.ItemDataRole.UserRole + 2
    PREVIEW = Qt.ItemDataRole.UserRole + 3
    TIME_TEXT = Qt.ItemDataRole.UserRole + 4
    UNREAD = Qt.ItemDataRole.UserRole + 5
    FAILED = Qt.ItemDataRole.UserRole + 6
    OPTED_OUT = Qt.ItemDataRole.UserRole + 7
    FILTER_TEXT = Qt.ItemDataRole.UserRole + 8
    NUMBER_TEXT = Qt.ItemDataRole.UserRole + 9
    PINNED = Qt.ItemDataRole.UserRole + 10


_BREAKS = frozenset("\u0085\u2028\u2029")


def single_line(text: str, limit: int = _PREVIEW_CHARS) -> str:
    """A one-line preview: control characters and line breaks become spaces, bidi
    controls and invisible characters are neutralised (``domain.text.neutralise``: an
    override inside a name or preview cannot make it read as something else).
    """
    head = neutralise(text[: limit * 2])
    cleaned = "".join(" " if ch in _BREAKS or ord(ch) < 32 or ord(ch) == 127 else ch for ch in head)
    collapsed = " ".join(cleaned.split())
    return collapsed[:limit] + ("…" if len(collapsed) > limit or len(text) > len(head) else "")


def _local_now() -> datetime:
    return datetime.now().astimezone()


class ConversationListModel(QAbstractListModel):
    """Rows of :class:`Conversation`, pinned ones first, then newest first; values in
    through ``set_conversations``."""

    def __init__(
        self, parent: QObject | None = None, *, clock: Callable[[], datetime] = _local_now
    ) -> None:
        super().__init__(parent)
        self._rows: list[Conversation] = []
        self._row_of: dict[str, int] = {}
        self._numbers: dict[str, str] = {}
        self._clock = clock
        self.last_update_was_reset = False

    # --- Qt model API -------------------------------------------------------------
    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    @guarded(None)
    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        conv = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.title(conv)
        if role == ConversationRole.CONVERSATION:
            return conv
        if role == ConversationRole.PARTNER:
            return conv.partner
        if role == ConversationRole.PREVIEW:
            return single_line(conv.last_text)
        if role == ConversationRole.TIME_TEXT:
            return format_list_time(conv.last_time, self._clock())
        if role == ConversationRole.UNREAD:
            return conv.unread
        if role == ConversationRole.FAILED:
            return conv.has_failed
        if role == ConversationRole.OPTED_OUT:
            return conv.opted_out
        if role == ConversationRole.NUMBER_TEXT:
            return self.number_text(conv.partner)
        if role == ConversationRole.PINNED:
            return conv.pinned
        if role == ConversationRole.FILTER_TEXT:
            return self._filter_text(conv)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return self._accessible_text(conv)
        if role == Qt.ItemDataRole.ToolTipRole:  # rich-text guessing: escaped, literal
            return tooltip(single_line(f"{self.title(conv)} ({self.number_text(conv.partner)})"))
        return None

    # --- values in ----------------------------------------------------------------
    def set_conversations(self, conversations: Iterable[Conversation]) -> None:
        """Show this snapshot (any order; shown pinned first, then newest first, one row
        per partner)."""
        new = _dedupe_sorted(conversations)
        ops = _plan(self._rows, new)
        limit = max(RESET_THRESHOLD, len(new) // 4)
        if ops is None or len(ops) > limit or not self._rows:
            self.last_update_was_reset = True
            self.beginResetModel()
            self._rows = new
            self._reindex()
            self.endResetModel()
            return
        self.last_update_was_reset = False
        root = QModelIndex()
        for op in ops:
            if op[0] == "remove":
                first, last = op[1], op[2]
                self.beginRemoveRows(root, first, last)
                del self._rows[first : last + 1]
                self.endRemoveRows()
            elif op[0] == "move":
                src, dst = op[1], op[2]
                self.beginMoveRows(root, src, src, root, dst)
                self._rows.insert(dst, self._rows.pop(src))
                self.endMoveRows()
            else:
                at, conv = op[1], op[2]
                self.beginInsertRows(root, at, at)
                self._rows.insert(at, conv)
                self.endInsertRows()
        changed = [i for i, conv in enumerate(new) if self._rows[i] != conv]
        self._rows = new
        self._reindex()
        for first, last in _ranges(changed):
            self.dataChanged.emit(self.index(first), self.index(last))

    def refresh_times(self) -> None:
        """Re-ask the time text (call at midnight / every minute: "14:05" becomes "Tue")."""
        if self._rows:
            self.dataChanged.emit(
                self.index(0), self.index(len(self._rows) - 1), [ConversationRole.TIME_TEXT]
            )

    # --- values out ---------------------------------------------------------------
    def conversation_at(self, index: AnyIndex | int) -> Conversation | None:
        row = index if isinstance(index, int) else (index.row() if index.isValid() else -1)
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def index_of(self, partner: str) -> QModelIndex:
        row = self._row_of.get(partner)
        return self.index(row) if row is not None else QModelIndex()

    def conversations(self) -> list[Conversation]:
        return list(self._rows)

    def title(self, conv: Conversation) -> str:
        """The contact's name, else the partner's number formatted for display."""
        name = conv.name
        return name if name and name.strip() else self.number_text(conv.partner)

    def number_text(self, partner: str) -> str:
        cached = self._numbers.get(partner)
        if cached is None:
            try:
                cached = number_text(partner)  # phonenumbers only when not a plain mobile
            except ValueError:
                cached = partner
            self._numbers[partner] = cached
        return cached

    # --- helpers ------------------------------------------------------------------
    def _reindex(self) -> None:
        self._row_of = {conv.partner: row for row, conv in enumerate(self._rows)}

    def _filter_text(self, conv: Conversation) -> str:
        parts = [conv.name or "", self.number_text(conv.partner), conv.partner]
        parts.append(conv.last_text[:_PREVIEW_CHARS])
        return " ".join(parts).casefold()

    def _accessible_text(self, conv: Conversation) -> str:
        bits = [single_line(self.title(conv), 120)]
        if conv.pinned:
            bits.append("pinned")
        if conv.unread:
            bits.append(f"{conv.unread} unread")
        bits.append(f"last message {format_list_time(conv.last_time, self._clock())}")
        if conv.has_failed:
            bits.append("a message failed to send")
        if conv.opted_out:
            bits.append("opted out")
        return ", ".join(bits) + ": " + single_line(conv.last_text, 120)


def _dedupe_sorted(conversations: Iterable[Conversation]) -> list[Conversation]:
    ordered = sorted(conversations, key=lambda c: (c.pinned, c.last_time), reverse=True)
    seen: set[str] = set()
    result: list[Conversation] = []
    for conv in ordered:
        if conv.partner not in seen:
            seen.add(conv.partner)
            result.append(conv)
    return result


Op = tuple[str, int, Any]


def _plan(old: list[Conversation], new: list[Conversation]) -> list[Op] | None:
    """Removes, upward moves and inserts that turn ``old``'s order into ``new``'s.

    Returns None as soon as the plan grows past the reset threshold (cost stays bounded:
    each step is O(n), and there are at most ``limit`` steps).
    """
    limit = max(RESET_THRESHOLD, len(new) // 4)
    new_keys = {c.partner for c in new}
    ops: list[Op] = []
    removed = [row for row, conv in enumerate(old) if conv.partner not in new_keys]
    for first, last in reversed(_ranges(removed)):
        ops.append(("remove", first, last))
    if len(ops) > limit:
        return None
    current = [c.partner for c in old if c.partner in new_keys]
    for i, conv in enumerate(new):
        key = conv.partner
        if i < len(current) and current[i] == key:
            continue
        if len(ops) >= limit:
            return None
        try:
            j = current.index(key, i)
        except ValueError:
            ops.append(("insert", i, conv))
            current.insert(i, key)
        else:
            ops.append(("move", j, i))
            current.insert(i, current.pop(j))
    return ops


def _ranges(rows: list[int]) -> list[tuple[int, int]]:
    """Sorted row numbers as contiguous (first, last) ranges."""
    result: list[tuple[int, int]] = []
    for row in rows:
        if result and row == result[-1][1] + 1:
            result[-1] = (result[-1][0], row)
        else:
            result.append((row, row))
    return result
