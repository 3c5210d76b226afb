"""The status bar tells the truth about receiving: the whole app on the simulator.

"Online" only after a poll that went through; a poller that fails (a hostile
Retry-After, a store error) says so and keeps polling.
"""

from __future__ import annotations

import sqlite3

import pytest

from hubdesk.sim import Fault
from hubdesk.store.profile import database_path
from tests.unit.ui.appkit import Driver, in_loop, shell_driver, signed_in  # noqa: F401

pytestmark = pytest.mark.sim_config(delivery_delay=0.3)

PARTNER = "447400123456"


def label(d: Driver) -> str:
    return str(d.window.status.state_label.text())


@in_loop
async def test_a_retry_after_of_a_billion_seconds_neither_kills_the_poller_nor_shows_it(
    driver: Driver,
) -> None:
    d = await signed_in(driver)
    await d.until(lambda: label(d) == "Online", what="online")
    d.sim.add_fault(Fault("429", count=1000, path="/api/sms/list", seconds=1_000_000_000))
    d.runtime.poke()
    await d.until(lambda: label(d).startswith("Rate limited"), what="rate limited")
    assert label(d) == "Rate limited by the server — retrying in 60 min"
    d.sim.clear_faults()
    d.sim.inject_inbound(PARTNER, "still arriving")
    d.runtime.poke()  # the poller is alive: it polls again at once
    await d.until(lambda: label(d) == "Online", timeout=8, what="online again")
    await d.until(
        lambda: any(c.partner == PARTNER for c in d.page.conversation_model.conversations()),
        what="the new message listed",
    )


@in_loop
async def test_a_store_error_shows_a_problem_never_online_and_polling_goes_on(
    driver: Driver,
) -> None:
    """Another process holds the database (BEGIN EXCLUSIVE): the poll cannot store what
    it fetched. The status bar says so (not "Online"); once the lock is gone the next
    poll stores the message and only then is it "Online" again."""
    d = await signed_in(driver)
    await d.until(lambda: label(d) == "Online", what="online")
    blocker = sqlite3.connect(database_path(d.shell.home), timeout=0, isolation_level=None)
    try:
        blocker.execute("BEGIN EXCLUSIVE")
        d.sim.inject_inbound(PARTNER, "stored once the lock is gone")
        d.runtime.poke()
        await d.until(lambda: label(d).startswith("Sync problem"), timeout=15, what="problem")
        assert "retrying in" in label(d)
        tip = str(d.window.status.state_label.toolTip())
        assert "Receiving new messages is waiting" in tip and "database is busy" in tip
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert label(d).startswith("Sync problem")  # nothing polled since: still not online
    d.runtime.poke()
    await d.until(lambda: label(d) == "Online", timeout=15, what="online again")
    await d.until(
        lambda: any(c.partner == PARTNER for c in d.page.conversation_model.conversations()),
        what="the message stored",
    )


async def history_downloaded(d: Driver) -> None:
    """The first backfill finished: no more changes arrive on their own."""
    from hubdesk.store.syncstate import BACKFILL_DONE

    async def done() -> object:
        return await d.runtime.worker.run(lambda db: db.sync_state.get(BACKFILL_DONE))

    await d.eventually(done, what="the backfill to finish")


@in_loop
async def test_a_list_refresh_that_fails_is_tried_again_without_another_change(
    driver: Driver,
) -> None:
    d = await signed_in(driver)
    await history_downloaded(d)
    real = d.controller.reload_conversations
    failures = [RuntimeError("the store failed once")]

    async def fails_once() -> None:
        if failures:
            raise failures.pop()
        await real()

    d.controller.reload_conversations = fails_once
    d.sim.inject_inbound(PARTNER, "listed after the retry")
    await d.poll()
    await d.until(
        lambda: any(c.partner == PARTNER for c in d.page.conversation_model.conversations()),
        what="the new conversation listed",
    )
    assert failures == []
