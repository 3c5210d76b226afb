"""The compose pane's warnings: the cost flag beside the sender ID ("⚠ Recipient: Premium
rate", naming the recipient: "⚠ Premium rate" alone beside "From:" read as if the sending
number cost more) and the status notice under the box (why sending is blocked, the
long-message warning, offline).

Plain ``QLabel`` children of the pane, made and kept up to date by these functions; the
pane decides what they say. Text is plain text (it may come from the server).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

from hubdesk.domain.segments import analyse, long_message_note
from hubdesk.ui.qt.plaintext import set_tooltip
from hubdesk.ui.qt.theme import ThemeColors

if TYPE_CHECKING:  # phonenumbers loads with the first number parsed, not the first frame
    from hubdesk.domain.numbers import Charge


def charge_label(parent: QWidget) -> QLabel:
    """The cost flag, hidden until :func:`show_charge` gives it a charge."""
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setAccessibleName("Cost warning")
    label.hide()
    return label


def show_charge(label: QLabel, charge: Charge | None) -> None:
    """ "⚠ Recipient: Premium rate" with the cost in its tooltip; hidden for None."""
    if charge is None:
        label.clear()
        set_tooltip(label, "")
        label.setAccessibleDescription("")
    else:
        label.setText(f"⚠ Recipient: {charge.label}")
        detail = f"{charge.label} number: {charge.cost}."
        set_tooltip(label, detail)
        label.setAccessibleDescription(detail)
    label.setVisible(charge is not None)


def color_charge(label: QLabel, color: QColor) -> None:
    """The cost flag in bold, in ``color`` (the theme's "failed")."""
    palette = label.palette()
    palette.setColor(QPalette.ColorRole.WindowText, color)
    label.setPalette(palette)
    font = label.font()
    font.setBold(True)
    label.setFont(font)


def notice_label(parent: QWidget) -> QLabel:
    """The status notice, word-wrapped, hidden until there is something to say."""
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setAccessibleName("Send status")
    label.setWordWrap(True)
    label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
    label.hide()
    return label


def long_warning(expanded: str) -> str | None:
    """The warning for a text (as sent) long enough to need confirming; None if not."""
    note = long_message_note(analyse(expanded))
    return None if note is None else f"{note} Press Send again to send it."


def show_notice(
    label: QLabel,
    colors: ThemeColors,
    *,
    blocked: str | None,
    hint: bool,
    warning: str | None,
    offline: str | None,
) -> None:
    """The notes that stand, joined with " · "; an error tone for a block (unless it is
    a ``hint``, a choice to make), the warning tone for the long-message warning."""
    notes = [n for n in (blocked, warning, offline) if n]
    label.setText(" · ".join(notes))
    label.setVisible(bool(notes))
    palette = label.palette()
    error = blocked is not None and not hint
    tone = colors.failed if error else colors.warning if warning else colors.muted_text
    palette.setColor(QPalette.ColorRole.WindowText, tone)
    label.setPalette(palette)
