from __future__ import annotations

import random
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPalette, QPixmap, QTextDocument
from PySide6.QtTest import QAbstractItemModelTester
from PySide6.QtWidgets import QApplication, QStyle, QStyleOptionViewItem
from pytestqt.qtbot import QtBot

from hubdesk.ui.messages.conversations import (
    ConversationDelegate,
    ConversationListModel,
    ConversationListView,
    ConversationRole,
    format_list_time,
    single_line,
)
from hubdesk.ui.qt.times import format_bubble_time, format_day_label
from tests.unit.ui.values import HOSTILE, NOW, make_conversation

Mode = QAbstractItemModelTester.FailureReportingMode


def _model_with_tester() -> tuple[ConversationListModel, QAbstractItemModelTester]:
    model = ConversationListModel(clock=lambda: NOW)
    return model, QAbstractItemModelTester(model, Mode.Fatal)


def partners(model: ConversationListModel) -> list[str]:
    return [c.partner for c in model.conversations()]


def test_newest_first_and_dedupe(qapp: QApplication) -> None:
    model, _tester = _model_with_tester()
    model.set_conversations(
        [make_conversation("1", 30), make_conversation("2", 5), make_conversation("1", 50)]
    )
    assert partners(model) == ["2", "1"]
    assert model.conversation_at(1) == make_conversation("1", 30)
    assert model.index_of("1").row() == 1
    assert not model.index_of("nobody").isValid()
    assert model.conversation_at(QModelIndex()) is None


def test_title_is_name_or_formatted_number(qapp: QApplication) -> None:
    model, _tester = _model_with_tester()
    model.set_conversations(
        [make_conversation("447911123456", 1), make_conversation("447911654321", 2, "Ann")]
    )
    assert model.index(0).data() == "07911 123456"
    assert model.index(1).data() == "Ann"
    assert model.index(0).data(ConversationRole.NUMBER_TEXT) == "07911 123456"


def test_minimal_updates_move_to_top(qapp: QApplication, qtbot: QtBot) -> None:
    model, _tester = _model_with_tester()
    model.set_conversations([make_conversation(str(i), i * 10 + 10) for i in range(200)])
    resets: list[int] = []
    moves: list[tuple[int, int]] = []
    model.modelReset.connect(lambda: resets.append(1))
    model.rowsMoved.connect(lambda _p, s, _e, _d, dst: moves.append((s, dst)))
    changed: list[int] = []
    model.dataChanged.connect(lambda tl, _br, *_: changed.append(tl.row()))
    fresh = [make_conversation(str(i), i * 10 + 10) for i in range(200)]
    fresh[150] = make_conversation("150", 0, text="new message", unread=1)
    model.set_conversations(fresh)
    assert not resets and not model.last_update_was_reset
    assert moves == [(150, 0)]
    assert changed == [0]
    assert partners(model)[0] == "150"
    assert model.index_of("150").row() == 0 and model.index_of("0").row() == 1


def test_minimal_updates_insert_remove(qapp: QApplication) -> None:
    model, _tester = _model_with_tester()
    model.set_conversations([make_conversation(str(i), i * 10 + 10) for i in range(50)])
    inserted: list[int] = []
    removed: list[int] = []
    model.rowsInserted.connect(lambda _p, f, _l: inserted.append(f))
    model.rowsRemoved.connect(lambda _p, f, _l: removed.append(f))
    fresh = [make_conversation(str(i), i * 10 + 10) for i in range(50) if i not in (3, 4, 20)]
    fresh.append(make_conversation("new", 0))
    model.set_conversations(fresh)
    assert inserted == [0]
    assert sorted(removed) == [3, 20]  # 3..4 as one range
    assert partners(model) == [c.partner for c in fresh[-1:] + fresh[:-1]]


def test_random_snapshots_keep_model_consistent(qapp: QApplication) -> None:
    model, _tester = _model_with_tester()
    rng = random.Random(7)
    for _round in range(60):
        count = rng.randint(0, 80)
        snapshot = [
            make_conversation(
                str(rng.randint(0, 120)), rng.randint(0, 500), unread=rng.randint(0, 3)
            )
            for _ in range(count)
        ]
        model.set_conversations(snapshot)
        best: dict[str, object] = {}
        for conv in sorted(snapshot, key=lambda c: c.last_time, reverse=True):
            best.setdefault(conv.partner, conv)
        assert [c.partner for c in model.conversations()] == list(best)
        for row, conv in enumerate(model.conversations()):
            assert model.index_of(conv.partner).row() == row


def test_large_difference_resets(qapp: QApplication) -> None:
    model, _tester = _model_with_tester()
    model.set_conversations([make_conversation(str(i), i) for i in range(1000)])
    model.set_conversations([make_conversation(str(i), 2000 - i) for i in range(1000)])
    assert model.last_update_was_reset
    assert partners(model)[0] == "999"


def test_time_formatting() -> None:
    now = datetime(2026, 3, 11, 15, 0).astimezone()  # a Wednesday, local time
    assert format_list_time(now - timedelta(hours=2), now) == (now - timedelta(hours=2)).strftime(
        "%H:%M"
    )
    assert format_list_time(now - timedelta(days=2), now) == "Mon"
    assert format_list_time(now - timedelta(days=20), now) == "19 Feb"
    assert format_list_time(datetime(2024, 12, 25, 10, tzinfo=UTC), now) == "25 Dec 2024"


def test_the_list_says_yesterday_where_the_thread_does() -> None:
    """The list used to say "Tue" for the message the thread's separator called
    "Yesterday" (issue 14): both read ``domain.dates`` now."""
    now = datetime(2026, 3, 11, 15, 0).astimezone()  # a Wednesday
    yesterday = now - timedelta(days=1)
    assert format_list_time(yesterday, now) == "Yesterday"
    assert format_day_label(yesterday, now) == "Yesterday"
    assert format_bubble_time(yesterday, now) == "Yesterday " + yesterday.strftime("%H:%M")


def test_roles_accessible_and_filter(qapp: QApplication) -> None:
    model, _tester = _model_with_tester()
    model.set_conversations(
        [make_conversation("447911123456", 1, "Ann Lee", unread=3, failed=True, opted_out=True)]
    )
    index = model.index(0)
    access = index.data(Qt.ItemDataRole.AccessibleTextRole)
    assert "Ann Lee" in access and "3 unread" in access and "opted out" in access
    assert "failed" in access
    flt = index.data(ConversationRole.FILTER_TEXT)
    assert "ann lee" in flt and "07911 123456" in flt and "447911123456" in flt
    assert index.data(ConversationRole.UNREAD) == 3
    assert index.data(ConversationRole.FAILED) is True
    assert index.data(ConversationRole.OPTED_OUT) is True


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_literal_and_paints(qapp: QApplication, text: str) -> None:
    model, _tester = _model_with_tester()
    model.set_conversations([make_conversation("447911123456", 1, name=text or None, text=text)])
    index = model.index(0)
    if text:
        assert index.data() == text  # the title is the raw name, never markup
    assert index.data(ConversationRole.PREVIEW) == single_line(text)
    assert "\x00" not in index.data(ConversationRole.PREVIEW)
    view = ConversationListView()
    view.setModel(model)
    view.resize(320, 200)
    view.show()
    pixmap: QPixmap = view.grab()
    assert not pixmap.isNull()
    view.close()


def test_single_line_keeps_markup_literal_and_neutralises_bidi() -> None:
    assert single_line("<b>x</b>\nnext") == "<b>x</b> next"
    assert single_line("Pay to \u202etxt.exe") == "Pay to ⟨U+202E⟩txt.exe"
    assert single_line("HS\u200bBC") == "HS⟨U+200B⟩BC"
    assert single_line("👨\u200d👩 ok") == "👨\u200d👩 ok"
    assert len(single_line("y" * 10_000)) <= 241


def test_name_and_preview_cannot_pass_for_something_else(qapp: QApplication) -> None:
    """What the row shows (the delegate paints single_line of the title and the preview)
    and its tooltip and accessible text carry the override as a visible marker."""
    model, _tester = _model_with_tester()
    name, text = "Pay to \u202etxt.exe", "Invoice \u2066<b>due</b>\u2069 \u200f12\u200f 34"
    model.set_conversations([make_conversation("447911123456", 1, name=name, text=text)])
    index = model.index(0)
    assert single_line(index.data()) == "Pay to ⟨U+202E⟩txt.exe"
    assert index.data(ConversationRole.PREVIEW) == "Invoice ⟨U+2066⟩<b>due</b>⟨U+2069⟩ 12 34"
    access = index.data(Qt.ItemDataRole.AccessibleTextRole)
    assert "\u202e" not in access and "⟨U+202E⟩" in access
    doc = QTextDocument()
    doc.setHtml(index.data(Qt.ItemDataRole.ToolTipRole))
    assert doc.toPlainText() == "Pay to ⟨U+202E⟩txt.exe (07911 123456)"


def test_view_emits_activated(qapp: QApplication, qtbot: QtBot) -> None:
    model, _tester = _model_with_tester()
    model.set_conversations([make_conversation("1", 1), make_conversation("2", 2)])
    view = ConversationListView()
    qtbot.addWidget(view)
    view.setModel(model)
    with qtbot.waitSignal(view.conversation_activated) as blocker:
        view.activated.emit(model.index(1))
    assert blocker.args == [model.conversation_at(1)]
    assert isinstance(view.itemDelegate(), ConversationDelegate)


def test_five_thousand_rows_fast(qapp: QApplication, qtbot: QtBot) -> None:
    model = ConversationListModel(clock=lambda: NOW)
    convs = [make_conversation(f"4479{i:08d}", i, unread=i % 3) for i in range(5000)]
    view = ConversationListView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.resize(360, 700)
    view.show()
    started = time.perf_counter()
    model.set_conversations(convs)
    view.grab()
    first = time.perf_counter() - started
    updated = list(convs)
    updated[4000] = replace(updated[4000], last_time=NOW + timedelta(minutes=1))
    started = time.perf_counter()
    model.set_conversations(updated)
    view.grab()
    second = time.perf_counter() - started
    assert model.rowCount() == 5000
    assert first < 1.0 and second < 0.5, (first, second)


def test_the_keyboard_cursor_is_framed_even_on_an_unselected_row(
    qapp: QApplication, qtbot: QtBot
) -> None:
    """Tab into the list puts the cursor on a row without selecting it: the row must
    still show where the keyboard is (a frame in the highlight colour)."""
    model = ConversationListModel()
    model.set_conversations([make_conversation("447911123456", 1)])
    view = ConversationListView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.resize(320, 200)
    delegate = view.itemDelegate()
    option = QStyleOptionViewItem()
    view.initViewItemOption(option)
    option.rect = view.visualRect(model.index(0))
    highlight = option.palette.color(QPalette.ColorRole.Highlight)

    def edge_colour(focused: bool) -> QColor:
        image = QImage(option.rect.size(), QImage.Format.Format_ARGB32)
        image.fill(QColor("white"))
        painter = QPainter(image)
        painter.translate(-option.rect.topLeft())
        opt = QStyleOptionViewItem(option)
        if focused:
            opt.state |= QStyle.StateFlag.State_HasFocus
        delegate.paint(painter, opt, model.index(0))
        painter.end()
        return image.pixelColor(1, option.rect.height() // 2)

    assert edge_colour(focused=True) == highlight
    assert edge_colour(focused=False) != highlight


def test_the_open_conversation_is_painted_selected_and_only_it(
    qapp: QApplication, qtbot: QtBot
) -> None:
    model = ConversationListModel()
    model.set_conversations(
        [make_conversation("447911123456", 1), make_conversation("447911123457", 2)]
    )
    view = ConversationListView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.resize(320, 200)
    changed: list[int] = []
    model.dataChanged.connect(lambda top, _bottom, _roles: changed.append(top.row()))
    view.set_open_partner("447911123457")
    view.set_open_partner("447911123456")
    assert view.open_partner() == "447911123456"
    assert changed == []  # view state: no model signal (it costs the view a pass over all rows)

    def fill(row: int, selected_by_view: bool) -> QColor:
        option = QStyleOptionViewItem()
        view.initViewItemOption(option)
        option.rect = view.visualRect(model.index(row))
        if selected_by_view:
            option.state |= QStyle.StateFlag.State_Selected
        image = QImage(option.rect.size(), QImage.Format.Format_ARGB32)
        image.fill(QColor("white"))
        painter = QPainter(image)
        painter.translate(-option.rect.topLeft())
        view.itemDelegate().paint(painter, option, model.index(row))
        painter.end()
        return image.pixelColor(option.rect.width() // 2, option.rect.height() - 3)

    highlight = view.palette().color(QPalette.ColorRole.Highlight)
    assert fill(model.index_of("447911123456").row(), selected_by_view=False) == highlight
    assert fill(model.index_of("447911123457").row(), selected_by_view=True) != highlight


def test_a_click_just_after_the_rows_moved_under_the_pointer_opens_nothing(
    qapp: QApplication, qtbot: QtBot
) -> None:
    """A message came in as the user clicked: the row under the still pointer was now
    another conversation, and the click opened that one. A click that soon after the
    rows moved, on a row the pointer was not aimed at, does nothing; the next one does."""
    from PySide6.QtCore import QEvent, QPoint, QPointF
    from PySide6.QtGui import QMouseEvent
    from PySide6.QtTest import QTest

    def move_to(point: QPoint) -> None:  # delivered now, on any platform (xcb included)
        viewport = view.viewport()
        event = QMouseEvent(
            QEvent.Type.MouseMove,
            QPointF(point),
            QPointF(viewport.mapToGlobal(point)),
            Qt.MouseButton.NoButton,
            Qt.MouseButton.NoButton,
            Qt.KeyboardModifier.NoModifier,
        )
        QApplication.sendEvent(viewport, event)

    model, _tester = _model_with_tester()
    model.set_conversations([make_conversation(p, i) for i, p in enumerate("ABCD")])
    view = ConversationListView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.resize(300, 400)
    view.show()
    qtbot.waitExposed(view)
    opened: list[str] = []
    view.conversation_activated.connect(lambda conv: opened.append(conv.partner))
    at_b = view.visualRect(model.index_of("B")).center()
    move_to(at_b)  # aimed at B, the second row
    fresh = [make_conversation(p, i + 1) for i, p in enumerate("ABCD")]
    fresh[3] = make_conversation("D", 0, text="just in")  # D moves to the top
    model.set_conversations(fresh)
    assert model.index_of("A").row() == 1  # A is under the pointer now
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=at_b)
    assert opened == []
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=at_b)  # seen; again
    assert opened == ["A"]
    at_c = view.visualRect(model.index_of("C")).center()
    move_to(at_c)
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=at_c)
    assert opened == ["A", "C"]
