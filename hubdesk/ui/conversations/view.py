"""``ConversationListView``: the list widget the conversation model is shown in."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QModelIndex, Signal
from PySide6.QtWidgets import QListView, QWidget

from hubdesk.domain import Conversation
from hubdesk.ui.conversations.delegate import ConversationDelegate
from hubdesk.ui.conversations.model import ConversationRole
from hubdesk.ui.times import LiveTimesListView


class ConversationListView(LiveTimesListView):
    """A list view set up for the model: fixed row height, emits the chosen conversation."""

    conversation_activated = Signal(object)  # Conversation

    def __init__(
        self, parent: QWidget | None = None, *, clock: Callable[[], datetime] | None = None
    ) -> None:
        super().__init__(parent, clock=clock)  # "14:05" becomes "Tue" at midnight
        self.setUniformItemSizes(True)
        self.setSelectionMode(QListView.SelectionMode.SingleSelection)
        self.setVerticalScrollMode(QListView.ScrollMode.ScrollPerPixel)
        self.setItemDelegate(ConversationDelegate(self))
        self.setAccessibleName("Conversations")
        self.activated.connect(self._emit_activated)
        self.clicked.connect(self._emit_activated)

    def _emit_activated(self, index: QModelIndex) -> None:
        conv = index.data(ConversationRole.CONVERSATION)
        if isinstance(conv, Conversation):
            self.conversation_activated.emit(conv)
