"""``ThreadDelegate``: lays out and paints one message bubble per row.

Text is painted as plain text (``QPainter.drawText``), never parsed as markup. Bubbles
have different heights, so layouts are cached per entry key for the current width and
font, and dropped when the width changes or an entry is replaced.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, QPoint, QRect, QSize, Qt
from PySide6.QtGui import QFont, QFontMetrics, QPainter
from PySide6.QtWidgets import QAbstractItemView, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from hubdesk.domain import MessageState, SmsType, ThreadEntry
from hubdesk.ui import guarded
from hubdesk.ui.icons import IconSet
from hubdesk.ui.theme import ThemeColors, colors_for
from hubdesk.ui.thread.model import STATE_LABELS, entry_of
from hubdesk.ui.times import format_bubble_time

AnyIndex = QModelIndex | QPersistentModelIndex

STATE_ICONS: dict[MessageState, str] = {
    MessageState.QUEUED: "queued",
    MessageState.SENDING: "queued",
    MessageState.PENDING: "pending",
    MessageState.SENT: "sent",
    MessageState.FAILED: "failed",
    MessageState.UNKNOWN: "unknown",
}
RETRY_TEXT = "Retry"


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
        entry = entry_of(index)
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
        entry = entry_of(index)
        if entry is None or entry.state is not MessageState.FAILED:
            return None
        lay = self.bubble_layout(option, entry)
        if lay.retry is None:
            return None
        return lay.retry.translated(_origin(option, lay))

    # --- painting -----------------------------------------------------------------
    @guarded(None)
    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        entry = entry_of(index)
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
