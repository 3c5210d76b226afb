"""Search finds messages not sent yet (scheduled, queued, failed...) in the wired window
against the in-process simulator and a real store: the hit says where the message
stands ("Scheduled · Tomorrow 09:00"), its words marked; Enter opens the conversation
with that bubble current and highlighted."""

from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from hubdesk.core.inbox import HitKind, SearchHit
from hubdesk.domain import MessageState, SmsType
from hubdesk.sim import Fault
from hubdesk.ui.messages.page import MessagesPage
from hubdesk.ui.messages.search.model import HitRole, SearchHitModel
from tests.unit.ui.appkit import Driver, in_loop, shell_driver, signed_in  # noqa: F401
from tests.unit.ui.messages.test_schedule_send import PARTNER, ready_compose, schedule
from tests.unit.ui.messages.test_search_hits import focused, to_front

OTHER = "447400999888"


@in_loop
async def test_a_scheduled_message_is_found_and_enter_opens_its_bubble(driver: Driver) -> None:
    item = await schedule(driver, "Your appointment is tomorrow at 10")
    driver.sim.inject_inbound(OTHER, "Another conversation")
    await driver.poll()
    page: MessagesPage = driver.page
    await driver.controller.open_conversation(OTHER)  # Enter has to go back to PARTNER
    await driver.until(lambda: page.header.partner() == OTHER, what="the other one open")
    await to_front(driver)

    driver.window.focus_search()
    QTest.keyClicks(page.search, "appointment")
    await driver.until(lambda: page.results.hits(), what="hits")
    (hit,) = page.results.hits()
    key = f"outbox:{item.id}:0"
    assert (hit.kind, hit.partner, hit.state, hit.key) == (
        HitKind.MESSAGE, PARTNER, MessageState.SCHEDULED, key,
    )  # fmt: skip
    row = page.results.model.index(0)
    assert row.data(HitRole.KIND_TEXT) == "Scheduled"
    assert row.data(HitRole.TIME_TEXT) == "Tomorrow 09:00"
    assert ("appointment", True) in row.data(HitRole.SEGMENTS)
    assert "Scheduled message to" in row.data(Qt.ItemDataRole.AccessibleTextRole)

    QTest.keyClick(page.search, Qt.Key.Key_Down)
    assert focused() is page.results.view
    QTest.keyClick(page.results.view, Qt.Key.Key_Return)
    thread = page.thread_view
    await driver.until(lambda: thread.highlighted_key() == key, what="the bubble highlighted")
    assert page.header.partner() == PARTNER
    current = page.thread_model.entry_at(thread.currentIndex().row())
    assert current is not None and current.key == key
    assert current.state is MessageState.SCHEDULED
    assert focused() is thread


def test_hits_on_messages_not_sent_say_where_they_stand(qtbot: object) -> None:
    now = datetime(2026, 3, 11, 15, 0).astimezone()
    model = SearchHitModel(clock=lambda: now)

    def hit(state: MessageState, when: datetime) -> SearchHit:
        return SearchHit(
            HitKind.MESSAGE, PARTNER, None, "<b>see you</b>", when,
            snippet="<b>see you</b>", snippet_ranges=((3, 6),), direction=SmsType.SENT,
            state=state, outbox_id=4, position=0,
        )  # fmt: skip

    tomorrow_9 = now.replace(hour=9) + timedelta(days=1)
    model.set_hits(
        [
            hit(MessageState.SCHEDULED, tomorrow_9),
            hit(MessageState.OVERDUE, now.replace(hour=9)),
            hit(MessageState.QUEUED, now.replace(hour=14, minute=5)),
            hit(MessageState.SENDING, now),
            hit(MessageState.UNKNOWN, now),
            hit(MessageState.FAILED, now.replace(hour=14, minute=5)),
        ]
    )
    shown = [
        (model.index(r).data(HitRole.KIND_TEXT), model.index(r).data(HitRole.TIME_TEXT))
        for r in range(model.rowCount())
    ]
    assert shown == [
        ("Scheduled", "Tomorrow 09:00"),
        ("Overdue", "Today 09:00"),
        ("Queued", "14:05"),
        ("Sending…", "15:00"),
        ("Checking…", "15:00"),
        ("Not sent", "14:05"),
    ]
    assert model.index(0).data(HitRole.SEGMENTS) == (
        ("You: ", False),
        ("<b>", False),
        ("see", True),
        (" you</b>", False),
    )  # fmt: skip  (plain text: never markup)
    stored = SearchHit(HitKind.MESSAGE, PARTNER, None, "x", now, 9, direction=SmsType.SENT)
    model.set_hits([stored])
    assert model.index(0).data(HitRole.KIND_TEXT) == ""  # a stored message: as before


@in_loop
async def test_a_reply_queued_while_the_server_cannot_take_it_is_found(driver: Driver) -> None:
    """Rate limited for a long while: certainly not sent, queued (as when offline)."""
    await ready_compose(driver, "The plumber can come on Thursday")
    driver.sim.add_fault(Fault("429", count=1000, path="/api/sms/send", seconds=1_000_000))
    page: MessagesPage = driver.page
    page.compose.send_button.click()
    await driver.until(
        lambda: any(
            e.text == "The plumber can come on Thursday" and e.state is MessageState.QUEUED
            for e in page.thread_model.entries()
        ),
        what="the queued bubble",
    )
    page.search.setText("plumber thurs")
    await driver.until(lambda: page.results.hits(), what="hits")
    (hit,) = page.results.hits()
    assert (hit.partner, hit.state) == (PARTNER, MessageState.QUEUED)
    row = page.results.model.index(0)
    assert row.data(HitRole.KIND_TEXT) == "Queued"
    assert [p for p, m in row.data(HitRole.SEGMENTS) if m] == ["plumber", "Thursday"]
    driver.sim.clear_faults()
