"""The Sender IDs page: every id on the account with its status and creation date,
"Request new" with the client-side rules checked as you type, and Refresh.

Dumb widget. Values in: :meth:`SenderIdsPage.set_sender_ids` (``domain.SenderId``),
:meth:`set_refreshing`, :meth:`request_done` / :meth:`request_failed`,
:meth:`show_status`. Intent out: ``request_sender_id(str)`` (already validated with
``domain.senderids.validate_sender_id`` and not on the account), ``refresh_requested()``.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from hubdesk.domain import SenderId
from hubdesk.domain.senderids import SenderIdError, validate_sender_id
from hubdesk.ui.qt.fields import local_time_text, plain_label, sentence, set_tone
from hubdesk.ui.qt.icons import IconSet
from hubdesk.ui.qt.tables import Column, RecordTableModel, make_table
from hubdesk.ui.qt.textedit import LineBox

__all__ = ["SenderIdsPage", "sender_model", "status_text"]

RULES = "Letters and digits only: up to 11 characters, or up to 15 digits."


def status_text(sender: SenderId) -> str:
    return "Approved" if sender.approved else "Awaiting approval"


def sender_model(parent: QWidget | None = None) -> RecordTableModel[SenderId]:
    return RecordTableModel(
        [
            Column("Sender ID", lambda s: s.sender_id),
            Column("Status", status_text, tone=lambda s: "ok" if s.approved else "warning"),
            Column("Created", lambda s: local_time_text(s.created_at) if s.created_at else "—"),
            Column("Requested by", lambda s: s.created_by or ""),
        ],
        parent,
    )


class SenderIdsPage(QWidget):
    """The account's sender IDs and their approval, and a request for a new one.

    Signals:
        request_sender_id(str): "Request" with a valid ID: the ID asked for.
        refresh_requested(): "Refresh" (or the platform's Refresh key).
    """

    request_sender_id = Signal(str)
    refresh_requested = Signal()

    def __init__(self, parent: QWidget | None = None, icons: IconSet | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Sender IDs")
        self._busy_request = False

        self.model = sender_model(self)
        self.table = make_table(self.model, "Sender IDs on the account", self)
        self.table.setColumnWidth(0, 160)
        self.table.setColumnWidth(1, 150)
        self.table.setColumnWidth(2, 160)
        self.refresh_button = QPushButton("&Refresh", self)
        self.refresh_button.setAccessibleName("Refresh sender IDs")
        if icons is not None:
            self.refresh_button.setIcon(icons.icon("retry"))
        self.status = plain_label("", self, name="Sender ID status", wrap=True)

        box = QGroupBox("Request a new sender ID", self)
        self.new_id = LineBox(box)
        self.new_id.setAccessibleName("New sender ID")
        self.new_id.setPlaceholderText("e.g. HUBWORK")
        self.new_id.setMaxLength(40)
        self.request_button = QPushButton("Re&quest", box)
        self.request_button.setAccessibleName("Request sender ID")
        if icons is not None:
            self.request_button.setIcon(icons.icon("sender-id"))
        self.new_note = plain_label(RULES, box, name="Sender ID check", wrap=True)
        row = QHBoxLayout()
        row.addWidget(self.new_id, 1)
        row.addWidget(self.request_button)
        box_layout = QVBoxLayout(box)
        box_layout.addLayout(row)
        box_layout.addWidget(self.new_note)

        top = QHBoxLayout()
        title = plain_label("Sender IDs your messages can come from.", self)
        top.addWidget(title, 1)
        top.addWidget(self.refresh_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        layout.addWidget(box)

        self.setTabOrder(self.refresh_button, self.table)
        self.setTabOrder(self.table, self.new_id)
        self.setTabOrder(self.new_id, self.request_button)

        self.refresh_button.clicked.connect(self.refresh_requested.emit)
        self.request_button.clicked.connect(self.submit)
        self.new_id.returnPressed.connect(self.submit)
        self.new_id.textChanged.connect(self._check)
        QShortcut(QKeySequence.StandardKey.Refresh, self, self.refresh_requested.emit)
        self.set_sender_ids([])
        self._check()

    # --- methods in ---------------------------------------------------------------
    def set_sender_ids(self, sender_ids: Iterable[SenderId]) -> None:
        self.model.set_rows(sender_ids)
        if self.model.rowCount() == 0:
            self.show_status("No sender IDs yet. Request one below; it needs approval first.")
        elif not any(s.approved for s in self.model.rows()):
            self.show_status("No sender ID is approved yet: messages cannot be sent until one is.")
        else:
            self.show_status("")
        self._check()

    def set_refreshing(self, busy: bool) -> None:
        self.refresh_button.setEnabled(not busy)
        self.refresh_button.setText("Refreshing…" if busy else "&Refresh")

    def request_done(self, message: str) -> None:
        """The request went through: clear the field and show the server's answer."""
        self._busy_request = False
        self.new_id.clear()
        self.show_status(message)
        self._check()

    def request_failed(self, message: str) -> None:
        self._busy_request = False
        self.show_status(message, error=True)
        self._check()

    def show_status(self, message: str, *, error: bool = False) -> None:
        self.status.setText(message)
        set_tone(self.status, "error" if error else "muted")
        self.status.setVisible(bool(message))

    # --- values out ---------------------------------------------------------------
    def problem(self) -> str | None:
        """Why the typed id cannot be requested, or None."""
        try:
            clean = validate_sender_id(self.new_id.text())
        except SenderIdError as exc:
            return sentence(str(exc))
        if any(s.sender_id.casefold() == clean.casefold() for s in self.model.rows()):
            return f"{clean} is already on the account."
        return None

    # --- actions ------------------------------------------------------------------
    def submit(self) -> None:
        if self._busy_request or self.problem() is not None:
            return
        self._busy_request = True
        self._check()
        self.request_sender_id.emit(validate_sender_id(self.new_id.text()))

    # --- internals ----------------------------------------------------------------
    def _check(self, *_: object) -> None:
        typed = self.new_id.text()
        problem = self.problem() if typed.strip() else None
        if not typed.strip():
            self.new_note.setText(RULES)
            set_tone(self.new_note, "muted")
        elif problem is not None:
            self.new_note.setText(problem)
            set_tone(self.new_note, "error")
        else:
            self.new_note.setText(f"✓ {typed.strip()} can be requested; HubWork approves it.")
            set_tone(self.new_note, "ok")
        self.new_id.setAccessibleDescription(self.new_note.text())
        self.request_button.setEnabled(
            not self._busy_request and bool(typed.strip()) and problem is None
        )
        self.request_button.setText("Requesting…" if self._busy_request else "Re&quest")
        self.new_id.setReadOnly(self._busy_request)
