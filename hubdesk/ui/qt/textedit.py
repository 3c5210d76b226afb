"""``TextBox`` and ``LineBox``: text boxes where Alt+letter is a mnemonic, never a
typed letter.

Qt on Linux inserts the letter of an Alt+letter that no shortcut takes: with "Check
recipients" (Alt+R) disabled, Alt+R typed an "r" into the bulk message; Alt+S on a
disabled Save typed an "s" into a template, a contact's notes or name; Alt+W on a
disabled "Write message" a "w" after the number typed. The message box of compose had
its own guard (``ui.messages.compose_editor``); every box has it now.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLineEdit, QPlainTextEdit

from hubdesk.ui.qt.overrides import guarded

__all__ = ["LineBox", "TextBox", "is_mnemonic_key"]


def is_mnemonic_key(event: QKeyEvent) -> bool:
    """Alt (alone) with an ASCII letter or digit: a button's mnemonic, not text. (macOS
    Option letters are not ASCII: they still type.)"""
    mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
    text = event.text()
    return mods == Qt.KeyboardModifier.AltModifier and text.isascii() and text.isalnum()


class _MnemonicKeys:
    """Mixed in before a Qt text widget: Alt+letter goes on to the window's mnemonics."""

    @guarded(None)
    def keyPressEvent(self, event: QKeyEvent) -> None:
        if is_mnemonic_key(event):
            event.ignore()
            return
        super().keyPressEvent(event)  # type: ignore[misc]


class TextBox(_MnemonicKeys, QPlainTextEdit):
    """A ``QPlainTextEdit`` that leaves Alt+letter to the window's mnemonics."""


class LineBox(_MnemonicKeys, QLineEdit):
    """A ``QLineEdit`` that leaves Alt+letter to the window's mnemonics."""
