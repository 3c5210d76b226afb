"""A scheduled (or overdue) message's bubble: its "Scheduled · Tue 09:00" line, its
dashed outline, and its action pills (Edit time, Send now, Cancel), which
``ThreadView`` turns into ``schedule_action_requested``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import QMenu, QWidget

from hubdesk.domain import MessageState, SmsType, ThreadEntry
from hubdesk.ui.messages.schedule_times import scheduled_label
from hubdesk.ui.messages.thread.model import STATE_LABELS

__all__ = [
    "ACTIONS",
    "WAITING",
    "actions_width",
    "is_waiting",
    "layout_actions",
    "paint_actions",
    "paint_outline",
    "schedule_menu",
    "waiting_text",
]

WAITING = frozenset({MessageState.SCHEDULED, MessageState.OVERDUE})
#: The action key (``schedule_action_requested``'s first argument) and its label.
ACTIONS: tuple[tuple[str, str], ...] = (
    ("edit", "Edit time"),
    ("send", "Send now"),
    ("cancel", "Cancel"),
)
_PILL_PAD = 12
_GAP = 6


def is_waiting(entry: ThreadEntry) -> bool:
    """A message of ours that waits for its time or for the user's decision."""
    return (
        entry.direction is SmsType.SENT and entry.state in WAITING and entry.outbox_id is not None
    )


def waiting_text(entry: ThreadEntry, now: datetime) -> str:
    """``Scheduled · Tue 09:00`` (or ``Overdue · …``), in local time."""
    return f"{STATE_LABELS[entry.state]} · {scheduled_label(entry.time, now)}"


def actions_width(fm: QFontMetrics) -> int:
    return sum(fm.horizontalAdvance(label) + _PILL_PAD for _k, label in ACTIONS) + _GAP * (
        len(ACTIONS) - 1
    )


def layout_actions(left: int, top: int, fm: QFontMetrics) -> tuple[tuple[str, QRect], ...]:
    """The pills, left to right, from (``left``, ``top``)."""
    height = fm.height() + 6
    placed: list[tuple[str, QRect]] = []
    x = left
    for key, label in ACTIONS:
        width = fm.horizontalAdvance(label) + _PILL_PAD
        placed.append((key, QRect(x, top, width, height)))
        x += width + _GAP
    return tuple(placed)


def paint_actions(painter: QPainter, actions: tuple[tuple[str, QRect], ...], color: QColor) -> None:
    labels = dict(ACTIONS)
    painter.setPen(color)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    for key, rect in actions:
        painter.drawRoundedRect(rect.adjusted(0, 0, -1, -1), 5, 5)
        painter.drawText(rect, int(Qt.AlignmentFlag.AlignCenter), labels[key])


def paint_outline(painter: QPainter, bubble: QRect, color: QColor) -> None:
    """The dashed outline that sets a waiting message apart from sent ones."""
    pen = QPen(color)
    pen.setWidth(2)
    pen.setStyle(Qt.PenStyle.DashLine)
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawRoundedRect(bubble.adjusted(1, 1, -1, -1), 12, 12)


def schedule_menu(
    parent: QWidget, entry: ThreadEntry, chosen: Callable[[str, ThreadEntry], object]
) -> QMenu:
    """The context menu of a waiting bubble: the same three actions as its pills."""
    menu = QMenu(parent)
    menu.setAccessibleName("Scheduled message")
    for key, label in ACTIONS:
        menu.addAction(label).triggered.connect(lambda _c=False, k=key: chosen(k, entry))
    return menu
