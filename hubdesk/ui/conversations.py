"""The conversation list: ``ConversationListModel`` + ``ConversationDelegate``.

One row per partner, newest first. ``set_conversations`` turns a fresh snapshot into the
fewest cheap model signals (removes, upward moves, inserts, ``dataChanged``) and falls
back to one model reset when the difference is large (more than ``RESET_THRESHOLD``
structural steps, or a quarter of the rows): a reset of a few thousand fixed-height
rows is cheaper than thousands of single-row signals, and the view keeps its selection
through ``index_of`` in the container.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    QRectF,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import QListView, QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from hubdesk.domain import Conversation
from hubdesk.domain.numbers import format_number
from hubdesk.ui import guarded
from hubdesk.ui.theme import colors_for

AnyIndex = QModelIndex | QPersistentModelIndex

RESET_THRESHOLD = 64
_LEFT = Qt.AlignmentFlag.AlignLeft
_RIGHT = Qt.AlignmentFlag.AlignRight
_VCENTER = Qt.AlignmentFlag.AlignVCenter
_ELIDE = Qt.TextElideMode.ElideRight
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


def format_list_time(moment: datetime, now: datetime) -> str:
    """Local time as a list shows it: today ``14:05``, this week ``Tue``, else a date."""
    local = moment.astimezone()
    today = now.astimezone().date()
    day = local.date()
    if day == today:
        return local.strftime("%H:%M")
    if today - timedelta(days=6) <= day < today:
        return local.strftime("%a")
    if day.year == today.year:
        return f"{day.day} {local.strftime('%b')}"
    return local.strftime("%d/%m/%Y")


_BREAKS = frozenset("\u0085\u2028\u2029")


def single_line(text: str, limit: int = _PREVIEW_CHARS) -> str:
    """A one-line preview: control characters and line breaks become spaces.

    Everything else is kept literally (bidi controls included: the delegate draws each
    string on its own, so an override cannot reach beyond its own text).
    """
    head = text[: limit * 2]
    cleaned = "".join(" " if ch in _BREAKS or ord(ch) < 32 or ord(ch) == 127 else ch for ch in head)
    collapsed = " ".join(cleaned.split())
    return collapsed[:limit] + ("…" if len(collapsed) > limit or len(text) > len(head) else "")


def _local_now() -> datetime:
    return datetime.now().astimezone()


class ConversationListModel(QAbstractListModel):
    """Rows of :class:`Conversation`, newest first; values in through ``set_conversations``."""

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
    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
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
        if role == ConversationRole.FILTER_TEXT:
            return self._filter_text(conv)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return self._accessible_text(conv)
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{self.title(conv)} ({self.number_text(conv.partner)})"
        return None

    # --- values in ----------------------------------------------------------------
    def set_conversations(self, conversations: Iterable[Conversation]) -> None:
        """Show this snapshot (any order; shown newest first, one row per partner)."""
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
                cached = format_number(partner)
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
        bits = [self.title(conv)]
        if conv.unread:
            bits.append(f"{conv.unread} unread")
        bits.append(f"last message {format_list_time(conv.last_time, self._clock())}")
        if conv.has_failed:
            bits.append("a message failed to send")
        if conv.opted_out:
            bits.append("opted out")
        return ", ".join(bits) + ": " + single_line(conv.last_text, 120)


def _dedupe_sorted(conversations: Iterable[Conversation]) -> list[Conversation]:
    ordered = sorted(conversations, key=lambda c: c.last_time, reverse=True)
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


class ConversationDelegate(QStyledItemDelegate):
    """Two lines per row: name and time; preview, failed / opted-out markers, unread badge."""

    PAD_X = 10
    PAD_Y = 7
    GAP = 6

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._size_cache: tuple[QFont, QSize] | None = None

    @guarded(QSize(200, 40))
    def sizeHint(self, option: QStyleOptionViewItem, index: AnyIndex) -> QSize:  # noqa: N802
        cached = self._size_cache
        font: QFont = option.font
        if cached is not None and cached[0] == font:
            return cached[1]
        bold = QFont(font)
        bold.setBold(True)
        height = QFontMetrics(bold).height() + QFontMetrics(font).height()
        size = QSize(200, height + 2 * self.PAD_Y + 4)
        self._size_cache = (QFont(font), size)
        return size

    @guarded(None)
    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        widget: QWidget | None = opt.widget
        style = widget.style() if widget is not None else None
        painter.save()
        try:
            if style is not None:
                style.drawPrimitive(
                    QStyle.PrimitiveElement.PE_PanelItemViewItem, opt, painter, widget
                )
            self._paint_content(painter, opt, index)
        finally:
            painter.restore()

    def _paint_content(self, painter: QPainter, opt: QStyleOptionViewItem, index: AnyIndex) -> None:
        rect: QRect = opt.rect.adjusted(self.PAD_X, self.PAD_Y, -self.PAD_X, -self.PAD_Y)
        palette: QPalette = opt.palette
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        colors = colors_for(palette)
        text_color = palette.color(
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        )
        muted = text_color if selected else colors.muted_text
        font = QFont(opt.font)
        unread = int(index.data(ConversationRole.UNREAD) or 0)
        title_font = QFont(font)
        title_font.setBold(True)
        title_fm = QFontMetrics(title_font)
        fm = QFontMetrics(font)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)

        # Line 1: title ... time
        line1 = QRect(rect.left(), rect.top(), rect.width(), title_fm.height())
        time_text = str(index.data(ConversationRole.TIME_TEXT) or "")
        time_font = QFont(font)
        if unread:
            time_font.setBold(True)
        time_width = QFontMetrics(time_font).horizontalAdvance(time_text)
        painter.setFont(time_font)
        painter.setPen(colors.badge if unread and not selected else muted)
        painter.drawText(
            line1, int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter), time_text
        )
        title_rect = line1.adjusted(0, 0, -(time_width + self.GAP), 0)
        title = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
        painter.setFont(title_font)
        painter.setPen(text_color)
        painter.drawText(
            title_rect,
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
            title_fm.elidedText(
                single_line(title, 120), Qt.TextElideMode.ElideRight, title_rect.width()
            ),
        )

        # Line 2: preview ... [failed] [opted out] [badge]
        line2 = QRect(rect.left(), line1.bottom() + 3, rect.width(), fm.height())
        right = line2.right()
        painter.setFont(font)
        if unread:
            right = self._paint_badge(
                painter, line2, right, unread, colors.badge, colors.badge_text
            )
        if bool(index.data(ConversationRole.OPTED_OUT)):
            right = self._paint_pill(painter, line2, right, "Opted out", muted)
        if bool(index.data(ConversationRole.FAILED)):
            right = self._paint_failed(painter, line2, right, colors.failed)
        preview_rect = QRect(
            line2.left(), line2.top(), max(0, right - line2.left()), line2.height()
        )
        preview = str(index.data(ConversationRole.PREVIEW) or "")
        painter.setPen(text_color if unread else muted)
        painter.setFont(font)
        painter.drawText(
            preview_rect,
            int(_LEFT | _VCENTER),
            fm.elidedText(preview, _ELIDE, preview_rect.width()),
        )

    def _paint_badge(
        self, painter: QPainter, line: QRect, right: int, count: int, bg: QColor, fg: QColor
    ) -> int:
        text = "99+" if count > 99 else str(count)
        font = QFont(painter.font())
        font.setBold(True)
        fm = QFontMetrics(font)
        height = line.height()
        width = max(height, fm.horizontalAdvance(text) + 10)
        box = QRectF(right - width + 1, line.top(), width, height)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(bg)
        painter.drawRoundedRect(box, height / 2, height / 2)
        painter.setPen(fg)
        painter.setFont(font)
        painter.drawText(box, int(Qt.AlignmentFlag.AlignCenter), text)
        return int(box.left()) - self.GAP

    def _paint_pill(
        self, painter: QPainter, line: QRect, right: int, text: str, color: QColor
    ) -> int:
        fm = QFontMetrics(painter.font())
        width = fm.horizontalAdvance(text) + 10
        box = QRectF(right - width + 1, line.top() + 0.5, width, line.height() - 1)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(color)
        painter.drawRoundedRect(box, 4, 4)
        painter.drawText(box, int(Qt.AlignmentFlag.AlignCenter), text)
        return int(box.left()) - self.GAP

    def _paint_failed(self, painter: QPainter, line: QRect, right: int, color: QColor) -> int:
        size = min(line.height(), 16)
        box = QRectF(right - size + 1, line.center().y() - size / 2 + 1, size, size)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(color)
        painter.drawEllipse(box)
        font = QFont(painter.font())
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(QColor("#ffffff"))
        painter.drawText(box, int(Qt.AlignmentFlag.AlignCenter), "!")
        return int(box.left()) - self.GAP


class ConversationListView(QListView):
    """A list view set up for the model: fixed row height, emits the chosen conversation."""

    conversation_activated = Signal(object)  # Conversation

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setUniformItemSizes(True)
        self.setSelectionMode(QListView.SelectionMode.SingleSelection)
        self.setVerticalScrollMode(QListView.ScrollMode.ScrollPerPixel)
        self.setItemDelegate(ConversationDelegate(self))
        self.setAccessibleName("Conversations")
        self.activated.connect(self._emit_activated)
        self.clicked.connect(self._emit_activated)

    def _emit_activated(self, index: QModelIndex) -> None:
        conv = index.data(ConversationRole.CONVERSATION)
        if isinstance(conv, Conversation):
            self.conversation_activated.emit(conv)
