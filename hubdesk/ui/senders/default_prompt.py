"""The one-time question after the first sign-in with several approved sender IDs:
"Which sender ID should new conversations use?" (``Messenger.default_prompt_due``).

A dumb, non-modal dialog: it never blocks the window (the user may answer later, or
never). "Use as default" emits ``chosen(str)``; "Not now", Esc or closing emits
``skipped()``; either way the question is not asked again on this profile (the
controller records it). Sender IDs are the server's: shown as plain text on one line.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from hubdesk.domain.text import one_line
from hubdesk.ui.qt.overrides import guarded

__all__ = ["PROMPT_TEXT", "PROMPT_TITLE", "DefaultSenderPrompt"]

PROMPT_TITLE = "Default sender ID"
PROMPT_TEXT = (
    "Your account has several approved sender IDs. Which one should new conversations "
    "send from? A conversation keeps the ID last used with that person; you can change "
    "the default later in Settings."
)


class DefaultSenderPrompt(QDialog):
    """Pick the default sender ID, or skip.

    Signals:
        chosen(str): "Use as default": the sender ID picked.
        skipped(): "Not now", Esc or the window closed.
    """

    chosen = Signal(str)
    skipped = Signal()

    def __init__(self, approved: Iterable[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(PROMPT_TITLE)
        self.setAccessibleName(PROMPT_TITLE)
        self.setModal(False)
        self.setWindowModality(Qt.WindowModality.NonModal)
        self._answered = False
        text = QLabel(PROMPT_TEXT, self)
        text.setTextFormat(Qt.TextFormat.PlainText)
        text.setWordWrap(True)
        self.combo = QComboBox(self)
        self.combo.setAccessibleName("Default sender ID")
        for sender_id in dict.fromkeys(approved):
            self.combo.addItem(one_line(sender_id), sender_id)
        buttons = QDialogButtonBox(self)
        self.use_button: QPushButton = buttons.addButton(
            "&Use as default", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.use_button.setDefault(True)
        self.skip_button: QPushButton = buttons.addButton(
            "&Not now", QDialogButtonBox.ButtonRole.RejectRole
        )
        self.skip_button.setAutoDefault(False)
        self.use_button.clicked.connect(self.accept)
        self.skip_button.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(self.combo)
        layout.addWidget(buttons)
        self.setMinimumWidth(420)

    def accept(self) -> None:
        chosen = self.combo.currentData()
        if not isinstance(chosen, str):
            return
        self._answered = True
        super().accept()
        self.chosen.emit(chosen)

    def reject(self) -> None:
        if not self._answered:
            self._answered = True
            self.skipped.emit()
        super().reject()

    @guarded(None)
    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._answered:
            self._answered = True
            self.skipped.emit()
        super().closeEvent(event)
