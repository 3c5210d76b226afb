"""The compose pane's message box: ``MessageEdit`` (the send key, Shift+Enter for a new
line) and ``UnicodeHighlighter`` (marks the characters that force Unicode).

``utf16_offsets`` turns Python string positions into the UTF-16 offsets Qt counts in.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QKeyEvent, QSyntaxHighlighter, QTextCharFormat, QTextDocument
from PySide6.QtWidgets import QPlainTextEdit, QWidget

from hubdesk.domain.segments import unicode_positions
from hubdesk.ui.qt.overrides import guarded
from hubdesk.ui.qt.textedit import is_mnemonic_key

SendKey = Literal["enter", "ctrl+enter"]
_ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


def utf16_offsets(text: str, positions: Iterable[int]) -> list[tuple[int, int]]:
    """Python string positions as (UTF-16 offset, UTF-16 length) pairs, for Qt."""
    wanted = set(positions)
    result: list[tuple[int, int]] = []
    offset = 0
    for index, ch in enumerate(text):
        width = 2 if ord(ch) > 0xFFFF else 1
        if index in wanted:
            result.append((offset, width))
        offset += width
    return result


class UnicodeHighlighter(QSyntaxHighlighter):
    """Marks the characters that force the whole message into Unicode (UCS-2)."""

    def __init__(self, document: QTextDocument, color: QColor) -> None:
        super().__init__(document)
        self._format = QTextCharFormat()
        self.set_color(color)

    def set_color(self, color: QColor) -> None:
        tint = QColor(color)
        tint.setAlpha(70)
        self._format.setBackground(tint)
        self._format.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
        self._format.setUnderlineColor(color)
        self.rehighlight()

    @guarded(None)
    def highlightBlock(self, text: str) -> None:
        for start, length in utf16_offsets(text, unicode_positions(text)):
            self.setFormat(start, length, self._format)


class MessageEdit(QPlainTextEdit):
    """Plain-text editor that turns Enter / Ctrl+Enter into ``submit`` per the setting.

    Signals:
        submit(): the send key was pressed (Shift+Enter inserts a line break).
    """

    submit = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.send_key: SendKey = "enter"
        self.setTabChangesFocus(True)

    @guarded(None)
    def keyPressEvent(self, event: QKeyEvent) -> None:
        if is_mnemonic_key(event):
            event.ignore()  # Alt+L with Send later disabled typed an "l" into the message
            return
        if event.key() in _ENTER_KEYS:
            mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
            if mods == Qt.KeyboardModifier.ControlModifier or (
                mods == Qt.KeyboardModifier.NoModifier and self.send_key == "enter"
            ):
                event.accept()
                self.submit.emit()
                return
            if mods == Qt.KeyboardModifier.ShiftModifier:
                self.insertPlainText("\n")
                event.accept()
                return
        super().keyPressEvent(event)
