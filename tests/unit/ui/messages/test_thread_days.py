"""Day separators in the thread: painted by the delegate above each day's first message."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QStyleOptionViewItem
from pytestqt.qtbot import QtBot

from hubdesk.domain import ThreadEntry
from hubdesk.ui.messages.thread import ThreadModel, ThreadView
from hubdesk.ui.qt.icons import IconSet
from hubdesk.ui.qt.times import format_day_label
from tests.unit.ui.values import HOSTILE, make_entry, newest_first

NOW = datetime(2026, 3, 11, 15, 0).astimezone()  # a Wednesday afternoon, local time


def at(i: int, moment: datetime, text: str | None = None) -> ThreadEntry:
    return replace(make_entry(i, text), time=moment)


def three_days(texts: list[str] | None = None) -> list[ThreadEntry]:
    """Two messages on 2 March, two on Monday 9 March, three today (11 March)."""
    moments = [
        NOW - timedelta(days=9, hours=5),
        NOW - timedelta(days=9, hours=4),
        NOW - timedelta(days=2, hours=3),
        NOW - timedelta(days=2, hours=2),
        NOW - timedelta(hours=3),
        NOW - timedelta(hours=2),
        NOW - timedelta(minutes=5),
    ]
    texts = texts or [f"message {i}" for i in range(len(moments))]
    return newest_first([at(i, m, texts[i % len(texts)]) for i, m in enumerate(moments)])


def make_view(qtbot: QtBot, model: ThreadModel, height: int = 700) -> ThreadView:
    view = ThreadView(icons=IconSet())
    qtbot.addWidget(view)
    view.setModel(model)
    view.resize(480, height)
    view.show()
    QApplication.processEvents()
    return view


def labels(view: ThreadView, model: ThreadModel) -> list[str]:
    delegate = view.thread_delegate
    return [delegate.day_label(model.index(r)) for r in range(model.rowCount())]


def option_for(view: ThreadView, row: int) -> QStyleOptionViewItem:
    option = QStyleOptionViewItem()
    view.initViewItemOption(option)
    option.rect = view.visualRect(view.model().index(row, 0))
    return option


def test_day_labels() -> None:
    assert format_day_label(NOW - timedelta(hours=14), NOW) == "Today"
    assert format_day_label(NOW - timedelta(days=1), NOW) == "Yesterday"
    assert format_day_label(NOW - timedelta(days=2), NOW) == "Monday"
    assert format_day_label(NOW - timedelta(days=6), NOW) == "Thursday"
    assert format_day_label(NOW - timedelta(days=7), NOW) == "4 March 2026"
    assert format_day_label(datetime(2025, 12, 25, 10).astimezone(), NOW) == "25 December 2025"


def test_three_days_three_separators(qapp: QApplication, qtbot: QtBot) -> None:
    model = ThreadModel(clock=lambda: NOW)
    model.set_entries(three_days())
    view = make_view(qtbot, model)
    # Older pages may exist: the oldest row's day is not known to start there yet.
    assert labels(view, model) == ["", "", "Monday", "", "Today", "", ""]
    view.set_more_older_available(False)
    assert labels(view, model) == ["2 March 2026", "", "Monday", "", "Today", "", ""]
    # The separator is part of its row: the row is taller than the same message without.
    delegate = view.thread_delegate
    with_sep = delegate.sizeHint(option_for(view, 2), model.index(2))
    bare = delegate.bubble_layout(option_for(view, 2), model.entry_at(2))  # type: ignore[arg-type]
    assert with_sep.height() == bare.size.height() + delegate.content_top(
        option_for(view, 2), model.index(2)
    )
    assert delegate.content_top(option_for(view, 3), model.index(3)) == 0
    # Laid out as painted: rows of the view have the separator's extra height.
    qtbot.waitUntil(lambda: view.visualRect(model.index(2)).height() == with_sep.height())
    assert not view.grab().isNull()


def test_separator_moves_when_a_message_is_inserted_before_it(
    qapp: QApplication, qtbot: QtBot
) -> None:
    model = ThreadModel(clock=lambda: NOW)
    model.set_entries(three_days())
    view = make_view(qtbot, model)
    view.set_more_older_available(False)
    earlier_monday = at(50, NOW - timedelta(days=2, hours=6))
    model.upsert([earlier_monday])
    assert labels(view, model) == ["2 March 2026", "", "Monday", "", "", "Today", "", ""]
    assert model.entry_at(2) == earlier_monday
    model.remove([earlier_monday.key])
    assert labels(view, model) == ["2 March 2026", "", "Monday", "", "Today", "", ""]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_unaffected(qapp: QApplication, qtbot: QtBot, text: str) -> None:
    model = ThreadModel(clock=lambda: NOW)
    model.set_entries(three_days([text]))
    view = make_view(qtbot, model, height=300)
    view.set_more_older_available(False)
    assert labels(view, model) == ["2 March 2026", "", "Monday", "", "Today", "", ""]
    for row in range(model.rowCount()):
        assert model.index(row).data() == text
        assert model.index(row).data(Qt.ItemDataRole.AccessibleTextRole).endswith(text)
    assert not view.grab().isNull()


def test_older_page_keeps_the_message_in_place(qapp: QApplication, qtbot: QtBot) -> None:
    """An older page from an earlier day gives the old top row a separator: its message
    stays where it was on screen (the row grows upwards, above the viewport)."""
    model = ThreadModel(clock=lambda: NOW)
    today = [at(100 + i, NOW - timedelta(hours=6) + timedelta(minutes=5 * i)) for i in range(40)]
    model.set_entries(newest_first(today))
    view = make_view(qtbot, model, height=400)
    bar = view.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0)
    bar.setValue(0)
    QApplication.processEvents()
    key = model.entry_at(0).key  # type: ignore[union-attr]
    assert labels(view, model)[0] == ""  # older pages may exist: no label yet
    message_y = view.visualRect(model.index_of(key)).top()
    older = [at(i, NOW - timedelta(days=2, hours=1) + timedelta(minutes=i)) for i in range(10)]
    model.prepend_older(newest_first(older))
    QTest.qWait(30)
    QApplication.processEvents()
    first = model.index_of(key)
    assert first.row() == 10 and view.thread_delegate.day_label(first) == "Today"
    sep = view.thread_delegate.content_top(option_for(view, first.row()), first)
    assert sep > 0
    assert view.visualRect(first).top() + sep == message_y
    assert labels(view, model)[0] == ""  # the new oldest row: again not known
