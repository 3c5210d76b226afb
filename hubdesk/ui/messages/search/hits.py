"""``SearchResults``: the hits model and view the Messages page shows in place of its
conversation list while a search is typed, and what it remembers across opening a hit
(the view is hidden, never rebuilt, so its scroll position and cursor survive)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QLabel, QWidget

from hubdesk.ui.messages.search.model import SearchHitModel
from hubdesk.ui.messages.search.view import SearchHitsView

if TYPE_CHECKING:  # the store's modules wait for a search (not in the first frame)
    from hubdesk.core.inbox import SearchHit

__all__ = ["SearchResults"]


class SearchResults(QObject):
    """The hits of the current search.

    Signals:
        hit_chosen(object): a hit was opened (click, Enter, or the top hit on Enter in
            the search field): its ``SearchHit``.
    """

    hit_chosen = Signal(object)

    def __init__(
        self, replaces: list[QWidget], note: QLabel, idle_note: str, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._replaces = replaces  # hidden while searching, shown again as they were
        self._note = note  # "Nothing matches …"
        self._idle_note = idle_note  # the note's text when not searching
        self._scroll: dict[QWidget, int] = {}  # where each replaced list was scrolled
        self.model = SearchHitModel(self)
        self.view = SearchHitsView()
        self.view.setModel(self.model)
        self.view.hide()
        self.view.hit_activated.connect(self.hit_chosen)
        self._active = False

    def is_active(self) -> bool:
        """Whether a search is shown (its hits, possibly none)."""
        return self._active

    def show(self, hits: Iterable[SearchHit] | None, query: str = "") -> None:
        """The hits of ``query`` in place of the widgets replaced, or (None) those again,
        as they were left (hidden meanwhile: scroll position and cursor untouched)."""
        idle_note = self._idle_note
        searching = hits is not None
        if hits is not None:
            self.show_hits(hits)
        else:
            self.end()
        if searching:
            self._hide_replaced()
        self.view.setVisible(searching)
        if not searching:
            self._show_replaced()
        if searching and not self.model.rowCount():
            self._note.setText(f"Nothing matches “{query}”")
            self._note.setVisible(True)
        elif searching or self._note.text() != idle_note:
            self._note.setText(idle_note)
            self._note.setVisible(False)

    def _hide_replaced(self) -> None:
        for widget in self._replaces:
            if widget.isVisible() and isinstance(widget, QAbstractItemView):
                self._scroll[widget] = widget.verticalScrollBar().value()
            widget.hide()

    def _show_replaced(self) -> None:
        """Shown again where they were left: a hidden view may lose its scroll range
        (rows changed meanwhile, a relayout while hidden), so the value is put back."""
        for widget in self._replaces:
            widget.show()
            value = self._scroll.pop(widget, None)
            if value is not None and isinstance(widget, QAbstractItemView):
                widget.doItemsLayout()
                widget.verticalScrollBar().setValue(value)

    def show_hits(self, hits: Iterable[SearchHit]) -> None:
        """The hits of a new query, the first one under the cursor."""
        self._active = True
        self.model.set_hits(hits)
        if self.model.rowCount():
            self.view.setCurrentIndex(self.model.index(0))
        self.view.scrollToTop()

    def end(self) -> None:
        """The search was cleared: nothing to show."""
        self._active = False
        self.model.set_hits([])

    def hits(self) -> list[SearchHit]:
        return self.model.hits()

    def open_first(self) -> bool:
        """Open the top hit; False when no search is shown or it found nothing."""
        hit = self.model.hit_at(0) if self._active else None
        if hit is None:
            return False
        self.view.setCurrentIndex(self.model.index(0))
        self.hit_chosen.emit(hit)
        return True

    def focus(self) -> None:
        """Back to the results as they were: same scroll position, same hit current."""
        self.view.setFocus(Qt.FocusReason.ShortcutFocusReason)
