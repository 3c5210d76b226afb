"""Exactly once when the outbox's own steps interleave: each test forces one interleaving.

The 50 ms client time-out of the reliability trials turns scheduling delays into network
faults, and the app runs a background flush beside the user's sends. Each test here
pins one such interleaving down (``interleave.Hooks``) and checks the guarantee after
the outbox settles: one copy on the server per row and destination, and every row sent
with its own server id.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from hubdesk.domain import OutboxItem, OutboxState
from hubdesk.sim import Fault
from hubdesk.sync.outbox import OutboxSender
from tests.unit.sync.interleave import Hooks
from tests.unit.sync.simkit import SENDER, Kit, kit
from tests.unit.sync.test_sync_outbox import (
    BULK,
    SEND,
    TIMEOUT,
    check_exactly_once,
    fault,
    sender,
    server_copies,
)

LIST = "/api/sms/list"
A, B = "447520602707", "447520602708"


def listing_fails(k: Kit) -> None:
    """The next listing fails for good: a 503 on it and on each of the client's retries."""
    k.state.add_fault(Fault("503", count=4, path=LIST, method="GET"))


async def unknown_and_not_sent(
    k: Kit, s: OutboxSender, dests: list[str] | str, text: str
) -> OutboxItem:
    """A row whose send never reached the server (dropped before the server read it)."""
    k.state.add_fault(fault("drop_before", BULK if isinstance(dests, list) else SEND))
    item = (await s.submit(SENDER, dests, text)).item
    assert item is not None and item.state is OutboxState.UNKNOWN
    return item


async def test_a_bulk_whose_id_look_up_fails_gets_its_ids_on_a_later_flush(
    tmp_path: Path,
) -> None:
    """The bench's violation: the look-up after a bulk send failed (time-outs under load,
    a 429) and the row was settled sent without ids, never looked at again."""
    async with kit(tmp_path, timeout=TIMEOUT) as k:
        s = sender(k)
        listing_fails(k)
        item = (await s.submit(SENDER, [A, B], "ids later")).item
        assert item is not None and item.state is OutboxState.SENT and item.sms_ids == ()
        await check_exactly_once(k, s)
        assert len(k.requests(BULK)) == 1  # looked up, never sent again


async def test_a_flush_between_a_bulks_answer_and_its_id_look_up_claims_nothing(
    tmp_path: Path,
) -> None:
    """The background flush lands after the bulk send's answer, before its ids are
    attached, and reconciles an unknown row with the same text. That row must not claim
    the bulk's messages: its own send never reached the server and must go again."""
    hooks = Hooks()
    async with kit(tmp_path, timeout=TIMEOUT, outside=hooks.wrap) as k:
        s = sender(k)
        lost = await unknown_and_not_sent(k, s, [A, B], "same words")
        reports = []

        async def background_flush() -> None:
            reports.append(await s.flush())

        hooks.before("GET", LIST, background_flush)  # the new bulk's id look-up
        sent = (await s.submit(SENDER, [A, B], "same words")).item
        assert sent is not None and sent.state is OutboxState.SENT
        assert len(sent.sms_ids) == 2, sent  # the flush did not take them
        assert reports and reports[0].unknown == [lost.id]  # decided later
        await check_exactly_once(k, s)
        assert server_copies(k)[(A, "same words")] == 2


async def test_a_reconcile_ignores_a_listing_read_while_a_send_of_its_text_started(
    tmp_path: Path,
) -> None:
    """The user sends the same text again while a reconcile reads the listing: the new
    message is in the listing before its row has claimed it. The reconcile must not take
    it (the unknown row's own send never reached the server)."""
    hooks = Hooks()
    async with kit(tmp_path, timeout=TIMEOUT, outside=hooks.wrap) as k:
        s = sender(k)
        lost = await unknown_and_not_sent(k, s, A, "again")
        executed, release = asyncio.Event(), asyncio.Event()
        tasks: list[asyncio.Task[object]] = []

        async def user_sends_again() -> None:
            tasks.append(asyncio.create_task(s.submit(SENDER, A, "again")))
            await executed.wait()  # on the server; its answer held back

        async def hold_the_answer() -> None:
            executed.set()
            await release.wait()

        hooks.before("GET", LIST, user_sends_again)
        hooks.after("POST", SEND, hold_the_answer)
        decided = await s.reconcile(lost)
        assert decided.state is OutboxState.UNKNOWN  # not decided from that listing
        release.set()
        (second,) = await asyncio.gather(*tasks)
        assert second.item is not None and second.item.state is OutboxState.SENT  # type: ignore[attr-defined]
        assert len(second.item.sms_ids) == 1  # type: ignore[attr-defined]
        await check_exactly_once(k, s)
        assert server_copies(k)[(A, "again")] == 2


async def test_an_unknown_row_waits_while_a_sent_row_of_its_text_awaits_its_ids(
    tmp_path: Path,
) -> None:
    """A sent bulk whose ids were not found yet has its messages on the server,
    unclaimed: an unknown row with the same text and numbers must not take them."""
    async with kit(tmp_path, timeout=TIMEOUT) as k:
        s = sender(k)
        listing_fails(k)
        sent = (await s.submit(SENDER, [A, B], "twice")).item
        assert sent is not None and sent.state is OutboxState.SENT and sent.sms_ids == ()
        lost = await unknown_and_not_sent(k, s, [A, B], "twice")
        decided = await s.reconcile(lost)
        assert decided.state is OutboxState.UNKNOWN
        await check_exactly_once(k, s)
        assert server_copies(k)[(A, "twice")] == 2


async def test_a_flush_never_sends_a_row_that_went_out_since_it_read_its_list(
    tmp_path: Path,
) -> None:
    """A flush reads its rows, then works through them; meanwhile the user's send of a
    later row times out after the server executed it. When the flush reaches that row
    it is no longer queued: sending it again would make a second copy."""
    hooks = Hooks()
    async with kit(tmp_path, timeout=TIMEOUT, outside=hooks.wrap) as k:
        s = sender(k)
        first = (await s.submit(SENDER, A, "first", send=False)).item
        later = (await s.submit(SENDER, B, "later", send=False)).item
        assert first is not None and later is not None
        tried: list[OutboxItem] = []

        async def user_sends_the_later_one() -> None:
            k.state.add_fault(fault("drop_after", SEND))  # executed, answer lost
            tried.append(await s.send(later))

        hooks.before("POST", SEND, user_sends_the_later_one)  # the flush's first send
        await s.flush()
        assert tried and tried[0].state is OutboxState.UNKNOWN
        await check_exactly_once(k, s)
        assert server_copies(k)[(B, "later")] == 1
