"""``ConversationListView``: the list widget the conversation model is shown in, and
``SearchField``, the filter above it."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QAbstractItemModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QKeyEvent, QMouseEvent
from PySide6.QtWidgets import QListView, QWidget

from hubdesk.domain import Conversation
from hubdesk.ui.messages.conversations.delegate import ConversationDelegate
from hubdesk.ui.messages.conversations.model import ConversationRole
from hubdesk.ui.qt.overrides import guarded
from hubdesk.ui.qt.textedit import LineBox
from hubdesk.ui.qt.times import LiveTimesListView

MOVED_GRACE_S = 0.8
"""A click this soon after the rows moved, on another row than the pointer was aimed
at, is ignored: a message that came in just then had put a different conversation
under the pointer, and the click opened it."""


class ConversationListView(LiveTimesListView):
    """A list view set up for the model: fixed row height, emits the chosen conversation.

    A click right after the rows moved under a still pointer (``MOVED_GRACE_S``) on a
    row it was not aimed at does nothing: the user sees the list move and clicks again.

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
        self.setMouseTracking(True)
        self._aimed: str | None = None  # the partner under the pointer when it last moved
        self._moved_at = float("-inf")  # when rows last moved (monotonic seconds)
        self._swallowed = False  # the press was ignored: so is its release

    @guarded(None)
    def setModel(self, model: QAbstractItemModel | None) -> None:
        super().setModel(model)
        if model is not None:
            for signal in (
                model.rowsMoved,
                model.rowsInserted,
                model.rowsRemoved,
                model.layoutChanged,
                model.modelReset,
            ):
                signal.connect(self._rows_moved)

    def _rows_moved(self, *_: object) -> None:
        self._moved_at = time.monotonic()

    def _partner_at(self, event: QMouseEvent) -> str | None:
        conv = self.indexAt(event.position().toPoint()).data(ConversationRole.CONVERSATION)
        return conv.partner if isinstance(conv, Conversation) else None

    @guarded(None)
    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        self._aimed = self._partner_at(event)
        super().mouseMoveEvent(event)

    @guarded(None)
    def mousePressEvent(self, event: QMouseEvent) -> None:
        under = self._partner_at(event)
        self._swallowed = (
            time.monotonic() - self._moved_at < MOVED_GRACE_S
            and self._aimed is not None
            and under != self._aimed
        )
        self._aimed = under
        if self._swallowed:
            event.accept()
            return
        super().mousePressEvent(event)

    @guarded(None)
    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._swallowed:
            self._swallowed = False
            event.accept()
            return
        super().mouseReleaseEvent(event)

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


class SearchField(LineBox):
    """The conversation filter. Esc clears it (a second Esc is the window's); Alt+letter
    is a mnemonic, never typed (``LineBox``).

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
