"""Flushing a database another process sends from too (the GUI beside ``hubdesk-cli``).

The "other process" is a second ``Database`` connection on the same file, with its own
sender lock: it claims rows the way another HubDesk would (``queued -> sending``).
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from hubdesk.domain import OutboxState
from hubdesk.sim import Fault
from hubdesk.store.database import Database
from tests.unit.sync.simkit import SENDER, kit
from tests.unit.sync.test_sync_outbox import TIMEOUT, sender, server_copies

A, B = "447520602707", "447520602708"
SEND = "/api/sms/send"


async def test_a_row_another_process_is_sending_is_left_to_it(tmp_path: Path) -> None:
    async with kit(tmp_path, timeout=TIMEOUT) as k:
        s = sender(k)
        theirs = await k.worker.run(lambda db: db.outbox.enqueue(SENDER, [A], "theirs"))
        mine = await k.worker.run(lambda db: db.outbox.enqueue(SENDER, [B], "mine"))
        with Database.open(k.db_path) as other:
            other.outbox.mark_sending(theirs.id)  # its POST is on the wire
            report = await s.flush()
            assert report.elsewhere == [theirs.id]
            assert report.sent == [mine.id] and report.settled
            assert report.unknown == [] and report.stopped is None
            assert [r["form"]["text"] for r in k.requests(SEND)] == [["mine"]]
            still = other.outbox.get(theirs.id)
            assert still is not None and still.state is OutboxState.SENDING  # untouched
            other.outbox.mark_sent(theirs.id, {A: 1})


async def test_a_row_claimed_elsewhere_during_reconciling_is_not_sent_again(
    tmp_path: Path,
) -> None:
    async with kit(tmp_path, timeout=2.0) as k:
        s = sender(k, window=1.0)
        item = await k.worker.run(lambda db: db.outbox.enqueue(SENDER, [A], "contested"))
        now = k.server_clock.now()
        assert now is not None
        await k.worker.run(lambda db: db.outbox.mark_sending(item.id, now))
        await k.worker.run(lambda db: db.outbox.mark_unknown(item.id, "dropped", now))
        k.clock.offset += 60  # absence is decidable now: a flush would re-send it
        # Our listing takes 0.5 s; meanwhile another process settles the row its own way.
        k.state.add_fault(Fault("slow", path="/api/sms/list", seconds=0.5))
        with Database.open(k.db_path) as other:

            async def claim_meanwhile() -> None:
                await asyncio.sleep(0.2)
                other.outbox.requeue(item.id)
                other.outbox.mark_sending(item.id)

            report, _ = await asyncio.gather(s.flush(), claim_meanwhile())
            assert report.elsewhere == [item.id]
            assert report.sent == [] and report.resent == [] and report.unknown == []
            assert k.requests(SEND) == []  # we did not send it: the other process does
            assert server_copies(k) == {}
            other.outbox.mark_sent(item.id, {A: 1})
