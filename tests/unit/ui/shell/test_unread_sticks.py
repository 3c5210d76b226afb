"""Issue 14, "Mark unread" on the open conversation sticks: the thread refresh that
follows (and every later one) keeps it unread, in the list, the status bar and the
unread total the tray badge shows, until a newer message is received and seen, or the
user opens the conversation again."""

from __future__ import annotations

import asyncio

import pytest

from tests.unit.ui.appkit import Driver, in_loop, shell_driver, signed_in  # noqa: F401

pytestmark = pytest.mark.sim_config(delivery_delay=0)

PARTNER = "447400123456"


def unread_row(d: Driver) -> int:
    model = d.page.conversation_model
    return int(model.conversation_at(model.index_of(PARTNER)).unread)


async def opened_and_read(d: Driver) -> list[int]:
    """Signed in, a message from PARTNER, its conversation open (so read); the totals the
    controller announced (what the tray badge is set to) are recorded."""
    totals: list[int] = []
    d.controller.unread_changed.connect(totals.append)
    await signed_in(d)
    d.sim.inject_inbound(PARTNER, "Can you call me back please?")
    await d.poll()
    await d.controller.open_conversation(PARTNER)
    await d.until(lambda: d.page.header.partner() == PARTNER, what="open")
    await d.until(lambda: unread_row(d) == 0, what="read on opening")
    return totals


async def settle(d: Driver) -> None:
    """Every refresh in flight done (coalesced list reload, thread refresh, marks)."""
    for _ in range(3):
        await asyncio.sleep(0.15)
        flush = d.controller._flush
        if flush is not None:
            await asyncio.wait_for(asyncio.shield(flush), 15)


@in_loop
async def test_mark_unread_on_the_open_conversation_stays_unread(driver: Driver) -> None:
    totals = await opened_and_read(driver)
    driver.window.mark_unread_action.trigger()  # Conversation > Mark unread (Ctrl+U)
    await driver.until(lambda: unread_row(driver) == 1, what="marked unread")
    await settle(driver)
    await driver.poll()  # a poll with nothing new, and the refreshes it causes
    driver.controller._on_changed(frozenset({PARTNER}))  # any change: the thread reloads
    await settle(driver)
    assert unread_row(driver) == 1
    assert driver.page.header.partner() == PARTNER  # still open
    assert await driver.runtime.inbox.unread_total() == 1
    assert totals[-1] == 1  # the tray badge's number
    assert driver.window.status.unread_label.text() == "1 unread"


@in_loop
async def test_a_newer_message_seen_in_the_open_thread_reads_it(driver: Driver) -> None:
    totals = await opened_and_read(driver)
    driver.window.mark_unread_action.trigger()
    await driver.until(lambda: unread_row(driver) == 1, what="marked unread")
    await settle(driver)
    driver.sim.inject_inbound(PARTNER, "Never mind, sorted.")
    await driver.poll()
    await settle(driver)
    await driver.until(lambda: unread_row(driver) == 0, what="read with the new message")
    await driver.until(lambda: totals[-1] == 0, what="the badge cleared")
    assert driver.window.status.unread_label.text() == ""


@in_loop
async def test_opening_it_again_reads_it(driver: Driver) -> None:
    await opened_and_read(driver)
    driver.window.mark_unread_action.trigger()
    await driver.until(lambda: unread_row(driver) == 1, what="marked unread")
    await settle(driver)
    await driver.controller.open_conversation(PARTNER)
    await driver.until(lambda: unread_row(driver) == 0, what="read on opening again")
    assert await driver.runtime.inbox.unread_total() == 0
