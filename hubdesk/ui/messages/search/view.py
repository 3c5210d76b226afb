"""``SearchHitsView``: the list of search results shown in place of the conversations
while a search is typed. Hidden, not rebuilt, when the search ends, so the conversation
list beneath keeps its scroll position and cursor, and this one keeps its own while a
hit is open."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QListView, QWidget

from hubdesk.ui.messages.search.delegate import SearchHitDelegate
from hubdesk.ui.messages.search.model import HitRole
from hubdesk.ui.qt.overrides import guarded
from hubdesk.ui.qt.times import LiveTimesListView

if TYPE_CHECKING:
    from hubdesk.core.inbox import SearchHit


class SearchHitsView(LiveTimesListView):
    """The hits; Enter or a click opens one.

    Signals:
        hit_activated(object): a hit was clicked or activated: its ``SearchHit``.
        back_to_search(): Esc in the results: back to the search field.
    """

    hit_activated = Signal(object)
    back_to_search = Signal()

    def __init__(
        self, parent: QWidget | None = None, *, clock: Callable[[], datetime] | None = None
    ) -> None:
        super().__init__(parent, clock=clock)
        self.setUniformItemSizes(True)
        self.setSelectionMode(QListView.SelectionMode.SingleSelection)
        self.setVerticalScrollMode(QListView.ScrollMode.ScrollPerPixel)
        self.setItemDelegate(SearchHitDelegate(self))
        self.setAccessibleName("Search results")
        self.activated.connect(self._emit)
        self.clicked.connect(self._emit)

    def current_hit(self) -> SearchHit | None:
        value: SearchHit | None = self.currentIndex().data(HitRole.HIT)
        return value

    def _emit(self, index: QModelIndex) -> None:
        hit = index.data(HitRole.HIT)  # a SearchHit (the model's), or None
        if hit is not None:
            self.setCurrentIndex(index)
            self.hit_activated.emit(hit)

    @guarded(None)
    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.back_to_search.emit()
            event.accept()
            return
        super().keyPressEvent(event)
