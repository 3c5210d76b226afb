"""Send later in the compose pane, and a scheduled message's bubble (Edit time, Send
now, Cancel), against the in-process simulator and a real store."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QDateTime, QPoint, Qt
from PySide6.QtTest import QTest

from hubdesk.domain import MessageState, OutboxItem, OutboxState, ThreadEntry
from hubdesk.ui.messages.schedule_dialog import SendTimeDialog, checked_time
from hubdesk.ui.messages.schedule_times import next_monday_morning, tomorrow_morning
from tests.unit.ui.appkit import Driver, in_loop, shell_driver, signed_in  # noqa: F401

PARTNER = "447400123456"
ZONE = "America/New_York"  # five hours from UTC: a local time taken for UTC shows


@pytest.fixture(name="new_york")
def _new_york(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", ZONE)
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


async def ready_compose(d: Driver, text: str) -> None:
    await signed_in(d)
    d.sim.inject_inbound(PARTNER, "Can I book for Friday?", destination="13234710258")
    await d.poll()
    await d.controller.open_conversation(PARTNER)
    await d.until(lambda: d.page.header.partner() == PARTNER, what="open")
    compose = d.page.compose
    await d.until(lambda: compose.sender_id() is not None, what="sender")
    compose.editor.setPlainText(text)
    await d.until(lambda: compose.later_button.isEnabled(), what="send later enabled")


async def waiting(d: Driver) -> list[OutboxItem]:
    return await d.runtime.worker.run(lambda db: db.schedule.waiting())


async def row(d: Driver, outbox_id: int) -> OutboxItem:
    item = await d.runtime.worker.run(lambda db: db.outbox.get(outbox_id))
    assert item is not None
    return item


def bubble(d: Driver, text: str) -> ThreadEntry | None:
    found = [e for e in d.page.thread_model.entries() if e.text == text]
    return found[-1] if found else None


async def schedule(d: Driver, text: str, pick: str = "Tomorrow 9:00") -> OutboxItem:
    await ready_compose(d, text)
    assert d.page.compose.later_button.choose(pick)
    await d.until(lambda: d.page.compose.text() == "", what="compose cleared")
    rows = [i for i in await waiting(d) if i.text == text]
    assert len(rows) == 1
    await d.until(lambda: bubble(d, text) is not None, what="bubble")
    return rows[0]


def click_pill(d: Driver, key: str, entry: ThreadEntry) -> None:
    view = d.page.thread_view
    view.scrollTo(d.page.thread_model.index_of(entry.key))
    point = view.action_point(key, entry.key)
    assert point is not None, f"no {key} pill"
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier(0), point)


@pytest.mark.usefixtures("new_york")
@in_loop
async def test_tomorrow_9_creates_a_scheduled_row_at_9_local_time_in_utc(driver: Driver) -> None:
    item = await schedule(driver, "Reminder: your table at 7pm")
    local_tomorrow = datetime.now(ZoneInfo(ZONE)).date() + timedelta(days=1)
    expected = datetime(
        local_tomorrow.year, local_tomorrow.month, local_tomorrow.day, 9, 0,
        tzinfo=ZoneInfo(ZONE),
    ).astimezone(UTC)  # fmt: skip
    assert item.state is OutboxState.SCHEDULED
    assert item.not_before == expected
    assert item.destinations == (PARTNER,)
    await asyncio.sleep(0.3)
    assert driver.posts("/api/sms/send") == []  # committed, not sent
    entry = bubble(driver, "Reminder: your table at 7pm")
    assert entry is not None and entry.state is MessageState.SCHEDULED
    # mid-sentence "tomorrow", not "Scheduled for Tomorrow 09:00."
    assert driver.window.toast.label.text() == (
        "Scheduled for tomorrow 09:00. It goes out while HubDesk runs."
    )


def test_quick_picks_are_local_wall_clock_times(new_york: None) -> None:
    now = datetime(2026, 12, 7, 23, 30, tzinfo=UTC)  # Monday 18:30 in New York
    assert tomorrow_morning(now) == datetime(2026, 12, 8, 14, 0, tzinfo=UTC)
    assert next_monday_morning(now) == datetime(2026, 12, 14, 14, 0, tzinfo=UTC)


def test_the_picker_refuses_a_time_in_the_past_with_a_sentence(qapp: object) -> None:
    now = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
    dialog = SendTimeDialog(clock=lambda: now)
    chosen: list[object] = []
    dialog.time_chosen.connect(chosen.append)
    dialog.set_local(datetime(2026, 12, 7, 12, 0, tzinfo=UTC).astimezone().replace(tzinfo=None)
                     - timedelta(hours=2))  # fmt: skip
    dialog.accept()
    assert chosen == []
    assert "has already passed; choose a time from now on" in dialog.error_text()
    later = (now + timedelta(days=1)).astimezone().replace(tzinfo=None, second=0)
    dialog.edit.setDateTime(
        QDateTime(later.year, later.month, later.day, later.hour, later.minute, 0)
    )
    dialog.accept()
    assert chosen == [checked_time(later, now)] == [now + timedelta(days=1)]
    assert dialog.error_text() == ""


@in_loop
async def test_send_now_on_the_bubble_sends_it_once(driver: Driver) -> None:
    item = await schedule(driver, "Your table is ready")
    entry = bubble(driver, "Your table is ready")
    assert entry is not None
    click_pill(driver, "send", entry)
    await driver.until(lambda: len(driver.posts("/api/sms/send")) == 1, what="one POST")
    await driver.until(lambda: bubble(driver, "Your table is ready") is not None, what="bubble")
    assert (await row(driver, item.id)).state is OutboxState.SENT
    await asyncio.sleep(0.3)
    assert len(driver.posts("/api/sms/send")) == 1
    assert driver.posts("/api/sms/send")[0]["form"]["text"] == ["Your table is ready"]


@in_loop
async def test_cancel_on_the_bubble_cancels_it_and_nothing_is_sent(driver: Driver) -> None:
    item = await schedule(driver, "Running 10 minutes late?", pick="In 1 hour")
    entry = bubble(driver, "Running 10 minutes late?")
    assert entry is not None
    click_pill(driver, "cancel", entry)

    async def state() -> OutboxState:
        return (await row(driver, item.id)).state

    async def cancelled() -> bool:
        return await state() is OutboxState.CANCELLED

    await driver.eventually(cancelled, what="cancelled")
    await driver.until(
        lambda: (
            bubble(driver, "Running 10 minutes late?") is None
            or bubble(driver, "Running 10 minutes late?").state  # type: ignore[union-attr]
            is not MessageState.SCHEDULED
        ),
        what="bubble no longer scheduled",
    )
    await driver.runtime.outbox.flush()  # type: ignore[union-attr]
    assert driver.posts("/api/sms/send") == []
    # the text is not lost: back in the (empty) box of the open conversation
    await driver.until(
        lambda: driver.page.compose.text() == "Running 10 minutes late?", what="text back"
    )
    assert "back in the box" in driver.window.toast.text()


@in_loop
async def test_edit_time_on_the_bubble_moves_it(driver: Driver) -> None:
    item = await schedule(driver, "See you Monday")
    entry = bubble(driver, "See you Monday")
    assert entry is not None
    click_pill(driver, "edit", entry)
    scheduled = driver.shell.scheduled
    assert scheduled is not None
    await driver.until(lambda: scheduled.time_dialog is not None, what="the time dialog")
    dialog = scheduled.time_dialog
    assert dialog is not None and dialog.isVisible()
    wanted = (datetime.now(UTC) + timedelta(days=3)).astimezone()
    local = wanted.replace(tzinfo=None, hour=10, minute=30, second=0, microsecond=0)
    dialog.set_local(local)
    dialog.ok_button.click()
    expected = local.astimezone().astimezone(UTC)

    async def moved() -> bool:
        return (await row(driver, item.id)).not_before == expected

    await driver.eventually(moved, what="the new time stored")
    assert (await row(driver, item.id)).state is OutboxState.SCHEDULED
    assert driver.posts("/api/sms/send") == []


def test_a_scheduled_bubble_reads_scheduled_and_its_time(qapp: object) -> None:
    from PySide6.QtGui import QFont

    from hubdesk.domain import SmsType
    from hubdesk.ui.messages.thread.delegate import ThreadDelegate

    moment = datetime.now(UTC) + timedelta(days=1)
    entry = ThreadEntry(
        "outbox:1", PARTNER, "Hello", moment, SmsType.SENT, MessageState.SCHEDULED,
        "HubDesk", outbox_id=1,
    )  # fmt: skip
    lay = ThreadDelegate()._compute(QFont(), 600, entry)
    assert lay.state_text == f"Scheduled · Tomorrow {moment.astimezone().strftime('%H:%M')}"
    later = ThreadEntry(
        "outbox:2", PARTNER, "Hello", moment + timedelta(days=2), SmsType.SENT,
        MessageState.SCHEDULED, "HubDesk", outbox_id=2,
    )  # fmt: skip
    shown = (moment + timedelta(days=2)).astimezone().strftime("%a %H:%M")
    assert ThreadDelegate()._compute(QFont(), 600, later).state_text == f"Scheduled · {shown}"
    assert [key for key, _rect in lay.actions] == ["edit", "send", "cancel"]
    assert all(lay.bubble.contains(rect) for _k, rect in lay.actions)


@in_loop
async def test_the_menu_key_on_a_scheduled_bubble_offers_its_actions(driver: Driver) -> None:
    from PySide6.QtGui import QContextMenuEvent
    from PySide6.QtWidgets import QApplication, QMenu

    item = await schedule(driver, "Menu key message")
    entry = bubble(driver, "Menu key message")
    assert entry is not None
    view = driver.page.thread_view
    view.setCurrentIndex(driver.page.thread_model.index_of(entry.key))
    event = QContextMenuEvent(
        QContextMenuEvent.Reason.Keyboard, QPoint(0, 0), view.mapToGlobal(QPoint(0, 0))
    )
    QApplication.sendEvent(view, event)
    menus = [m for m in view.findChildren(QMenu) if m.isVisible()]
    assert len(menus) == 1
    assert [a.text() for a in menus[0].actions()] == ["Edit time", "Send now", "Cancel"]
    menus[0].actions()[2].trigger()
    menus[0].close()

    async def cancelled() -> bool:
        return (await row(driver, item.id)).state is OutboxState.CANCELLED

    await driver.eventually(cancelled, what="cancelled")


def test_a_scheduled_time_inside_a_sentence_is_lower_case(new_york: None) -> None:
    """The toasts of Send later, Edit time and a scheduled bulk send put the time inside a
    sentence: "today 16:48", "tomorrow 09:00"; other days read as in the bubble."""
    from hubdesk.ui.messages.schedule_times import scheduled_label, scheduled_phrase

    now = datetime(2026, 12, 7, 15, 0, tzinfo=UTC)  # 10:00 in New York
    assert scheduled_phrase(now + timedelta(minutes=5), now) == "today 10:05"
    assert scheduled_phrase(tomorrow_morning(now), now) == "tomorrow 09:00"
    later = now + timedelta(days=30)
    assert scheduled_phrase(later, now) == scheduled_label(later, now)
