"""What a notification's buttons do in the wired window (``NotificationActions``), against
the in-process simulator: the notifier's signals are emitted as the desktop would (the
D-Bus side is tests/unit/ui/shell/test_notifications.py; the real thing with dunst,
tests/desktop/test_notification_actions_desktop.py)."""

from __future__ import annotations

import asyncio

import pytest

from hubdesk.ui.shell.notifications import Notifier
from hubdesk.ui.shell.notify_actions import NO_SENDER, NOT_SIGNED_IN
from tests.unit.ui.appkit import Driver, in_loop, shell_driver, signed_in  # noqa: F401

pytestmark = pytest.mark.sim_config(delivery_delay=0)

ALICE = "447400123456"
STRANGER = "447400999888"  # nothing exchanged yet: no sender ID to preselect (two approved)


def notifier_of(d: Driver) -> Notifier:
    assert d.shell.notifier is not None
    return d.shell.notifier


async def with_message(d: Driver) -> Notifier:
    await signed_in(d)
    d.sim.inject_inbound(ALICE, "Can you call me back please?")
    await d.poll()
    return notifier_of(d)


@in_loop
async def test_an_inline_reply_goes_out_once_through_the_outbox(driver: Driver) -> None:
    notifier = await with_message(driver)
    notifier.replied.emit(ALICE, "Calling you at 3")
    await driver.until(lambda: len(driver.posts("/api/sms/send")) == 1, what="sent")
    await asyncio.sleep(0.5)
    (post,) = driver.posts("/api/sms/send")
    assert post["form"]["destination"] == [ALICE]
    assert post["form"]["text"] == ["Calling you at 3"]
    outbox = await driver.runtime.worker.run(lambda db: db.outbox.all())
    assert [o.text for o in outbox] == ["Calling you at 3"]


@in_loop
async def test_without_a_sender_id_to_choose_the_reply_waits_in_compose(driver: Driver) -> None:
    notifier = notifier_of(await signed_in(driver))
    notifier.replied.emit(STRANGER, "Hello there")
    compose = driver.page.compose
    await driver.until(lambda: driver.page.header.partner() == STRANGER, what="opened")
    await driver.until(lambda: compose.text() == "Hello there", what="the reply in the box")
    assert driver.window.toast.text() == NO_SENDER
    await asyncio.sleep(0.3)
    assert driver.posts("/api/sms/send") == []


@in_loop
async def test_signed_out_the_reply_waits_in_compose(driver: Driver) -> None:
    notifier = notifier_of(driver)  # the sign-in dialog is open: not signed in
    notifier.replied.emit(ALICE, "Back at 5")
    await driver.until(lambda: driver.page.header.partner() == ALICE, what="opened")
    assert driver.window.toast.text() == NOT_SIGNED_IN
    assert driver.posts("/api/sms/send") == []


@in_loop
async def test_reply_opens_the_conversation_with_the_cursor_in_compose(driver: Driver) -> None:
    notifier = await with_message(driver)
    notifier.reply_requested.emit(ALICE)
    editor = driver.page.compose.editor
    await driver.until(lambda: driver.page.header.partner() == ALICE, what="opened")
    await driver.until(lambda: driver.window.focusWidget() is editor, what="focused")


@in_loop
async def test_mark_as_read_reads_it_and_the_total_follows(driver: Driver) -> None:
    totals: list[int] = []
    driver.controller.unread_changed.connect(totals.append)
    notifier = await with_message(driver)
    before = await driver.runtime.inbox.unread_total()
    assert before >= 1
    notifier.mark_read_requested.emit(ALICE)
    await driver.until(lambda: bool(totals) and totals[-1] == before - 1, what="total")
    model = driver.page.conversation_model
    await driver.until(
        lambda: model.conversation_at(model.index_of(ALICE)).unread == 0, what="the row"
    )
    assert driver.page.header.partner() != ALICE  # it was not opened


@in_loop
async def test_call_back_asks_before_dialling(driver: Driver) -> None:
    notifier = await with_message(driver)
    notifier.call_back_requested.emit(ALICE)
    calls = driver.controller.calls
    await driver.until(lambda: calls.confirm_dialog is not None, what="the confirmation")
    dialog = calls.confirm_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.number is not None and dialog.number.digits == ALICE
    await asyncio.sleep(0.2)
    assert driver.posts("/api/click-to-dial/dial") == []
    dialog.reject()
