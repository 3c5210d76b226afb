"""Painting one message row of the thread from its ``BubbleLayout``: the day separator
over the row, and the bubble (its text, meta line, state icon and label, Retry, a
scheduled message's pills).

Text is painted as plain text (``QPainter.drawText``), never parsed as markup. The
painter comes translated to the bubble's origin, except for the day separator, which
spans the row. ``ThreadDelegate`` (``delegate``) lays rows out and calls these; it
imports this module on its first paint, not on the way to the first frame.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter
from PySide6.QtWidgets import QStyle, QStyleOptionViewItem

from hubdesk.domain import MessageState, SmsType, ThreadEntry
from hubdesk.ui.messages.thread.delegate import RETRY_TEXT, STATE_ICONS, BubbleLayout, small_font
from hubdesk.ui.messages.thread.scheduled import paint_actions, paint_outline
from hubdesk.ui.qt.icons import IconSet
from hubdesk.ui.qt.theme import ThemeColors


def paint_day(
    painter: QPainter,
    option: QStyleOptionViewItem,
    lay: BubbleLayout,
    colors: ThemeColors,
    *,
    pad_top: int,
    margin_x: int,
) -> None:
    """The day label centred over the row's full width (``pad_top`` below its top), a
    hairline either side (``margin_x`` from its edges)."""
    rect: QRect = option.rect
    small = small_font(option.font)
    small.setBold(True)
    sfm = QFontMetrics(small)
    band = QRect(rect.left(), rect.top() + pad_top, rect.width(), sfm.height())
    text_w = min(sfm.horizontalAdvance(lay.day_label) + 2, max(0, rect.width() - 40))
    text_box = QRect(band.center().x() - text_w // 2, band.top(), text_w, band.height())
    y = band.center().y()
    painter.setPen(colors.separator)
    left_end = text_box.left() - 10
    right_start = text_box.right() + 10
    if left_end > rect.left() + margin_x:
        painter.drawLine(rect.left() + margin_x, y, left_end, y)
    if right_start < rect.right() - margin_x:
        painter.drawLine(right_start, y, rect.right() - margin_x, y)
    painter.setFont(small)
    painter.setPen(colors.muted_text)
    elided = sfm.elidedText(lay.day_label, Qt.TextElideMode.ElideRight, text_w)
    painter.drawText(text_box, int(Qt.AlignmentFlag.AlignCenter), elided)


def paint_bubble(
    painter: QPainter,
    option: QStyleOptionViewItem,
    entry: ThreadEntry,
    lay: BubbleLayout,
    colors: ThemeColors,
    icons: IconSet | None,
) -> None:
    """A message's bubble, its text, meta line, state, Retry and pills."""
    sent = entry.direction is SmsType.SENT
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(colors.sent_bubble if sent else colors.received_bubble)
    painter.drawRoundedRect(lay.bubble, 12, 12)
    if lay.actions:
        paint_outline(painter, lay.bubble, colors.pending)
    if option.state & QStyle.StateFlag.State_HasFocus:
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(option.palette.color(option.palette.ColorRole.Highlight))
        painter.drawRoundedRect(lay.bubble.adjusted(0, 0, -1, -1), 12, 12)
    text_color = colors.sent_text if sent else colors.received_text
    painter.setPen(text_color)
    painter.setFont(option.font)
    painter.drawText(lay.text, lay.flags, lay.body)

    small = small_font(option.font)
    sfm = QFontMetrics(small)
    painter.setFont(small)
    painter.setPen(colors.muted_text)
    meta_flags = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    meta_end = lay.icon.left() - 4 if lay.icon else lay.meta.right() + 1
    meta_box = QRect(lay.meta.left(), lay.meta.top(), meta_end - lay.meta.left(), lay.meta.height())
    elided = sfm.elidedText(lay.meta_text, Qt.TextElideMode.ElideRight, meta_box.width())
    painter.drawText(meta_box, meta_flags, elided)
    if lay.icon is not None:
        tone = state_color(entry, colors)
        icon_name = "sent" if entry.resent else STATE_ICONS[entry.state]
        if icons is not None:  # in the state's colour, like its label
            icons.tinted(icon_name, tone).paint(painter, lay.icon)
        state_left = lay.icon.right() + 3
        state_right = lay.retry.left() - 4 if lay.retry else lay.meta.right()
        state_box = QRect(state_left, lay.meta.top(), state_right - state_left, lay.meta.height())
        painter.setPen(tone)
        painter.drawText(state_box, meta_flags, lay.state_text)
    if lay.actions:
        paint_actions(painter, lay.actions, colors.sent_text if sent else colors.muted_text)
    if lay.retry is not None:
        painter.setPen(colors.failed)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRoundedRect(lay.retry.adjusted(0, 1, -1, -1), 5, 5)
        painter.drawText(lay.retry, int(Qt.AlignmentFlag.AlignCenter), RETRY_TEXT)


def state_color(entry: ThreadEntry, colors: ThemeColors) -> QColor:
    """The colour of a sent message's state icon and label."""
    state = entry.state
    if entry.resent:
        return colors.muted_text
    if state is MessageState.FAILED:
        return colors.failed
    if state is MessageState.UNKNOWN:
        return colors.warning
    if state is MessageState.SENT:
        return colors.success
    return colors.pending
