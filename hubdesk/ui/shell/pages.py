"""The main window's pages other than Messages (Contacts, Sender IDs, Calls, Templates),
built on first use: ``LazyPages``, mixed into ``MainWindow``.

A page is built when shown (``MainWindow.show_page``) or first asked for (:meth:`page`,
``contacts_page``, ``senders_page``, ``calls_page``), so that neither it nor the dialogs
and use cases it imports are on the way to the first frame. Until then an empty
placeholder holds its place. :meth:`set_page` swaps one for another widget.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal, TypeVar

from PySide6.QtWidgets import QStackedWidget, QWidget

if TYPE_CHECKING:
    from hubdesk.ui.calls.page import CallHistoryPage
    from hubdesk.ui.contacts.page import ContactsPage
    from hubdesk.ui.qt.icons import IconSet
    from hubdesk.ui.senders.page import SenderIdsPage
    from hubdesk.ui.templates.page import TemplatesPage

__all__ = ["CALLS", "CONTACTS", "MESSAGES", "PAGES", "PAGE_ICONS", "PAGE_NAMES",
           "SENDER_IDS", "TEMPLATES", "LazyPages", "PageName"]  # fmt: skip

PAGES = ("Messages", "Contacts", "Sender IDs", "Calls", "Templates")
PAGE_ICONS = ("new-message", "contacts", "sender-id", "history", "templates")
MESSAGES, CONTACTS, SENDER_IDS, CALLS, TEMPLATES = range(5)
PageName = Literal["messages", "contacts", "senders", "calls", "templates"]
PAGE_NAMES: dict[str, int] = {
    "messages": MESSAGES,
    "contacts": CONTACTS,
    "senders": SENDER_IDS,
    "calls": CALLS,
    "templates": TEMPLATES,
}
_W = TypeVar("_W", bound=QWidget)


class LazyPages:
    """The page stack's lazy half; the window sets ``pages``, ``_placeholders``, ``icons``."""

    pages: QStackedWidget
    icons: IconSet
    _placeholders: dict[int, QWidget]

    # --- pages ----------------------------------------------------------------------
    @property
    def contacts_page(self) -> ContactsPage:
        """The Contacts page (built now if it was not yet)."""
        from hubdesk.ui.contacts.page import ContactsPage

        return self._page_as(CONTACTS, ContactsPage)

    @property
    def senders_page(self) -> SenderIdsPage:
        """The Sender IDs page (built now if it was not yet)."""
        from hubdesk.ui.senders.page import SenderIdsPage

        return self._page_as(SENDER_IDS, SenderIdsPage)

    @property
    def calls_page(self) -> CallHistoryPage:
        """The Calls page (built now if it was not yet)."""
        from hubdesk.ui.calls.page import CallHistoryPage

        return self._page_as(CALLS, CallHistoryPage)

    @property
    def templates_page(self) -> TemplatesPage:
        """The Templates page (built now if it was not yet)."""
        from hubdesk.ui.templates.page import TemplatesPage

        return self._page_as(TEMPLATES, TemplatesPage)

    def page(self, which: int | PageName) -> QWidget:
        """The widget of page ``which`` (an index or a name of ``PAGE_NAMES``), building
        the standard page first when only its placeholder is there."""
        index = PAGE_NAMES[which] if isinstance(which, str) else which
        if not 0 <= index < self.pages.count():
            raise IndexError(f"no page {which!r}")
        placeholder = self._placeholders.pop(index, None)
        if placeholder is not None:
            self._replace(index, self._build_page(index))
        widget = self.pages.widget(index)
        assert widget is not None
        return widget

    def is_built(self, index: int) -> bool:
        """Whether page ``index`` holds a real page (built or plugged in), not a placeholder."""
        return index not in self._placeholders

    def _page_as(self, index: int, kind: type[_W]) -> _W:
        widget = self.page(index)
        if not isinstance(widget, kind):
            raise LookupError(f"the {PAGES[index]} page was replaced by a {type(widget).__name__}")
        return widget

    def _build_page(self, index: int) -> QWidget:
        # Imported here: the pages bring the dialogs and use cases they open.
        if index == CONTACTS:
            from hubdesk.ui.contacts.page import ContactsPage

            return ContactsPage(icons=self.icons)
        if index == SENDER_IDS:
            from hubdesk.ui.senders.page import SenderIdsPage

            return SenderIdsPage(icons=self.icons)
        if index == TEMPLATES:
            from hubdesk.ui.templates.page import TemplatesPage

            return TemplatesPage(icons=self.icons)
        from hubdesk.ui.calls.page import CallHistoryPage

        return CallHistoryPage(icons=self.icons)

    def _replace(self, index: int, widget: QWidget) -> None:
        current = self.pages.currentIndex() == index
        old = self.pages.widget(index)
        self.pages.insertWidget(index, widget)
        if old is not None:
            self.pages.removeWidget(old)
            old.deleteLater()
        if current:
            self.pages.setCurrentIndex(index)

    # --- methods in ---------------------------------------------------------------
    def set_page(self, index: int, widget: QWidget) -> None:
        """Plug in a page (Contacts, Sender IDs, Calls, Templates) in place of the one there."""
        self._placeholders.pop(index, None)
        self._replace(index, widget)
        widget.setAccessibleName(PAGES[index])
