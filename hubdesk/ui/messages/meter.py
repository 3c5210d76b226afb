"""``SegmentMeter``: the "74 characters · 2 parts · Unicode" line under a message editor.

A plain ``QLabel`` asks its layout for the whole text's width as its minimum, so typing a
longer message (more digits, "parts" for "part") raised the window's minimum width and
Qt widened the window while the user typed. The meter's minimum is a constant, the
widest short form ("000 parts · Unicode"); it shows the whole line when there is room
for it, else the short one. The whole line is always in its tooltip and accessible
description.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QLabel, QWidget

from hubdesk.domain.segments import SegmentInfo, describe, describe_parts

#: As wide as the short form gets (three-digit part counts, the longer encoding name).
WIDEST_SHORT = "000 parts · Unicode"


class SegmentMeter(QLabel):
    """Shows :func:`describe` of a :class:`SegmentInfo`, or :func:`describe_parts` when
    the whole line does not fit its width."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setAccessibleName("Message length")
        self.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self._full = ""
        self._short = ""

    def show_info(self, info: SegmentInfo) -> None:
        self._full, self._short = describe(info), describe_parts(info)
        self.setToolTip(f"{self._full}\n{info.remaining} left in this part")
        self.setAccessibleDescription(self._full)
        self._fit()
        self.updateGeometry()

    def full_text(self) -> str:
        """The whole line, whether or not it is the one shown."""
        return self._full

    def sizeHint(self) -> QSize:
        return self._size_for(self._full)

    def minimumSizeHint(self) -> QSize:
        return self._size_for(WIDEST_SHORT)  # a constant: the minimum never moves

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def _size_for(self, text: str) -> QSize:
        margins = self.contentsMargins()
        extra = margins.left() + margins.right() + 2 * self.margin()
        height = super().minimumSizeHint().height()
        return QSize(self.fontMetrics().horizontalAdvance(text) + extra, height)

    def _fit(self) -> None:
        room = self.contentsRect().width() - 2 * self.margin()
        fits = self.fontMetrics().horizontalAdvance(self._full) <= room
        shown = self._full if fits else self._short
        if shown != self.text():
            self.setText(shown)
