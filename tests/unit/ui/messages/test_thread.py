from __future__ import annotations

import time
from dataclasses import replace

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QImage, QPainter, QPixmap
from PySide6.QtTest import QAbstractItemModelTester, QTest
from PySide6.QtWidgets import QApplication, QStyleOptionViewItem
from pytestqt.qtbot import QtBot

from hubdesk.domain import MessageState
from hubdesk.ui.messages.thread import ThreadDelegate, ThreadModel, ThreadRole, ThreadView
from hubdesk.ui.qt.icons import IconSet
from tests.unit.ui.values import HOSTILE, make_entry, newest_first

Mode = QAbstractItemModelTester.FailureReportingMode


def keys(model: ThreadModel) -> list[str]:
    return [model.entry_at(r).key for r in range(model.rowCount())]  # type: ignore[union-attr]


def make_view(qtbot: QtBot, model: ThreadModel, height: int = 400) -> ThreadView:
    view = ThreadView(icons=IconSet())
    qtbot.addWidget(view)
    view.setModel(model)
    view.resize(480, height)
    view.show()
    QApplication.processEvents()
    return view


def test_set_entries_oldest_at_top_and_window(qapp: QApplication) -> None:
    model = ThreadModel(initial_window=5, reveal_chunk=3)
    QAbstractItemModelTester(model, Mode.Fatal)
    model.set_entries(newest_first([make_entry(i) for i in range(12)]))
    assert model.entry_count() == 12 and model.rowCount() == 5
    assert keys(model) == [f"sms:{i}" for i in range(7, 12)]
    assert model.reveal_older() == 3
    assert keys(model)[0] == "sms:4"
    assert not model.index_of("sms:0").isValid()
    assert model.ensure_shown("sms:0").row() == 0
    assert model.hidden_count() == 0 and model.reveal_older() == 0


def test_prepend_older_and_upsert(qapp: QApplication) -> None:
    model = ThreadModel()
    QAbstractItemModelTester(model, Mode.Fatal)
    model.set_entries(newest_first([make_entry(i) for i in range(10, 20)]))
    assert model.prepend_older(newest_first([make_entry(i) for i in range(5, 11)])) == 5
    assert keys(model)[:6] == [f"sms:{i}" for i in range(5, 11)]
    failed = replace(make_entry(15), state=MessageState.FAILED)
    changed: list[int] = []
    model.dataChanged.connect(lambda tl, _br, *_: changed.append(tl.row()))
    expected_row = keys(model).index("sms:15")
    mid = replace(make_entry(99), key="mid", time=make_entry(12).time)
    model.upsert([failed, make_entry(30), mid])
    assert changed == [expected_row]
    assert model.index_of("sms:15").data(ThreadRole.STATE) is MessageState.FAILED
    assert keys(model)[-1] == "sms:30"
    assert keys(model).index("mid") == keys(model).index("sms:12") + 1
    model.remove(["mid", "sms:5", "nope"])
    assert "mid" not in keys(model) and keys(model)[0] == "sms:6"


def test_display_text_is_input(qapp: QApplication) -> None:
    model = ThreadModel()
    model.set_entries([make_entry(1, text) for text in HOSTILE[:1]])
    for text in HOSTILE:
        model.set_entries([make_entry(1, text)])
        assert model.index(0).data() == text
        assert model.index(0).data(Qt.ItemDataRole.AccessibleTextRole).endswith(text)


@pytest.mark.parametrize("text", HOSTILE)
@pytest.mark.parametrize("state", [MessageState.FAILED, MessageState.RECEIVED, MessageState.SENT])
def test_hostile_text_paints(qapp: QApplication, text: str, state: MessageState) -> None:
    model = ThreadModel()
    entry = make_entry(1, text, sent=state is not MessageState.RECEIVED, state=state)
    model.set_entries([entry])
    view = ThreadView(icons=IconSet())
    view.setModel(model)
    view.resize(420, 300)
    view.show()
    started = time.perf_counter()
    pixmap = view.grab()
    assert time.perf_counter() - started < 2.0
    assert not pixmap.isNull()
    delegate = view.thread_delegate
    option = QStyleOptionViewItem()
    view.initViewItemOption(option)
    option.rect = view.visualRect(model.index(0))
    target = QPixmap(420, max(1, option.rect.height()))
    painter = QPainter(target)
    delegate.paint(painter, option, model.index(0))
    painter.end()
    view.close()


def test_size_hints_cached_and_invalidated_on_width(qapp: QApplication, qtbot: QtBot) -> None:
    model = ThreadModel()
    model.set_entries([make_entry(1, "word " * 60)])
    view = make_view(qtbot, model)
    delegate: ThreadDelegate = view.thread_delegate
    option = QStyleOptionViewItem()
    view.initViewItemOption(option)
    first = delegate.sizeHint(option, model.index(0))
    assert delegate.bubble_layout(option, model.entry_at(0)) is delegate.bubble_layout(  # type: ignore[arg-type]
        option,
        model.entry_at(0),  # type: ignore[arg-type]
    )
    view.resize(300, 400)
    QApplication.processEvents()
    view.initViewItemOption(option)
    narrower = delegate.sizeHint(option, model.index(0))
    assert narrower.height() > first.height()


def test_pinned_to_bottom_on_new_rows(qapp: QApplication, qtbot: QtBot) -> None:
    model = ThreadModel()
    model.set_entries(newest_first([make_entry(i) for i in range(60)]))
    view = make_view(qtbot, model)
    bar = view.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0 and bar.value() == bar.maximum())
    model.upsert([make_entry(100, "a new one " * 20)])
    qtbot.waitUntil(lambda: view.is_at_bottom() and bar.value() == bar.maximum())
    assert view.visualRect(model.index(model.rowCount() - 1)).bottom() <= view.viewport().height()


def test_not_pinned_when_scrolled_up(qapp: QApplication, qtbot: QtBot) -> None:
    model = ThreadModel()
    model.set_entries(newest_first([make_entry(i) for i in range(80)]))
    view = make_view(qtbot, model)
    bar = view.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0)
    bar.setValue(bar.maximum() // 2)
    value = bar.value()
    model.upsert([make_entry(200)])
    QTest.qWait(50)
    assert bar.value() == value


def test_prepend_keeps_position_and_requests_older(qapp: QApplication, qtbot: QtBot) -> None:
    model = ThreadModel(initial_window=40, reveal_chunk=20)
    model.set_entries(newest_first([make_entry(i) for i in range(100, 160)]))
    view = make_view(qtbot, model)
    bar = view.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0)
    # Near the top: hidden rows are revealed first, the same message stays in place.
    bar.setValue(0)
    qtbot.waitUntil(lambda: model.hidden_count() < 20)
    QTest.qWait(20)
    assert bar.value() > 0  # kept on the message that was at the top, not at row 0
    # Then, with nothing hidden, the view asks the container for an older page.
    with qtbot.waitSignal(view.older_requested, timeout=10_000):
        while model.hidden_count():
            model.reveal_older()
        bar.setValue(1)
        bar.setValue(0)
    top_key = model.entry_at(0).key  # type: ignore[union-attr]
    y_before = view.visualRect(model.index_of(top_key)).top()
    model.prepend_older(newest_first([make_entry(i) for i in range(50, 100)]))
    QTest.qWait(30)
    QApplication.processEvents()
    assert view.visualRect(model.index_of(top_key)).top() == y_before


def test_retry_click_and_key(qapp: QApplication, qtbot: QtBot) -> None:
    model = ThreadModel()
    failed = make_entry(1, "could not send", sent=True, state=MessageState.FAILED)
    model.set_entries([failed])
    view = make_view(qtbot, model)
    option = QStyleOptionViewItem()
    view.initViewItemOption(option)
    option.rect = view.visualRect(model.index(0))
    rect = view.thread_delegate.retry_rect(option, model.index(0))
    assert rect is not None
    with qtbot.assertNotEmitted(view.retry_requested):
        QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(2, 2))
    with qtbot.waitSignal(view.retry_requested) as blocker:
        QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert blocker.args == [failed]
    view.setCurrentIndex(model.index(0))
    with qtbot.waitSignal(view.retry_requested):
        QTest.keyClick(view, Qt.Key.Key_Return)


def test_a_resent_failure_reads_resent_and_offers_no_retry(
    qapp: QApplication, qtbot: QtBot
) -> None:
    """Once a failed message was sent again its bubble settles: "Resent" in place of
    "Failed · Retry"; neither a click nor a key asks for another retry."""
    model = ThreadModel()
    failed = make_entry(1, "could not send", sent=True, state=MessageState.FAILED)
    model.set_entries([failed])
    view = make_view(qtbot, model)
    model.upsert([replace(failed, resend_outbox_id=7)])
    QApplication.processEvents()
    option = QStyleOptionViewItem()
    view.initViewItemOption(option)
    index = model.index(0)
    option.rect = view.visualRect(index)
    delegate = view.thread_delegate
    entry = model.entry_at(0)
    assert entry is not None and entry.resent
    assert delegate.retry_rect(option, index) is None
    assert delegate.bubble_layout(option, entry, delegate.day_label(index)).state_text == "Resent"
    assert "resent" in str(model.data(index, Qt.ItemDataRole.AccessibleTextRole))
    view.setCurrentIndex(index)
    with qtbot.assertNotEmitted(view.retry_requested):
        QTest.keyClick(view, Qt.Key.Key_Return)
        QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=option.rect.center())


def test_ten_thousand_first_paint_fast(qapp: QApplication, qtbot: QtBot) -> None:
    entries = newest_first([make_entry(i) for i in range(10_000)])
    model = ThreadModel()
    view = ThreadView(icons=IconSet())
    qtbot.addWidget(view)
    view.resize(600, 800)
    view.show()
    QApplication.processEvents()
    view.grab()  # warm fonts and icons
    started = time.perf_counter()
    model.set_entries(entries)
    view.setModel(model)
    view.grab()
    elapsed = time.perf_counter() - started
    assert model.entry_count() == 10_000
    assert view.is_at_bottom()
    assert elapsed < 0.25, elapsed  # the bench asks < 50 ms; leave room for slow CI


def test_a_sent_bubble_tooltip_says_what_its_state_means(qapp: QApplication) -> None:
    undelivered = make_entry(1, "x", sent=True, state=MessageState.FAILED)
    refused = replace(make_entry(2, "y", sent=True, state=MessageState.FAILED), outbox_id=7)
    unknown = replace(make_entry(3, "z", sent=True, state=MessageState.UNKNOWN), outbox_id=8)
    received = make_entry(4, "w", sent=False)
    model = ThreadModel()
    model.set_entries(newest_first([undelivered, refused, unknown, received]))
    tips = [model.index(i).data(Qt.ItemDataRole.ToolTipRole) for i in range(4)]
    assert "Not delivered" in tips[0] and "back in the box" in tips[0]
    assert "refused" in tips[1] and "sends it again" in tips[1]
    assert "never goes twice" in tips[2]
    assert "\n" not in tips[3]  # a received message: just the time


def test_a_send_whose_answer_was_lost_reads_checking(qapp: QApplication) -> None:
    """Its footer said "Unknown" for the two minutes HubDesk takes to find out, and
    read as lost: the user typed the text again (two messages). It says "Checking…"."""
    from hubdesk.ui.messages.thread.model import STATE_LABELS, accessible_text

    unknown = replace(make_entry(3, "z", sent=True, state=MessageState.UNKNOWN), outbox_id=8)
    assert STATE_LABELS[MessageState.UNKNOWN] == "Checking…"
    assert "checking: z" in accessible_text(unknown, unknown.time)


def _bubble_image(qtbot: QtBot, text: str) -> QImage:
    model = ThreadModel()
    model.set_entries([make_entry(1, text, sent=False)])
    view = make_view(qtbot, model)
    view.resize(420, 300)
    option = QStyleOptionViewItem()
    view.initViewItemOption(option)
    option.rect = view.visualRect(model.index(0))
    image = QImage(420, max(1, option.rect.height()), QImage.Format.Format_RGB32)
    image.fill(0xFFFFFFFF)
    painter = QPainter(image)
    view.thread_delegate.paint(painter, option, model.index(0))
    painter.end()
    return image


def test_an_override_in_a_body_is_painted_visible_not_obeyed(qtbot: QtBot) -> None:
    """ "Invoice <RLO>4321 8765<PDF>" must not read "Invoice 5678 1234": the bubble is
    painted exactly as the same text with the controls shown as markers."""
    hostile = _bubble_image(qtbot, "Invoice \u202e4321 8765\u202c due")
    shown = _bubble_image(qtbot, "Invoice ⟨U+202E⟩4321 8765⟨U+202C⟩ due")
    obeyed = _bubble_image(qtbot, "Invoice 5678 1234 due")
    assert hostile == shown and hostile != obeyed


def test_bodies_keep_right_to_left_marks_and_emoji_joiners(qtbot: QtBot) -> None:
    model = ThreadModel()
    text = "\u200fשלום\u200f 👨\u200d👩\u200d👧 ok"
    model.set_entries([make_entry(1, text)])
    view = make_view(qtbot, model)
    option = QStyleOptionViewItem()
    view.initViewItemOption(option)
    assert view.thread_delegate.bubble_layout(option, model.entry_at(0)).body == text  # type: ignore[arg-type]


def test_every_message_state_has_a_label_an_icon_and_a_hint() -> None:
    """A new state (scheduled, overdue) never draws an empty bubble footer."""
    from hubdesk.domain import MessageState
    from hubdesk.ui.messages.thread.delegate import STATE_ICONS
    from hubdesk.ui.messages.thread.model import STATE_LABELS, state_hint

    for state in MessageState:
        assert state in STATE_LABELS
        if state is not MessageState.RECEIVED:
            assert STATE_LABELS[state] and state in STATE_ICONS
            assert state_hint(make_entry(0, state=state)), state
