"""``ViewTabs``: the list's views, Inbox / Unread / Done / All, as tabs above it.

A ``QTabBar``: Tab reaches it, Left and Right move between the views, and each change
is reported as ``view_changed(ConversationFilter)``. ``keep_open_row`` keeps the
conversation just read in the Unread view until that view is chosen again."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QTabBar, QWidget

from hubdesk.domain import Conversation, ConversationFilter

__all__ = ["VIEW_TABS", "ViewTabs", "keep_open_row"]

VIEW_TABS: tuple[tuple[ConversationFilter, str, str], ...] = (
    (ConversationFilter.INBOX, "Inbox", "Conversations not marked Done"),
    (ConversationFilter.UNREAD, "Unread", "Conversations with unread messages"),
    (ConversationFilter.DONE, "Done", "Conversations marked Done (Ctrl+Shift+E)"),
    (ConversationFilter.ALL, "All", "Every conversation"),
)


class ViewTabs(QTabBar):
    """Which conversations the list shows.

    Signals:
        view_changed(object): the user chose a view: its ``ConversationFilter``.
    """

    view_changed = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Show conversations")
        self.setExpanding(True)
        self.setDrawBase(False)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setUsesScrollButtons(False)
        for row, (_view, label, hint) in enumerate(VIEW_TABS):
            self.addTab(label)
            self.setTabToolTip(row, hint)
            self.setTabWhatsThis(row, hint)
        self.currentChanged.connect(self._emit)

    def view(self) -> ConversationFilter:
        row = self.currentIndex()
        return VIEW_TABS[row][0] if 0 <= row < len(VIEW_TABS) else ConversationFilter.INBOX

    def set_view(self, view: ConversationFilter) -> None:
        """Show ``view`` as chosen (emits ``view_changed`` when it changes)."""
        for row, (each, _label, _hint) in enumerate(VIEW_TABS):
            if each is view:
                self.setCurrentIndex(row)
                return

    def _emit(self, row: int) -> None:
        if 0 <= row < len(VIEW_TABS):
            self.view_changed.emit(VIEW_TABS[row][0])


def keep_open_row(
    rows: list[Conversation], shown: list[Conversation], partner: str | None
) -> list[Conversation]:
    """``rows`` (the Unread view, fresh from the store) with the open conversation's row
    kept where ``shown`` had it, now read, when opening it has just dropped it: a row
    does not vanish from under the pointer (the next click would open someone else).
    It goes when the view is chosen again."""
    if partner is None or any(r.partner == partner for r in rows):
        return rows
    at_old = next((i for i, r in enumerate(shown) if r.partner == partner), None)
    if at_old is None:
        return rows
    kept = replace(shown[at_old], unread=0, kept_unread=False)
    above = {r.partner for r in shown[:at_old]}
    at = max((i + 1 for i, r in enumerate(rows) if r.partner in above), default=0)
    return [*rows[:at], kept, *rows[at:]]
