"""A call placed from HubDesk in the thread's timeline: a compact centred row between
the bubbles, "Call placed · 14:02" ("Masked call placed", "Call failed"), the outcome
in its tooltip. Laid out as a :class:`BubbleLayout` whose ``bubble`` is the pill."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QFont, QFontMetrics, QPainter

from hubdesk.domain import ThreadEntry
from hubdesk.ui.qt.icons import IconSet
from hubdesk.ui.qt.theme import ThemeColors
from hubdesk.ui.qt.times import format_bubble_time

__all__ = ["call_text", "paint_call_row", "call_row_size"]

PAD_X = 10
PAD_Y = 3
ICON = 14
MARGIN_Y = 5


def call_text(entry: ThreadEntry, now: datetime) -> str:
    """``Call placed · 14:02``; ``Masked call placed · …``; ``Call failed · …``."""
    call = entry.call
    when = format_bubble_time(entry.time, now)
    if call is None:
        return when
    if not call.ok:
        return f"Call failed · {when}"
    return f"{'Masked call' if call.masked_source else 'Call'} placed · {when}"


def call_row_size(small: QFont, width: int, text: str, top: int) -> tuple[QSize, QRect]:
    """The row's size and the pill (centred, ``top`` below the row's top)."""
    sfm = QFontMetrics(small)
    inner_w = min(sfm.horizontalAdvance(text) + 2 + ICON + 4, max(40, width - 4 * PAD_X))
    pill_w = inner_w + 2 * PAD_X
    pill_h = max(sfm.height(), ICON) + 2 * PAD_Y
    pill = QRect((width - pill_w) // 2, top + MARGIN_Y, pill_w, pill_h)
    return QSize(width, top + MARGIN_Y + pill_h + MARGIN_Y), pill


def paint_call_row(
    painter: QPainter,
    pill: QRect,
    text: str,
    small: QFont,
    colors: ThemeColors,
    icons: IconSet | None,
    failed: bool,
) -> None:
    color = colors.failed if failed else colors.muted_text
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setPen(colors.separator)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawRoundedRect(pill.adjusted(0, 0, -1, -1), pill.height() / 2, pill.height() / 2)
    icon = QRect(pill.left() + PAD_X, pill.center().y() - ICON // 2 + 1, ICON, ICON)
    if icons is not None:
        icons.tinted("call", color).paint(painter, icon)
    box = QRect(
        icon.right() + 5, pill.top(), pill.right() - PAD_X - icon.right() - 4, pill.height()
    )
    painter.setFont(small)
    painter.setPen(color)
    sfm = QFontMetrics(small)
    painter.drawText(
        box,
        int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
        sfm.elidedText(text, Qt.TextElideMode.ElideRight, box.width()),
    )
