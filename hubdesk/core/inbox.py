"""The inbox use case: conversations (filtered, pinned, Done), threads (with calls),
read state ("Mark unread" that sticks), search (with the hit shown) and export.

Every store access goes through the ``DbWorker`` so a UI on the same event loop never
blocks on SQLite. ``InboxEvents`` tells observers (the GUI's list model, the tray badge)
what changed, reusing ``hubdesk.sync.events.Channel``:

* ``conversations_changed`` (the partners whose rows changed) when the poller stores
  messages, the outbox changes, opt-outs change, or read state or a mark (pinned, Done)
  is changed here;
* ``unread_changed`` (the new total) whenever the unread total differs from the last
  one announced.
"""

from __future__ import annotations

import asyncio
import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from hubdesk.domain import Conversation, ConversationFilter, OutboxItem, ThreadEntry
from hubdesk.domain.numbers import format_number
from hubdesk.store.database import Database
from hubdesk.store.marks import Marks
from hubdesk.store.private_files import write_private
from hubdesk.store.search import HitKind, SearchHit
from hubdesk.store.threads import next_cursor
from hubdesk.store.worker import DbWorker
from hubdesk.sync.events import Channel, Connection, SyncEvents

__all__ = ["HitKind", "Inbox", "InboxEvents", "SearchHit", "ThreadPage"]  # hits: for the ui

_EXPORT_PAGE = 500
_FIRST_PAGE = 50  # what a thread opens with (the window's page size)
EXPORT_COLUMNS = ("time", "direction", "from", "to", "text", "status", "sms_id")


@dataclass(slots=True)
class InboxEvents:
    """What the inbox tells its observers."""

    conversations_changed: Channel[frozenset[str]] = field(
        default_factory=lambda: Channel("conversations_changed")
    )
    unread_changed: Channel[int] = field(default_factory=lambda: Channel("unread_changed"))


@dataclass(frozen=True, slots=True)
class ThreadPage:
    """One page of a thread, newest first; pass ``before`` back to get the next one."""

    entries: tuple[ThreadEntry, ...]
    before: tuple[datetime, int] | None

    @property
    def has_more(self) -> bool:
        return self.before is not None


class Inbox:
    """Conversations and threads over the store; observes ``sync_events`` when given."""

    def __init__(self, worker: DbWorker, sync_events: SyncEvents | None = None) -> None:
        self._worker = worker
        self.events = InboxEvents()
        self._unread: int | None = None
        self._connections: list[Connection] = []
        if sync_events is not None:
            self._connections += [
                sync_events.messages_changed.connect(self._on_partners),
                sync_events.optouts_changed.connect(self._on_partners),
                sync_events.outbox_changed.connect(self._on_outbox),
            ]

    def close(self) -> None:
        """Stop observing the sync engine."""
        for disconnect in self._connections:
            disconnect()
        self._connections.clear()

    # --- reading ---------------------------------------------------------------------

    async def conversations(
        self,
        unread_only: bool = False,
        limit: int | None = None,
        view: ConversationFilter = ConversationFilter.ALL,
    ) -> list[Conversation]:
        """Pinned first, then newest first, through ``view`` (All / Unread / Done, or the
        inbox: everything not Done); partners with only unsent outbox entries included.
        ``unread_only`` is ``view=UNREAD``."""
        return await self._worker.run(
            lambda db: db.messages.conversations(unread_only, limit, view)
        )

    async def thread(
        self,
        partner: str,
        limit: int = 50,
        before: tuple[datetime, int] | None = None,
        *,
        calls: bool = False,
    ) -> ThreadPage:
        """A page of the thread with ``partner``, newest first; with ``calls``, the calls
        placed to ``partner`` from HubDesk are merged in (``ThreadEntry.call``)."""

        def page(db: Database) -> ThreadPage:
            entries = db.messages.thread(partner, limit, before, calls=calls)
            stored = sum(1 for e in entries if e.stored)
            cursor = next_cursor(entries) if stored >= limit else None
            return ThreadPage(tuple(entries), cursor)

        return await self._worker.run(page)

    async def thread_through(
        self, partner: str, sms_id: int, older: int = 25, *, calls: bool = False
    ) -> ThreadPage:
        """The first page of the thread with ``partner`` reaching back to the message
        ``sms_id`` (a search hit) and ``older`` more: open the conversation with it, scroll
        to the hit, and page on with ``before`` as usual. A hit that is not a stored
        message with ``partner`` gives the usual first page."""
        return await self._page_through(
            partner, lambda db: db.messages.newer_in_thread(partner, sms_id), older, calls=calls
        )

    async def thread_at(
        self, partner: str, key: str, older: int = 25, *, calls: bool = False
    ) -> ThreadPage:
        """As ``thread_through``, to the thread entry ``key`` of a search hit
        (``SearchHit.key``): a stored message (``sms:<id>``) or an outbox entry not sent
        yet (``outbox:<id>:<position>``: scheduled, queued, failed...). Any other key
        gives the usual first page."""
        kind, _, rest = key.partition(":")
        number = rest.split(":")[0]
        if kind == "sms" and number.isdigit():
            return await self.thread_through(partner, int(number), older, calls=calls)
        if kind == "outbox" and number.isdigit():
            outbox_id = int(number)
            return await self._page_through(
                partner,
                lambda db: db.messages.newer_than_outbox(partner, outbox_id),
                older,
                calls=calls,
            )
        return await self.thread(partner, _FIRST_PAGE, calls=calls)

    async def _page_through(
        self,
        partner: str,
        newer_than_hit: Callable[[Database], int | None],
        older: int,
        *,
        calls: bool,
    ) -> ThreadPage:
        def page(db: Database) -> ThreadPage:
            newer = newer_than_hit(db)
            limit = max(_FIRST_PAGE, (newer or 0) + 1 + max(older, 0))
            entries = db.messages.thread(partner, limit, calls=calls)
            stored = sum(1 for e in entries if e.stored)
            cursor = next_cursor(entries) if stored >= limit else None
            return ThreadPage(tuple(entries), cursor)

        return await self._worker.run(page)

    async def unread_total(self) -> int:
        total = await self._worker.run(lambda db: db.messages.unread_total())
        self._unread = total
        return total

    async def search(self, query: str, limit: int = 50) -> list[SearchHit]:
        """Contacts by name or number, conversations by number, messages by text (also
        those still in the outbox: scheduled, queued, failed..., with their ``state``); a
        message hit carries its snippet and the matched words as ranges (plain text)."""
        if not query.strip():
            return []
        return await self._worker.run(lambda db: db.search.search(query, limit))

    # --- read state ------------------------------------------------------------------

    async def mark_read(self, partner: str) -> int:
        """The user opened the conversation (or asked to mark it read): every message
        read, "kept unread" ended. Returns how many messages changed."""
        changed = await self._worker.run(lambda db: db.messages.mark_read(partner))
        if changed:
            await self.refresh(frozenset({partner}))
        return changed

    async def mark_seen(self, partner: str) -> int:
        """The open conversation was shown again (a refresh of its thread): read, unless
        the user marked it unread and no newer message was received since. Returns how
        many messages changed (0 while it is kept unread)."""
        changed = await self._worker.run(lambda db: db.messages.mark_seen(partner))
        if changed:
            await self.refresh(frozenset({partner}))
        return changed

    async def mark_unread(self, partner: str) -> bool:
        """Mark the newest received message unread, and keep it so until the user opens
        the conversation again or reads a newer message; False when nothing was received."""
        changed = await self._worker.run(lambda db: db.messages.mark_unread(partner))
        if changed:
            await self.refresh(frozenset({partner}))
        return changed

    # --- inbox states ----------------------------------------------------------------

    async def pin(self, partner: str) -> bool:
        """Keep the conversation at the top of the list; False when already pinned."""
        return await self._changed(
            partner, await self._worker.run(lambda db: db.marks.pin(partner))
        )

    async def unpin(self, partner: str) -> bool:
        return await self._changed(
            partner, await self._worker.run(lambda db: db.marks.unpin(partner))
        )

    async def mark_done(self, partner: str) -> bool:
        """Out of the inbox until a new message is received from ``partner``; False when
        there is no conversation with them."""
        return await self._changed(
            partner, await self._worker.run(lambda db: db.marks.mark_done(partner))
        )

    async def mark_undone(self, partner: str) -> bool:
        """Back to the inbox; False when it was not Done."""
        return await self._changed(
            partner, await self._worker.run(lambda db: db.marks.mark_undone(partner))
        )

    async def marks(self, partner: str) -> Marks:
        """Pinned / Done / kept unread, for a conversation's menu."""
        return await self._worker.run(lambda db: db.marks.get(partner))

    async def _changed(self, partner: str, changed: bool) -> bool:
        if changed:
            await self.events.conversations_changed.emit(frozenset({partner}))
        return changed

    # --- export ----------------------------------------------------------------------

    async def export_conversation_csv(self, partner: str, path: Path) -> int:
        """Write the whole thread, oldest first, as CSV (UTF-8 with BOM for Excel).

        Columns: time (local, ISO 8601), direction, from, to, text, status, sms_id.
        Returns the number of rows written.
        """

        def collect(db: Database) -> list[ThreadEntry]:
            entries: list[ThreadEntry] = []
            before: tuple[datetime, int] | None = None
            while True:
                page = db.messages.thread(partner, _EXPORT_PAGE, before)
                entries.extend(page)
                stored = sum(1 for e in page if e.stored)
                before = next_cursor(page)
                if stored < _EXPORT_PAGE or before is None:
                    return entries

        entries = await self._worker.run(collect)
        entries.reverse()
        await asyncio.to_thread(_write_export, path, entries)
        return len(entries)

    # --- observing -------------------------------------------------------------------

    async def refresh(self, partners: frozenset[str]) -> None:
        """Announce ``partners`` changed, and the unread total when it moved."""
        if partners:
            await self.events.conversations_changed.emit(partners)
        previous = self._unread
        total = await self.unread_total()
        if total != previous:
            await self.events.unread_changed.emit(total)

    async def _on_partners(self, partners: frozenset[str]) -> None:
        await self.refresh(partners)

    async def _on_outbox(self, item: OutboxItem) -> None:
        await self.refresh(frozenset(item.destinations))


def _write_export(path: Path, entries: list[ThreadEntry]) -> None:
    """UTF-8 with a BOM (for Excel), written atomically and private (0600) from the
    first byte (``store.private_files.write_private``)."""
    with io.StringIO(newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(EXPORT_COLUMNS)
        for e in entries:
            own = format_number(e.sender_id)  # both ends alike; a name stays a name
            other = format_number(e.partner)
            sent = e.direction.name == "SENT"
            writer.writerow(
                [
                    e.time.astimezone().isoformat(timespec="seconds"),
                    "sent" if sent else "received",
                    own if sent else other,
                    other if sent else own,
                    _cell(e.text),
                    e.state.value,
                    "" if e.sms_id is None else e.sms_id,
                ]
            )
        write_private(path, handle.getvalue().encode("utf-8-sig", "replace"))


def _cell(text: str) -> str:
    """Keep spreadsheets from running received text as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
