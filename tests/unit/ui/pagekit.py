"""Helpers for the page and dialog tests: the Tab order, accessible names, and what a
tooltip shows."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QHeaderView,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

CONTROLS = (QAbstractButton, QComboBox, QLineEdit, QAbstractItemView, QPlainTextEdit,
            QAbstractSpinBox)  # fmt: skip


def tab_sequence(start: QWidget, count: int) -> list[QWidget]:
    """The next ``count`` widgets Tab reaches from ``start`` (visible, enabled, tabbable)."""
    found: list[QWidget] = []
    widget: QWidget | None = start.nextInFocusChain()
    while widget is not None and len(found) < count and widget is not start:
        policy = widget.focusPolicy()
        if (
            policy & Qt.FocusPolicy.TabFocus
            and widget.isVisible()
            and widget.isEnabled()
            and widget.focusProxy() is None
        ):
            found.append(widget)
        widget = widget.nextInFocusChain()
    return found


def unnamed_controls(root: QWidget) -> list[QWidget]:
    """Visible controls of ``root`` without an accessible name (spin boxes' and combo
    boxes' own inner line edits excepted)."""
    missing: list[QWidget] = []
    for kind in CONTROLS:
        for widget in root.findChildren(kind):
            parent = widget.parentWidget()
            if isinstance(parent, (QAbstractSpinBox, QComboBox)) or isinstance(widget, QHeaderView):
                continue
            if widget.isVisibleTo(root) and not widget.accessibleName():
                if isinstance(widget, QAbstractButton) and widget.text().strip("&"):
                    continue  # a button's text is its name
                missing.append(widget)
    return missing


def shown_tooltip(tip: str) -> str:
    """The text a tooltip string shows the user: Qt guesses rich text with
    ``Qt.mightBeRichText`` and renders it as ``QTextDocument`` does, else shows it as is."""
    from PySide6.QtGui import Qt as GuiQt

    if not GuiQt.mightBeRichText(tip):
        return tip
    document = QTextDocument()
    document.setHtml(tip)
    return document.toPlainText()
