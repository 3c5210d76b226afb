"""The main window: pages (Messages, Contacts, Sender IDs, Calls), menus, toolbar, keys.

Messages page: a splitter with the search field and conversation list on the left, and
the conversation header, thread and compose pane on the right. The window is a dumb
container: it owns the widgets, reports what the user asked for through signals and
never touches core itself (``ui.controller.MainController`` does the wiring).

The other pages (Contacts, Sender IDs, Calls; Ctrl+2..4) are the dumb widgets of
``hubdesk.ui.pages``, wired by the controllers. They are built on first use: when shown
(:meth:`MainWindow.show_page`) or first asked for (:meth:`MainWindow.page`,
``contacts_page``, ``senders_page``, ``calls_page``), so that neither they nor the
dialogs and use cases they import are on the way to the first frame (``app.main`` shows
this window before anything else). Until then an empty placeholder holds the page's
place. :meth:`MainWindow.set_page` swaps one for another widget (tests, a future page).
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPoint, Qt, QTimer, Signal, SignalInstance
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QSplitter,
    QStackedWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from hubdesk.domain import Conversation
from hubdesk.ui.messages.compose import ComposePane
from hubdesk.ui.messages.conversations import (
    ConversationListModel,
    ConversationListView,
    ConversationRole,
    SearchField,
)
from hubdesk.ui.messages.header import ConversationHeader
from hubdesk.ui.messages.thread import ThreadModel, ThreadView
from hubdesk.ui.qt.icons import IconSet
from hubdesk.ui.qt.overrides import guarded
from hubdesk.ui.shell.pages import (
    CALLS,
    CONTACTS,
    MESSAGES,
    PAGE_ICONS,
    PAGE_NAMES,
    PAGES,
    SENDER_IDS,
    LazyPages,
    PageName,
)
from hubdesk.ui.shell.statusbar import SyncStatusBar
from hubdesk.ui.shell.toast import Toast

__all__ = ["APP_TITLE", "CALLS", "CONTACTS", "MESSAGES", "PAGES", "PAGE_ICONS", "PAGE_NAMES",
           "SEARCH_DEBOUNCE_MS", "SENDER_IDS", "MainWindow", "PageName"]  # fmt: skip

APP_TITLE = "HubDesk"
SEARCH_DEBOUNCE_MS = 120


NOTHING_OPEN = "Choose a conversation, or press Ctrl+N to write to a new number."
NO_MESSAGES_YET = "No messages yet. Write the first one below."


class MainWindow(LazyPages, QMainWindow):
    """HubDesk's window. Signals carry the partner's E.164 digits where one is involved."""

    conversation_chosen = Signal(str)
    search_changed = Signal(str)  # debounced
    search_submitted = Signal(str)  # Enter in the search field: open a result
    new_message_requested = Signal()
    bulk_send_requested = Signal()
    settings_requested = Signal()
    sign_out_requested = Signal()
    quit_requested = Signal()
    page_changed = Signal(int)
    next_unread_requested = Signal()
    previous_unread_requested = Signal()
    call_requested = Signal(str)
    masked_call_requested = Signal(str)
    mark_read_requested = Signal(str)
    mark_unread_requested = Signal(str)
    add_contact_requested = Signal(str)
    export_requested = Signal(str)
    hidden_to_tray = Signal()

    def __init__(self, icons: IconSet | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.icons = icons or IconSet()
        self.hide_on_close = False
        self._unread = 0
        self.setWindowTitle(APP_TITLE)
        self.setWindowIcon(self.icons.icon("hubdesk"))
        self.setAccessibleName("HubDesk")

        # --- messages page ---------------------------------------------------------
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
        self.empty_list = QLabel("No conversations yet")
        self.empty_list.setTextFormat(Qt.TextFormat.PlainText)
        self.empty_list.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_list.hide()
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(6, 6, 0, 6)
        left_layout.setSpacing(6)
        left_layout.addWidget(self.search)
        left_layout.addWidget(self.conversation_view, 1)
        left_layout.addWidget(self.empty_list)

        self.header = ConversationHeader(icons=self.icons)
        self.thread_model = ThreadModel(self)
        self.thread_view = ThreadView(icons=self.icons)
        self.thread_view.set_empty_text(NOTHING_OPEN)
        self.thread_view.setModel(self.thread_model)
        self.compose = ComposePane(icons=self.icons)
        self.compose.setEnabled(False)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.setSpacing(0)
        self.thread_splitter = QSplitter(Qt.Orientation.Vertical)
        self.thread_splitter.addWidget(self.thread_view)
        self.thread_splitter.addWidget(self.compose)
        self.thread_splitter.setStretchFactor(0, 1)
        self.thread_splitter.setStretchFactor(1, 0)
        self.thread_splitter.setChildrenCollapsible(False)
        self.thread_splitter.setSizes([480, 150])
        self.compose.setMinimumHeight(120)
        right_layout.addWidget(self.header)
        right_layout.addWidget(self.thread_splitter, 1)
        self.right_pane = right

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(left)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([320, 640])
        self.splitter.setChildrenCollapsible(False)
        left.setMinimumWidth(240)

        self.pages = QStackedWidget()
        self.pages.addWidget(self.splitter)
        # Contacts, Sender IDs, Calls: built on first use (see page()).
        self._placeholders: dict[int, QWidget] = {}
        for index in (CONTACTS, SENDER_IDS, CALLS):
            placeholder = QWidget()
            placeholder.setAccessibleName(PAGES[index])
            self._placeholders[index] = placeholder
            self.pages.addWidget(placeholder)
        self.setCentralWidget(self.pages)

        self.status = SyncStatusBar(self)
        self.setStatusBar(self.status)
        self.toast = Toast(self.pages, anchor=self.thread_view)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DEBOUNCE_MS)
        self._search_timer.timeout.connect(lambda: self.search_changed.emit(self.search.text()))
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        self.conversation_view.conversation_activated.connect(self._activated)
        self.search.to_results.connect(self._to_results)
        self.search.open_result.connect(self._open_result)
        self.conversation_view.customContextMenuRequested.connect(self._context_menu)
        self.header.call_requested.connect(self.call_requested)
        self.header.masked_call_requested.connect(self.masked_call_requested)

        self._build_actions()
        self.resize(1000, 680)

    # --- actions, menus, toolbar --------------------------------------------------
    def _action(
        self,
        text: str,
        shortcut: str | QKeySequence.StandardKey | None = None,
        icon: str | None = None,
        tip: str | None = None,
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        if icon is not None:
            action.setIcon(self.icons.icon(icon))
        if tip:
            action.setToolTip(tip)
            action.setStatusTip(tip)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        a = self._action
        self.new_action = a("&New message…", "Ctrl+N", "new-message", "Write to a number")
        self.bulk_action = a("&Bulk send…", "Ctrl+Shift+B", "bulk-send", "Send one text to many")
        self.export_action = a("&Export conversation…", "Ctrl+E", None, "Save the thread as CSV")
        self.sign_out_action = a("Sign &out", None)
        self.quit_action = a("&Quit", "Ctrl+Q")
        self.find_action = a("&Find", "Ctrl+F", "search")
        self.settings_action = a("&Settings…", "Ctrl+,", "settings")
        self.call_action = a("&Call", "Ctrl+D", "call", "Call this conversation's number")
        self.masked_action = a("&Masked call", "Ctrl+Shift+D", "call-masked")
        self.mark_unread_action = a("Mark &unread", "Ctrl+U")
        self.add_contact_action = a("&Add to contacts…", None, "contacts")
        self.next_unread_action = a("&Next unread", "Alt+Down")
        self.prev_unread_action = a("&Previous unread", "Alt+Up")
        self.page_actions: list[QAction] = []
        group = QActionGroup(self)
        for i, (name, icon) in enumerate(zip(PAGES, PAGE_ICONS, strict=True)):
            action = a(name, f"Ctrl+{i + 1}", icon, f"Show {name} (Ctrl+{i + 1})")
            action.setCheckable(True)
            action.setChecked(i == 0)
            group.addAction(action)
            action.triggered.connect(lambda _c=False, i=i: self.show_page(i))
            self.page_actions.append(action)

        self.new_action.triggered.connect(self.new_message_requested)
        self.bulk_action.triggered.connect(self.bulk_send_requested)
        self.export_action.triggered.connect(lambda: self._for_current(self.export_requested))
        self.sign_out_action.triggered.connect(self.sign_out_requested)
        self.quit_action.triggered.connect(self.quit_requested)
        self.find_action.triggered.connect(self.focus_search)
        self.settings_action.triggered.connect(self.settings_requested)
        self.call_action.triggered.connect(lambda: self.header.call_button.click())
        self.masked_action.triggered.connect(lambda: self.header.masked_button.click())
        self.mark_unread_action.triggered.connect(
            lambda: self._for_current(self.mark_unread_requested)
        )
        self.add_contact_action.triggered.connect(
            lambda: self._for_current(self.add_contact_requested)
        )
        self.next_unread_action.triggered.connect(self.next_unread_requested)
        self.prev_unread_action.triggered.connect(self.previous_unread_requested)

        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        for action in (self.new_action, self.bulk_action, self.export_action):
            file_menu.addAction(action)
        file_menu.addSeparator()
        file_menu.addAction(self.sign_out_action)
        file_menu.addAction(self.quit_action)
        edit_menu = bar.addMenu("&Edit")
        edit_menu.addAction(self.find_action)
        edit_menu.addAction(self.settings_action)
        view_menu = bar.addMenu("&View")
        for action in self.page_actions:
            view_menu.addAction(action)
        view_menu.addSeparator()
        view_menu.addAction(self.next_unread_action)
        view_menu.addAction(self.prev_unread_action)
        conv_menu = bar.addMenu("&Conversation")
        for action in (
            self.call_action,
            self.masked_action,
            self.mark_unread_action,
            self.add_contact_action,
            self.export_action,
        ):
            conv_menu.addAction(action)

        tools = QToolBar("Main toolbar", self)
        tools.setObjectName("main-toolbar")
        tools.setMovable(False)
        tools.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        tools.setAccessibleName("Main toolbar")
        tools.addAction(self.new_action)
        tools.addAction(self.bulk_action)
        tools.addSeparator()
        for action in self.page_actions:
            tools.addAction(action)
        self.addToolBar(tools)
        self.toolbar = tools

    # --- methods in ---------------------------------------------------------------
    def show_page(self, index: int) -> None:
        if not 0 <= index < self.pages.count():
            return
        self.page(index)  # built on first use
        self.pages.setCurrentIndex(index)
        self.page_actions[index].setChecked(True)
        self.page_changed.emit(index)

    def focus_search(self) -> None:
        self.show_page(MESSAGES)
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def select_partner(self, partner: str | None) -> None:
        """Show ``partner`` as the open conversation (painted selected) and put the
        list's cursor on its row, scrolled to. Nothing is shown open when it is not
        listed (a new number, or filtered out)."""
        self.conversation_view.set_open_partner(partner)
        self._set_list_cursor(partner)

    def _set_list_cursor(self, partner: str | None) -> None:
        view = self.conversation_view
        index = self.conversation_model.index_of(partner) if partner else QModelIndex()
        view.setCurrentIndex(index)  # the list selects nothing: this moves the cursor
        if index.isValid():
            view.scrollTo(index)

    def list_cursor(self) -> str | None:
        """The conversation under the list's keyboard cursor. Arrow keys move it without
        opening anything, so it can differ from the open conversation."""
        conv = self.conversation_view.currentIndex().data(ConversationRole.CONVERSATION)
        return conv.partner if isinstance(conv, Conversation) else None

    def keep_list_cursor(self, before: str | None, open_partner: str | None) -> None:
        """After the list changed: the cursor stays where the user left it (``before``,
        from :meth:`list_cursor`) while that conversation is listed; otherwise it goes
        to the open conversation's row, or nowhere."""
        if before is not None and before == self.list_cursor():
            return  # moved rows keep their cursor: leave the scroll position alone
        if before is not None and self.conversation_model.index_of(before).isValid():
            self._set_list_cursor(before)
        else:
            self._set_list_cursor(open_partner)

    def set_signed_in(self, signed_in: bool) -> None:
        """File > "Sign out" while signed in, "Sign in…" otherwise (same action)."""
        self.sign_out_action.setText("Sign &out" if signed_in else "Sign &in…")

    def set_unread(self, count: int, in_title: bool) -> None:
        """Unread total in the status bar, and in the title when there is no tray badge."""
        self._unread = count
        self.status.set_unread(count)
        title = f"{APP_TITLE} ({count} unread)" if in_title and count else APP_TITLE
        self.setWindowTitle(title)

    def set_list_empty(self, empty: bool, text: str = "No conversations yet") -> None:
        self.empty_list.setText(text)
        self.empty_list.setVisible(empty)

    def show_toast(self, text: str, *, error: bool = False) -> None:
        self.toast.show_message(text, error=error)

    # --- internals ----------------------------------------------------------------
    def current_partner(self) -> str | None:
        return self.header.partner()

    def _for_current(self, signal: SignalInstance) -> None:
        partner = self.current_partner()
        if partner is not None:
            signal.emit(partner)

    def _to_results(self) -> None:
        """Down in the search field: into the list, at the top hit while searching."""
        view = self.conversation_view
        searching = bool(self.search.text().strip())
        if self.conversation_model.rowCount() and (searching or not view.currentIndex().isValid()):
            view.setCurrentIndex(self.conversation_model.index(0))
        view.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _open_result(self) -> None:
        self._search_timer.stop()  # searched now, and opened once the results are in
        self.search_submitted.emit(self.search.text())

    def open_first_result(self) -> None:
        """Open the first conversation listed (the top hit of a search)."""
        conv = self.conversation_model.conversation_at(0)
        if conv is not None:
            self.conversation_chosen.emit(conv.partner)

    def _activated(self, conv: Conversation) -> None:
        self.conversation_chosen.emit(conv.partner)

    def _context_menu(self, pos: QPoint) -> None:
        index = self.conversation_view.indexAt(pos)
        conv = index.data(ConversationRole.CONVERSATION) if index.isValid() else None
        if not isinstance(conv, Conversation):
            return
        self.conversation_menu(conv).popup(self.conversation_view.viewport().mapToGlobal(pos))

    def conversation_menu(self, conv: Conversation) -> QMenu:
        """The context menu for one conversation (also reachable with the Menu key)."""
        menu = QMenu(self)
        menu.setAccessibleName("Conversation actions")
        p = conv.partner
        if conv.unread:
            menu.addAction("Mark read", lambda: self.mark_read_requested.emit(p))
        else:
            menu.addAction("Mark unread", lambda: self.mark_unread_requested.emit(p))
        menu.addSeparator()
        call = menu.addAction(self.icons.icon("call"), "Call", lambda: self.call_requested.emit(p))
        masked = menu.addAction(
            self.icons.icon("call-masked"),
            "Masked call",
            lambda: self.masked_call_requested.emit(p),
        )
        from hubdesk.domain.numbers import is_uk

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

    @guarded(None)
    def closeEvent(self, event: QCloseEvent) -> None:
        self.compose.flush_draft()
        event.ignore()
        if self.hide_on_close:
            self.hide()
            self.hidden_to_tray.emit()
        else:
            self.quit_requested.emit()
