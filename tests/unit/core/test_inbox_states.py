"""core.inbox: the list's views (inbox / unread / Done / all, pinned first), "Mark unread"
that a refresh of the open thread does not undo (list and badge agree), calls in the
thread, and search hits with their snippet."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from hubdesk.core.inbox import Inbox
from hubdesk.domain import ConversationFilter, Sms
from hubdesk.store.database import Database
from hubdesk.store.worker import DbWorker
from hubdesk.sync.events import SyncEvents
from tests.unit.core.test_inbox import ALICE, BOB, T0, sms

CAROL = "447400123458"


@pytest.fixture
async def worker(tmp_path: Path) -> AsyncIterator[DbWorker]:
    w = await DbWorker.open(tmp_path / "hubdesk.sqlite3")
    yield w
    await w.close()


async def _store(worker: DbWorker, events: SyncEvents, *messages: Sms) -> None:
    result = await worker.run(lambda db: db.messages.upsert_messages(list(messages)))
    await events.messages_changed.emit(result.partners)


async def test_mark_unread_sticks_through_refreshes_and_the_badge_agrees(
    worker: DbWorker,
) -> None:
    events = SyncEvents()
    inbox = Inbox(worker, events)
    totals: list[int] = []
    inbox.events.unread_changed.connect(totals.append)
    await _store(worker, events, sms(1), sms(2, sent=True))
    await inbox.mark_read(ALICE)  # the user opens it
    assert await inbox.mark_unread(ALICE)  # "come back to this"
    # The window refreshes the open thread (a poll, a delivery report): still unread.
    await _store(worker, events, sms(3, sent=True))
    assert await inbox.mark_seen(ALICE) == 0
    (conv,) = await inbox.conversations()
    assert conv.unread == 1 and conv.kept_unread
    assert await inbox.unread_total() == 1 and totals[-1] == 1  # list and badge agree
    # A new message from them is read when it is seen: the conversation is read.
    await _store(worker, events, sms(4))
    assert totals[-1] == 2
    assert await inbox.mark_seen(ALICE) == 2
    assert totals[-1] == 0 and (await inbox.conversations())[0].unread == 0
    # Opening the conversation again also ends it.
    await inbox.mark_unread(ALICE)
    assert await inbox.mark_read(ALICE) == 1 and not (await inbox.marks(ALICE)).kept_unread


async def test_views_pins_and_done_with_events(worker: DbWorker) -> None:
    events = SyncEvents()
    inbox = Inbox(worker, events)
    changed: list[frozenset[str]] = []
    inbox.events.conversations_changed.connect(changed.append)
    await _store(worker, events, sms(1), sms(2, BOB), sms(3, CAROL))
    await inbox.mark_read(CAROL)

    async def view(which: ConversationFilter) -> list[str]:
        return [c.partner for c in await inbox.conversations(view=which)]

    assert await inbox.pin(ALICE) and not await inbox.pin(ALICE)
    assert changed[-1] == frozenset({ALICE})
    assert await view(ConversationFilter.ALL) == [ALICE, CAROL, BOB]
    assert await inbox.mark_done(BOB)
    assert await view(ConversationFilter.INBOX) == [ALICE, CAROL]
    assert await view(ConversationFilter.DONE) == [BOB]
    assert await view(ConversationFilter.UNREAD) == [ALICE, BOB]  # Done hides nothing unread
    assert (await inbox.marks(BOB)).done
    # Bob writes again: back in the inbox.
    later = sms(9, BOB)
    await _store(worker, events, later)
    assert await view(ConversationFilter.INBOX) == [ALICE, BOB, CAROL]
    assert await inbox.unpin(ALICE) and await inbox.mark_done(CAROL)
    assert await inbox.mark_undone(CAROL) and not await inbox.mark_undone(CAROL)
    assert not await inbox.mark_done("447400000000")
    # unread_only is still the Unread view.
    assert [c.partner for c in await inbox.conversations(unread_only=True)] == [BOB, ALICE]


async def test_thread_with_calls_pages_on_stored_messages_only(worker: DbWorker) -> None:
    inbox = Inbox(worker)
    await worker.run(lambda db: db.messages.upsert_messages([sms(i) for i in range(1, 6)]))

    def calls(db: Database) -> None:
        for second in (2, 4, 6):
            db.calls.add(ALICE, True, "Call placed", time=T0 + timedelta(seconds=second))

    await worker.run(calls)
    first = await inbox.thread(ALICE, limit=3, calls=True)
    assert [e.key for e in first.entries] == ["call:3", "sms:5", "call:2", "sms:4", "sms:3"]
    assert first.has_more
    rest = await inbox.thread(ALICE, limit=3, before=first.before, calls=True)
    assert [e.key for e in rest.entries] == ["call:1", "sms:2", "sms:1"]
    assert not rest.has_more
    assert [e.key for e in (await inbox.thread(ALICE)).entries][0] == "sms:5"  # calls: opt-in


async def test_search_hits_show_the_match(worker: DbWorker) -> None:
    inbox = Inbox(worker)
    await worker.run(
        lambda db: db.messages.upsert_messages([sms(1, text="Can you call me back please?")])
    )
    (hit,) = await inbox.search("call back")
    assert hit.sms_id == 1 and hit.partner == ALICE and hit.time == T0 + timedelta(seconds=1)
    assert [piece for piece, matched in hit.snippet_segments if matched] == ["call", "back"]


async def test_a_search_hit_opens_a_thread_page_that_reaches_it(worker: DbWorker) -> None:
    inbox = Inbox(worker)
    await worker.run(
        lambda db: db.messages.upsert_messages(
            [sms(i, text="the boiler" if i == 40 else f"note {i}") for i in range(1, 201)]
        )
    )
    (hit,) = await inbox.search("boiler")
    assert hit.sms_id == 40
    page = await inbox.thread_through(ALICE, hit.sms_id, older=5)
    keys = [e.key for e in page.entries]
    assert keys[0] == "sms:200" and "sms:40" in keys and keys[-1] == "sms:35"
    assert page.has_more
    rest = await inbox.thread(ALICE, limit=50, before=page.before)
    assert [e.key for e in rest.entries][0] == "sms:34"  # paging on: nothing skipped
    # A hit near the top still opens a normal first page; an unknown one too.
    assert len((await inbox.thread_through(ALICE, 199)).entries) == 50
    assert len((await inbox.thread_through(ALICE, 9999)).entries) == 50
    assert len((await inbox.thread_through(BOB, 40)).entries) == 0
