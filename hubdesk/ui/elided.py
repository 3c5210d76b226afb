"""``ElidedLabel``: one line of plain text that never widens its window.

A plain ``QLabel`` asks its layout for its whole text's width as its minimum, so a long
contact name in the conversation header raised the window's minimum width and Qt
widened the window past the screen. This label asks for a few characters at least,
paints its text elided ("Dr Priya Sh…") when it is narrower, and then shows the whole
text in its tooltip (literally: the tooltip is escaped, never rich text). ``text()`` is
always the whole text.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPainter, QPaintEvent, QResizeEvent
from PySide6.QtWidgets import QLabel, QWidget

from hubdesk.ui import guarded
from hubdesk.ui.plaintext import set_tooltip

#: The narrowest the label asks to be, in average character widths.
MIN_CHARS = 8


class ElidedLabel(QLabel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)

    def setText(self, text: str) -> None:  # noqa: N802 (Qt override)
        super().setText(text)
        self._update_tooltip()

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        hint = super().minimumSizeHint()
        least = self.fontMetrics().averageCharWidth() * MIN_CHARS
        return QSize(min(hint.width(), least), hint.height())

    def is_elided(self) -> bool:
        room = self.contentsRect().width()
        return self.fontMetrics().horizontalAdvance(self.text()) > room

    @guarded(None)
    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        rect = self.contentsRect()
        metrics = self.fontMetrics()
        shown = metrics.elidedText(self.text(), Qt.TextElideMode.ElideRight, rect.width())
        self.style().drawItemText(
            painter, rect, int(self.alignment()), self.palette(), self.isEnabled(), shown,
            self.foregroundRole(),
        )  # fmt: skip
        painter.end()

    @guarded(None)
    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._update_tooltip()

    def _update_tooltip(self) -> None:
        set_tooltip(self, self.text() if self.is_elided() else "")
