"""The compose pane's buttons: "Make GSM-safe" and Send (Queue while offline).

Made as children of the pane, which connects and enables them; "Send later…" is
``schedule_menu.SendLaterButton``. Tab focus only: a click leaves the focus in the box.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton, QWidget

from hubdesk.ui.qt.icons import IconSet


def gsm_button(parent: QWidget) -> QPushButton:
    """ "Make GSM-safe": replaces the characters that force Unicode."""
    button = QPushButton("Make GSM-safe", parent)
    button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
    button.setAccessibleName("Make GSM-safe")
    button.setToolTip(
        "Replace smart quotes, dashes and similar characters so the message is sent as GSM-7"
    )
    return button


def send_button(parent: QWidget, icons: IconSet | None) -> QPushButton:
    """Send (never the dialog's default button: Enter belongs to the message box)."""
    button = QPushButton("Send", parent)
    button.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # a click leaves it in the box
    button.setAccessibleName("Send message")
    button.setDefault(False)
    if icons is not None:
        button.setIcon(icons.icon("send"))
    return button


def show_queue_mode(button: QPushButton, offline: bool) -> None:
    """Offline, Send becomes Queue (the message waits in the outbox)."""
    button.setText("Queue" if offline else "Send")
    button.setAccessibleName("Queue message" if offline else "Send message")
