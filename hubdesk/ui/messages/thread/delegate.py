"""``ThreadDelegate``: lays out and paints one message bubble per row.

Text is painted as plain text (``QPainter.drawText``), never parsed as markup, each body
as its own paragraph (nothing in one message can reorder another, or the bubble's time
line). A body is shown as written, except that bidi embeddings, overrides and isolates
are made visible (``domain.text.neutralise_body``): an override inside a message must
not turn "4321 8765" into "5678 1234". Bubbles have different heights, so layouts are
cached per entry key for the current width and font, and dropped when the width changes
or an entry is replaced.

The first message of each local day carries a day separator ("Today", "Yesterday",
"Monday", "12 March 2026") painted in the top of its own row: no extra rows or widgets.
A cached layout remembers the label it was made with and is remade when the label
changes (an older page arrives, a message is inserted before it, the date rolls over).
The painting itself is in ``paint``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, QPoint, QRect, QSize, Qt
from PySide6.QtGui import QFont, QFontMetrics, QPainter
from PySide6.QtWidgets import QAbstractItemView, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from hubdesk.domain import MessageState, SmsType, ThreadEntry
from hubdesk.domain.text import neutralise_body
from hubdesk.ui.messages.thread.callrow import call_row_size, call_text, paint_call_row
from hubdesk.ui.messages.thread.highlight import paint_hit
from hubdesk.ui.messages.thread.model import STATE_LABELS, ThreadModel, entry_of
from hubdesk.ui.messages.thread.scheduled import (
    actions_width,
    is_waiting,
    layout_actions,
    waiting_text,
)
from hubdesk.ui.qt.icons import IconSet
from hubdesk.ui.qt.overrides import guarded
from hubdesk.ui.qt.theme import colors_for
from hubdesk.ui.qt.times import format_bubble_time, format_day_label, local_day

AnyIndex = QModelIndex | QPersistentModelIndex

STATE_ICONS: dict[MessageState, str] = {
    MessageState.QUEUED: "queued",
    MessageState.SENDING: "queued",
    MessageState.PENDING: "pending",
    MessageState.SENT: "sent",
    MessageState.FAILED: "failed",
    MessageState.UNKNOWN: "unknown",
    MessageState.SCHEDULED: "queued",
    MessageState.OVERDUE: "unknown",
}
RETRY_TEXT = "Retry"
RESENT_TEXT = "Resent"


def can_retry(entry: ThreadEntry) -> bool:
    """A failed message that was not sent again yet: it shows "Failed · Retry"."""
    return entry.state is MessageState.FAILED and not entry.resent


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
    day_label: str = ""  # the day separator above the bubble ("" for none)
    day: QRect | None = None  # where the separator goes (full row width, unshifted)
    body: str = ""  # the text as painted (neutralise_body of the entry's text)
    actions: tuple[tuple[str, QRect], ...] = ()  # a waiting message's pills (scheduled)


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
    DAY_PAD_TOP = 10
    DAY_PAD_BOTTOM = 4

    def __init__(self, parent: QObject | None = None, icons: IconSet | None = None) -> None:
        super().__init__(parent)
        self._icons = icons
        self._layouts: dict[str, BubbleLayout] = {}
        self._width = -1
        self._pushed_width = 0
        self._font_key = ""
        self._now = datetime.now().astimezone()
        self._first_day_known = False  # whether the oldest entry held is the oldest there is

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
        else:
            self._layouts.pop(key, None)

    def set_now(self, now: datetime) -> bool:
        """What bubble times and day labels are relative to; whether that changed them.

        Both only depend on the local date, so layouts are dropped only when it changes
        (the time of day moving on changes no text and no size).
        """
        changed = local_day(now) != local_day(self._now)
        self._now = now
        if changed:
            self._layouts.clear()
        return changed

    def set_first_day_known(self, known: bool) -> bool:
        """Whether the oldest entry held starts its day (no older page exists); whether
        that changed anything (the view then relays out)."""
        changed = known != self._first_day_known
        self._first_day_known = known
        return changed

    def day_label(self, index: AnyIndex) -> str:
        """The separator above this row: its day's label if it is the day's first, else ""."""
        model = index.model()
        if not isinstance(model, ThreadModel):
            return ""
        starts = model.starts_day(index.row())
        if starts is None:
            starts = self._first_day_known
        entry = model.entry_at(index.row()) if starts else None
        return format_day_label(entry.time, self._now) if entry is not None else ""

    def bubble_layout(
        self, option: QStyleOptionViewItem, entry: ThreadEntry, day_label: str = ""
    ) -> BubbleLayout:
        width = self.layout_width(option)
        font: QFont = option.font
        font_key = font.key()
        if width != self._width or font_key != self._font_key:
            self._layouts.clear()
            self._width, self._font_key = width, font_key
        cached = self._layouts.get(entry.key)
        if cached is None or cached.day_label != day_label:
            cached = self._compute(font, width, entry, day_label)
            self._layouts[entry.key] = cached
        return cached

    def layout_for(self, option: QStyleOptionViewItem, index: AnyIndex) -> BubbleLayout | None:
        """The (cached) layout of the row at ``index``, day separator included."""
        entry = entry_of(index)
        if entry is None:
            return None
        return self.bubble_layout(option, entry, self.day_label(index))

    def content_top(self, option: QStyleOptionViewItem, index: AnyIndex) -> int:
        """How far below the row's top its message starts (the day separator's height)."""
        lay = self.layout_for(option, index)
        return lay.day.height() if lay is not None and lay.day is not None else 0

    @guarded(QSize(0, 0))
    def sizeHint(self, option: QStyleOptionViewItem, index: AnyIndex) -> QSize:
        lay = self.layout_for(option, index)
        return lay.size if lay is not None else QSize(0, 0)

    def _compute(
        self, font: QFont, width: int, entry: ThreadEntry, day_label: str = ""
    ) -> BubbleLayout:
        if entry.call is not None:
            return self._call_layout(font, width, entry, day_label)
        fm = QFontMetrics(font)
        small = small_font(font)
        sfm = QFontMetrics(small)
        sent = entry.direction is SmsType.SENT
        max_bubble = max(80, min(self.MAX_WIDTH, int(width * self.MAX_FRACTION)))
        inner_max = max_bubble - 2 * self.PAD_X
        text = neutralise_body(entry.text)
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

        waiting = is_waiting(entry)  # its time shows as "Scheduled · Tue 09:00"
        meta_bits = [] if waiting else [format_bubble_time(entry.time, self._now)]
        if sent:
            meta_bits.append(entry.sender_id)
            if entry.parts and entry.parts > 1:
                meta_bits.append(f"{entry.parts} parts")
        meta_text = " · ".join(meta_bits)
        state_text = STATE_LABELS[entry.state] if sent else ""
        if sent and entry.resent:
            state_text = RESENT_TEXT  # settled: the resend is its own bubble below
        if waiting:
            state_text = waiting_text(entry, self._now)
        icon_w = self.ICON + 3 if sent and entry.state in STATE_ICONS else 0
        gap = sfm.horizontalAdvance("  ")
        state_w = sfm.horizontalAdvance(state_text) + icon_w if (state_text or icon_w) else 0
        retry_w = sfm.horizontalAdvance(RETRY_TEXT) + 12 if can_retry(entry) else 0
        # +2: elidedText measures in fractional pixels, horizontalAdvance rounds down
        meta_w = sfm.horizontalAdvance(meta_text) + 2 + (gap + state_w if state_w else 0)
        meta_w += gap + retry_w if retry_w else 0
        meta_h = max(sfm.height(), self.ICON if icon_w else 0, sfm.height() + 4 if retry_w else 0)

        day = None
        if day_label:
            day = QRect(0, 0, width, self.DAY_PAD_TOP + sfm.height() + self.DAY_PAD_BOTTOM)
        top = (day.height() if day is not None else 0) + self.MARGIN_Y
        inner_w = min(inner_max, max(text_w, meta_w, actions_width(sfm) if waiting else 0))
        bubble_w = inner_w + 2 * self.PAD_X
        bubble_h = self.PAD_Y + text_h + 3 + meta_h + self.PAD_Y
        if waiting:
            bubble_h += 4 + sfm.height() + 6
        x = width - self.MARGIN_X - bubble_w if sent else self.MARGIN_X
        bubble = QRect(x, top, bubble_w, bubble_h)
        text_box = QRect(x + self.PAD_X, top + self.PAD_Y, inner_w, text_h)
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
        size = QSize(width, top + bubble_h + self.MARGIN_Y)
        actions = layout_actions(meta.left(), meta.bottom() + 5, sfm) if waiting else ()
        return BubbleLayout(
            size,
            sent,
            bubble,
            text_box,
            meta,
            meta_text,
            state_text,
            icon,
            retry,
            flags,
            day_label,
            day,
            text,
            actions,
        )

    def _call_layout(
        self, font: QFont, width: int, entry: ThreadEntry, day_label: str
    ) -> BubbleLayout:
        """A call placed from HubDesk: a compact centred pill (``thread.callrow``)."""
        small = small_font(font)
        day = None
        if day_label:
            sfm = QFontMetrics(small)
            day = QRect(0, 0, width, self.DAY_PAD_TOP + sfm.height() + self.DAY_PAD_BOTTOM)
        text = call_text(entry, self._now)
        size, pill = call_row_size(small, width, text, day.height() if day is not None else 0)
        empty = QRect()
        return BubbleLayout(
            size, False, pill, pill, empty, "", "", None, None, 0, day_label, day, text
        )

    def retry_rect(self, option: QStyleOptionViewItem, index: AnyIndex) -> QRect | None:
        """Where the Retry affordance of a failed entry is, in view coordinates."""
        entry = entry_of(index)
        if entry is None or not can_retry(entry):
            return None
        lay = self.bubble_layout(option, entry, self.day_label(index))
        if lay.retry is None:
            return None
        return lay.retry.translated(_origin(option, lay))

    def action_at(self, option: QStyleOptionViewItem, index: AnyIndex, pos: QPoint) -> str | None:
        """The pill of a scheduled message under ``pos`` (view coordinates): its key."""
        entry = entry_of(index)
        if entry is None or not is_waiting(entry):
            return None
        lay = self.bubble_layout(option, entry, self.day_label(index))
        origin = _origin(option, lay)
        for key, rect in lay.actions:
            if rect.translated(origin).contains(pos):
                return key
        return None

    # --- painting -----------------------------------------------------------------
    @guarded(None)
    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        # not on the way to the first frame, which paints no bubble
        from hubdesk.ui.messages.thread.paint import paint_bubble, paint_day

        entry = entry_of(index)
        if entry is None:
            return
        lay = self.bubble_layout(option, entry, self.day_label(index))
        colors = colors_for(option.palette)
        painter.save()
        try:
            if lay.day is not None:
                paint_day(
                    painter, option, lay, colors, pad_top=self.DAY_PAD_TOP, margin_x=self.MARGIN_X
                )
            painter.translate(_origin(option, lay))
            if entry.call is not None:
                failed = not entry.call.ok
                small = small_font(option.font)
                paint_call_row(painter, lay.bubble, lay.body, small, colors, self._icons, failed)
            else:
                paint_bubble(painter, option, entry, lay, colors, self._icons)
            hit_of = getattr(option.widget, "highlighted_key", None)  # ThreadView's
            if hit_of is not None and hit_of() == entry.key:
                paint_hit(painter, lay.bubble)
        finally:
            painter.restore()


def small_font(font: QFont) -> QFont:
    """The meta line's font: 85 % of ``font``, never tiny."""
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
