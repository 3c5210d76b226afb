"""``ViewTabs``: the list's views, Inbox / Unread / Done / All, as tabs above it.

A ``QTabBar``: Tab reaches it, Left and Right move between the views, and each change
is reported as ``view_changed(ConversationFilter)``."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QTabBar, QWidget

from hubdesk.domain import ConversationFilter

__all__ = ["VIEW_TABS", "ViewTabs"]

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
