"""Confirm a call asked for from outside (a ``tel:`` link): "Call 07400 123456?".

Any program can hand HubDesk a ``tel:`` link, and the dialog opens in front of whatever
the user is typing. So nothing typed for something else can place a call:

* Cancel is the default button and has the focus: Return cancels;
* both buttons ignore input for :data:`GUARD_MS` after the dialog appears (disabled,
  then enabled): a Return or Space already on its way cannot press either;
* a number in a chargeable range (premium rate, 084/087, 070, …: ``domain.numbers.
  charge_of``) gets an explicit warning above the buttons.

The number is checked as a UK number (the dial endpoint takes nothing else); an unusable
one is explained and "Call" stays disabled. "Call" emits ``call_requested(digits)`` and
closes; Cancel or Escape closes without calling. Open it with ``open()``.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QVBoxLayout, QWidget

from hubdesk.domain.numbers import NumberError, PhoneNumber, charge_of, parse_uk_number
from hubdesk.ui import guarded
from hubdesk.ui.conversations import single_line
from hubdesk.ui.dialogs.fields import plain_label, sentence, set_tone
from hubdesk.ui.icons import IconSet

__all__ = ["GUARD_MS", "DialConfirmDialog"]

GUARD_MS = 1000
"""How long the buttons ignore input after the dialog appears."""


class DialConfirmDialog(QDialog):
    call_requested = Signal(str)

    def __init__(
        self,
        number_text: str,
        name: str | None = None,
        parent: QWidget | None = None,
        icons: IconSet | None = None,
        *,
        guard_ms: int = GUARD_MS,
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
        charge = charge_of(self.number) if self.number is not None else None
        if self.number is not None:
            question = ""  # set_name writes it
            detail = "Your phone rings first; answer it to be connected."
        else:
            question = f"Cannot call {shown or '(no number)'}"
            detail = reason
        self.question = plain_label(question, self, name="Call question", wrap=True)
        font = self.question.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        self.question.setFont(font)
        self.warning = plain_label(
            f"⚠ {charge.warning(str(self.number))}" if charge is not None else "",
            self,
            name="Cost warning",
            wrap=True,
        )
        warning_font = self.warning.font()
        warning_font.setBold(True)
        self.warning.setFont(warning_font)
        set_tone(self.warning, "error")
        self.warning.setVisible(charge is not None)
        self.detail = plain_label(detail, self, name="Call details", wrap=True)
        set_tone(self.detail, "muted" if self.number is not None else "error")

        self.buttons = QDialogButtonBox(self)
        self.call_button = self.buttons.addButton("&Call", QDialogButtonBox.ButtonRole.AcceptRole)
        if icons is not None:
            self.call_button.setIcon(icons.icon("call"))
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setAccessibleName("Do not call")
        self.cancel_button.setDefault(True)  # Return never calls
        self.call_button.clicked.connect(self.accept)
        self.cancel_button.clicked.connect(self.reject)
        self._guard = QTimer(self)
        self._guard.setSingleShot(True)
        self._guard.setInterval(max(0, guard_ms))
        self._guard.timeout.connect(self._end_guard)
        self._guarding = False
        self._set_buttons_enabled(True)

        layout = QVBoxLayout(self)
        layout.addWidget(self.question)
        layout.addWidget(self.warning)
        layout.addWidget(self.detail)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(340)
        if self.number is not None:
            self.set_name(name)
        else:
            self.setAccessibleName(question)

    # --- methods in ---------------------------------------------------------------
    def set_name(self, name: str | None) -> None:
        """Name the person called ("Call Alice Example (07400 123456)?"), once known."""
        if self.number is None:
            return
        who = f"{single_line(name, 80)} ({self.number})" if name else str(self.number)
        question = f"Call {who}?"
        self.question.setText(question)
        self.setAccessibleName(question)
        self.call_button.setAccessibleName(question)

    def is_guarding(self) -> bool:
        """Whether the buttons still ignore input (the first ``guard_ms`` after showing)."""
        return self._guarding

    # --- Qt -----------------------------------------------------------------------
    @guarded(None)
    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        if not event.spontaneous() and not self._guard.isActive():
            self._guarding = True
            self._set_buttons_enabled(False)
            self._guard.start()

    def accept(self) -> None:
        if self.number is None or self._guarding:
            return
        super().accept()
        self.call_requested.emit(self.number.digits)

    # --- internals ----------------------------------------------------------------
    def _end_guard(self) -> None:
        self._guarding = False
        self._set_buttons_enabled(True)
        self.cancel_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def _set_buttons_enabled(self, enabled: bool) -> None:
        self.cancel_button.setEnabled(enabled)
        self.call_button.setEnabled(enabled and self.number is not None)
