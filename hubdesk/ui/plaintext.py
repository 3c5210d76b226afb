"""Text from outside in the Qt places that guess whether a string is rich text.

A ``QLabel`` has ``setTextFormat(PlainText)`` (``dialogs.fields.plain_label``) and a
``QMessageBox`` too (:func:`message_box`), but a tooltip has no format switch: Qt runs
``Qt.mightBeRichText`` on it and renders ``<b>``, ``<img src=…>`` (fetching nothing, but
drawing a broken image) and ``<a href>`` from a contact name or a server sentence.

:func:`tooltip` turns any text into a tooltip string that shows that text literally: the
characters are HTML-escaped and wrapped in ``<qt>``, so Qt always takes it as rich text
whose only content is the escaped characters (``white-space: pre-wrap`` keeps line
breaks and runs of spaces as they were). Qt renders the same markup a ``QTextDocument``
does, which is how the tests check what the user sees.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMessageBox, QWidget

__all__ = ["message_box", "set_tooltip", "tooltip"]

_OPEN = "<qt><p style='white-space:pre-wrap'>"
_CLOSE = "</p></qt>"
TOOLTIP_LIMIT = 1000
"""Longer text is cut (with "…"): a 10,000-character name must not cover the screen."""


def tooltip(text: str) -> str:
    """A tooltip string that shows ``text`` literally ("" stays "": no tooltip)."""
    if not text:
        return ""
    if len(text) > TOOLTIP_LIMIT:
        text = text[: TOOLTIP_LIMIT - 1] + "…"
    return _OPEN + html.escape(text, quote=False) + _CLOSE


def set_tooltip(target: QWidget | QAction, text: str) -> None:
    """``target.setToolTip`` with ``text`` shown literally."""
    target.setToolTip(tooltip(text))


def message_box(
    icon: QMessageBox.Icon,
    title: str,
    text: str,
    parent: QWidget | None = None,
    buttons: QMessageBox.StandardButton = QMessageBox.StandardButton.Ok,
) -> QMessageBox:
    """A message box whose text (and informative text) is plain text, never rich."""
    box = QMessageBox(icon, title, "", buttons, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setText(text)
    return box
