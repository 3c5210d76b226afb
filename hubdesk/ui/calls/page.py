"""The Calls page: the call log (``domain.CallRecord``), newest first, and "Call again".

Dumb widget. Values in: :meth:`CallHistoryPage.set_records`, :meth:`set_names`
(number -> contact name), :meth:`show_status`. Intent out: ``call_requested(digits)``
for a plain call again, ``masked_call_requested(source_digits, digits)`` when the
chosen call was a masked one, ``refresh_requested()``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from hubdesk.domain import CallRecord
from hubdesk.domain.numbers import format_number, is_uk
from hubdesk.ui.qt.fields import plain_label, set_tone
from hubdesk.ui.qt.icons import IconSet
from hubdesk.ui.qt.tables import Column, RecordTableModel, make_table
from hubdesk.ui.qt.times import format_when

__all__ = ["CallHistoryPage", "call_model", "outcome_text"]


def outcome_text(record: CallRecord) -> str:
    """ "✓ Call placed" (the server's own sentence repeats the number, shown beside it),
    or "✗ Failed: " and the reason."""
    return "✓ Call placed" if record.ok else "✗ Failed: " + record.outcome


def _local_now() -> datetime:
    return datetime.now().astimezone()


def call_model(
    names: Mapping[str, str] | None = None,
    parent: QWidget | None = None,
    clock: Callable[[], datetime] = _local_now,
) -> RecordTableModel[CallRecord]:
    """The log's columns; times in the one date vocabulary (``domain.dates.when``:
    ``Today 14:05``, ``Yesterday 09:12``, ``Mon 17:40``, ``3 Mar 09:00``)."""
    known = names if names is not None else {}

    def number(record: CallRecord) -> str:
        shown = format_number(record.number)
        name = known.get(record.number)
        return f"{name} ({shown})" if name else shown

    return RecordTableModel(
        [
            Column("Time", lambda r: format_when(r.time, clock())),
            Column("Number", number),
            Column(
                "Shown as", lambda r: format_number(r.masked_source) if r.masked_source else "—"
            ),
            Column("Call ID", lambda r: r.call_id or ""),
            Column("Outcome", outcome_text, tone=lambda r: None if r.ok else "error"),
        ],
        parent,
    )


class CallHistoryPage(QWidget):
    """The call log, newest first, with "Call again".

    Signals:
        call_requested(str): "Call again" on a plain call: the number's E.164 digits.
        masked_call_requested(str, str): "Call again" on a masked call: the source's and
            the destination's digits.
        refresh_requested(): "Refresh" (or the platform's Refresh key).
    """

    call_requested = Signal(str)
    masked_call_requested = Signal(str, str)
    refresh_requested = Signal()

    def __init__(
        self,
        parent: QWidget | None = None,
        icons: IconSet | None = None,
        *,
        clock: Callable[[], datetime] = _local_now,
    ) -> None:
        super().__init__(parent)
        self.setAccessibleName("Call history")
        self._names: dict[str, str] = {}
        self._records: list[CallRecord] = []
        self.model = call_model(self._names, self, clock)
        self.table = make_table(self.model, "Calls, newest first", self)
        for column, width in enumerate((150, 220, 130, 140)):  # Outcome takes the rest
            self.table.setColumnWidth(column, width)
        self.status = plain_label("", self, name="Call history status", wrap=True)
        self.again_button = QPushButton("Call &again", self)
        self.again_button.setAccessibleName("Call again")
        self.again_button.setAccessibleDescription(
            "Call the selected number again, masked the same way if it was masked"
        )
        self.refresh_button = QPushButton("&Refresh", self)
        self.refresh_button.setAccessibleName("Refresh call history")
        if icons is not None:
            self.again_button.setIcon(icons.icon("call"))
            self.refresh_button.setIcon(icons.icon("retry"))
        buttons = QHBoxLayout()
        buttons.addWidget(self.again_button)
        buttons.addStretch(1)
        buttons.addWidget(self.refresh_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        layout.addLayout(buttons)
        self.setTabOrder(self.table, self.again_button)
        self.setTabOrder(self.again_button, self.refresh_button)

        self.again_button.clicked.connect(self.call_again)
        self.refresh_button.clicked.connect(self.refresh_requested.emit)
        self.table.activated.connect(lambda _index: self.call_again())
        self.table.selectionModel().selectionChanged.connect(self._update)
        QShortcut(QKeySequence.StandardKey.Refresh, self, self.refresh_requested.emit)
        self.set_records([])

    # --- methods in ---------------------------------------------------------------
    def set_records(self, records: Iterable[CallRecord]) -> None:
        keep = self.selected_record()
        self._records = list(records)
        self.model.set_rows(self._records)
        if keep is not None:
            for row, record in enumerate(self._records):
                if record.id == keep.id:
                    self.table.selectRow(row)
                    break
        self.show_status("" if self._records else "No calls yet.")
        self._update()

    def set_names(self, names: Mapping[str, str]) -> None:
        """Contact names by number; rows show "Name (07400 123456)"."""
        self._names.clear()
        self._names.update(names)
        self.model.set_rows(self._records)

    def show_status(self, message: str, *, error: bool = False) -> None:
        self.status.setText(message)
        set_tone(self.status, "error" if error else "muted")
        self.status.setVisible(bool(message))

    def call_triggers(self) -> list[QWidget]:
        """The controls here that place a call (disabled while one is being placed)."""
        return [self.again_button]

    # --- values out ---------------------------------------------------------------
    def selected_record(self) -> CallRecord | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    # --- actions ------------------------------------------------------------------
    def call_again(self) -> None:
        record = self.selected_record()
        if record is None or not is_uk(record.number):
            return
        if record.masked_source and is_uk(record.masked_source):
            self.masked_call_requested.emit(record.masked_source, record.number)
        else:
            self.call_requested.emit(record.number)

    def _update(self, *_: object) -> None:
        record = self.selected_record()
        self.again_button.setEnabled(record is not None and is_uk(record.number))
