"""A transient, non-modal message over the bottom of a widget (a "toast").

Plain text only; it never takes focus, is announced to screen readers through its
accessible name, and hides itself after ``timeout_ms`` (or when clicked).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QWidget

from hubdesk.ui import guarded
from hubdesk.ui.theme import colors_for

DEFAULT_TIMEOUT_MS = 6000


class Toast(QFrame):
    """One line (or a few, wrapped) of plain text floating over ``parent``'s bottom edge."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
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
        self.hide()

    def show_message(
        self, text: str, *, error: bool = False, timeout_ms: int = DEFAULT_TIMEOUT_MS
    ) -> None:
        """Show ``text`` literally; ``error`` tints it with the theme's failure colour."""
        self.label.setText(text)
        self.setAccessibleDescription(text)
        palette = self.palette()
        colors = colors_for(palette)
        base = palette.color(palette.ColorRole.ToolTipBase)
        palette.setColor(palette.ColorRole.Window, base)
        palette.setColor(
            palette.ColorRole.WindowText,
            colors.failed if error else palette.color(palette.ColorRole.ToolTipText),
        )
        self.setPalette(palette)
        self.label.setPalette(palette)
        self._place()
        self.show()
        self.raise_()
        self._timer.start(max(500, timeout_ms))

    def text(self) -> str:
        return self.label.text()

    def _place(self) -> None:
        host = self.parentWidget()
        if host is None:
            return
        width = min(560, max(200, host.width() - 40))
        self.setFixedWidth(width)
        self.adjustSize()
        x = (host.width() - width) // 2
        y = host.height() - self.height() - 16
        self.move(max(0, x), max(0, y))

    @guarded(False)
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if watched is self.parentWidget() and event.type() == QEvent.Type.Resize:
            if self.isVisible():
                self._place()
        return False

    @guarded(None)
    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        self.hide()
        event.accept()

