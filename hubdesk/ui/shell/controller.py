"""The container that wires the main window to core (DESIGN: dumb widgets, one wiring place).

``MainController`` drives the Messages page (conversation list, open thread, read state)
and the connection; the rest is wired by the controllers it builds: ``ComposeController``
(send, drafts), ``CallsController`` (calls, the Calls page), ``ContactsController`` (the
Contacts page) and ``SendersController`` (the Sender IDs page). Each talks to its page
through the page's signals and methods (``MessagesPage``, ``ContactsPage`` ...) and to the
window through its own (pages, status bar, toasts).

Reads go through core (``Inbox``, ``Messenger``, ``Dialer`` ...), which reads the store on
the DB worker thread, so the window never waits on disk or network. Store changes come
back as ``Inbox.events`` and are applied to the models incrementally (coalesced: many
changes in one burst cost one reload). Session expiry opens the sign-in dialog, keeping
drafts and the outbox (both live in the store).
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction

from hubdesk.core.contacts import ContactBook
from hubdesk.core.errors import SESSION_EXPIRED
from hubdesk.core.inbox import SearchHit
from hubdesk.domain import Conversation, ConversationFilter, ThreadEntry
from hubdesk.domain.numbers import is_uk
from hubdesk.ui.calls.controller import CallsController, number_text
from hubdesk.ui.contacts.controller import ContactsController
from hubdesk.ui.messages.compose_controller import ComposeController
from hubdesk.ui.messages.conversations.filters import keep_open_row
from hubdesk.ui.messages.inbox_controller import InboxController, hit_key
from hubdesk.ui.qt.async_slots import async_slot, spawn
from hubdesk.ui.qt.filedialogs import SettingsFolders, use_folder_memory
from hubdesk.ui.senders.controller import SendersController
from hubdesk.ui.shell.services import Services
from hubdesk.ui.shell.statusbar import Connection
from hubdesk.ui.shell.window import MESSAGES, MainWindow
from hubdesk.ui.signin.controller import SignInFlow

__all__ = ["MainController", "Services"]

log = logging.getLogger(__name__)
PAGE_SIZE = 50
OLDER_PAGE = 100
COALESCE_S = 0.05
REFRESH_RETRY_FIRST = 0.5  # seconds before a failed list refresh is tried again
REFRESH_RETRY_MAX = 60.0


class MainController(QObject):
    """Connects :class:`MainWindow` to the use cases; owns no widget of its own.

    Signals:
        partner_opened(str): a conversation is shown open, its draft and sender IDs in
            the compose pane (the partner's E.164 digits).
        unread_changed(int): the total of unread messages.
    """

    partner_opened = Signal(str)
    unread_changed = Signal(int)

    def __init__(
        self,
        window: MainWindow,
        services: Services,
        contacts: ContactBook,
        *,
        unread_in_title: bool = True,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.page = window.messages_page
        self.services = services
        self.contacts = contacts
        self.unread_in_title = unread_in_title
        self.partner: str | None = None
        self.sign_in = SignInFlow(window, services)
        self._all: list[Conversation] = []
        self._listed_view: ConversationFilter | None = None  # the view ``_all`` lists
        self._query = ""
        self._cursor: tuple[datetime, int] | None = None
        self._generation = 0
        self._dirty: set[str] = set()
        self._flush: asyncio.Task[None] | None = None
        self._connection = Connection.CONNECTING
        self.composer = ComposeController(window, services, lambda: self.partner)
        self.calls = CallsController(window, services, contacts)
        self.address_book = ContactsController(
            window, contacts, text=self.text_number, call=self.calls.request_call
        )
        self.senders = SendersController(window, services)
        self.senders.default_chosen.connect(lambda _sid: self.refresh_senders())
        self.inbox_states = InboxController(window, services.inbox)
        use_folder_memory(SettingsFolders(services.settings))  # file dialogs' last folder
        page = self.page
        page.conversation_chosen.connect(self.open_conversation)
        page.search_changed.connect(self.search)
        page.search_submitted.connect(self.submit_search)
        page.older_requested.connect(self.load_older)
        page.mark_read_requested.connect(self.mark_read)
        page.mark_unread_requested.connect(self.mark_unread)
        page.view_tabs.view_changed.connect(self._on_view_chosen)
        page.results.hit_chosen.connect(self.open_hit)
        self.calls.call_logged.connect(lambda partner: self._on_changed(frozenset({partner})))
        window.next_unread_requested.connect(lambda: self.jump_unread(1))
        window.previous_unread_requested.connect(lambda: self.jump_unread(-1))
        window.sign_out_requested.connect(self.sign_out)
        self.sign_in.signed_in.connect(self._after_sign_in)
        services.inbox.events.conversations_changed.connect(self._on_changed)
        services.inbox.events.unread_changed.connect(self._on_unread)
        services.sender_ids.changed.connect(lambda _items: self.refresh_senders())
        contacts.changed.connect(self._on_changed)

    # --- start-up -------------------------------------------------------------------
    async def start(self) -> None:
        """First paint from the store: conversations, unread count, cached sender IDs."""
        settings = self.services.settings.current
        self.composer.compose.set_send_key(settings.send_key)
        if not self.services.sender_ids.items:
            await self.services.sender_ids.load_cached()
        self.senders.show_cached()
        await self.reload_conversations()
        self._on_unread(await self.services.inbox.unread_total())
        if not self.services.signed_in:
            self.set_connection(Connection.SIGNED_OUT)

    # --- conversation list ----------------------------------------------------------
    async def reload_conversations(self) -> None:
        """The rows of the view chosen above the list (Inbox, Unread, Done, All)."""
        view = self.page.view_tabs.view()
        rows = await self.services.inbox.conversations(view=view)
        if view is not self.page.view_tabs.view():
            return  # another view was chosen meanwhile: its reload shows it
        if view is ConversationFilter.UNREAD and self._listed_view is view:
            rows = keep_open_row(rows, self._all, self.partner)
        self._all, self._listed_view = rows, view
        self.page.set_conversations(rows, open_partner=self.partner)

    def _on_view_chosen(self, _view: ConversationFilter) -> None:
        self._listed_view = None  # a view chosen (again) lists exactly what it holds
        spawn(self.reload_conversations(), name="ui-view")

    def search(self, text: str) -> asyncio.Task[None]:
        """Filter by name, number and message text; the FTS query runs on the worker.
        Every call runs (the newest text wins: an older query's results are dropped
        when they come back), unlike an ``async_slot``, which would ignore a query
        typed while the previous one is still running."""
        return spawn(self._search(text), name="ui-search")

    @async_slot()
    async def submit_search(self, text: str) -> None:
        """Enter in the search field: filter by exactly ``text``, then open the top hit:
        never a row of an older filter."""
        await self._search(text)
        if text.strip() == self._query:
            self.page.open_first_result()

    async def _search(self, text: str) -> None:
        """The matching messages (and contacts, conversations) in place of the list;
        an empty query shows the list again as it was."""
        query = text.strip()
        self._query = query
        if not query:
            self.page.results.show(None)
            return
        hits = await self.services.inbox.search(query, limit=500)
        if query != self._query:
            return  # a newer query is on its way
        self.page.results.show(hits, query)

    def _on_changed(self, partners: frozenset[str]) -> None:
        """Coalesce bursts of changes (poll, backfill pages, outbox steps) into one reload."""
        self._dirty |= partners
        if self._flush is None or self._flush.done():
            self._flush = spawn(self._flush_changes(), name="ui-refresh")

    async def _flush_changes(self) -> None:
        """Apply the changes gathered in ``_dirty``. A reload that fails (the store
        raised) is logged with its traceback and tried again after a pause that doubles
        up to a minute, keeping its partners: the list never stays stale quietly."""
        await asyncio.sleep(COALESCE_S)
        pause = REFRESH_RETRY_FIRST
        while self._dirty:
            partners, self._dirty = self._dirty, set()
            try:
                await self.reload_conversations()
                if self.partner is not None and self.partner in partners:
                    await self._show_header(self.partner)
                    await self._refresh_thread(self.partner)
            except Exception:
                self._dirty |= partners
                log.exception("the conversation list was not refreshed; again in %.1f s", pause)
                await asyncio.sleep(pause)
                pause = min(REFRESH_RETRY_MAX, pause * 2)

    def _on_unread(self, total: int) -> None:
        self.window.set_unread(total, self.unread_in_title)
        self.unread_changed.emit(total)

    # --- opening a conversation -----------------------------------------------------
    def open_conversation(self, partner: str) -> asyncio.Task[None]:
        """Show ``partner``'s thread (also for a number with no messages yet).

        Not an ``async_slot``: a second click while the first loads must win, not be
        dropped; a generation counter discards the stale load instead.
        """
        self.page.flush_draft()
        self._generation += 1
        return spawn(self._open(partner, self._generation), name="ui-open")

    def open_hit(self, hit: SearchHit) -> asyncio.Task[None]:
        """Open a search hit: a message hit's thread reaching back to it, scrolled to it
        and highlighted; any other hit, its conversation."""
        self.page.flush_draft()
        self._generation += 1
        return spawn(self._open(hit.partner, self._generation, hit_key(hit)), name="ui-open")

    async def _open(self, partner: str, generation: int, hit: str | None = None) -> None:
        inbox = self.services.inbox
        if hit is not None:
            page = await inbox.thread_at(partner, hit, calls=True)
        else:
            page = await inbox.thread(partner, PAGE_SIZE, calls=True)
        if generation != self._generation:
            return
        self.partner = partner
        self._cursor = page.before
        await self._show_header(partner)
        if generation != self._generation:
            return
        self.page.show_thread(page.entries)
        self.composer.enable_for(partner)
        self.page.select_partner(partner)
        if hit is not None:
            self.page.show_hit(hit)
        if not await self.composer.show_draft(partner):
            return
        await self.composer.fill_senders(partner)
        self.partner_opened.emit(partner)
        conv = next((c for c in self._all if c.partner == partner), None)
        if conv is None or conv.unread:  # not listed (another view): read it all the same
            await inbox.mark_read(partner)

    async def _show_header(self, partner: str) -> None:
        """Name (from the address book, which is current even when the list is not) and
        number of ``partner`` in the header."""
        contact = await self.contacts.find_by_number(partner)
        if partner != self.partner:
            return
        if contact is not None:
            name: str | None = contact.name
        else:  # an unsaved number, or the list's name while the book is unreadable
            conv = next((c for c in self._all if c.partner == partner), None)
            name = conv.name if conv is not None else None
        number = number_text(partner)
        self.page.show_partner(partner, name or number, number, is_uk(partner))

    def text_number(self, partner: str) -> None:
        """Show the Messages page with ``partner``'s conversation, ready to type."""
        self.window.show_page(MESSAGES)
        task = self.open_conversation(partner)
        task.add_done_callback(lambda _t: self.composer.compose.focus_editor())

    # --- compose (``ComposeController``) ----------------------------------------------
    def refresh_senders(self) -> None:
        self.composer.refresh_senders()

    def update_blocked(self) -> None:
        self.composer.update_blocked()

    async def drain_drafts(self) -> None:
        await self.composer.drain_drafts()

    async def _refresh_thread(self, partner: str) -> None:
        """Apply store changes to the open thread: new and changed bubbles, outbox
        bubbles replaced by their stored message."""
        page = await self.services.inbox.thread(partner, PAGE_SIZE, calls=True)
        if partner != self.partner:
            return
        shown = self.page.thread_entries()
        keys = {e.key for e in page.entries}
        if page.entries and page.before is not None:
            oldest = min(e.time for e in page.entries)
            stale = [e.key for e in shown if e.time >= oldest and e.key not in keys]
        else:
            stale = [e.key for e in shown if e.key not in keys]
        self.page.update_thread(stale, sorted(page.entries, key=lambda e: e.time))
        if self.window.isActiveWindow() or self.window.isVisible():
            unread = any(e.unread for e in page.entries)
            if unread:  # seen, not opened: "Mark unread" sticks until a newer message
                await self.services.inbox.mark_seen(partner)

    @async_slot()
    async def load_older(self) -> None:
        """Scrolled to the top: the next page from the store, else ask the server for
        this conversation's older messages (stored, then shown)."""
        partner = self.partner
        if partner is None:
            return
        if self._cursor is None:
            entries = self.page.thread_entries()
            oldest = entries[0].time if entries else None
            try:
                fetched = await self.services.fetch_older(partner, oldest)
            except Exception as exc:
                log.info("older messages not fetched: %s", type(exc).__name__)
                fetched = 0
            if partner != self.partner:
                return
            if not fetched:
                self.page.set_no_older()
                return
            self._cursor = _cursor_of(self.page.thread_entries())
        await self._load_older_from_store(partner)

    async def _load_older_from_store(self, partner: str) -> None:
        page = await self.services.inbox.thread(partner, OLDER_PAGE, self._cursor, calls=True)
        if partner != self.partner:
            return
        self.page.add_older(page.entries)
        self._cursor = page.before

    # --- read state, navigation -----------------------------------------------------
    @async_slot()
    async def mark_read(self, partner: str) -> None:
        await self.services.inbox.mark_read(partner)

    @async_slot()
    async def mark_unread(self, partner: str) -> None:
        if not await self.services.inbox.mark_unread(partner):
            self.window.show_toast("Nothing was received in this conversation.")

    def jump_unread(self, step: int) -> None:
        rows = self.page.conversations()
        if not rows:
            return
        current = next((i for i, c in enumerate(rows) if c.partner == self.partner), -1)
        order = range(current + 1, len(rows)) if step > 0 else range(current - 1, -1, -1)
        for i in order:
            if rows[i].unread:
                self.open_conversation(rows[i].partner)
                return
        self.window.show_toast("No more unread conversations.")

    # --- connection and session -----------------------------------------------------
    def set_connection(
        self, state: Connection, detail: str | None = None, retry_after: float | None = None
    ) -> None:
        self._connection = state
        self.window.status.set_connection(state, detail, retry_after)
        self.window.set_signed_in(self.services.signed_in)
        self.composer.compose.set_offline(state in (Connection.OFFLINE, Connection.RATE_LIMITED))
        if state is Connection.SESSION_EXPIRED and not self.sign_in.is_open():
            self.sign_in.open(SESSION_EXPIRED, expired=True)

    def show_sync(
        self, kind: str, last_sync: datetime | None, detail: str | None, retry: float | None
    ) -> None:
        """From the sync engine's ``sync_state`` (kind: online/offline/rate_limited/...)."""
        try:
            state = Connection(kind)
        except ValueError:
            state = Connection.OFFLINE
        if state is Connection.ONLINE:
            self.window.status.set_last_sync(datetime.now().astimezone())
        self.set_connection(state, detail, retry)

    def show_backfill(self, done: int, total: int, finished: bool) -> None:
        self.window.status.set_backfill(done, total, finished)

    def _after_sign_in(self, _profile: object) -> None:
        self.set_connection(Connection.CONNECTING)
        self.refresh_senders()
        self.update_blocked()

    def _sign_out_trigger(self) -> QAction:
        return self.window.sign_out_action

    @async_slot(trigger=_sign_out_trigger)
    async def sign_out(self) -> None:
        """File > Sign out; signed out, the same action reads "Sign in…" and opens the
        sign-in dialog (the only way back after it was cancelled)."""
        if not self.services.signed_in:
            self.sign_in.open()
            return
        sign_out = getattr(self.services, "sign_out", None)
        if sign_out is not None:
            await sign_out()
        self.set_connection(Connection.SIGNED_OUT)
        self.update_blocked()
        self.sign_in.open("Signed out. Drafts and unsent messages are kept.")


def _cursor_of(entries: list[ThreadEntry]) -> tuple[datetime, int] | None:
    for entry in entries:  # oldest first
        if entry.sms_id is not None and entry.outbox_id is None:
            return (entry.time, entry.sms_id)
    return None
