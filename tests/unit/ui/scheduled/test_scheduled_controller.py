"""The Scheduled list and the overdue prompt, wired to the simulator and a real store."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from hubdesk.domain import OutboxItem, OutboxState
from tests.unit.ui.appkit import Driver, in_loop, shell_driver, signed_in  # noqa: F401

PARTNER = "447400123456"
SOURCE = "13234710258"


async def enqueue(d: Driver, text: str, when: datetime) -> OutboxItem:
    return await d.runtime.worker.run(
        lambda db: db.outbox.enqueue(SOURCE, [PARTNER], text, not_before=when)
    )


async def state_of(d: Driver, outbox_id: int) -> OutboxState:
    item = await d.runtime.worker.run(lambda db: db.outbox.get(outbox_id))
    assert item is not None
    return item.state


async def until_state(d: Driver, outbox_id: int, state: OutboxState) -> None:
    async def reached() -> bool:
        return await state_of(d, outbox_id) is state

    await d.eventually(reached, what=f"outbox {outbox_id} {state}")


@in_loop
async def test_the_scheduled_list_shows_waiting_messages_and_sends_one_now(
    driver: Driver,
) -> None:
    await signed_in(driver)
    soon = await enqueue(
        driver, "Your appointment is tomorrow", datetime.now(UTC) + timedelta(hours=5)
    )
    later = await enqueue(driver, "Happy new year", datetime.now(UTC) + timedelta(days=20))
    driver.window.scheduled_action.trigger()
    scheduled = driver.shell.scheduled
    assert scheduled is not None
    dialog = scheduled.dialog
    assert dialog is not None and dialog.isVisible()
    await driver.until(lambda: len(dialog.rows()) == 2, what="two rows")
    assert [r.item.id for r in dialog.rows()] == [soon.id, later.id]  # soonest first
    assert dialog.model.cell_text(0, 2) == "Your appointment is tomorrow"
    assert dialog.model.cell_text(0, 1) == "07400 123456"
    assert dialog.model.cell_text(0, 3) == SOURCE
    assert dialog.model.cell_text(0, 4) == "Scheduled"
    assert not dialog.send_button.isEnabled()  # nothing selected
    dialog.select_row(0)
    dialog.send_button.click()
    await driver.until(lambda: len(driver.posts("/api/sms/send")) == 1, what="one POST")
    await until_state(driver, soon.id, OutboxState.SENT)
    await driver.until(lambda: [r.item.id for r in dialog.rows()] == [later.id], what="refreshed")
    dialog.select_row(0)
    dialog.cancel_button.click()
    await until_state(driver, later.id, OutboxState.CANCELLED)
    await driver.until(lambda: dialog.rows() == [], what="empty")
    assert "No messages are scheduled" in dialog.summary.text()
    assert len(driver.posts("/api/sms/send")) == 1


@in_loop
async def test_an_overdue_message_is_asked_about_once_and_never_sent_silently(
    driver: Driver,
) -> None:
    await signed_in(driver)
    late = await enqueue(driver, "Reminder for 9am", datetime.now(UTC) - timedelta(hours=3))
    outbox = driver.runtime.outbox
    assert outbox is not None
    await outbox.flush()
    assert await state_of(driver, late.id) is OutboxState.OVERDUE
    scheduled = driver.shell.scheduled
    assert scheduled is not None
    # the flush announced it: the prompt comes without anyone asking for a check
    await driver.until(lambda: scheduled.prompt is not None, what="the prompt")
    prompt = scheduled.prompt
    assert prompt is not None and prompt.isVisible() and not prompt.isModal()
    assert prompt.ids == [late.id]
    assert "Reminder for 9am" in prompt.list.item(0).text()
    await outbox.flush()
    assert driver.posts("/api/sms/send") == []  # not sent while it waits for the answer
    prompt.later_button.click()
    await driver.until(lambda: scheduled.prompt is None, what="closed")
    scheduled.check_overdue()
    await asyncio.sleep(0.3)
    assert scheduled.prompt is None  # asked once
    assert await state_of(driver, late.id) is OutboxState.OVERDUE
    # a second overdue message: the prompt lists both, Send now sends each once
    other = await enqueue(driver, "Second reminder", datetime.now(UTC) - timedelta(hours=2))
    await outbox.flush()
    await driver.until(lambda: scheduled.prompt is not None, what="asked about the new one")
    prompt = scheduled.prompt
    assert prompt is not None and sorted(prompt.ids) == sorted([late.id, other.id])
    prompt.send_button.click()
    await until_state(driver, late.id, OutboxState.SENT)
    await until_state(driver, other.id, OutboxState.SENT)
    texts = sorted(p["form"]["text"][0] for p in driver.posts("/api/sms/send"))
    assert texts == ["Reminder for 9am", "Second reminder"]


@in_loop
async def test_a_due_message_goes_out_at_once_after_a_wake(driver: Driver) -> None:
    await signed_in(driver)
    outbox = driver.runtime.outbox
    assert outbox is not None
    await outbox.flush()
    due = await enqueue(driver, "Due while asleep", datetime.now(UTC) - timedelta(minutes=20))
    # the runtime watches for a wake from sleep, and a wake flushes the outbox at once
    assert "hubdesk-wake" in {t.get_name() for t in driver.runtime._tasks if not t.done()}
    driver.runtime.wake()  # what watch_wake calls after a sleep
    await until_state(driver, due.id, OutboxState.SENT)
    assert [p["form"]["text"] for p in driver.posts("/api/sms/send")] == [["Due while asleep"]]


@in_loop
async def test_the_overdue_prompt_follows_what_was_settled_elsewhere(driver: Driver) -> None:
    """The prompt listed a message the user had meanwhile sent from its bubble; its Send
    now then said "Sending 0 overdue messages. Outbox entry 40 cannot be sent now: it has
    already been sent." in red. The prompt drops what is no longer overdue, and closes
    when nothing is left."""
    await signed_in(driver)
    first = await enqueue(driver, "First reminder", datetime.now(UTC) - timedelta(hours=3))
    second = await enqueue(driver, "Second reminder", datetime.now(UTC) - timedelta(hours=2))
    outbox = driver.runtime.outbox
    assert outbox is not None
    await outbox.flush()
    scheduled = driver.shell.scheduled
    assert scheduled is not None
    await driver.until(lambda: scheduled.prompt is not None, what="the prompt")
    prompt = scheduled.prompt
    assert prompt is not None and sorted(prompt.ids) == sorted([first.id, second.id])
    scheduled.send_now(first.id)  # the bubble's Send now, the prompt still open
    await until_state(driver, first.id, OutboxState.SENT)
    await driver.until(lambda: prompt.ids == [second.id], what="the sent one dropped")
    assert prompt.list.count() == 1 and "Second reminder" in prompt.list.item(0).text()
    assert prompt.question.text().startswith("1 scheduled message was not sent")
    scheduled.cancel(second.id)  # the other one cancelled from its bubble
    await driver.until(lambda: scheduled.prompt is None, what="the prompt closed")
    assert len(driver.posts("/api/sms/send")) == 1


@in_loop
async def test_send_now_while_offline_says_it_is_queued(driver: Driver) -> None:
    """Send now on a scheduled bubble with the connection down said "Sending now." while
    nothing could go out; the message then sat Unknown/queued. It now says it is
    queued until HubDesk is back online."""
    from hubdesk.ui.shell.statusbar import Connection

    await signed_in(driver)
    item = await enqueue(driver, "Later today", datetime.now(UTC) + timedelta(hours=3))
    scheduled = driver.shell.scheduled
    assert scheduled is not None
    driver.window.status.set_connection(Connection.OFFLINE)
    task = scheduled.send_now(item.id)
    assert task is not None
    await task
    assert "back online" in driver.window.toast.text()
    assert driver.window.toast.text() != "Sending now."


@in_loop
async def test_cancel_on_one_persons_bubble_asks_before_cancelling_a_bulk_send(
    driver: Driver,
) -> None:
    """A bulk send scheduled for Oliver and Ava is one outbox row: Cancel on the bubble
    in Oliver's thread cancelled it for Ava too (and would for 500 people), with no
    word of it. Cancel on such a bubble now asks first, naming how many it reaches."""
    from PySide6.QtWidgets import QMessageBox

    from hubdesk.domain import MessageState, SmsType, ThreadEntry

    await signed_in(driver)
    other = "447400654321"
    item = await driver.runtime.worker.run(
        lambda db: db.outbox.enqueue(
            SOURCE,
            [PARTNER, other],
            "Plain bulk for all",
            True,
            not_before=datetime.now(UTC) + timedelta(hours=2),
        )
    )
    scheduled = driver.shell.scheduled
    assert scheduled is not None
    entry = ThreadEntry(
        key=f"outbox:{item.id}",
        partner=PARTNER,
        text=item.text,
        time=datetime.now(UTC),
        direction=SmsType.SENT,
        state=MessageState.SCHEDULED,
        sender_id=SOURCE,
        outbox_id=item.id,
    )
    scheduled.on_bubble("cancel", entry)
    await driver.until(lambda: scheduled.confirm is not None, what="the question")
    box = scheduled.confirm
    assert isinstance(box, QMessageBox) and "2 recipients" in box.text()
    [keep] = [b for b in box.buttons() if b.text() == "Keep it"]
    keep.click()  # the user keeps it
    await asyncio.sleep(0.3)
    assert await state_of(driver, item.id) is OutboxState.SCHEDULED
    scheduled.on_bubble("cancel", entry)
    await driver.until(lambda: scheduled.confirm is not None, what="asked again")
    box = scheduled.confirm
    assert box is not None
    [cancel_all] = [b for b in box.buttons() if b.text() == "Cancel for all 2"]
    cancel_all.click()
    await until_state(driver, item.id, OutboxState.CANCELLED)


@in_loop
async def test_send_now_on_one_persons_bubble_asks_before_sending_a_bulk_send(
    driver: Driver,
) -> None:
    """The same bulk row: Send now on Oliver's bubble sent tomorrow's promotion to
    everyone at once. It asks first; Keep it leaves it scheduled."""
    from hubdesk.domain import MessageState, SmsType, ThreadEntry

    await signed_in(driver)
    when = datetime.now(UTC) + timedelta(hours=20)
    item = await driver.runtime.worker.run(
        lambda db: db.outbox.enqueue(
            SOURCE, [PARTNER, "447400654321"], "Promo", True, not_before=when
        )
    )
    scheduled = driver.shell.scheduled
    assert scheduled is not None
    entry = ThreadEntry(
        key=f"outbox:{item.id}",
        partner=PARTNER,
        text=item.text,
        time=when,
        direction=SmsType.SENT,
        state=MessageState.SCHEDULED,
        sender_id=SOURCE,
        outbox_id=item.id,
    )
    scheduled.on_bubble("send", entry)
    await driver.until(lambda: scheduled.confirm is not None, what="the question")
    box = scheduled.confirm
    assert box is not None and "sends it to all 2 now" in box.text()
    [keep] = [b for b in box.buttons() if b.text() == "Keep it"]
    keep.click()
    await asyncio.sleep(0.3)
    assert await state_of(driver, item.id) is OutboxState.SCHEDULED
    assert driver.posts("/api/sms/bulk-send") == []


@in_loop
async def test_edit_time_on_one_persons_bubble_asks_before_moving_a_bulk_send(
    driver: Driver,
) -> None:
    """Edit time on Oliver's bubble of a bulk send moved it for everyone; it asks first,
    then opens the time dialog at the send's own time."""
    from hubdesk.domain import MessageState, SmsType, ThreadEntry

    await signed_in(driver)
    when = (datetime.now(UTC) + timedelta(hours=20)).replace(second=0, microsecond=0)
    item = await driver.runtime.worker.run(
        lambda db: db.outbox.enqueue(
            SOURCE, [PARTNER, "447400654321"], "Promo", True, not_before=when
        )
    )
    scheduled = driver.shell.scheduled
    assert scheduled is not None
    entry = ThreadEntry(
        key=f"outbox:{item.id}",
        partner=PARTNER,
        text=item.text,
        time=when,
        direction=SmsType.SENT,
        state=MessageState.SCHEDULED,
        sender_id=SOURCE,
        outbox_id=item.id,
    )
    scheduled.on_bubble("edit", entry)
    await driver.until(lambda: scheduled.confirm is not None, what="the question")
    box = scheduled.confirm
    assert box is not None and "changes it for all 2" in box.text()
    assert scheduled.time_dialog is None  # nothing opened before the answer
    [go] = [b for b in box.buttons() if b.text() == "Change the time for all 2"]
    go.click()
    await driver.until(lambda: scheduled.time_dialog is not None, what="the time dialog")
