"""The container that wires the main window to core (DESIGN: dumb widgets, one wiring place).

Reads go through core (``Inbox``, ``Messenger``, ``Dialer`` ...), which reads the store on
the DB worker thread, so the window never waits on disk or network. Store changes come
back as ``Inbox.events`` and are applied to the models incrementally (coalesced: many
changes in one burst cost one reload). Session expiry opens the sign-in dialog, keeping
drafts and the outbox (both live in the store).
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from datetime import datetime
from typing import Protocol

from PySide6.QtCore import QObject, Signal

from hubdesk.core.contacts import ContactBook
from hubdesk.core.dialer import Dialer
from hubdesk.core.errors import SESSION_EXPIRED, describe_error
from hubdesk.core.inbox import Inbox
from hubdesk.core.messenger import Messenger
from hubdesk.core.senders import SenderIds
from hubdesk.core.settings import SettingsStore
from hubdesk.domain import Conversation, MessageState, ThreadEntry
from hubdesk.domain.numbers import format_number, is_uk
from hubdesk.ui.qtasync import async_slot, spawn
from hubdesk.ui.signin import SignInFlow, SignInService
from hubdesk.ui.statusbar import Connection
from hubdesk.ui.window import MainWindow

log = logging.getLogger(__name__)
PAGE_SIZE = 50
OLDER_PAGE = 100
COALESCE_S = 0.05


class Services(SignInService, Protocol):
    """What the controller uses (``hubdesk.runtime.Runtime`` provides it)."""

    inbox: Inbox
    settings: SettingsStore
    sender_ids: SenderIds
    messenger: Messenger | None
    dialer: Dialer | None

    @property
    def signed_in(self) -> bool: ...

    async def fetch_older(self, partner: str, before: datetime | None) -> int: ...

    def poke(self) -> None: ...


class MainController(QObject):
    """Connects :class:`MainWindow` to the use cases; owns no widget of its own."""

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
        self.services = services
        self.contacts = contacts
        self.unread_in_title = unread_in_title
        self.partner: str | None = None
        self.sign_in = SignInFlow(window, services)
        self._all: list[Conversation] = []
        self._matches: set[str] | None = None
        self._query = ""
        self._cursor: tuple[datetime, int] | None = None
        self._generation = 0
        self._dirty: set[str] = set()
        self._flush: asyncio.Task[None] | None = None
        self._drafts: dict[str, str] = {}
        self._draft_task: asyncio.Task[None] | None = None
        self._connection = Connection.CONNECTING
        w = window
        w.conversation_chosen.connect(self.open_conversation)
        w.search_changed.connect(self.search)
        w.thread_view.older_requested.connect(self.load_older)
        w.thread_view.retry_requested.connect(self.retry)
        w.compose.send_requested.connect(self.send)
        w.compose.draft_changed.connect(self.save_draft)
        w.compose.sender_combo.currentIndexChanged.connect(lambda _i: self.update_blocked())
        w.call_requested.connect(self.call)
        w.masked_call_requested.connect(self.masked_call)
        w.mark_read_requested.connect(self.mark_read)
        w.mark_unread_requested.connect(self.mark_unread)
        w.next_unread_requested.connect(lambda: self.jump_unread(1))
        w.previous_unread_requested.connect(lambda: self.jump_unread(-1))
        w.sign_out_requested.connect(self.sign_out)
        self.sign_in.signed_in.connect(self._after_sign_in)
        services.inbox.events.conversations_changed.connect(self._on_changed)
        services.inbox.events.unread_changed.connect(self._on_unread)
        services.sender_ids.changed.connect(lambda _items: self.refresh_senders())
        contacts.changed.connect(self._on_changed)

    # --- start-up -------------------------------------------------------------------
    async def start(self) -> None:
        """First paint from the store: conversations, unread count, cached sender IDs."""
        settings = self.services.settings.current
        self.window.compose.set_send_key(settings.send_key)
        if not self.services.sender_ids.items:
            await self.services.sender_ids.load_cached()
        await self.reload_conversations()
        self._on_unread(await self.services.inbox.unread_total())
        if not self.services.signed_in:
            self.set_connection(Connection.SIGNED_OUT)

    # --- conversation list ----------------------------------------------------------
    async def reload_conversations(self) -> None:
        self._all = await self.services.inbox.conversations()
        self._apply_list()

    def _apply_list(self) -> None:
        rows = self._all
        if self._matches is not None:
            rows = [c for c in rows if c.partner in self._matches]
        self.window.conversation_model.set_conversations(rows)
        if self._matches is not None and not rows:
            self.window.set_list_empty(True, f"Nothing matches “{self._query}”")
        else:
            self.window.set_list_empty(not rows)
        if self.partner is not None:
            self.window.select_partner(self.partner)

    @async_slot()
    async def search(self, text: str) -> None:
        """Filter by name, number and message text; the FTS query runs on the worker."""
        query = text.strip()
        self._query = query
        if not query:
            self._matches = None
        else:
            hits = await self.services.inbox.search(query, limit=500)
            if query != self._query:
                return  # a newer query is on its way
            self._matches = {h.partner for h in hits}
        self._apply_list()

    def _on_changed(self, partners: frozenset[str]) -> None:
        """Coalesce bursts of changes (poll, backfill pages, outbox steps) into one reload."""
        self._dirty |= partners
        if self._flush is None or self._flush.done():
            self._flush = spawn(self._flush_changes(), name="ui-refresh")

    async def _flush_changes(self) -> None:
        await asyncio.sleep(COALESCE_S)
        while self._dirty:
            partners, self._dirty = self._dirty, set()
            await self.reload_conversations()
            if self.partner is not None and self.partner in partners:
                await self._refresh_thread(self.partner)

    def _on_unread(self, total: int) -> None:
        self.window.set_unread(total, self.unread_in_title)
        self.unread_changed.emit(total)

    # --- opening a conversation -----------------------------------------------------
    def open_conversation(self, partner: str) -> asyncio.Task[None]:
        """Show ``partner``'s thread (also for a number with no messages yet).

        Not an ``async_slot``: a second click while the first loads must win, not be
        dropped; a generation counter discards the stale load instead.
        """
        self.window.compose.flush_draft()
        self._generation += 1
        return spawn(self._open(partner, self._generation), name="ui-open")

    async def _open(self, partner: str, generation: int) -> None:
        inbox = self.services.inbox
        page = await inbox.thread(partner, PAGE_SIZE)
        if generation != self._generation:
            return
        self.partner = partner
        self._cursor = page.before
        w = self.window
        conv = next((c for c in self._all if c.partner == partner), None)
        number = _number_text(partner)
        title = conv.name if conv is not None and conv.name else number
        w.header.set_partner(partner, title, number, is_uk(partner))
        w.thread_model.set_entries(page.entries)
        w.thread_view.set_more_older_available(True)
        w.thread_view.scroll_to_newest()
        w.compose.setEnabled(True)
        w.select_partner(partner)
        messenger = self.services.messenger
        draft = await messenger.draft(partner) if messenger is not None else None
        if generation != self._generation:
            return
        w.compose.set_text(draft or "")
        await self._fill_senders(partner)
        self.partner_opened.emit(partner)
        if conv is not None and conv.unread:
            await inbox.mark_read(partner)

    async def _fill_senders(self, partner: str) -> None:
        messenger = self.services.messenger
        default = await messenger.sender_for(partner) if messenger is not None else None
        self.window.compose.set_sender_ids(self.services.sender_ids.items, default)
        await self._update_blocked()

    def refresh_senders(self) -> None:
        if self.partner is not None:
            spawn(self._fill_senders(self.partner), name="ui-senders")

    def update_blocked(self) -> None:
        spawn(self._update_blocked(), name="ui-blocked")

    async def _update_blocked(self) -> None:
        partner, messenger = self.partner, self.services.messenger
        compose = self.window.compose
        if partner is None:
            return
        if messenger is None:
            compose.set_send_blocked(None if self.services.signed_in else "Sign in to send.")
            return
        reason = await messenger.send_blocked_reason(partner, compose.sender_id())
        if partner == self.partner:
            compose.set_send_blocked(reason)

    async def _refresh_thread(self, partner: str) -> None:
        """Apply store changes to the open thread: new and changed bubbles, outbox
        bubbles replaced by their stored message."""
        page = await self.services.inbox.thread(partner, PAGE_SIZE)
        if partner != self.partner:
            return
        model = self.window.thread_model
        keys = {e.key for e in page.entries}
        if page.entries and page.before is not None:
            oldest = min(e.time for e in page.entries)
            stale = [e.key for e in model.entries() if e.time >= oldest and e.key not in keys]
        else:
            stale = [e.key for e in model.entries() if e.key not in keys]
        model.remove(stale)
        model.upsert(sorted(page.entries, key=lambda e: e.time))
        if self.window.isActiveWindow() or self.window.isVisible():
            unread = any(e.unread for e in page.entries)
            if unread:
                await self.services.inbox.mark_read(partner)

    @async_slot()
    async def load_older(self) -> None:
        """Scrolled to the top: the next page from the store, else ask the server for
        this conversation's older messages (stored, then shown)."""
        partner = self.partner
        if partner is None:
            return
        if self._cursor is None:
            entries = self.window.thread_model.entries()
            oldest = entries[0].time if entries else None
            try:
                fetched = await self.services.fetch_older(partner, oldest)
            except Exception as exc:
                log.info("older messages not fetched: %s", type(exc).__name__)
                fetched = 0
            if partner != self.partner:
                return
            if not fetched:
                self.window.thread_view.set_more_older_available(False)
                return
            self._cursor = _cursor_of(self.window.thread_model.entries())
        await self._load_older_from_store(partner)

    async def _load_older_from_store(self, partner: str) -> None:
        page = await self.services.inbox.thread(partner, OLDER_PAGE, self._cursor)
        if partner != self.partner:
            return
        self.window.thread_model.prepend_older(page.entries)
        self._cursor = page.before
        self.window.thread_view.set_more_older_available(True)

    # --- compose --------------------------------------------------------------------
    def _on_send_error(self, exc: Exception) -> None:
        self.window.show_toast(describe_error(exc), error=True)

    @async_slot(on_error="_on_send_error")
    async def send(self, sender_id: str, text: str) -> None:
        partner, messenger = self.partner, self.services.messenger
        compose = self.window.compose
        if partner is None:
            return
        if messenger is None:
            raise RuntimeError("not signed in")
        compose.clear_after_send()  # the outbox holds it from here on
        try:
            receipt = await messenger.send(partner, text, sender_id, uuid=uuid.uuid4().hex)
        except Exception:
            if partner == self.partner and not compose.text():
                compose.set_text(text)  # refused before queueing: give the text back
                await messenger.save_draft(partner, text)
            raise
        if receipt.note:
            self.window.show_toast(f"Sent to a number outside the UK: {receipt.note}")
        self.window.thread_view.scroll_to_newest()

    def save_draft(self, text: str) -> None:
        """Keep the newest text per conversation; one writer task saves them in turn (an
        ``async_slot`` would drop a save that arrives while the previous one runs)."""
        if self.partner is None:
            return
        self._drafts[self.partner] = text
        if self._draft_task is None or self._draft_task.done():
            self._draft_task = spawn(self._save_drafts(), name="ui-drafts")

    async def _save_drafts(self) -> None:
        while self._drafts:
            partner, text = next(iter(self._drafts.items()))
            del self._drafts[partner]
            messenger = self.services.messenger
            if messenger is not None:
                await messenger.save_draft(partner, text)

    async def drain_drafts(self) -> None:
        """Save what is typed now (before quitting)."""
        self.window.compose.flush_draft()
        if self._drafts and (self._draft_task is None or self._draft_task.done()):
            self._draft_task = spawn(self._save_drafts(), name="ui-drafts")
        if self._draft_task is not None:
            await asyncio.shield(self._draft_task)

    @async_slot(on_error="_on_send_error")
    async def retry(self, entry: ThreadEntry) -> None:
        messenger = self.services.messenger
        if messenger is None or entry.outbox_id is None:
            if entry.state is MessageState.FAILED and entry.outbox_id is None:
                self.window.show_toast("The network refused this message; send it again.")
            return
        await messenger.retry(entry.outbox_id)

    # --- read state, navigation -----------------------------------------------------
    @async_slot()
    async def mark_read(self, partner: str) -> None:
        await self.services.inbox.mark_read(partner)

    @async_slot()
    async def mark_unread(self, partner: str) -> None:
        if not await self.services.inbox.mark_unread(partner):
            self.window.show_toast("Nothing was received in this conversation.")

    def jump_unread(self, step: int) -> None:
        rows = self.window.conversation_model.conversations()
        if not rows:
            return
        current = next((i for i, c in enumerate(rows) if c.partner == self.partner), -1)
        order = range(current + 1, len(rows)) if step > 0 else range(current - 1, -1, -1)
        for i in order:
            if rows[i].unread:
                self.open_conversation(rows[i].partner)
                return
        self.window.show_toast("No more unread conversations.")

    # --- calls ----------------------------------------------------------------------
    def _on_call_error(self, exc: Exception) -> None:
        self.window.show_toast(describe_error(exc), error=True)

    @async_slot(trigger=lambda self: self.window.header.call_button, on_error="_on_call_error")
    async def call(self, partner: str) -> None:
        dialer = self._dialer()
        result = await dialer.dial(partner)
        self.window.show_toast(
            f"Calling {_number_text(partner)}: answer your phone. Call ID {result.call_id}"
        )

    @async_slot(trigger=lambda self: self.window.header.masked_button, on_error="_on_call_error")
    async def masked_call(self, partner: str) -> None:
        source = self.services.settings.current.masked_source
        if not source:
            self.window.show_toast(
                "Set the number to show for masked calls in Settings (Ctrl+,) first.", error=True
            )
            return
        result = await self._dialer().dial_masked(source, partner)
        self.window.show_toast(
            f"Masked call to {_number_text(partner)} showing {_number_text(source)}. "
            f"Call ID {result.call_id}"
        )

    def _dialer(self) -> Dialer:
        if self.services.dialer is None:
            from hubdesk.api.errors import NotSignedIn

            raise NotSignedIn("Not signed in.", operation="dial")
        return self.services.dialer

    # --- connection and session -----------------------------------------------------
    def set_connection(
        self, state: Connection, detail: str | None = None, retry_after: float | None = None
    ) -> None:
        self._connection = state
        self.window.status.set_connection(state, detail, retry_after)
        self.window.compose.set_offline(state in (Connection.OFFLINE, Connection.RATE_LIMITED))
        if state is Connection.SESSION_EXPIRED and not self.sign_in.is_open():
            self.sign_in.open(SESSION_EXPIRED)

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

    @async_slot(trigger=lambda self: self.window.sign_out_action)
    async def sign_out(self) -> None:
        sign_out = getattr(self.services, "sign_out", None)
        if sign_out is not None:
            await sign_out()
        self.set_connection(Connection.SIGNED_OUT)
        self.update_blocked()
        self.sign_in.open("Signed out. Drafts and unsent messages are kept.")


def _number_text(partner: str) -> str:
    try:
        return format_number(partner)
    except ValueError:
        return partner


def _cursor_of(entries: list[ThreadEntry]) -> tuple[datetime, int] | None:
    for entry in entries:  # oldest first
        if entry.sms_id is not None and entry.outbox_id is None:
            return (entry.time, entry.sms_id)
    return None
