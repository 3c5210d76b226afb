"""``SearchHitModel``: the results of one search, in the order core gives them.

Each row is a ``core.inbox.SearchHit``. A message hit shows its snippet cut into
``(piece, matched)`` pairs (``SearchHit.snippet_segments``), each piece made safe to
paint on one line (:func:`line_piece`); the delegate paints matched pieces in bold.
Nothing here is ever parsed as markup.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from enum import IntEnum
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from hubdesk.domain import MessageState, SmsType
from hubdesk.domain.text import neutralise
from hubdesk.ui.messages.conversations.model import single_line
from hubdesk.ui.messages.conversations.numbertext import number_text
from hubdesk.ui.messages.schedule_times import scheduled_label
from hubdesk.ui.qt.overrides import guarded
from hubdesk.ui.qt.plaintext import tooltip
from hubdesk.ui.qt.times import format_list_time

if TYPE_CHECKING:  # the hits' types; their modules (the store's) wait for a search
    from hubdesk.core.inbox import SearchHit

AnyIndex = QModelIndex | QPersistentModelIndex
_KIND_TEXT = {"contact": "Contact", "conversation": "Conversation"}  # HitKind values
#: What a hit on a message not sent yet says of it (its bubble's words; "Not sent" for a
#: failed one: the hit has no Retry beside it, the bubble does).
STATE_TEXT: dict[MessageState, str] = {
    MessageState.SCHEDULED: "Scheduled",
    MessageState.OVERDUE: "Overdue",
    MessageState.QUEUED: "Queued",
    MessageState.SENDING: "Sending…",
    MessageState.UNKNOWN: "Checking…",
    MessageState.FAILED: "Not sent",
}
_AT_ITS_TIME = frozenset({MessageState.SCHEDULED, MessageState.OVERDUE})

_BREAKS = frozenset("\u0085\u2028\u2029")
_PIECE_CHARS = 400


class HitRole(IntEnum):
    HIT = Qt.ItemDataRole.UserRole + 1
    SEGMENTS = Qt.ItemDataRole.UserRole + 2  # tuple[(piece, matched), ...], safe to paint
    TIME_TEXT = Qt.ItemDataRole.UserRole + 3
    KIND_TEXT = Qt.ItemDataRole.UserRole + 4  # "Contact", "Conversation", "Scheduled"... or ""


def line_piece(text: str) -> str:
    """A piece of a snippet on one line: line breaks and controls become spaces, bidi
    controls and invisible characters are neutralised (``domain.text.neutralise``).
    Spaces are kept as they are, so pieces painted side by side read as the snippet."""
    head = neutralise(text[:_PIECE_CHARS])
    return "".join(" " if ch in _BREAKS or ord(ch) < 32 or ord(ch) == 127 else ch for ch in head)


def _local_now() -> datetime:
    return datetime.now().astimezone()


class SearchHitModel(QAbstractListModel):
    """The hits of the last search; values in through :meth:`set_hits`."""

    def __init__(
        self, parent: QObject | None = None, *, clock: Callable[[], datetime] = _local_now
    ) -> None:
        super().__init__(parent)
        self._hits: list[SearchHit] = []
        self._clock = clock

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._hits)

    @guarded(None)
    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        hit = self.hit_at(index.row()) if index.isValid() else None
        if hit is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.title(hit)
        if role == HitRole.HIT:
            return hit
        if role == HitRole.SEGMENTS:
            return self.segments(hit)
        if role == HitRole.TIME_TEXT:
            return self.time_text(hit)
        if role == HitRole.KIND_TEXT:
            return self.kind_text(hit)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return self.accessible_text(hit)
        if role == Qt.ItemDataRole.ToolTipRole:
            return tooltip(single_line(hit.text, 400))
        return None

    # --- values in ----------------------------------------------------------------
    def set_hits(self, hits: Iterable[SearchHit]) -> None:
        self.beginResetModel()
        self._hits = list(hits)
        self.endResetModel()

    def refresh_times(self) -> None:
        if self._hits:
            self.dataChanged.emit(
                self.index(0), self.index(len(self._hits) - 1), [HitRole.TIME_TEXT]
            )

    # --- values out ---------------------------------------------------------------
    def hit_at(self, row: int) -> SearchHit | None:
        return self._hits[row] if 0 <= row < len(self._hits) else None

    def hits(self) -> list[SearchHit]:
        return list(self._hits)

    def time_text(self, hit: SearchHit) -> str:
        """When: the list's words; a scheduled message's time to be sent ("Tomorrow 09:00")."""
        if hit.time is None:
            return ""
        if hit.state in _AT_ITS_TIME:
            return scheduled_label(hit.time, self._clock())
        return format_list_time(hit.time, self._clock())

    @staticmethod
    def kind_text(hit: SearchHit) -> str:
        """ "Contact", "Conversation", or where a message not sent yet stands ("Scheduled",
        "Queued", "Not sent"...); "" for a stored message."""
        if hit.state is not None and hit.outbox_id is not None:
            return STATE_TEXT.get(hit.state, "")
        return _KIND_TEXT.get(hit.kind.value, "")

    def title(self, hit: SearchHit) -> str:
        """Who: the contact's name, else the number as shown."""
        if hit.name and hit.name.strip():
            return single_line(hit.name, 120)
        return self._number(hit.partner)

    @staticmethod
    def _number(partner: str) -> str:
        try:
            return number_text(partner)
        except ValueError:
            return partner

    def segments(self, hit: SearchHit) -> tuple[tuple[str, bool], ...]:
        """The second line as ``(piece, matched)`` pairs; "You: " before what was sent.
        A contact's is its number: its name is already the first line (two contacts of
        one name were two identical rows)."""
        if hit.kind.value == "contact":
            return ((self._number(hit.partner), False),)
        pieces = tuple((line_piece(p), m) for p, m in hit.snippet_segments if p)
        if hit.kind.value == "message" and hit.direction is SmsType.SENT:
            return (("You: ", False), *pieces)
        return pieces

    def accessible_text(self, hit: SearchHit) -> str:
        when = self.time_text(hit)
        what = "".join(p for p, _m in self.segments(hit))
        state = self.kind_text(hit) if hit.kind.value == "message" else ""
        if state:
            head = f"{state} message to {self.title(hit)}"
        elif hit.kind.value == "message":
            head = f"Message with {self.title(hit)}"
        elif hit.kind.value == "contact":
            head = f"Contact {self.title(hit)}"
        else:
            head = f"Conversation with {self.title(hit)}"
        return f"{head}, {when}: {what}" if when else f"{head}: {what}"
