"""A masked call: call a UK number showing another UK number (the practice's) as caller.

Both numbers are checked as you type (``parse_uk_number``); "Call" is enabled only when
both are valid. The number to show is prefilled with the remembered one; with "Remember"
checked, a changed number is reported through ``source_remembered(digits)`` so the
container can store it (``AppSettings.masked_source``). "Call" emits
``masked_call_requested(source_digits, destination_digits)`` and closes.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QVBoxLayout,
    QWidget,
)

from hubdesk.domain.numbers import format_number
from hubdesk.ui.qt.fields import NumberCheck, plain_label
from hubdesk.ui.qt.icons import IconSet
from hubdesk.ui.qt.textedit import LineBox

__all__ = ["MaskedCallDialog"]


class MaskedCallDialog(QDialog):
    """A call that shows another of the account's numbers (the source) to the callee.

    Signals:
        masked_call_requested(str, str): "Call": the source's and the destination's
            E.164 digits.
        source_remembered(str): "Call" with "Remember this number to show" ticked and a
            new source: its digits, to prefill next time.
    """

    masked_call_requested = Signal(str, str)
    source_remembered = Signal(str)

    def __init__(
        self,
        destination: str = "",
        remembered_source: str | None = None,
        parent: QWidget | None = None,
        icons: IconSet | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Masked call")
        self.setAccessibleName("Masked call")
        self.setModal(True)
        self._remembered = remembered_source

        intro = plain_label(
            "Your phone rings first; the person you call sees the number below instead of yours.",
            self,
            wrap=True,
        )
        self.destination_edit = LineBox(format_number(destination) if destination else "", self)
        self.destination_edit.setAccessibleName("Number to call")
        self.destination_edit.setPlaceholderText("07400 123456")
        self.destination_note = plain_label("", self, name="Number to call check", wrap=True)
        self.source_edit = LineBox(
            format_number(remembered_source) if remembered_source else "", self
        )
        self.source_edit.setAccessibleName("Number to show")
        self.source_edit.setPlaceholderText("The practice's number, e.g. 020 7946 0000")
        self.source_note = plain_label("", self, name="Number to show check", wrap=True)
        self.remember = QCheckBox("&Remember this number to show", self)
        self.remember.setAccessibleName("Remember the number to show")
        self.remember.setChecked(True)

        self.buttons = QDialogButtonBox(self)
        self.call_button = self.buttons.addButton("&Call", QDialogButtonBox.ButtonRole.AcceptRole)
        self.call_button.setAccessibleName("Place masked call")
        self.call_button.setDefault(True)
        if icons is not None:
            self.call_button.setIcon(icons.icon("call-masked"))
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setAccessibleName("Cancel")
        self.call_button.clicked.connect(self.accept)
        self.cancel_button.clicked.connect(self.reject)

        form = QFormLayout()
        form.addRow("Call &number:", self.destination_edit)
        form.addRow("", self.destination_note)
        form.addRow("&Show as:", self.source_edit)
        form.addRow("", self.source_note)
        form.addRow("", self.remember)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(440)

        self.destination_check = NumberCheck(
            self.destination_edit, self.destination_note, uk_only=True
        )
        self.source_check = NumberCheck(
            self.source_edit,
            self.source_note,
            uk_only=True,
            empty_hint="A UK number your organisation owns.",
        )
        self.destination_check.changed.connect(self._update)
        self.source_check.changed.connect(self._update)
        self.setTabOrder(self.destination_edit, self.source_edit)
        self.setTabOrder(self.source_edit, self.remember)
        self._update()
        first = self.destination_edit if not self.destination_check.valid else self.source_edit
        first.setFocus(Qt.FocusReason.OtherFocusReason)

    def ready(self) -> bool:
        return self.destination_check.number is not None and self.source_check.number is not None

    def accept(self) -> None:
        source, destination = self.source_check.number, self.destination_check.number
        if source is None or destination is None:
            return
        super().accept()
        if self.remember.isChecked() and source.digits != self._remembered:
            self.source_remembered.emit(source.digits)
        self.masked_call_requested.emit(source.digits, destination.digits)

    def _update(self) -> None:
        self.call_button.setEnabled(self.ready())
