"""The search hit's highlight in the thread: a marker-coloured wash and a frame around
the bubble the search opened, until the next click in the thread or the next thread."""

from __future__ import annotations

from PySide6.QtCore import QRect, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen

__all__ = ["HIT_COLOR", "paint_hit"]

HIT_COLOR = QColor(255, 196, 0)


def paint_hit(painter: QPainter, bubble: QRect) -> None:
    """Over the painted bubble: a translucent wash and a 2.5 px frame, 4 px outside it."""
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    wash = QColor(HIT_COLOR)
    wash.setAlpha(60)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(wash)
    outer = QRectF(bubble).adjusted(-4, -4, 4, 4)
    painter.drawRoundedRect(outer, 15, 15)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.setPen(QPen(HIT_COLOR, 2.5))
    painter.drawRoundedRect(outer.adjusted(1, 1, -1, -1), 14, 14)
    painter.restore()
