"""The main window: the pages (Messages, Contacts, Sender IDs, Calls) in a stack, the
menus, toolbar and keys, the status bar and the toast.

The window composes; it wires nothing to core (``MainController`` and the controllers it
builds do). Its signals are the commands of the menus and keys that are not about one
page; the pages report their own (``MessagesPage``'s signals, ``ContactsPage``'s ...).
Controllers use its parts through their public methods: ``messages_page`` and the other
pages (``contacts_page``, ``senders_page``, ``calls_page``), ``status`` (the status bar)
and the actions they disable while they run (``sign_out_action``, ``settings_action``,
:meth:`call_triggers`).

First frame: ``app.firstpaint`` shows this window before anything else, so it builds
what that frame shows: the chrome (menu bar, toolbar, status bar) and the Messages page
(whose compose pane waits for its first use, see ``MessagesPage``). The other pages are
built on first use (``LazyPages``), the toast on the first notice.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence
from PySide6.QtWidgets import QMainWindow, QStackedWidget, QToolBar, QWidget

from hubdesk.ui.messages.page import MessagesPage
from hubdesk.ui.qt.context_key import context_menu_key_action
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
    TEMPLATES,
    LazyPages,
    PageName,
)
from hubdesk.ui.shell.statusbar import SyncStatusBar

if TYPE_CHECKING:
    from hubdesk.ui.shell.toast import Toast

__all__ = ["APP_TITLE", "CALLS", "CONTACTS", "MESSAGES", "PAGES", "PAGE_ICONS", "PAGE_NAMES",
           "SENDER_IDS", "TEMPLATES", "MainWindow", "PageName"]  # fmt: skip

APP_TITLE = "HubDesk"
Shortcut = str | QKeySequence.StandardKey


class MainWindow(LazyPages, QMainWindow):
    """HubDesk's window.

    Signals:
        new_message_requested(): File > New message… (Ctrl+N).
        bulk_send_requested(): File > Bulk send… (Ctrl+Shift+B).
        scheduled_requested(): File > Scheduled messages… (Ctrl+Shift+L).
        settings_requested(): Edit > Settings… (Ctrl+,).
        sign_out_requested(): File > Sign out (reads "Sign in…" while signed out).
        quit_requested(): File > Quit (Ctrl+Q), or the window closed without a tray.
        page_changed(int): the page now shown: ``MESSAGES``, ``CONTACTS``, ``SENDER_IDS``,
            ``CALLS`` or ``TEMPLATES``.
        next_unread_requested(): View > Next unread (Alt+Down).
        previous_unread_requested(): View > Previous unread (Alt+Up).
        hidden_to_tray(): the window was closed into the tray.
    """

    new_message_requested = Signal()
    bulk_send_requested = Signal()
    scheduled_requested = Signal()
    settings_requested = Signal()
    sign_out_requested = Signal()
    quit_requested = Signal()
    page_changed = Signal(int)
    next_unread_requested = Signal()
    previous_unread_requested = Signal()
    hidden_to_tray = Signal()

    def __init__(self, icons: IconSet | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.icons = icons or IconSet()
        self.hide_on_close = False
        self._toast: Toast | None = None
        self.setWindowTitle(APP_TITLE)
        self.setWindowIcon(self.icons.icon("hubdesk"))
        self.setAccessibleName("HubDesk")
        self.messages_page = MessagesPage(self.icons)
        self._build_pages()
        self.status = SyncStatusBar(self)
        self.setStatusBar(self.status)
        self._build_actions()
        self._build_menus()
        self._build_toolbar()
        self.resize(1000, 680)
        context_menu_key_action(self)  # Shift+F10 opens context menus, as the Menu key does

    # --- building ---------------------------------------------------------------------
    def _build_pages(self) -> None:
        """Messages first; Contacts, Sender IDs and Calls as placeholders (``page()``)."""
        self.pages = QStackedWidget()
        self.pages.addWidget(self.messages_page)
        self._placeholders: dict[int, QWidget] = {}
        for index in (CONTACTS, SENDER_IDS, CALLS, TEMPLATES):
            placeholder = QWidget()
            placeholder.setAccessibleName(PAGES[index])
            self._placeholders[index] = placeholder
            self.pages.addWidget(placeholder)
        self.setCentralWidget(self.pages)

    def _action(
        self, text: str, shortcut: Shortcut | None = None, icon: str | None = None, tip: str = ""
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
        self.addAction(action)  # its key works wherever the focus is in the window
        return action

    def _build_actions(self) -> None:
        """Every command with its key; each triggers a signal or a page's method."""
        a, page = self._action, self.messages_page
        self.new_action = a("&New message…", "Ctrl+N", "new-message", "Write to a number")
        self.bulk_action = a("&Bulk send…", "Ctrl+Shift+B", "bulk-send", "Send one text to many")
        self.scheduled_action = a(
            "Sc&heduled messages…", "Ctrl+Shift+L", None, "Messages waiting to be sent later"
        )
        self.export_action = a("&Export conversation…", "Ctrl+E", None, "Save the thread as CSV")
        self.sign_out_action = a("Sign &out")
        self.quit_action = a("&Quit", "Ctrl+Q")
        self.find_action = a("&Find", "Ctrl+F", "search")
        self.settings_action = a("&Settings…", "Ctrl+,", "settings")
        self.call_action = a("&Call", "Ctrl+D", "call", "Call this conversation's number")
        self.masked_action = a("&Masked call", "Ctrl+Shift+D", "call-masked")
        self.mark_unread_action = a("Mark &unread", "Ctrl+U")
        self.add_contact_action = a("&Add to contacts…", None, "contacts")
        self.next_unread_action = a("&Next unread", "Alt+Down")
        self.prev_unread_action = a("&Previous unread", "Alt+Up")
        self.page_actions = self._build_page_actions()
        self.new_action.triggered.connect(self.new_message_requested)
        self.bulk_action.triggered.connect(self.bulk_send_requested)
        self.scheduled_action.triggered.connect(self.scheduled_requested)
        self.sign_out_action.triggered.connect(self.sign_out_requested)
        self.quit_action.triggered.connect(self.quit_requested)
        self.find_action.triggered.connect(self.focus_search)
        self.settings_action.triggered.connect(self.settings_requested)
        self.next_unread_action.triggered.connect(self.next_unread_requested)
        self.prev_unread_action.triggered.connect(self.previous_unread_requested)
        self.export_action.triggered.connect(page.export_open)
        self.call_action.triggered.connect(page.call_open)
        self.masked_action.triggered.connect(page.masked_call_open)
        self.mark_unread_action.triggered.connect(page.mark_open_unread)
        self.add_contact_action.triggered.connect(page.add_open_to_contacts)

    def _build_page_actions(self) -> list[QAction]:
        """Messages, Contacts, Sender IDs, Calls, Templates (Ctrl+1..5): one checked."""
        actions: list[QAction] = []
        group = QActionGroup(self)
        for i, (name, icon) in enumerate(zip(PAGES, PAGE_ICONS, strict=True)):
            action = self._action(name, f"Ctrl+{i + 1}", icon, f"Show {name} (Ctrl+{i + 1})")
            action.setCheckable(True)
            action.setChecked(i == MESSAGES)
            group.addAction(action)
            action.triggered.connect(lambda _checked=False, i=i: self.show_page(i))
            actions.append(action)
        return actions

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addActions(
            [self.new_action, self.bulk_action, self.scheduled_action, self.export_action]
        )
        file_menu.addSeparator()
        file_menu.addActions([self.sign_out_action, self.quit_action])
        bar.addMenu("&Edit").addActions([self.find_action, self.settings_action])
        view_menu = bar.addMenu("&View")
        view_menu.addActions(self.page_actions)
        view_menu.addSeparator()
        view_menu.addActions([self.next_unread_action, self.prev_unread_action])
        bar.addMenu("&Conversation").addActions(
            [
                self.call_action,
                self.masked_action,
                self.mark_unread_action,
                self.add_contact_action,
                self.export_action,
            ]
        )

    def _build_toolbar(self) -> None:
        tools = QToolBar("Main toolbar", self)
        tools.setObjectName("main-toolbar")
        tools.setMovable(False)
        tools.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        tools.setAccessibleName("Main toolbar")
        tools.addActions([self.new_action, self.bulk_action])
        tools.addSeparator()
        tools.addActions(self.page_actions)
        self.addToolBar(tools)
        self.toolbar = tools

    # --- methods in -------------------------------------------------------------------
    def show_page(self, index: int) -> None:
        if not 0 <= index < self.pages.count():
            return
        self.page(index)  # built on first use
        self.pages.setCurrentIndex(index)
        self.page_actions[index].setChecked(True)
        self.page_changed.emit(index)

    def focus_search(self) -> None:
        self.show_page(MESSAGES)
        self.messages_page.focus_search()

    def set_signed_in(self, signed_in: bool) -> None:
        """File > "Sign out" while signed in, "Sign in…" otherwise (same action)."""
        self.sign_out_action.setText("Sign &out" if signed_in else "Sign &in…")

    def set_unread(self, count: int, in_title: bool) -> None:
        """Unread total in the status bar, and in the title when there is no tray badge."""
        self.status.set_unread(count)
        title = f"{APP_TITLE} ({count} unread)" if in_title and count else APP_TITLE
        self.setWindowTitle(title)

    def show_toast(self, text: str, *, error: bool = False) -> None:
        """A notice in the status bar for a few seconds (plain text)."""
        self.toast.show_message(text, error=error)

    @property
    def toast(self) -> Toast:
        """The notice shown by :meth:`show_toast` (built on the first one)."""
        if self._toast is None:
            from hubdesk.ui.shell.toast import Toast

            self._toast = Toast(self.status, self.pages)  # in the status bar: covers nothing
        return self._toast

    def call_triggers(self) -> list[QWidget | QAction]:
        """What places a call, on the pages built so far: disabled while one is placed."""
        from hubdesk.ui.calls.page import CallHistoryPage
        from hubdesk.ui.contacts.page import ContactsPage

        found: list[QWidget | QAction] = [self.call_action]
        found += self.messages_page.call_triggers()
        for index in (CALLS, CONTACTS):
            page = self.pages.widget(index) if self.is_built(index) else None
            if isinstance(page, CallHistoryPage | ContactsPage):
                found += page.call_triggers()
        return found

    @guarded(None)
    def closeEvent(self, event: QCloseEvent) -> None:
        self.messages_page.flush_draft()
        event.ignore()
        if self.hide_on_close:
            self.hide()
            self.hidden_to_tray.emit()
        else:
            self.quit_requested.emit()
