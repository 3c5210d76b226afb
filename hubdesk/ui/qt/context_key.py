"""Shift+F10 opens the context menu, as the Menu key does.

Shift+F10 is the keyboard's other way to a context menu (Windows, GNOME, KDE), and the
only one on keyboards without a Menu key (most laptops). Qt turns only the Menu key into
a context menu event; :func:`context_menu_key_action` is a window's Shift+F10 shortcut
that does the same: the widget with the keyboard focus gets the event the Menu key gives
it (reason ``Keyboard``, at its input cursor rectangle, which an item view puts on its
current row), so the conversation list, the thread and any other widget of the window
with a context menu open it at the current row without code of their own.

A shortcut, not an event filter on the application: that would run Python for every
event of every object (see tests/unit/app/test_app_start.py).
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QPoint, QRect, QRectF, Qt
from PySide6.QtGui import QAction, QContextMenuEvent, QKeySequence
from PySide6.QtWidgets import QApplication, QWidget

__all__ = ["context_menu_key_action", "keyboard_menu_point", "open_keyboard_menu"]


def keyboard_menu_point(widget: QWidget) -> QPoint:
    """Where the Menu key opens ``widget``'s context menu: the centre of its input cursor
    rectangle (an item view's current row), else of the widget."""
    rect = widget.inputMethodQuery(Qt.InputMethodQuery.ImCursorRectangle)
    if isinstance(rect, QRectF):
        rect = rect.toRect()
    if isinstance(rect, QRect) and rect.isValid() and widget.rect().contains(rect.center()):
        return rect.center()
    return widget.rect().center()


def open_keyboard_menu(widget: QWidget) -> None:
    """Send ``widget`` the context menu event the Menu key would."""
    if not widget.isEnabled():
        return
    pos = keyboard_menu_point(widget)
    event = QContextMenuEvent(
        QContextMenuEvent.Reason.Keyboard,
        pos,
        widget.mapToGlobal(pos),
        Qt.KeyboardModifier.ShiftModifier,
    )
    QCoreApplication.sendEvent(widget, event)


def context_menu_key_action(window: QWidget) -> QAction:
    """The Shift+F10 action of ``window`` (added to it): opens the context menu of the
    window's focus widget."""
    action = QAction("Open the context menu", window)
    action.setShortcut(QKeySequence(Qt.Modifier.SHIFT | Qt.Key.Key_F10))
    action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)

    def trigger() -> None:
        focus = QApplication.focusWidget()
        if focus is not None and focus.window() is window:
            open_keyboard_menu(focus)

    action.triggered.connect(trigger)
    window.addAction(action)
    return action
