"""A transient, non-modal message floating over a widget (a "toast").

Plain text only; it never takes focus, is announced to screen readers through its
accessible name, and hides itself after ``timeout_ms`` (or when clicked). It sits at the
top of ``anchor`` while that is shown (the thread, so the compose box and Send stay
clear), else at the bottom of its parent; a notice about one thing on screen (a bubble)
is given that thing's rectangle to ``avoid`` and moves to the other end of the area
rather than cover it. It follows a theme change while shown.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPoint, QRect, Qt, QTimer
from PySide6.QtGui import QHideEvent, QMouseEvent, QPalette
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QWidget

from hubdesk.domain.text import neutralise
from hubdesk.ui.qt.overrides import guarded
from hubdesk.ui.qt.theme import colors_for

DEFAULT_TIMEOUT_MS = 6000
_GEOMETRY_EVENTS = (QEvent.Type.Resize, QEvent.Type.Move, QEvent.Type.Show, QEvent.Type.Hide)


class Toast(QFrame):
    """One line (or a few, wrapped) of plain text floating over ``parent``'s bottom edge."""

    def __init__(self, parent: QWidget, anchor: QWidget | None = None) -> None:
        super().__init__(parent)
        self._anchor = anchor
        self._error = False
        self._avoid: QRect | None = None
        self.setObjectName("toast")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setAutoFillBackground(True)
        self.label = QLabel(self)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.addWidget(self.label)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.hide)
        self.setAccessibleName("Notice")
        parent.installEventFilter(self)
        if anchor is not None:
            anchor.installEventFilter(self)  # the splitter moved, the page changed
        self.hide()

    def show_message(
        self,
        text: str,
        *,
        error: bool = False,
        timeout_ms: int = DEFAULT_TIMEOUT_MS,
        avoid: QRect | None = None,
    ) -> None:
        """Show ``text`` literally (bidi controls neutralised: toasts quote server
        sentences and sender ids); ``error`` tints it with the theme's failure colour;
        ``avoid`` (global coordinates) is what the notice is about: it is not covered."""
        text = neutralise(text)
        self._avoid = avoid
        self.label.setText(text)
        self.setAccessibleDescription(text)
        self._error = error
        self._apply_colors()
        self._place()
        self.show()
        self.raise_()
        self._timer.start(max(500, timeout_ms))

    def text(self) -> str:
        return self.label.text()

    def _apply_colors(self) -> None:
        host = self.parentWidget()
        palette = QPalette(host.palette() if host is not None else self.palette())
        colors = colors_for(palette)
        palette.setColor(QPalette.ColorRole.Window, palette.color(QPalette.ColorRole.ToolTipBase))
        palette.setColor(
            QPalette.ColorRole.WindowText,
            colors.failed if self._error else palette.color(QPalette.ColorRole.ToolTipText),
        )
        self.setPalette(palette)
        self.label.setPalette(palette)

    def _place(self) -> None:
        host = self.parentWidget()
        if host is None:
            return
        anchor = self._anchor
        if anchor is not None and anchor.isVisible() and host.isAncestorOf(anchor):
            area = QRect(anchor.mapTo(host, QPoint(0, 0)), anchor.size())
            top = True
        else:
            area, top = host.rect(), False
        width = min(560, max(200, area.width() - 40))
        self.setFixedWidth(width)
        self.adjustSize()
        x = area.left() + (area.width() - width) // 2
        first = area.top() + 12
        last = area.bottom() - self.height() - 16
        y = first if top else last
        if self._avoid is not None:
            avoid = QRect(host.mapFromGlobal(self._avoid.topLeft()), self._avoid.size())
            spots = [y, last if top else first]
            y = min(spots, key=lambda at: _overlap(QRect(x, at, width, self.height()), avoid))
        self.move(max(0, x), max(0, y))

    @guarded(False)
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if not self.isVisible():
            return False
        kind = event.type()
        if watched is self._anchor and kind == QEvent.Type.Hide:
            self.hide()  # a note about the thread does not follow to another page
        elif watched is self.parentWidget() and kind == QEvent.Type.PaletteChange:
            self._apply_colors()
        elif kind in _GEOMETRY_EVENTS and watched in (self.parentWidget(), self._anchor):
            self._place()
        return False

    @guarded(None)
    def hideEvent(self, event: QHideEvent) -> None:
        self._avoid = None
        super().hideEvent(event)

    @guarded(None)
    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.hide()
        event.accept()


def _overlap(a: QRect, b: QRect) -> int:
    both = a.intersected(b)
    return both.width() * both.height() if both.isValid() else 0
