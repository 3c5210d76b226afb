"""The Messages page: the conversation list (search field, list, a note when it is empty)
on the left; the open conversation's header, thread and compose pane on the right.

A container of dumb widgets: it owns them, reports what the user asked for through its
signals and takes values through its methods. Controllers (``MainController``,
``ComposeController``, ``CallsController``, ``Intents``) use nothing else; the compose
pane, a widget with its own signals and methods, is handed out as :attr:`compose`.

First frame: the list, the header and the (empty) thread are built with the page, since
the first frame shows them; the compose pane (editor, meter, sender picker) is built on
first use of :attr:`compose`, which ``AppShell.start`` makes after the first paint.
Also handed out, with their own signals and methods: :attr:`view_tabs` (``ViewTabs``:
Inbox / Unread / Done / All above the list) and :attr:`results` (``SearchResults``: the
matching messages, in the list's place while a search is typed).
Until then an empty placeholder of its size holds its place in the splitter.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QPoint, QRect, Qt, QTimer, Signal, SignalInstance
from PySide6.QtWidgets import QLabel, QLineEdit, QMenu, QSplitter, QVBoxLayout, QWidget

from hubdesk.domain import Conversation, ThreadEntry
from hubdesk.ui.messages.conversations import (
    ConversationListModel,
    ConversationListView,
    ConversationRole,
    SearchField,
)
from hubdesk.ui.messages.conversations.filters import ViewTabs
from hubdesk.ui.messages.conversations.menu import add_inbox_actions, done_action, done_target
from hubdesk.ui.messages.header import ConversationHeader
from hubdesk.ui.messages.search.hits import SearchResults
from hubdesk.ui.messages.thread import ThreadModel, ThreadView
from hubdesk.ui.qt.icons import IconSet

if TYPE_CHECKING:
    from hubdesk.ui.messages.compose import ComposePane

__all__ = [
    "NOTHING_OPEN",
    "NO_CONVERSATIONS",
    "NO_MESSAGES_YET",
    "SEARCH_DEBOUNCE_MS",
    "MessagesPage",
]

SEARCH_DEBOUNCE_MS = 120
NOTHING_OPEN = "Choose a conversation, or press Ctrl+N to write to a new number."
NO_MESSAGES_YET = "No messages yet. Write the first one below."
NO_CONVERSATIONS = "No conversations yet"
COMPOSE_MIN_HEIGHT = 120


class MessagesPage(QWidget):
    """The conversation list and the open conversation. Partners are E.164 digits.

    Signals:
        conversation_chosen(str): a row was clicked or activated (or the top search hit
            opened): the partner to open.
        search_changed(str): the search text, debounced by ``SEARCH_DEBOUNCE_MS``.
        search_submitted(str): Enter in the search field: filter by exactly this text,
            then open the top hit.
        call_requested(str): Call, from the header, a row's menu or Conversation > Call.
        masked_call_requested(str): Masked call, from the same places.
        mark_read_requested(str): Mark read, from a row's menu.
        mark_unread_requested(str): Mark unread, from a row's menu or the Conversation
            menu.
        add_contact_requested(str): Add to contacts…, for a number without a name.
        export_requested(str): Export conversation….
        older_requested(): the thread was scrolled to the oldest message it holds.
        retry_requested(object): Retry on a failed bubble: its ``ThreadEntry``.
        pin_requested(str, bool): Pin (True) or Unpin (False), from a row's menu.
        done_requested(str, bool): Done (True) or Back to inbox (False), from a row's
            menu or Ctrl+Shift+E.
        schedule_action_requested(str, object): Edit time / Send now / Cancel on a
            scheduled bubble: ``"edit"``, ``"send"`` or ``"cancel"``, its ``ThreadEntry``.
    """

    conversation_chosen = Signal(str)
    search_changed = Signal(str)
    search_submitted = Signal(str)
    call_requested = Signal(str)
    masked_call_requested = Signal(str)
    mark_read_requested = Signal(str)
    mark_unread_requested = Signal(str)
    add_contact_requested = Signal(str)
    export_requested = Signal(str)
    older_requested = Signal()
    retry_requested = Signal(object)
    pin_requested = Signal(str, bool)
    done_requested = Signal(str, bool)
    schedule_action_requested = Signal(str, object)

    def __init__(self, icons: IconSet, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.icons = icons
        self._compose: ComposePane | None = None
        self.setAccessibleName("Messages")
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(self._build_list())
        self.splitter.addWidget(self._build_conversation())
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([320, 640])
        self.splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)
        self._connect()

    # --- building ---------------------------------------------------------------------
    def _build_list(self) -> QWidget:
        """The left side: search field, conversation list, the "nothing here" note."""
        self.search = SearchField()
        self.search.setPlaceholderText("Search (Ctrl+F)")
        self.search.setToolTip(
            "Names, numbers and message text. Down: to the results; Enter: open; Esc: clear"
        )
        self.search.setAccessibleName("Search conversations")
        self.search.setClearButtonEnabled(True)
        self.search.addAction(self.icons.icon("search"), QLineEdit.ActionPosition.LeadingPosition)
        self.conversation_model = ConversationListModel(self)
        self.conversation_view = ConversationListView()
        self.conversation_view.setModel(self.conversation_model)
        self.conversation_view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view_tabs = ViewTabs()
        self.empty_list = QLabel(NO_CONVERSATIONS)
        self.empty_list.setTextFormat(Qt.TextFormat.PlainText)
        self.empty_list.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_list.hide()
        # the hits, in place of the list (and its tabs) while searching
        self.results = SearchResults(
            [self.conversation_view, self.view_tabs], self.empty_list, NO_CONVERSATIONS
        )
        left = QWidget()
        left.setMinimumWidth(240)
        column = QVBoxLayout(left)
        column.setContentsMargins(6, 6, 0, 6)
        column.setSpacing(6)
        column.addWidget(self.search)
        column.addWidget(self.view_tabs)
        column.addWidget(self.conversation_view, 1)
        column.addWidget(self.results.view, 1)
        column.addWidget(self.empty_list)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DEBOUNCE_MS)
        return left

    def _build_conversation(self) -> QWidget:
        """The right side: header, then the thread over the compose pane's place."""
        self.header = ConversationHeader(icons=self.icons)
        self.thread_model = ThreadModel(self)
        self.thread_view = ThreadView(icons=self.icons)
        self.thread_view.set_empty_text(NOTHING_OPEN)
        self.thread_view.setModel(self.thread_model)
        self._compose_placeholder = QWidget()
        self._compose_placeholder.setMinimumHeight(COMPOSE_MIN_HEIGHT)
        self.thread_splitter = QSplitter(Qt.Orientation.Vertical)
        self.thread_splitter.addWidget(self.thread_view)
        self.thread_splitter.addWidget(self._compose_placeholder)
        self.thread_splitter.setStretchFactor(0, 1)
        self.thread_splitter.setStretchFactor(1, 0)
        self.thread_splitter.setChildrenCollapsible(False)
        self.thread_splitter.setSizes([480, 150])
        right = QWidget()
        column = QVBoxLayout(right)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.header)
        column.addWidget(self.thread_splitter, 1)
        return right

    def _connect(self) -> None:
        self._search_timer.timeout.connect(lambda: self.search_changed.emit(self.search.text()))
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        self.search.to_results.connect(self._to_results)
        self.search.open_result.connect(self._open_result)
        self.conversation_view.conversation_activated.connect(self._activated)
        self.conversation_view.customContextMenuRequested.connect(self._context_menu)
        self.header.call_requested.connect(self.call_requested)
        self.header.masked_call_requested.connect(self.masked_call_requested)
        self.thread_view.older_requested.connect(self.older_requested)
        self.thread_view.retry_requested.connect(self.retry_requested)
        self.results.view.back_to_search.connect(self.focus_search)
        self.thread_view.escape_pressed.connect(self.back_to_results)
        self.addAction(done_action(self, self._done_shortcut))  # Ctrl+Shift+E
        self.thread_view.schedule_action_requested.connect(self.schedule_action_requested)

    @property
    def compose(self) -> ComposePane:
        """The compose pane, built now if it was not yet (it is not in the first frame)."""
        if self._compose is None:
            from hubdesk.ui.messages.compose import ComposePane

            pane = ComposePane(icons=self.icons)
            pane.setEnabled(False)  # until a conversation is open
            pane.set_floor_height(COMPOSE_MIN_HEIGHT)
            placeholder = self._compose_placeholder
            self.thread_splitter.replaceWidget(1, pane)  # keeps the splitter's sizes
            placeholder.deleteLater()
            # Lay the empty pane out now, as when it was built with the page: the sender
            # picker's minimum width is then that of an empty list (QComboBox keeps the
            # first one it computed), not that of the IDs filled in later.
            layout = pane.layout()
            if layout is not None:
                layout.activate()
            self._compose = pane
        return self._compose

    def has_compose(self) -> bool:
        """Whether the compose pane is built (it is not in the first frame)."""
        return self._compose is not None

    # --- the list ---------------------------------------------------------------------
    def set_conversations(
        self,
        rows: Iterable[Conversation],
        *,
        open_partner: str | None = None,
        empty_text: str = NO_CONVERSATIONS,
    ) -> None:
        """List ``rows`` (newest first), or say ``empty_text`` when there are none. The
        keyboard cursor stays on the conversation it was on while that is listed (rows
        that moved keep the scroll position), else goes to ``open_partner``'s row."""
        before = self.list_cursor()
        self.conversation_model.set_conversations(rows)
        if not self.results.is_active():  # while searching, the note is the search's
            empty = self.conversation_model.rowCount() == 0
            self.empty_list.setText(empty_text)
            self.empty_list.setVisible(empty)
        if before is not None and before == self.list_cursor():
            return
        if before is not None and self.conversation_model.index_of(before).isValid():
            self._set_list_cursor(before)
        else:
            self._set_list_cursor(open_partner)

    def conversations(self) -> list[Conversation]:
        """The conversations listed, in order."""
        return self.conversation_model.conversations()

    def list_cursor(self) -> str | None:
        """The conversation under the list's keyboard cursor. Arrow keys move it without
        opening anything, so it can differ from the open conversation."""
        conv = self.conversation_view.currentIndex().data(ConversationRole.CONVERSATION)
        return conv.partner if isinstance(conv, Conversation) else None

    def select_partner(self, partner: str | None) -> None:
        """Show ``partner`` as the open conversation (painted selected) and put the
        list's cursor on its row, scrolled to. Nothing is shown open when it is not
        listed (a new number, or filtered out)."""
        self.conversation_view.set_open_partner(partner)
        if not self.results.is_active():  # a hit opened: the list stays as it was left
            self._set_list_cursor(partner)

    def open_first_result(self) -> None:
        """Open the top hit of a search (else the first conversation listed)."""
        if self.results.open_first():
            return
        conv = self.conversation_model.conversation_at(0)
        if conv is not None:
            self.conversation_chosen.emit(conv.partner)

    # --- search results: ``results`` (``search.hits.SearchResults``) ----------------
    def show_hit(self, key: str) -> bool:
        """Scroll the open thread to ``key`` and highlight it until the next click; the
        thread takes the keyboard, and Esc there goes back to the results."""
        shown = self.thread_view.show_hit(key)
        self.thread_view.setFocus(Qt.FocusReason.OtherFocusReason)
        return shown

    def back_to_results(self) -> None:
        """Esc in the thread while searching: the results as they were left."""
        if self.results.is_active():
            self.results.focus()

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    # --- the open conversation --------------------------------------------------------
    def show_partner(self, partner: str, title: str, number_text: str, dialable: bool) -> None:
        """Name and number of the open conversation in the header (``dialable``: a UK
        number, which Call and Masked call can ring)."""
        self.header.set_partner(partner, title, number_text, dialable)

    def open_partner(self) -> str | None:
        """The conversation shown in the header, if any."""
        return self.header.partner()

    def show_thread(self, entries: Iterable[ThreadEntry]) -> None:
        """A newly opened thread (newest page), scrolled to its newest message."""
        self.thread_view.set_empty_text(NO_MESSAGES_YET)
        self.thread_model.set_entries(entries)
        self.thread_view.set_more_older_available(True)
        self.thread_view.scroll_to_newest()

    def thread_entries(self) -> list[ThreadEntry]:
        """The open thread's entries held now, oldest first."""
        return self.thread_model.entries()

    def update_thread(self, remove: Iterable[str], entries: Iterable[ThreadEntry]) -> None:
        """Remove the entries keyed ``remove``, then add or replace ``entries``."""
        self.thread_model.remove(remove)
        self.thread_model.upsert(entries)

    def add_older(self, entries: Iterable[ThreadEntry]) -> None:
        """A page of older messages above those shown; more may follow."""
        self.thread_model.prepend_older(entries)
        self.thread_view.set_more_older_available(True)

    def set_no_older(self) -> None:
        """There is nothing older to ask for (the view stops emitting older_requested)."""
        self.thread_view.set_more_older_available(False)

    def scroll_to_newest(self) -> None:
        self.thread_view.scroll_to_newest()

    def flush_draft(self) -> None:
        """Report what is typed now at once (``draft_changed``), not after the debounce."""
        if self._compose is not None:
            self._compose.flush_draft()

    def call_triggers(self) -> list[QWidget]:
        """The controls here that place a call (disabled while one is being placed)."""
        return [self.header.call_button]

    def bubble_rect(self, key: str) -> QRect | None:
        """Where the open thread shows entry ``key`` (global coordinates), or None."""
        return self.thread_view.bubble_rect(key)

    # --- the Conversation menu: the open conversation ---------------------------------
    def call_open(self) -> None:
        """Conversation > Call: as the header's Call button (nothing if it cannot)."""
        if self.header.call_button.isEnabled():
            self.header.call_button.click()

    def masked_call_open(self) -> None:
        if self.header.masked_button.isEnabled():
            self.header.masked_button.click()

    def mark_open_unread(self) -> None:
        self._for_open(self.mark_unread_requested)

    def add_open_to_contacts(self) -> None:
        self._for_open(self.add_contact_requested)

    def export_open(self) -> None:
        self._for_open(self.export_requested)

    def conversation_menu(self, conv: Conversation) -> QMenu:
        """The context menu for one conversation (also reachable with the Menu key)."""
        from hubdesk.domain.numbers import is_uk  # phonenumbers: not in the first frame

        menu = QMenu(self)
        menu.setAccessibleName("Conversation actions")
        p = conv.partner
        if conv.unread:
            menu.addAction("Mark read", lambda: self.mark_read_requested.emit(p))
        else:
            menu.addAction("Mark unread", lambda: self.mark_unread_requested.emit(p))
        add_inbox_actions(menu, conv, self.pin_requested, self.done_requested)
        menu.addSeparator()
        icon = self.icons.icon
        call = menu.addAction(icon("call"), "Call", lambda: self.call_requested.emit(p))
        masked = menu.addAction(
            icon("call-masked"), "Masked call", lambda: self.masked_call_requested.emit(p)
        )
        if not is_uk(p):
            for action in (call, masked):
                action.setEnabled(False)
                action.setToolTip("Only UK numbers can be called.")
        menu.addSeparator()
        if not conv.name:
            menu.addAction("Add to contacts…", lambda: self.add_contact_requested.emit(p))
        menu.addAction("Export conversation…", lambda: self.export_requested.emit(p))
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        return menu

    # --- internals --------------------------------------------------------------------
    def _for_open(self, signal: SignalInstance) -> None:
        partner = self.open_partner()
        if partner is not None:
            signal.emit(partner)

    def _set_list_cursor(self, partner: str | None) -> None:
        view = self.conversation_view
        index = self.conversation_model.index_of(partner) if partner else QModelIndex()
        view.setCurrentIndex(index)  # the list selects nothing: this moves the cursor
        if index.isValid():
            view.scrollTo(index)

    def _to_results(self) -> None:
        """Down in the search field: into the list, at the top hit while searching."""
        if self.results.is_active():
            self.results.focus()
            return
        view = self.conversation_view
        searching = bool(self.search.text().strip())
        if self.conversation_model.rowCount() and (searching or not view.currentIndex().isValid()):
            view.setCurrentIndex(self.conversation_model.index(0))
        view.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _open_result(self) -> None:
        self._search_timer.stop()  # searched now, and opened once the results are in
        self.search_submitted.emit(self.search.text())

    def _activated(self, conv: Conversation) -> None:
        self.conversation_chosen.emit(conv.partner)

    def _done_shortcut(self) -> None:
        """Ctrl+Shift+E: Done (or back to the inbox) for the list's cursor row when the
        list has the keyboard, else for the open conversation."""
        target = done_target(self.conversation_view, self.open_partner())
        if target is not None:
            self.done_requested.emit(*target)

    def _context_menu(self, pos: QPoint) -> None:
        index = self.conversation_view.indexAt(pos)
        conv = index.data(ConversationRole.CONVERSATION) if index.isValid() else None
        if not isinstance(conv, Conversation):
            return
        self.conversation_menu(conv).popup(self.conversation_view.viewport().mapToGlobal(pos))
