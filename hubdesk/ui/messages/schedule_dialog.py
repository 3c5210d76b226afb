"""The "Pick date and time…" dialog of Send later (and of a scheduled message's Edit
time): a date-time field in local time; a time in the past is refused with a sentence.

Open it with ``open()``; ``time_chosen`` carries the moment as aware UTC.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from PySide6.QtCore import QDateTime, Signal
from PySide6.QtWidgets import (
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QVBoxLayout,
    QWidget,
)

from hubdesk.domain.schedule import ScheduleError, parse_send_time
from hubdesk.ui.qt.fields import plain_label, set_tone

__all__ = ["SendTimeDialog", "checked_time"]

DISPLAY_FORMAT = "ddd d MMM yyyy  HH:mm"


def _utc_now() -> datetime:
    return datetime.now(UTC)


def checked_time(local: datetime, now: datetime) -> datetime:
    """A wall-clock time on this computer (naive) as aware UTC; ``ScheduleError`` saying
    why for a time in the past, one that does not exist locally, or one too far ahead."""
    written = local.strftime("%Y-%m-%d %H:%M")
    try:
        return parse_send_time(written, now)
    except ScheduleError as exc:
        if "in the past" in str(exc):
            shown = local.strftime("%a %d %b %H:%M")
            raise ScheduleError(f"{shown} has already passed; choose a time from now on.") from None
        raise


class SendTimeDialog(QDialog):
    """Asks for a send time (local; to the minute).

    Signals:
        time_chosen(object): "Schedule" with a time from now on: the moment, aware UTC.
    """

    time_chosen = Signal(object)

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        initial: datetime | None = None,
        title: str = "Send later",
        action: str = "Schedule",
        clock: Callable[[], datetime] = _utc_now,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self._clock = clock
        start = initial or (clock() + timedelta(hours=1)).replace(second=0, microsecond=0)
        self.edit = QDateTimeEdit(self)
        self.edit.setAccessibleName("Send at")
        self.edit.setCalendarPopup(True)
        self.edit.setDisplayFormat(DISPLAY_FORMAT)
        self.set_local(start.astimezone().replace(tzinfo=None, second=0, microsecond=0))
        self.note = plain_label(
            "Your computer's local time. HubDesk sends it at that time while it runs.",
            self,
            name="Send time check",
            wrap=True,
        )
        set_tone(self.note, "muted")
        self.buttons = QDialogButtonBox(self)
        self.ok_button = self.buttons.addButton(action, QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok_button.setAccessibleName(action)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("Send &at:", self.edit)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.note)
        layout.addWidget(self.buttons)
        self.edit.dateTimeChanged.connect(lambda _v: self._say_local())

    def set_local(self, local: datetime) -> None:
        """Put a wall-clock time (naive, local) in the field."""
        self.edit.setDateTime(
            QDateTime(local.year, local.month, local.day, local.hour, local.minute, 0)
        )

    def local(self) -> datetime:
        """The field's wall-clock time (naive, local, to the minute)."""
        value = self.edit.dateTime()
        day, moment = value.date(), value.time()
        return datetime(day.year(), day.month(), day.day(), moment.hour(), moment.minute())

    def error_text(self) -> str:
        return str(self.note.text()) if self.note.property("tone") == "error" else ""

    def accept(self) -> None:
        try:
            when = checked_time(self.local(), self._clock())
        except ScheduleError as exc:
            self.note.setText(str(exc))
            set_tone(self.note, "error")
            self.edit.setFocus()
            return
        super().accept()
        self.time_chosen.emit(when)

    def _say_local(self) -> None:
        if self.note.property("tone") == "error":
            self.note.setText("Your computer's local time.")
            set_tone(self.note, "muted")
