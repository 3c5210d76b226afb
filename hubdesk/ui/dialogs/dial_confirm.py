"""Confirm a call asked for from outside (a ``tel:`` link): "Call 07400 123456?".

The number is checked as a UK number (the dial endpoint takes nothing else); an unusable
one is explained and "Call" stays disabled. "Call" emits ``call_requested(digits)`` and
closes; Cancel or Escape closes without calling. Open it with ``open()``.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QVBoxLayout, QWidget

from hubdesk.domain.numbers import NumberError, PhoneNumber, parse_uk_number
from hubdesk.ui.conversations import single_line
from hubdesk.ui.dialogs.fields import plain_label, sentence, set_tone
from hubdesk.ui.icons import IconSet

__all__ = ["DialConfirmDialog"]


class DialConfirmDialog(QDialog):
    call_requested = Signal(str)

    def __init__(
        self,
        number_text: str,
        name: str | None = None,
        parent: QWidget | None = None,
        icons: IconSet | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Place a call")
        self.setModal(True)
        self.number: PhoneNumber | None = None
        reason = ""
        try:
            self.number = parse_uk_number(number_text)
        except NumberError as exc:
            reason = sentence(str(exc))
        shown = single_line(number_text, 60)
        if self.number is not None:
            who = f"{single_line(name, 80)} ({self.number})" if name else str(self.number)
            question = f"Call {who}?"
            detail = "Your phone rings first; answer it to be connected."
        else:
            question = f"Cannot call {shown or '(no number)'}"
            detail = reason
        self.setAccessibleName(question)
        self.question = plain_label(question, self, name="Call question", wrap=True)
        font = self.question.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        self.question.setFont(font)
        self.detail = plain_label(detail, self, name="Call details", wrap=True)
        set_tone(self.detail, "muted" if self.number is not None else "error")

        self.buttons = QDialogButtonBox(self)
        self.call_button = self.buttons.addButton("&Call", QDialogButtonBox.ButtonRole.AcceptRole)
        self.call_button.setAccessibleName(question)
        if icons is not None:
            self.call_button.setIcon(icons.icon("call"))
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setAccessibleName("Do not call")
        self.call_button.setEnabled(self.number is not None)
        (self.call_button if self.number is not None else self.cancel_button).setDefault(True)
        self.call_button.clicked.connect(self.accept)
        self.cancel_button.clicked.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.question)
        layout.addWidget(self.detail)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(340)

    def accept(self) -> None:
        if self.number is None:
            return
        super().accept()
        self.call_requested.emit(self.number.digits)
