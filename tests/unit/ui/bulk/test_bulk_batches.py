"""Bulk send as a batch: a personalised text (one POST /sms/send per recipient, each
its own text), Pause / Resume and Cancel the rest (each recipient sent once or not at
all), Send later, and a batch still going at start shown with its progress; against the
in-process simulator and a real store."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from hubdesk.domain import BatchState, OutboxState
from hubdesk.ui.bulk.dialog import BulkSendDialog, Step
from tests.unit.ui.appkit import Driver, in_loop, shell_driver, signed_in  # noqa: F401

pytestmark = pytest.mark.sim_config(delivery_delay=0.3, latency=0.12)

NUMBERS = [f"074001{i:05d}" for i in range(40)]
DIGITS = [f"4474001{i:05d}" for i in range(40)]
TEXT = "Order {number} is ready to collect."


async def confirm(d: Driver, text: str, numbers: list[str]) -> BulkSendDialog:
    await signed_in(d)
    d.window.bulk_action.trigger()
    dialog = d.intents.bulk.dialog
    assert dialog is not None
    await d.until(lambda: dialog.sender_combo.count() > 0, what="approved sender ids")
    dialog.recipients.pasted.setPlainText("\n".join(numbers))
    dialog.set_text(text)
    dialog.sender_combo.setCurrentIndex(0)
    dialog.next_button.click()
    await d.until(lambda: dialog.step() == Step.REPORT, what="report")
    dialog.next_button.click()
    assert dialog.step() == Step.CONFIRM
    return dialog


def sent_to(d: Driver) -> Counter[str]:
    return Counter(p["form"]["destination"][0] for p in d.posts("/api/sms/send"))


async def batch_rows(d: Driver, batch_id: int) -> dict[str, OutboxState]:
    rows = await d.runtime.worker.run(lambda db: db.batches.items(batch_id))
    return {r.destinations[0]: r.state for r in rows}


@in_loop
async def test_a_personalised_bulk_sends_each_their_own_text_once_with_progress(
    driver: Driver,
) -> None:
    dialog = await confirm(driver, "Hi {number}, see you soon", NUMBERS[:5])
    assert dialog.personal is not None and dialog.personal.recipients == 5
    assert dialog.preview.toPlainText().startswith("Hi 07400 1")
    dialog.next_button.click()  # Send now
    await driver.until(lambda: dialog.step() == Step.RESULT, timeout=15, what="the end")
    assert dialog.result_label.text() == "Sent to 5 recipients."
    posts = driver.posts("/api/sms/send")
    assert sorted(p["form"]["destination"][0] for p in posts) == sorted(DIGITS[:5])
    for post in posts:
        number = post["form"]["destination"][0]
        national = "0" + number[2:6] + " " + number[6:]
        assert post["form"]["text"] == [f"Hi {national}, see you soon"]
    assert driver.posts("/api/sms/bulk-send") == []


@in_loop
async def test_pause_resume_and_cancel_send_each_recipient_once_or_not_at_all(
    driver: Driver,
) -> None:
    dialog = await confirm(driver, TEXT, NUMBERS)
    dialog.next_button.click()  # Send now
    bulk = driver.intents.bulk
    await driver.until(lambda: bulk.batch_id is not None, what="the batch")
    batch_id = bulk.batch_id
    assert batch_id is not None
    page = dialog.progress_page
    await driver.until(lambda: dialog.progress.value() >= 3, timeout=15, what="a few sent")
    assert dialog.progress.maximum() == 40
    assert "of 40" in dialog.progress_label.text()
    page.pause_button.click()
    await driver.until(lambda: page.pause_button.text() == "&Resume", what="paused")

    async def in_flight() -> int:
        rows = await batch_rows(driver, batch_id)
        return sum(1 for s in rows.values() if s in (OutboxState.SENDING, OutboxState.UNKNOWN))

    async def settled() -> bool:
        return await in_flight() == 0

    await driver.eventually(settled, what="no message of the batch in flight")
    held = sum(sent_to(driver).values())
    await driver.runtime.outbox.flush()  # type: ignore[union-attr]  # a flush holds them too
    await asyncio.sleep(0.5)
    assert sum(sent_to(driver).values()) == held < 40
    assert "Paused" in dialog.progress_label.text()

    page.pause_button.click()  # Resume
    await driver.until(
        lambda: sum(sent_to(driver).values()) >= held + 3, timeout=15, what="going again"
    )
    page.stop_button.click()  # Cancel the rest
    await driver.until(lambda: dialog.step() == Step.RESULT, timeout=15, what="the end")
    rows = await batch_rows(driver, batch_id)
    counts = sent_to(driver)
    assert max(counts.values()) == 1  # nobody twice
    sent = {n for n, s in rows.items() if s is OutboxState.SENT}
    cancelled = {n for n, s in rows.items() if s is OutboxState.CANCELLED}
    assert sent == set(counts)  # every sent row is one request, and no request is unsent
    assert sent | cancelled == set(DIGITS)  # nothing half-done
    assert cancelled and not cancelled & set(counts)
    assert dialog.result_label.text().startswith(f"Sent to {len(sent)} of 40 recipients")
    batch = await driver.runtime.bulk_sends.progress(batch_id)  # type: ignore[union-attr]
    assert batch.state is BatchState.CANCELLED and batch.finished


@in_loop
async def test_send_later_schedules_the_whole_bulk_send(driver: Driver) -> None:
    dialog = await confirm(driver, "Closed on Monday.", NUMBERS[:3])
    assert dialog.later_button.isVisible()
    assert dialog.later_button.choose("Next Monday 9:00")
    await driver.until(lambda: driver.intents.bulk.dialog is None, what="closed")
    rows = await driver.runtime.worker.run(lambda db: db.schedule.waiting())
    assert len(rows) == 1 and rows[0].bulk and rows[0].destinations == tuple(DIGITS[:3])
    assert rows[0].not_before is not None and rows[0].not_before > datetime.now(UTC)
    assert rows[0].not_before - datetime.now(UTC) <= timedelta(days=7, hours=10)
    await asyncio.sleep(0.3)
    assert driver.posts("/api/sms/bulk-send") == []


@in_loop
async def test_a_paused_batch_shows_at_start_with_resume(driver: Driver) -> None:
    await signed_in(driver)
    sends = driver.runtime.bulk_sends
    assert sends is not None
    batch = await sends.start_uniform(DIGITS[:4], "Back at 2pm.", "13234710258")
    batch = await sends.pause(batch.id)  # as if the app had stopped with it paused
    bulk = driver.intents.bulk
    shown = await bulk.resume_unfinished()
    assert shown is not None and shown.id == batch.id
    dialog = bulk.dialog
    assert dialog is not None and dialog.step() == Step.PROGRESS
    page = dialog.progress_page
    assert page.pause_button.text() == "&Resume" and page.pause_button.isEnabled()
    page.pause_button.click()
    await driver.until(lambda: dialog.step() == Step.RESULT, timeout=15, what="sent")
    assert dialog.result_label.text() == "Sent to 4 recipients."
    assert len(driver.posts("/api/sms/bulk-send")) == 1


@in_loop
async def test_a_recipient_without_a_value_blocks_the_send_and_says_who(driver: Driver) -> None:
    await signed_in(driver)
    driver.window.bulk_action.trigger()
    dialog = driver.intents.bulk.dialog
    assert dialog is not None
    await driver.until(lambda: dialog.sender_combo.count() > 0, what="approved sender ids")
    dialog.recipients.pasted.setPlainText("07400 100001\n07400 100002")
    dialog.set_text("Dear {first_name}, your results are in.")
    dialog.sender_combo.setCurrentIndex(0)
    dialog.next_button.click()
    await driver.until(lambda: dialog.step() == Step.REPORT, what="report")
    assert dialog.personal is not None and len(dialog.personal.missing_values) == 2
    assert [line.issue for line in dialog.report.rows()] == ["No value", "No value"]
    assert "2 recipients have no value for {first_name}" in dialog.report_summary.text()
    assert dialog.report_summary.property("tone") == "error"
    assert not dialog.next_button.isEnabled()
    dialog.next_step()
    assert dialog.step() == Step.REPORT
    rows = await driver.runtime.worker.run(lambda db: db.outbox.all())
    assert rows == []


@pytest.mark.sim_config(delivery_delay=0.3)
@in_loop
async def test_more_than_500_numbers_without_placeholders_go_as_several_bulk_requests(
    driver: Driver,
) -> None:
    numbers = [f"07400{i:06d}" for i in range(600)]
    dialog = await confirm(driver, "The surgery is closed on Monday.", numbers)
    assert dialog.plan is not None and dialog.plan.recipients == 600
    dialog.next_button.click()  # Send now: not refused
    await driver.until(lambda: dialog.step() == Step.RESULT, timeout=20, what="the end")
    assert dialog.result_label.text() == "Sent to 600 recipients."
    posts = driver.posts("/api/sms/bulk-send")
    assert sorted(len(p["form"]["destination[]"]) for p in posts) == [100, 500]
    sent = sorted(d for p in posts for d in p["form"]["destination[]"])
    assert sent == sorted(f"447400{i:06d}" for i in range(600))
