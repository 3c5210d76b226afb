"""``ConversationListView``: the list widget the conversation model is shown in, and
``SearchField``, the filter above it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLineEdit, QListView, QWidget

from hubdesk.domain import Conversation
from hubdesk.ui.messages.conversations.delegate import ConversationDelegate
from hubdesk.ui.messages.conversations.model import ConversationRole
from hubdesk.ui.qt.overrides import guarded
from hubdesk.ui.qt.times import LiveTimesListView


class ConversationListView(LiveTimesListView):
    """A list view set up for the model: fixed row height, emits the chosen conversation.

    Signals:
        conversation_activated(object): a row was clicked or activated: its
            ``Conversation``.
    """

    conversation_activated = Signal(object)

    def __init__(
        self, parent: QWidget | None = None, *, clock: Callable[[], datetime] | None = None
    ) -> None:
        super().__init__(parent, clock=clock)  # "14:05" becomes "Tue" at midnight
        self.setUniformItemSizes(True)
        # No selection: the open conversation is painted from ``open_partner`` and the
        # keyboard cursor (current index) by the delegate's frame, so the two never mix.
        self.setSelectionMode(QListView.SelectionMode.NoSelection)
        self._open: str | None = None
        self.setVerticalScrollMode(QListView.ScrollMode.ScrollPerPixel)
        self.setItemDelegate(ConversationDelegate(self))
        self.setAccessibleName("Conversations")
        self.activated.connect(self._emit_activated)
        self.clicked.connect(self._emit_activated)

    def open_partner(self) -> str | None:
        """The conversation the thread shows: its row is painted selected."""
        return self._open

    def set_open_partner(self, partner: str | None) -> None:
        """Repaints the rows of the old and the new open conversation, and only them
        (view state, not model data: a model ``dataChanged`` costs this view a pass
        over every row, ~7 ms at 5,000 conversations)."""
        old, self._open = self._open, partner
        model = self.model()
        index_of = getattr(model, "index_of", None)
        if index_of is None or old == partner:
            return
        for name in (old, partner):
            index = index_of(name) if name is not None else QModelIndex()
            if index.isValid():
                self.viewport().update(self.visualRect(index))

    def _emit_activated(self, index: QModelIndex) -> None:
        conv = index.data(ConversationRole.CONVERSATION)
        if isinstance(conv, Conversation):
            self.conversation_activated.emit(conv)


class SearchField(QLineEdit):
    """The conversation filter. Esc clears it (a second Esc is the window's).

    Signals:
        to_results(): Down: go to the results.
        open_result(): Enter: open the highlighted or first result.
    """

    to_results = Signal()
    open_result = Signal()

    @guarded(None)
    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key == Qt.Key.Key_Escape and self.text():
            self.clear()
            event.accept()
            return
        if key == Qt.Key.Key_Down:
            self.to_results.emit()
            event.accept()
            return
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.open_result.emit()
            event.accept()
            return
        super().keyPressEvent(event)
