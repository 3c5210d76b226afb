"""One conversation's messages: ``ThreadModel``, ``ThreadDelegate`` and ``ThreadView``.

Entries arrive newest first (as the store pages them) and are shown oldest at the top.
Text is painted as plain text by the delegate (``QPainter.drawText``), never parsed as
markup.

Speed: bubbles have different heights, so a list view must ask the size of every row
it lays out. The model therefore shows a *window*: the newest ``initial_window``
entries at first, and ``reveal_chunk`` more each time the view nears the top (rows
inserted at 0, scroll position kept). Only when nothing is hidden does the view emit
``older_requested`` for the store's next page. A 10,000-entry thread lays out a few
hundred rows for its first paint. Size hints are cached per key for the current width
and dropped when the width changes or an entry is replaced.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    QRect,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QFont, QFontMetrics, QKeyEvent, QMouseEvent, QPainter, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QListView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from hubdesk.domain import MessageState, SmsType, ThreadEntry
from hubdesk.ui import guarded
from hubdesk.ui.conversations import format_list_time
from hubdesk.ui.icons import IconSet
from hubdesk.ui.theme import ThemeColors, colors_for

AnyIndex = QModelIndex | QPersistentModelIndex

STATE_LABELS: dict[MessageState, str] = {
    MessageState.QUEUED: "Queued",
    MessageState.SENDING: "Sending…",
    MessageState.PENDING: "Pending",
    MessageState.SENT: "Sent",
    MessageState.FAILED: "Failed",
    MessageState.UNKNOWN: "Unknown",
    MessageState.RECEIVED: "",
}
STATE_ICONS: dict[MessageState, str] = {
    MessageState.QUEUED: "queued",
    MessageState.SENDING: "queued",
    MessageState.PENDING: "pending",
    MessageState.SENT: "sent",
    MessageState.FAILED: "failed",
    MessageState.UNKNOWN: "unknown",
}
RETRY_TEXT = "Retry"


class ThreadRole(IntEnum):
    ENTRY = Qt.ItemDataRole.UserRole + 1
    KEY = Qt.ItemDataRole.UserRole + 2
    STATE = Qt.ItemDataRole.UserRole + 3


def format_bubble_time(moment: datetime, now: datetime) -> str:
    """``14:05`` today; ``Tue 14:05`` this week; ``3 Mar 14:05`` or ``03/03/2023 14:05``."""
    day_text = format_list_time(moment, now)
    clock = moment.astimezone().strftime("%H:%M")
    return clock if day_text == clock else f"{day_text} {clock}"


def accessible_text(entry: ThreadEntry, now: datetime) -> str:
    sent = entry.direction is SmsType.SENT
    bits = ["Sent" if sent else "Received", format_bubble_time(entry.time, now)]
    if sent:
        bits.append(f"from {entry.sender_id}")
        if entry.parts and entry.parts > 1:
            bits.append(f"{entry.parts} parts")
        bits.append(STATE_LABELS[entry.state].rstrip("…").lower())
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
    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
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
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return accessible_text(entry, self._clock())
        if role == Qt.ItemDataRole.ToolTipRole:
            return entry.time.astimezone().strftime("%A %d %B %Y, %H:%M:%S")
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

    # --- values out ---------------------------------------------------------------
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


@dataclass(frozen=True, slots=True)
class BubbleLayout:
    """Where everything of one bubble goes, relative to the row's top-left corner."""

    size: QSize  # the row, for the layout width
    sent: bool
    bubble: QRect
    text: QRect
    meta: QRect
    meta_text: str
    state_text: str
    icon: QRect | None
    retry: QRect | None
    flags: int  # word wrap; anywhere too when a word is wider than the bubble


_WORD_FLAGS = int(Qt.TextFlag.TextWordWrap | Qt.AlignmentFlag.AlignLeft)
_ANYWHERE_FLAGS = int(
    Qt.TextFlag.TextWordWrap | Qt.TextFlag.TextWrapAnywhere | Qt.AlignmentFlag.AlignLeft
)
_BIG = 1 << 24


class ThreadDelegate(QStyledItemDelegate):
    """Sent bubbles on the right, received on the left, plain text and a meta line."""

    MARGIN_X = 12
    MARGIN_Y = 3
    PAD_X = 10
    PAD_Y = 6
    MAX_FRACTION = 0.78
    MAX_WIDTH = 560
    ICON = 14

    def __init__(self, parent: QObject | None = None, icons: IconSet | None = None) -> None:
        super().__init__(parent)
        self._icons = icons
        self._layouts: dict[str, BubbleLayout] = {}
        self._width = -1
        self._pushed_width = 0
        self._font_key = ""
        self._now = datetime.now().astimezone()

    # --- sizes --------------------------------------------------------------------
    def set_layout_width(self, width: int | None) -> None:
        """The width to lay bubbles out for (``ThreadView`` pushes it on every resize)."""
        self._pushed_width = max(120, width) if width else 0

    def layout_width(self, option: QStyleOptionViewItem) -> int:
        """The width bubbles are laid out for: the viewport, minus a scroll bar always."""
        if self._pushed_width:
            return self._pushed_width
        view = option.widget
        if isinstance(view, QAbstractItemView):
            bar = view.verticalScrollBar()
            extra = (
                0
                if bar.isVisible()
                else view.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent, None, view)
            )
            return max(120, view.viewport().width() - extra)
        return max(120, option.rect.width())

    def invalidate(self, key: str | None = None) -> None:
        """Forget cached sizes: one entry's, or all (after a resize or a font change)."""
        if key is None:
            self._layouts.clear()
            self._now = datetime.now().astimezone()
        else:
            self._layouts.pop(key, None)

    def bubble_layout(self, option: QStyleOptionViewItem, entry: ThreadEntry) -> BubbleLayout:
        width = self.layout_width(option)
        font: QFont = option.font
        font_key = font.key()
        if width != self._width or font_key != self._font_key:
            self._layouts.clear()
            self._width, self._font_key = width, font_key
        cached = self._layouts.get(entry.key)
        if cached is None:
            cached = self._compute(font, width, entry)
            self._layouts[entry.key] = cached
        return cached

    @guarded(QSize(0, 0))
    def sizeHint(self, option: QStyleOptionViewItem, index: AnyIndex) -> QSize:  # noqa: N802
        entry = _entry(index)
        if entry is None:
            return QSize(0, 0)
        return self.bubble_layout(option, entry).size

    def _compute(self, font: QFont, width: int, entry: ThreadEntry) -> BubbleLayout:
        fm = QFontMetrics(font)
        small = _small(font)
        sfm = QFontMetrics(small)
        sent = entry.direction is SmsType.SENT
        max_bubble = max(80, min(self.MAX_WIDTH, int(width * self.MAX_FRACTION)))
        inner_max = max_bubble - 2 * self.PAD_X
        text = entry.text
        flags = _WORD_FLAGS
        if text:
            box = QRect(0, 0, inner_max, _BIG)
            text_rect = fm.boundingRect(box, flags, text)
            if text_rect.width() > inner_max:  # an unbreakable run (a URL, a long word)
                flags = _ANYWHERE_FLAGS
                text_rect = fm.boundingRect(box, flags, text)
            text_w, text_h = min(inner_max, text_rect.width()), max(fm.height(), text_rect.height())
        else:
            text_w, text_h = 0, fm.height()

        meta_bits = [format_bubble_time(entry.time, self._now)]
        if sent:
            meta_bits.append(entry.sender_id)
            if entry.parts and entry.parts > 1:
                meta_bits.append(f"{entry.parts} parts")
        meta_text = " · ".join(meta_bits)
        state_text = STATE_LABELS[entry.state] if sent else ""
        icon_w = self.ICON + 3 if sent and entry.state in STATE_ICONS else 0
        gap = sfm.horizontalAdvance("  ")
        state_w = sfm.horizontalAdvance(state_text) + icon_w if (state_text or icon_w) else 0
        retry_w = (
            sfm.horizontalAdvance(RETRY_TEXT) + 12 if entry.state is MessageState.FAILED else 0
        )
        meta_w = sfm.horizontalAdvance(meta_text) + (gap + state_w if state_w else 0)
        meta_w += gap + retry_w if retry_w else 0
        meta_h = max(sfm.height(), self.ICON if icon_w else 0, sfm.height() + 4 if retry_w else 0)

        inner_w = min(inner_max, max(text_w, meta_w))
        bubble_w = inner_w + 2 * self.PAD_X
        bubble_h = self.PAD_Y + text_h + 3 + meta_h + self.PAD_Y
        x = width - self.MARGIN_X - bubble_w if sent else self.MARGIN_X
        bubble = QRect(x, self.MARGIN_Y, bubble_w, bubble_h)
        text_box = QRect(x + self.PAD_X, self.MARGIN_Y + self.PAD_Y, inner_w, text_h)
        meta = QRect(x + self.PAD_X, text_box.bottom() + 4, inner_w, meta_h)
        retry = None
        right = meta.right() + 1
        if retry_w:
            retry = QRect(right - retry_w, meta.top(), retry_w, meta_h)
            right = retry.left() - gap
        icon = None
        if icon_w:
            icon_x = right - state_w
            icon = QRect(icon_x, meta.top() + (meta_h - self.ICON) // 2, self.ICON, self.ICON)
        size = QSize(width, bubble_h + 2 * self.MARGIN_Y)
        return BubbleLayout(
            size, sent, bubble, text_box, meta, meta_text, state_text, icon, retry, flags
        )

    def retry_rect(self, option: QStyleOptionViewItem, index: AnyIndex) -> QRect | None:
        """Where the Retry affordance of a failed entry is, in view coordinates."""
        entry = _entry(index)
        if entry is None or entry.state is not MessageState.FAILED:
            return None
        lay = self.bubble_layout(option, entry)
        if lay.retry is None:
            return None
        return lay.retry.translated(_origin(option, lay))

    # --- painting -----------------------------------------------------------------
    @guarded(None)
    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        entry = _entry(index)
        if entry is None:
            return
        lay = self.bubble_layout(option, entry)
        colors = colors_for(option.palette)
        painter.save()
        try:
            painter.translate(_origin(option, lay))
            self._paint_bubble(painter, option, entry, lay, colors)
        finally:
            painter.restore()

    def _paint_bubble(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        entry: ThreadEntry,
        lay: BubbleLayout,
        colors: ThemeColors,
    ) -> None:
        sent = entry.direction is SmsType.SENT
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colors.sent_bubble if sent else colors.received_bubble)
        painter.drawRoundedRect(lay.bubble, 12, 12)
        if option.state & QStyle.StateFlag.State_HasFocus:
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.setPen(option.palette.color(option.palette.ColorRole.Highlight))
            painter.drawRoundedRect(lay.bubble.adjusted(0, 0, -1, -1), 12, 12)
        text_color = colors.sent_text if sent else colors.received_text
        painter.setPen(text_color)
        painter.setFont(option.font)
        painter.drawText(lay.text, lay.flags, entry.text)

        small = _small(option.font)
        sfm = QFontMetrics(small)
        painter.setFont(small)
        painter.setPen(colors.muted_text)
        meta_flags = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        meta_end = lay.icon.left() - 4 if lay.icon else lay.meta.right() + 1
        meta_box = QRect(
            lay.meta.left(), lay.meta.top(), meta_end - lay.meta.left(), lay.meta.height()
        )
        elided = sfm.elidedText(lay.meta_text, Qt.TextElideMode.ElideRight, meta_box.width())
        painter.drawText(meta_box, meta_flags, elided)
        if lay.icon is not None:
            if self._icons is not None:
                self._icons.icon(STATE_ICONS[entry.state]).paint(painter, lay.icon)
            state_left = lay.icon.right() + 3
            state_right = lay.retry.left() - 4 if lay.retry else lay.meta.right()
            state_box = QRect(
                state_left, lay.meta.top(), state_right - state_left, lay.meta.height()
            )
            painter.setPen(_state_color(entry.state, colors))
            painter.drawText(state_box, meta_flags, lay.state_text)
        if lay.retry is not None:
            painter.setPen(colors.failed)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(lay.retry.adjusted(0, 1, -1, -1), 5, 5)
            painter.drawText(lay.retry, int(Qt.AlignmentFlag.AlignCenter), RETRY_TEXT)


def _state_color(state: MessageState, colors: ThemeColors) -> Any:
    if state is MessageState.FAILED:
        return colors.failed
    if state is MessageState.UNKNOWN:
        return colors.warning
    if state is MessageState.SENT:
        return colors.success
    return colors.pending


def _small(font: QFont) -> QFont:
    small = QFont(font)
    if font.pointSizeF() > 0:
        small.setPointSizeF(max(7.0, font.pointSizeF() * 0.85))
    else:
        small.setPixelSize(max(9, int(font.pixelSize() * 0.85)))
    return small


def _origin(option: QStyleOptionViewItem, lay: BubbleLayout) -> QPoint:
    """Row origin; sent bubbles keep to the right edge even when no scroll bar shows."""
    shift = max(0, option.rect.width() - lay.size.width()) if lay.sent else 0
    return option.rect.topLeft() + QPoint(shift, 0)


def _entry(index: AnyIndex) -> ThreadEntry | None:
    model = index.model()
    if isinstance(model, ThreadModel):
        return model.entry_at(index.row())
    value = index.data(ThreadRole.ENTRY)
    return value if isinstance(value, ThreadEntry) else None


_BOTTOM = ("bottom", "", 0)


class ThreadView(QListView):
    """Shows a :class:`ThreadModel`; pins to the bottom; asks for older pages at the top."""

    older_requested = Signal()
    retry_requested = Signal(object)  # ThreadEntry

    NEAR_TOP_PX = 120
    AT_BOTTOM_PX = 24

    def __init__(self, parent: QWidget | None = None, icons: IconSet | None = None) -> None:
        super().__init__(parent)
        # What to keep in place across a relayout: the bottom, or one entry's top edge.
        self._anchor: tuple[str, str, int] | None = None
        self._older_pending = False
        self._more_older = True
        self._delegate = ThreadDelegate(self, icons)
        self.setItemDelegate(self._delegate)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setUniformItemSizes(False)
        self.setMouseTracking(True)
        self.setAccessibleName("Messages")
        self.verticalScrollBar().setSingleStep(24)
        self.verticalScrollBar().valueChanged.connect(self._on_scrolled)

    @property
    def thread_delegate(self) -> ThreadDelegate:
        return self._delegate

    def setModel(self, model: Any) -> None:  # noqa: N802
        old = self.model()
        if isinstance(old, QAbstractListModel):
            for signal in _signals(old):
                try:
                    signal.disconnect(self._capture_anchor)
                except (RuntimeError, TypeError):
                    pass
        super().setModel(model)
        self._delegate.invalidate()
        if isinstance(model, QAbstractListModel):
            for signal in _signals(model):
                signal.connect(self._capture_anchor)
            model.modelReset.connect(self._on_reset)
            model.rowsInserted.connect(self._on_rows_inserted)
            model.dataChanged.connect(self._on_data_changed)
        self._anchor = _BOTTOM

    # --- inputs -------------------------------------------------------------------
    def set_more_older_available(self, available: bool) -> None:
        """Tell the view whether the store has older pages (stops ``older_requested``)."""
        self._more_older = available
        self._older_pending = False

    def scroll_to_newest(self) -> None:
        self._anchor = _BOTTOM
        self.scrollToBottom()

    def is_at_bottom(self) -> bool:
        bar = self.verticalScrollBar()
        return bar.maximum() - bar.value() <= self.AT_BOTTOM_PX

    # --- scroll bookkeeping -------------------------------------------------------
    def _capture_anchor(self, *_args: object) -> None:
        if self._anchor is not None:
            return
        if self.is_at_bottom():
            self._anchor = _BOTTOM
            return
        index = self.indexAt(QPoint(self.viewport().width() // 2, 1))
        if not index.isValid():
            index = self.indexAt(QPoint(1, 1))
        entry = _entry(index) if index.isValid() else None
        if entry is None:
            self._anchor = ("value", "", self.verticalScrollBar().value())
        else:
            self._anchor = ("key", entry.key, self.visualRect(index).top())

    def _on_reset(self) -> None:
        self._delegate.invalidate()
        self._older_pending = False
        self._anchor = _BOTTOM

    def _on_rows_inserted(self, _parent: QModelIndex, first: int, _last: int) -> None:
        if first == 0:
            self._older_pending = False

    def _on_data_changed(self, top: QModelIndex, bottom: QModelIndex, *_: object) -> None:
        model = self.model()
        if isinstance(model, ThreadModel):
            for row in range(top.row(), bottom.row() + 1):
                entry = model.entry_at(row)
                if entry is not None:
                    self._delegate.invalidate(entry.key)
        self._capture_anchor()
        self.scheduleDelayedItemsLayout()

    @guarded(None)
    def updateGeometries(self) -> None:  # noqa: N802
        super().updateGeometries()
        anchor, self._anchor = self._anchor, None
        bar = self.verticalScrollBar()
        if anchor is not None:
            kind, key, offset = anchor
            model = self.model()
            index = (
                model.index_of(key) if kind == "key" and isinstance(model, ThreadModel) else None
            )
            if kind == "bottom":
                bar.setValue(bar.maximum())
            elif index is not None and index.isValid():
                bar.setValue(bar.value() + self.visualRect(index).top() - offset)
            elif kind == "value":
                bar.setValue(offset)
        if bar.maximum() == 0:
            self._on_scrolled(0)

    def _layout_width(self) -> int:
        extent = self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent, None, self)
        return self.contentsRect().width() - extent

    @guarded(None)
    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        if event.size().width() != event.oldSize().width():
            self._capture_anchor()
            self._delegate.set_layout_width(self._layout_width())
            self._delegate.invalidate()
            self.scheduleDelayedItemsLayout()
        elif self.is_at_bottom():
            self._anchor = _BOTTOM
        super().resizeEvent(event)

    def _on_scrolled(self, value: int) -> None:
        model = self.model()
        if model is None or model.rowCount() == 0 or value > self.NEAR_TOP_PX:
            return
        if isinstance(model, ThreadModel) and model.hidden_count() > 0:
            model.reveal_older()
            return
        if self._more_older and not self._older_pending:
            self._older_pending = True
            self.older_requested.emit()

    # --- retry affordance -----------------------------------------------------------
    def _retry_at(self, pos: QPoint) -> ThreadEntry | None:
        index = self.indexAt(pos)
        if not index.isValid():
            return None
        option = QStyleOptionViewItem()
        self.initViewItemOption(option)
        option.rect = self.visualRect(index)
        rect = self._delegate.retry_rect(option, index)
        return _entry(index) if rect is not None and rect.contains(pos) else None

    @guarded(None)
    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        over = self._retry_at(event.position().toPoint()) is not None
        shape = Qt.CursorShape.PointingHandCursor if over else Qt.CursorShape.ArrowCursor
        self.viewport().setCursor(shape)
        super().mouseMoveEvent(event)

    @guarded(None)
    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton:
            entry = self._retry_at(event.position().toPoint())
            if entry is not None:
                self.retry_requested.emit(entry)
                event.accept()
                return
        super().mouseReleaseEvent(event)

    @guarded(None)
    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_R):
            entry = _entry(self.currentIndex()) if self.currentIndex().isValid() else None
            if entry is not None and entry.state is MessageState.FAILED:
                self.retry_requested.emit(entry)
                return
        super().keyPressEvent(event)

    @guarded(False)
    def event(self, e: QEvent) -> bool:
        delegate = getattr(self, "_delegate", None)
        if delegate is not None and e.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            delegate.set_layout_width(self._layout_width())
            delegate.invalidate()
        return super().event(e)


def _signals(model: QAbstractListModel) -> list[Any]:
    return [
        model.rowsAboutToBeInserted,
        model.rowsAboutToBeRemoved,
        model.modelAboutToBeReset,
        model.layoutAboutToBeChanged,
    ]
