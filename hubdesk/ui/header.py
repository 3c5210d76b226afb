"""The conversation header: who this is (name and number), Call and Masked call.

Dumb widget. ``set_partner`` fills it; the buttons are disabled with a tooltip giving
the reason when the number cannot be dialled (only UK numbers can). Results (the call id)
are shown by the container through ``show_call_result``.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from hubdesk.domain.text import one_line
from hubdesk.ui.elided import ElidedLabel
from hubdesk.ui.icons import IconSet
from hubdesk.ui.plaintext import set_tooltip

NOT_UK_REASON = "Only UK numbers can be called: {number} is not a UK number."
CALL_TIP = "Ring your phone, then connect you to {number} (Ctrl+D)"
MASKED_TIP = "Call {number} showing your masked caller number"


class ConversationHeader(QWidget):
    """Name and number of the open conversation, with Call and Masked call buttons."""

    call_requested = Signal(str)  # partner digits
    masked_call_requested = Signal(str)  # partner digits

    def __init__(self, parent: QWidget | None = None, icons: IconSet | None = None) -> None:
        super().__init__(parent)
        self._partner: str | None = None
        self.name_label = ElidedLabel(self)  # a long name must not widen the window
        self.name_label.setAccessibleName("Contact name")
        font = QFont(self.name_label.font())
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.name_label.setFont(font)
        self.number_label = QLabel(self)
        self.number_label.setTextFormat(Qt.TextFormat.PlainText)
        self.number_label.setAccessibleName("Phone number")
        self.number_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.call_button = QPushButton("Call", self)
        self.call_button.setAccessibleName("Call")
        self.masked_button = QPushButton("Masked call", self)
        self.masked_button.setAccessibleName("Masked call")
        if icons is not None:
            self.call_button.setIcon(icons.icon("call"))
            self.masked_button.setIcon(icons.icon("call-masked"))
        self.call_button.clicked.connect(self._call)
        self.masked_button.clicked.connect(self._masked)

        names = QVBoxLayout()
        names.setSpacing(0)
        names.addWidget(self.name_label)
        names.addWidget(self.number_label)
        row = QHBoxLayout(self)
        row.setContentsMargins(12, 8, 8, 8)
        row.addLayout(names, 1)
        row.addWidget(self.call_button)
        row.addWidget(self.masked_button)
        self.setAccessibleName("Conversation header")
        self.clear()

    # --- methods in ---------------------------------------------------------------
    def set_partner(self, partner: str, title: str, number_text: str, dialable: bool) -> None:
        """Show a conversation; ``dialable`` is False for non-UK numbers.

        ``title`` (a contact's name) and ``number_text`` (an alphanumeric sender id for
        some partners) come from outside: shown on one line, neutralised
        (``domain.text``), and literally in the tooltips."""
        self._partner = partner
        title, number_text = one_line(title), one_line(number_text)
        self.name_label.setText(title)
        self.number_label.setText(number_text if number_text != title else "")
        self.number_label.setVisible(number_text != title)
        self.setAccessibleDescription(f"{title} {number_text}")
        for button, tip in ((self.call_button, CALL_TIP), (self.masked_button, MASKED_TIP)):
            button.setEnabled(dialable)
            set_tooltip(
                button,
                tip.format(number=number_text)
                if dialable
                else NOT_UK_REASON.format(number=number_text),
            )

    def clear(self) -> None:
        self._partner = None
        self.name_label.setText("No conversation selected")
        self.number_label.setText("")
        self.number_label.hide()
        for button in (self.call_button, self.masked_button):
            button.setEnabled(False)
            set_tooltip(button, "Open a conversation first")

    def partner(self) -> str | None:
        return self._partner

    # --- internals ----------------------------------------------------------------
    def _call(self) -> None:
        if self._partner is not None:
            self.call_requested.emit(self._partner)

    def _masked(self) -> None:
        if self._partner is not None:
            self.masked_call_requested.emit(self._partner)
