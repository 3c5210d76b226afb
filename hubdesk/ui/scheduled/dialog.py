"""The Scheduled list (File > Scheduled messages…, Ctrl+Shift+L): every message waiting
for its time or for a decision, soonest first, with Edit time, Send now and Cancel.

A dumb window: rows in through ``set_rows``, choices out through ``action_requested``.
It stays open beside the main window (non-modal) and its controller refreshes it when
outbox rows change.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QItemSelectionModel, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from hubdesk.ui.qt.fields import plain_label, set_tone
from hubdesk.ui.qt.tables import make_table
from hubdesk.ui.scheduled.rows import ScheduledRow, scheduled_model

__all__ = ["EMPTY", "ScheduledDialog"]

EMPTY = "No messages are scheduled. Use Send later… beside Send to schedule one."


class ScheduledDialog(QDialog):
    """The list of scheduled and overdue messages.

    Signals:
        action_requested(str, object): Edit time… / Send now / Cancel message on the
            selected row: ``"edit"``, ``"send"`` or ``"cancel"``, and its ``OutboxItem``.
    """

    action_requested = Signal(str, object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Scheduled messages")
        self.setAccessibleName("Scheduled messages")
        self.setModal(False)
        self.model = scheduled_model(self)
        self.table = make_table(self.model, "Scheduled messages", self)
        header = self.table.horizontalHeader()
        for column, width in enumerate((120, 190, 260, 110)):
            self.table.setColumnWidth(column, width)
        header.setStretchLastSection(True)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.summary = plain_label("", self, name="Scheduled summary", wrap=True)
        set_tone(self.summary, "muted")
        self.edit_button = QPushButton("&Edit time…", self)
        self.send_button = QPushButton("Send &now", self)
        self.cancel_button = QPushButton("&Cancel message", self)
        self.close_button = QPushButton("Close", self)
        buttons = QHBoxLayout()
        for key, button in self.action_buttons().items():
            button.setAutoDefault(False)
            button.clicked.connect(lambda _c=False, k=key: self._act(k))
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        self.close_button.clicked.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.table.doubleClicked.connect(lambda _i: self._act("edit"))
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update())
        self.resize(860, 380)
        self._update()

    def action_buttons(self) -> dict[str, QPushButton]:
        return {"edit": self.edit_button, "send": self.send_button, "cancel": self.cancel_button}

    # --- methods in ---------------------------------------------------------------
    def set_rows(self, rows: Iterable[ScheduledRow]) -> None:
        """Show ``rows``, keeping the selected message selected when it is still there."""
        chosen = self.selected()
        self.model.set_rows(rows)
        shown = self.model.rows()
        if chosen is not None:
            for row, record in enumerate(shown):
                if record.item.id == chosen.item.id:
                    self.select_row(row)
                    break
        if not shown:
            self.summary.setText(EMPTY)
        else:
            overdue = sum(1 for r in shown if r.item.state.value == "overdue")
            text = f"{len(shown)} message{'s' * (len(shown) != 1)} waiting"
            if overdue:
                text += f", {overdue} overdue (their time passed while HubDesk was not running)"
            self.summary.setText(text + ". They go out while HubDesk runs.")
        self._update()

    def select_row(self, row: int) -> None:
        index = self.model.index(row, 0)
        flags = (
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows
        )
        self.table.selectionModel().select(index, flags)
        self.table.setCurrentIndex(index)

    # --- values out ---------------------------------------------------------------
    def selected(self) -> ScheduledRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0]) if rows else None

    def rows(self) -> list[ScheduledRow]:
        return self.model.rows()

    # --- internals ----------------------------------------------------------------
    def _act(self, key: str) -> None:
        row = self.selected()
        if row is not None:
            self.action_requested.emit(key, row.item)

    def _update(self) -> None:
        chosen = self.selected() is not None
        for button in self.action_buttons().values():
            button.setEnabled(chosen)
        self.close_button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
