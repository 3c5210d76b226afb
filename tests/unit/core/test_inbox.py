"""core.inbox over a real SQLite file through the DbWorker, observing SyncEvents."""

from __future__ import annotations

import csv
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from hubdesk.core.inbox import Inbox
from hubdesk.domain import DeliveryStatus, ReadStatus, Sms, SmsType
from hubdesk.store.worker import DbWorker
from hubdesk.sync.events import SyncEvents

T0 = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
ALICE, BOB = "447400123456", "447400123457"


def sms(sms_id: int, partner: str = ALICE, *, sent: bool = False, text: str = "") -> Sms:
    return Sms(
        sms_id=sms_id,
        source="HubWork" if sent else partner,
        destination=partner if sent else "447700900000",
        text=text or f"message {sms_id}",
        type=SmsType.SENT if sent else SmsType.RECEIVED,
        delivery_status=DeliveryStatus.SENT,
        read_status=ReadStatus.UNREAD,
        time=T0 + timedelta(seconds=sms_id),
    )


@pytest.fixture
async def worker(tmp_path: Path) -> AsyncIterator[DbWorker]:
    w = await DbWorker.open(tmp_path / "hubdesk.sqlite3")
    yield w
    await w.close()


async def test_events_on_new_messages_and_read_state(worker: DbWorker) -> None:
    events = SyncEvents()
    inbox = Inbox(worker, events)
    changed: list[frozenset[str]] = []
    totals: list[int] = []
    inbox.events.conversations_changed.connect(changed.append)
    inbox.events.unread_changed.connect(totals.append)
    result = await worker.run(lambda db: db.messages.upsert_messages([sms(1), sms(2, BOB)]))
    await events.messages_changed.emit(result.partners)
    assert changed == [frozenset({ALICE, BOB})] and totals == [2]
    assert [c.partner for c in await inbox.conversations(unread_only=True)] == [BOB, ALICE]
    assert await inbox.mark_read(ALICE) == 1
    assert totals == [2, 1] and changed[-1] == frozenset({ALICE})
    assert await inbox.mark_read(ALICE) == 0  # nothing changed: no event
    assert totals == [2, 1]
    assert await inbox.mark_unread(ALICE)
    assert totals == [2, 1, 2]
    inbox.close()
    await events.messages_changed.emit(frozenset({ALICE}))
    assert len(changed) == 3  # no longer observing


async def test_thread_pages_and_search(worker: DbWorker) -> None:
    rows = [
        sms(i, sent=i % 2 == 0, text=f"note {i} about parking" if i == 3 else "")
        for i in range(1, 8)
    ]
    await worker.run(lambda db: db.messages.upsert_messages(rows))
    inbox = Inbox(worker)
    first = await inbox.thread(ALICE, limit=3)
    assert [e.sms_id for e in first.entries] == [7, 6, 5] and first.has_more
    second = await inbox.thread(ALICE, limit=3, before=first.before)
    third = await inbox.thread(ALICE, limit=3, before=second.before)
    assert [e.sms_id for e in second.entries] == [4, 3, 2]
    assert [e.sms_id for e in third.entries] == [1] and not third.has_more
    hits = await inbox.search("parking")
    assert [h.sms_id for h in hits] == [3]
    assert [h.partner for h in await inbox.search("07400 123456")] == [ALICE]
    assert await inbox.search("   ") == []


async def test_export_conversation_csv(worker: DbWorker, tmp_path: Path) -> None:
    rows = [sms(1, text='=HYPERLINK("x")'), sms(2, sent=True, text="line one\nline two")]
    await worker.run(lambda db: db.messages.upsert_messages(rows))
    path = tmp_path / "alice.csv"
    assert await Inbox(worker).export_conversation_csv(ALICE, path) == 2
    with path.open(encoding="utf-8-sig", newline="") as handle:
        table = list(csv.reader(handle))
    assert table[0] == ["time", "direction", "from", "to", "text", "status", "sms_id"]
    assert table[1][1:3] == ["received", "07400 123456"] and table[1][6] == "1"
    assert table[2][1] == "sent" and table[2][4] == "line one\nline two"
    assert table[2][2] == "HubWork"  # a sender name stays as it is
    to_line = replace(sms(3), destination="447520602706")
    await worker.run(lambda db: db.messages.upsert_messages([to_line]))
    await Inbox(worker).export_conversation_csv(ALICE, path)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        assert list(csv.reader(handle))[3][3] == "07520 602706"  # our number, formatted
    assert table[1][4] == '\'=HYPERLINK("x")'  # no formula injection in spreadsheets
