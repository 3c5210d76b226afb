"""Relative times stay current: one minute-aligned timer per view, time role only."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from PySide6.QtCore import QModelIndex
from PySide6.QtWidgets import QApplication, QStyleOptionViewItem
from pytestqt.qtbot import QtBot

from hubdesk.ui.messages.conversations import (
    ConversationListModel,
    ConversationListView,
    ConversationRole,
)
from hubdesk.ui.messages.thread import BubbleLayout, ThreadModel, ThreadRole, ThreadView
from hubdesk.ui.qt.icons import IconSet
from hubdesk.ui.qt.times import MinuteTicker, msecs_to_next_minute
from tests.unit.ui.values import make_conversation, make_entry


class FakeClock:
    """A settable local clock for the models and the tickers."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


LATE = datetime(2026, 3, 11, 23, 58, 45, 500_000).astimezone()  # Wednesday, local


def changes(model: ConversationListModel | ThreadModel) -> list[tuple[int, int, list[int]]]:
    seen: list[tuple[int, int, list[int]]] = []

    def record(top: QModelIndex, bottom: QModelIndex, roles: list[int]) -> None:
        seen.append((top.row(), bottom.row(), list(roles)))

    model.dataChanged.connect(record)
    return seen


def test_msecs_to_next_minute() -> None:
    assert 14_500 <= msecs_to_next_minute(LATE) <= 14_600
    on_the_minute = LATE.replace(second=0, microsecond=0)
    assert 60_000 <= msecs_to_next_minute(on_the_minute) <= 60_100


def test_ticker_rearms_from_the_clock(qapp: QApplication, qtbot: QtBot) -> None:
    clock = FakeClock(LATE)
    ticker = MinuteTicker(clock=clock)
    ticks: list[int] = []
    ticker.tick.connect(lambda: ticks.append(1))
    assert not ticker.is_active()
    ticker.start()
    assert ticker.is_active() and ticker.timer.isSingleShot()
    assert ticker.timer.interval() == msecs_to_next_minute(LATE)
    clock.now = LATE + timedelta(seconds=15, milliseconds=400)  # a little late: 23:59:00.9
    ticker.timer.timeout.emit()
    assert ticks == [1]
    assert ticker.timer.interval() == msecs_to_next_minute(clock.now)  # aligned again
    assert 59_000 <= ticker.timer.interval() <= 59_200
    ticker.stop()
    assert not ticker.is_active()


def test_conversation_view_refreshes_time_role_only(qapp: QApplication, qtbot: QtBot) -> None:
    clock = FakeClock(LATE)
    model = ConversationListModel(clock=clock)
    conv = replace(make_conversation("447911123456"), last_time=LATE - timedelta(hours=2))
    model.set_conversations([conv, make_conversation("447911654321")])
    view = ConversationListView(clock=clock)
    qtbot.addWidget(view)
    view.setModel(model)
    seen = changes(model)
    assert not view.minute_ticker.is_active()  # started when shown
    view.show()
    qtbot.waitExposed(view)
    assert view.minute_ticker.is_active()
    assert view.minute_ticker.timer.interval() == msecs_to_next_minute(LATE)
    before = model.index(0).data(ConversationRole.TIME_TEXT)
    assert before == (LATE - timedelta(hours=2)).strftime("%H:%M")
    seen.clear()
    clock.now = LATE + timedelta(minutes=2)  # past midnight: Thursday
    view.minute_ticker.timer.timeout.emit()
    assert seen == [(0, 1, [int(ConversationRole.TIME_TEXT)])]
    assert (
        model.index(0).data(ConversationRole.TIME_TEXT) == "Yesterday"
    )  # the thread's word (domain.dates), not "Wed"
    view.hide()
    assert not view.minute_ticker.is_active()


def test_thread_view_refreshes_time_role_only(qapp: QApplication, qtbot: QtBot) -> None:
    clock = FakeClock(LATE)
    model = ThreadModel(clock=clock)
    entries = [
        replace(make_entry(i), time=LATE - timedelta(minutes=30 - i), text=f"m{i}")
        for i in range(5)
    ]
    model.set_entries(list(reversed(entries)))
    view = ThreadView(icons=IconSet(), clock=clock)
    qtbot.addWidget(view)
    view.setModel(model)
    view.set_more_older_available(False)
    view.resize(480, 400)
    view.show()
    qtbot.waitExposed(view)
    assert view.minute_ticker.is_active()
    delegate = view.thread_delegate
    option = QStyleOptionViewItem()
    view.initViewItemOption(option)

    def first_layout() -> BubbleLayout:
        lay = delegate.layout_for(option, model.index(0))
        assert lay is not None
        return lay

    assert delegate.day_label(model.index(0)) == "Today"
    clock_text = entries[0].time.strftime("%H:%M")
    assert model.index(0).data(ThreadRole.TIME_TEXT) == clock_text
    kept = first_layout()
    seen = changes(model)
    resets: list[int] = []
    model.layoutChanged.connect(lambda *_: resets.append(1))

    clock.now = LATE + timedelta(seconds=30)  # same day: nothing to redo
    view.minute_ticker.timer.timeout.emit()
    assert seen == [(0, 4, [int(ThreadRole.TIME_TEXT)])]
    assert first_layout() is kept  # cached sizes survive an ordinary minute

    seen.clear()
    clock.now = LATE + timedelta(minutes=2)  # Thursday 00:00:45
    view.minute_ticker.timer.timeout.emit()
    assert seen == [(0, 4, [int(ThreadRole.TIME_TEXT)])]
    assert not resets
    assert model.index(0).data(ThreadRole.TIME_TEXT) == f"Yesterday {clock_text}"
    assert delegate.day_label(model.index(0)) == "Yesterday"
    fresh = first_layout()
    assert fresh is not kept
    assert fresh.meta_text.startswith(f"Yesterday {clock_text}")
    assert fresh.size.height() == kept.size.height()
    assert not view.grab().isNull()


def test_ticker_outlives_no_view(qapp: QApplication, qtbot: QtBot) -> None:
    """The ticker is not the view's child (a view collected on a worker thread must not
    take a running timer with it), but it goes when the view goes."""
    view = ConversationListView()
    view.show()
    ticker = view.minute_ticker
    assert ticker.parent() is not view and ticker.is_active()
    gone: list[int] = []
    ticker.destroyed.connect(lambda *_: gone.append(1))
    view.deleteLater()
    qtbot.waitUntil(lambda: gone == [1], timeout=10_000)
