"""Retries that settle, in the wired window against the simulator and a real store: one
Retry is a confirmation, then exactly one POST through the outbox; the failed bubble then
reads "Resent", the list's failure mark clears, a second Retry is refused with a
sentence, and the notice never covers the bubble it is about."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QStyleOptionViewItem

from hubdesk.domain import DeliveryStatus, MessageState, ReadStatus, Sms, SmsType, ThreadEntry
from hubdesk.ui.messages.retry import ALREADY_RESENT, CONFIRM_TITLE, RetryConfirm
from hubdesk.ui.messages.thread.delegate import RESENT_TEXT
from tests.unit.ui.appkit import Driver, in_loop, shell_driver, signed_in  # noqa: F401

pytestmark = pytest.mark.sim_config(delivery_delay=0.3)

PARTNER = "447400123456"
TEXT = "Your table is ready at 7"
MAIN = "447520602706"


def _failed_entry(d: Driver) -> ThreadEntry | None:
    entries: list[ThreadEntry] = d.page.thread_entries()
    for entry in entries:
        if entry.direction is SmsType.SENT and entry.state is MessageState.FAILED:
            return entry
    return None


def _entry(d: Driver, key: str) -> ThreadEntry:
    entries: list[ThreadEntry] = d.page.thread_entries()
    (entry,) = [e for e in entries if e.key == key]
    return entry


def _sends(d: Driver, text: str) -> int:
    return len([r for r in d.posts("/api/sms/send") if text in str(r.get("body", r))])


async def _open_failed(d: Driver) -> ThreadEntry:
    """Sign in; the server reports a message undelivered (stored as a poll stores it);
    open its conversation."""
    await signed_in(d)
    when = datetime.now(UTC) - timedelta(minutes=5)
    sms = Sms(9001, MAIN, PARTNER, TEXT, SmsType.SENT, DeliveryStatus.FAILED, ReadStatus.READ, when)
    worker = d.runtime.worker
    await worker.run(lambda db: db.messages.upsert_messages([sms]))
    await d.runtime.events.messages_changed.emit(frozenset({PARTNER}))
    await d.until(
        lambda: any(c.has_failed for c in d.page.conversations()), what="the failure mark"
    )
    await d.controller.open_conversation(PARTNER)
    await d.until(lambda: _failed_entry(d) is not None, what="the failed bubble")
    entry = _failed_entry(d)
    assert entry is not None and not entry.resent
    return entry


@in_loop
async def test_one_retry_confirms_sends_once_and_settles(driver: Driver) -> None:
    d = driver
    failed = await _open_failed(d)
    partner = failed.partner
    sends_before = len(d.posts("/api/sms/send"))

    confirm = d.controller.composer.retry(failed)
    assert isinstance(confirm, RetryConfirm) and confirm.isVisible()
    assert confirm.windowTitle() == CONFIRM_TITLE
    shown = confirm.text() + confirm.informativeText()
    assert failed.text in shown and failed.sender_id in shown
    assert len(d.posts("/api/sms/send")) == sends_before  # nothing before the yes

    confirm.send_button.click()
    await d.until(lambda: _entry(d, failed.key).resent, what="the bubble reads Resent")
    await d.until(
        lambda: not [c for c in d.page.conversations() if c.partner == partner][0].has_failed,
        what="the list's failure mark clears",
    )
    posts = d.posts("/api/sms/send")
    assert len(posts) == sends_before + 1
    assert d.window.toast.text() == "Sent again."

    # The bubble: "Resent", no Retry affordance; the notice keeps clear of it.
    settled = _entry(d, failed.key)
    view = d.page.thread_view
    index = view.model().index_of(settled.key)
    option = QStyleOptionViewItem()
    option.initFrom(view)
    option.rect = view.visualRect(index)
    delegate = view.thread_delegate
    assert delegate.bubble_layout(option, settled, delegate.day_label(index)).state_text == (
        RESENT_TEXT
    )
    assert delegate.retry_rect(option, index) is None
    bubble = d.page.bubble_rect(settled.key)
    toast = d.window.toast
    assert bubble is not None and toast.isVisible()
    toast_rect = QRect(toast.mapToGlobal(QPoint(0, 0)), toast.size())
    assert not toast_rect.intersects(bubble)

    # The next person on shift presses Retry again: refused with a sentence, no dialog.
    assert d.controller.composer.retry(settled) is None
    assert d.window.toast.text() == ALREADY_RESENT
    assert len(d.posts("/api/sms/send")) == sends_before + 1


@in_loop
async def test_a_stale_retry_is_refused_by_the_store_not_sent_twice(driver: Driver) -> None:
    """Two Retry presses on the same (not yet refreshed) bubble: the second confirmation
    reaches ``queue_resend``, which refuses it; one SMS goes out."""
    d = driver
    failed = await _open_failed(d)
    sends_before = len(d.posts("/api/sms/send"))
    first = d.controller.composer.retry(failed)
    assert first is not None
    first.send_button.click()
    await d.until(lambda: _entry(d, failed.key).resent, what="resent")
    second = d.controller.composer.retry(failed)  # the stale entry, from before
    assert second is not None
    second.send_button.click()
    await d.until(lambda: "already sent again" in d.window.toast.text(), what="refusal")
    assert len(d.posts("/api/sms/send")) == sends_before + 1


@in_loop
async def test_cancel_sends_nothing(driver: Driver) -> None:
    d = driver
    failed = await _open_failed(d)
    sends_before = len(d.posts("/api/sms/send"))
    confirm = d.controller.composer.retry(failed)
    assert confirm is not None
    confirm.cancel_button.click()
    await d.until(lambda: d.controller.composer.retrying.confirm is None, what="closed")
    assert len(d.posts("/api/sms/send")) == sends_before
    assert not _entry(d, failed.key).resent
