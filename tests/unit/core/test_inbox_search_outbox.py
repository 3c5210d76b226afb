"""core.inbox: search finds messages still in the outbox, and ``thread_at`` opens the
thread at such a hit's bubble however many newer messages the thread holds."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from hubdesk.core.inbox import Inbox
from hubdesk.domain import MessageState
from hubdesk.store.database import Database
from hubdesk.store.worker import DbWorker
from tests.unit.core.test_inbox import ALICE, BOB, sms


@pytest.fixture
async def worker(tmp_path: Path) -> AsyncIterator[DbWorker]:
    w = await DbWorker.open(tmp_path / "hubdesk.sqlite3")
    yield w
    await w.close()


async def test_an_old_failed_message_is_found_and_its_thread_opens_at_it(worker: DbWorker) -> None:
    inbox = Inbox(worker)

    def failed_then_newer(db: Database) -> int:
        earlier = datetime.now(UTC) - timedelta(days=1)
        db.messages.upsert_messages(
            [replace(sms(n), time=earlier + timedelta(seconds=n)) for n in range(500, 540)]
        )
        item = db.outbox.enqueue("HubWork", [ALICE], "The boiler part has arrived")
        db.outbox.mark_sending(item.id)
        db.outbox.mark_failed(item.id, "refused")
        later = datetime.now(UTC) + timedelta(hours=1)
        db.messages.upsert_messages(
            [replace(sms(n), time=later + timedelta(seconds=n)) for n in range(1, 121)]
        )
        return item.id

    outbox_id = await worker.run(failed_then_newer)
    (hit,) = await inbox.search("boiler")
    assert (hit.partner, hit.state) == (ALICE, MessageState.FAILED)
    assert hit.key == f"outbox:{outbox_id}:0"

    first = await inbox.thread(ALICE)
    assert hit.key not in {e.key for e in first.entries}  # 120 newer: not on the first page
    page = await inbox.thread_at(ALICE, hit.key)
    assert hit.key in {e.key for e in page.entries}
    assert page.before is not None  # the 40 older ones still to come, as for any first page

    # a stored message's key reaches back to it; any other key gives the first page
    at_sms = await inbox.thread_at(ALICE, "sms:3")
    assert "sms:3" in {e.key for e in at_sms.entries}
    assert (await inbox.thread_at(BOB, hit.key)).entries == ()
    assert [e.key for e in (await inbox.thread_at(ALICE, "nonsense")).entries] == [
        e.key for e in first.entries
    ]
