"""A transient notice (a "toast") in the window's status bar.

It used to float over the pages and covered what it was about: Delete/Text/Call on
Contacts, the top message of a thread after a call. Now it lives in the status bar,
between the connection state and the unread count, so it covers no control and no
message on any page: the status bar has none (its labels and progress bar are status,
not controls). It is always one line: a long sentence is elided ("…"), never wrapped. A
wrapped notice made the bar a line taller for as long as it showed, so every button
above moved up and back down again, and a click landed on the wrong one. The whole text
is in its tooltip and its accessible description, and a click on an elided notice shows
it whole in a tooltip (floating: it moves nothing) and keeps the notice up.

Plain text only; it never takes focus, is announced to screen readers through its
accessible name and description, and hides itself after ``timeout_ms`` (or when
clicked, or when another page is shown: a note about one page does not follow to the
next). It follows a theme change while shown.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QMouseEvent, QPalette
from PySide6.QtWidgets import QFrame, QHBoxLayout, QSizePolicy, QStackedWidget, QStatusBar, QToolTip

from hubdesk.domain.text import neutralise
from hubdesk.ui.qt.elided import ElidedLabel
from hubdesk.ui.qt.overrides import guarded
from hubdesk.ui.qt.plaintext import set_tooltip, tooltip
from hubdesk.ui.qt.theme import colors_for
from hubdesk.ui.shell.statusbar import SyncStatusBar

__all__ = ["DEFAULT_TIMEOUT_MS", "Toast"]

DEFAULT_TIMEOUT_MS = 6000


class Toast(QFrame):
    """One line of plain text (elided) in ``bar``; hides when ``pages`` shows another
    page."""

    def __init__(self, bar: QStatusBar, pages: QStackedWidget | None = None) -> None:
        super().__init__(bar)
        self._error = False
        self._text = ""
        self._shown_whole = False  # the elided notice was clicked: its text is up whole
        self.setObjectName("toast")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setAutoFillBackground(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.label = ElidedLabel(self)  # one line: never taller, never wider
        self.label.setMinimumWidth(1)  # a long unbroken word is cut, never widens the window
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 2, 8, 2)
        layout.addWidget(self.label)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.hide)
        self.setAccessibleName("Notice")
        if isinstance(bar, SyncStatusBar):
            bar.insert_notice(self)  # after the connection state, before the unread count
        else:
            bar.addPermanentWidget(self, 1)
        bar.installEventFilter(self)
        if pages is not None:
            pages.currentChanged.connect(self._on_page_changed)
        self.hide()

    def show_message(
        self, text: str, *, error: bool = False, timeout_ms: int = DEFAULT_TIMEOUT_MS
    ) -> None:
        """Show ``text`` literally (bidi controls neutralised: toasts quote server
        sentences and sender ids); ``error`` tints it with the theme's failure colour."""
        text = neutralise(text)
        self._text = text
        self._shown_whole = False
        self.label.setText(" ".join(text.split()))  # a line break would make it taller
        set_tooltip(self, text)
        self.setAccessibleDescription(text)
        self._error = error
        self._apply_colors()
        self.show()
        self._timer.start(max(500, timeout_ms))

    def text(self) -> str:
        """The whole text (the label may show it elided)."""
        return self._text

    def is_elided(self) -> bool:
        return self.label.is_elided()

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

    def _on_page_changed(self, _index: int) -> None:
        self.hide()

    @guarded(False)
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            self.isVisible()
            and watched is self.parentWidget()
            and event.type() == QEvent.Type.PaletteChange
        ):
            self._apply_colors()
        return False

    @guarded(None)
    def mousePressEvent(self, event: QMouseEvent) -> None:
        event.accept()  # the release decides (a tooltip shown on press hides on release)

    @guarded(None)
    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        """A click hides the notice; on an elided one it shows the whole text first
        (a tooltip over the bar, moving nothing) and keeps the notice up a while."""
        event.accept()
        if not self.is_elided() or self._shown_whole:
            QToolTip.hideText()
            self.hide()
            return
        self._shown_whole = True
        QToolTip.showText(event.globalPosition().toPoint(), tooltip(self._text), self)
        self._timer.start(max(self._timer.remainingTime(), DEFAULT_TIMEOUT_MS))
