"""How a scheduled message reads in the Scheduled list and the overdue prompt."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import QObject

from hubdesk.domain import OutboxItem, OutboxState
from hubdesk.domain.numbers import format_number
from hubdesk.ui.messages.schedule_times import scheduled_label
from hubdesk.ui.qt.fields import Tone
from hubdesk.ui.qt.tables import Column, RecordTableModel

__all__ = ["ScheduledRow", "recipients_text", "scheduled_model", "state_text"]


@dataclass(frozen=True, slots=True)
class ScheduledRow:
    """One waiting message and the names of its recipients as the address book has them."""

    item: OutboxItem
    to: str
    now: datetime

    @property
    def when(self) -> str:
        moment = self.item.not_before or self.item.created_at
        return scheduled_label(moment, self.now)


def recipients_text(item: OutboxItem, names: Mapping[str, str]) -> str:
    """ "Alice Smith (07400 123456)", or "3 recipients" for a bulk row."""
    if len(item.destinations) != 1:
        return f"{len(item.destinations)} recipients"
    digits = item.destinations[0]
    number = format_number(digits)
    name = names.get(digits)
    return f"{name} ({number})" if name else number


def state_text(item: OutboxItem) -> str:
    if item.state is OutboxState.OVERDUE:
        return "Overdue: send now or cancel"
    return str(item.state.value).capitalize()


def _tone(row: ScheduledRow) -> Tone | None:
    return "warning" if row.item.state is OutboxState.OVERDUE else None


def scheduled_model(parent: QObject | None = None) -> RecordTableModel[ScheduledRow]:
    columns: list[Column[ScheduledRow]] = [
        Column("Time", lambda r: r.when),
        Column("To", lambda r: r.to),
        Column("Message", lambda r: r.item.text),
        Column("From", lambda r: r.item.source),
        Column("State", lambda r: state_text(r.item), tone=_tone),
    ]
    return RecordTableModel(columns, parent)
