"""``ConversationListView``: the list widget the conversation model is shown in."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QModelIndex, Signal
from PySide6.QtGui import QHideEvent, QShowEvent
from PySide6.QtWidgets import QListView, QWidget

from hubdesk.domain import Conversation
from hubdesk.ui import guarded
from hubdesk.ui.conversations.delegate import ConversationDelegate
from hubdesk.ui.conversations.model import ConversationListModel, ConversationRole
from hubdesk.ui.times import MinuteTicker


class ConversationListView(QListView):
    """A list view set up for the model: fixed row height, emits the chosen conversation."""

    conversation_activated = Signal(object)  # Conversation

    def __init__(
        self, parent: QWidget | None = None, *, clock: Callable[[], datetime] | None = None
    ) -> None:
        super().__init__(parent)
        # "14:05" becomes "Tue" at midnight
        self._ticker = MinuteTicker.attached_to(self, clock=clock)
        self._ticker.tick.connect(self.refresh_times)
        self.setUniformItemSizes(True)
        self.setSelectionMode(QListView.SelectionMode.SingleSelection)
        self.setVerticalScrollMode(QListView.ScrollMode.ScrollPerPixel)
        self.setItemDelegate(ConversationDelegate(self))
        self.setAccessibleName("Conversations")
        self.activated.connect(self._emit_activated)
        self.clicked.connect(self._emit_activated)

    @property
    def minute_ticker(self) -> MinuteTicker:
        return self._ticker

    def refresh_times(self) -> None:
        """Re-read the time texts (each minute while shown, and when shown)."""
        model = self.model()
        if isinstance(model, ConversationListModel):
            model.refresh_times()

    @guarded(None)
    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        self._ticker.start()
        self.refresh_times()

    @guarded(None)
    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802
        self._ticker.stop()
        super().hideEvent(event)

    def _emit_activated(self, index: QModelIndex) -> None:
        conv = index.data(ConversationRole.CONVERSATION)
        if isinstance(conv, Conversation):
            self.conversation_activated.emit(conv)
