"""Search that shows the hit (issue 14, item 6), in the wired window against the
in-process simulator and a real store: the results are the matching messages (snippet,
matched words marked, date, person); opening one scrolls the thread to it and
highlights it; Esc goes back to the results, then to the list, each as it was."""

from __future__ import annotations

from datetime import datetime

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from hubdesk.core.inbox import HitKind, SearchHit
from hubdesk.domain import SmsType
from hubdesk.ui.messages.page import MessagesPage
from hubdesk.ui.messages.search.model import HitRole, SearchHitModel
from tests.unit.ui.appkit import Driver, in_loop, shell_driver, signed_in  # noqa: F401

pytestmark = pytest.mark.sim_config(delivery_delay=0.3)


async def to_front(driver: Driver) -> None:
    """The main window shown and active (shortcuts and focus need it): a dialog the
    sign-in left open (a question asked once) is dismissed first."""
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, QDialog) and widget.isVisible():
            widget.reject()
    driver.window.show()
    driver.window.activateWindow()
    await driver.until(driver.window.isActiveWindow, what="the window active")


PARTNER = "447400123456"
FILLERS = 90  # newer messages than the hit: the thread opens far from its bottom


def focused() -> QWidget | None:
    return QApplication.focusWidget()


@in_loop
async def test_a_hit_opens_scrolled_to_and_highlighted_and_esc_restores(driver: Driver) -> None:
    for n in range(30):
        driver.sim.inject_inbound(f"4474005550{n:02d}", f"hello {n}")
    hit_id = driver.sim.inject_inbound(PARTNER, "the zebra crossing is closed")
    for n in range(FILLERS):
        driver.sim.inject_inbound(PARTNER, f"filler {n}")
    await signed_in(driver)
    page: MessagesPage = driver.page
    await to_front(driver)
    await driver.until(lambda: page.conversation_model.rowCount() > 30, what="the list")

    # The list as the user leaves it: scrolled down, the cursor on a row below the top.
    lst = page.conversation_view
    lst.setFocus()
    lst.setCurrentIndex(page.conversation_model.index(20))
    lst.verticalScrollBar().setValue(lst.verticalScrollBar().maximum() // 2)
    list_scroll, list_cursor = lst.verticalScrollBar().value(), page.list_cursor()
    assert list_scroll > 0 and list_cursor is not None

    driver.window.focus_search()
    QTest.keyClicks(page.search, "zebra")
    await driver.until(lambda: page.results.hits(), what="hits")
    hits = page.results.hits()
    assert [(h.kind, h.partner, h.sms_id) for h in hits] == [(HitKind.MESSAGE, PARTNER, hit_id)]
    assert page.results.view.isVisibleTo(page) and not lst.isVisibleTo(page)
    row = page.results.model.index(0)
    assert ("zebra", True) in row.data(HitRole.SEGMENTS)  # the matched word, marked
    assert row.data(HitRole.TIME_TEXT)  # the date, in the list's words

    QTest.keyClick(page.search, Qt.Key.Key_Down)
    assert focused() is page.results.view
    QTest.keyClick(page.results.view, Qt.Key.Key_Return)
    key = f"sms:{hit_id}"
    thread = page.thread_view
    await driver.until(lambda: thread.highlighted_key() == key, what="the hit highlighted")
    assert page.header.partner() == PARTNER

    def hit_in_view() -> bool:
        index = page.thread_model.index_of(key)
        return bool(
            index.isValid() and thread.viewport().rect().intersects(thread.visualRect(index))
        )

    await driver.until(hit_in_view, what="the thread scrolled to the hit")
    assert not thread.is_at_bottom()  # far from the newest message
    assert focused() is thread

    QTest.keyClick(thread, Qt.Key.Key_Escape)  # back to the results, as they were
    assert focused() is page.results.view
    assert page.search.text() == "zebra"
    assert page.results.view.currentIndex().row() == 0
    assert page.results.hits() == hits

    QTest.keyClick(page.results.view, Qt.Key.Key_Escape)  # to the search field
    assert focused() is page.search
    QTest.keyClick(page.search, Qt.Key.Key_Escape)  # clears it: the list as it was
    await driver.until(lambda: lst.isVisibleTo(page), what="the list back")
    assert not page.results.view.isVisibleTo(page)
    assert lst.verticalScrollBar().value() == list_scroll
    assert page.list_cursor() == list_cursor


@in_loop
async def test_a_click_elsewhere_in_the_thread_ends_the_highlight(driver: Driver) -> None:
    hit_id = driver.sim.inject_inbound(PARTNER, "the zebra crossing is closed")
    driver.sim.inject_inbound(PARTNER, "later")
    await signed_in(driver)
    page: MessagesPage = driver.page
    page.search.setText("zebra")
    await driver.until(lambda: page.results.hits(), what="hits")
    page.open_first_result()
    await driver.until(
        lambda: page.thread_view.highlighted_key() == f"sms:{hit_id}", what="highlighted"
    )
    QTest.mouseClick(page.thread_view.viewport(), Qt.MouseButton.LeftButton)
    assert page.thread_view.highlighted_key() is None


def test_hits_are_plain_text_with_the_matches_marked(qtbot: object) -> None:
    """Server text is never markup: the pieces are the text as written."""
    now = datetime(2026, 3, 11, 15, 0).astimezone()
    hostile = SearchHit(
        HitKind.MESSAGE,
        PARTNER,
        "<b>Bob</b>",
        "<i>zebra</i>\nnext line",
        now,
        7,
        snippet="<i>zebra</i>\nnext line",
        snippet_ranges=((3, 8),),
        match_ranges=((3, 8),),
        direction=SmsType.SENT,
    )
    model = SearchHitModel(clock=lambda: now)
    model.set_hits([hostile])
    index = model.index(0)
    assert index.data(Qt.ItemDataRole.DisplayRole) == "<b>Bob</b>"
    assert index.data(HitRole.SEGMENTS) == (
        ("You: ", False),
        ("<i>", False),
        ("zebra", True),
        ("</i> next line", False),
    )
    assert model.data(QModelIndex()) is None


def test_a_match_far_into_the_snippet_is_shown_in_a_narrow_row(qtbot: object) -> None:
    """A hit at the end of an 80-character snippet was cut off by the row's "…": the row
    said it matched and showed none of the match. The text before it gives way (elided
    at its start) so the match is painted whole, inside the row."""
    from PySide6.QtGui import QFont

    from hubdesk.ui.messages.search.delegate import fit_segments

    font = QFont()
    bold = QFont(font)
    bold.setBold(True)
    lead = "…<img src='http://x/y.png'> <a href='http://evil'>click</a> &amp; "
    for segments in (
        ((lead, False), ("table", True)),
        (("You: ", False), (lead, False), ("table", True), (" is ready", False)),
    ):
        placed = fit_segments(segments, 280, font, bold)
        matched = [(piece, x, w) for piece, m, x, w in placed if m]
        assert [piece for piece, _x, _w in matched] == ["table"], placed
        _piece, x, w = matched[0]
        assert 0 <= x and x + w <= 280
        assert all(x0 + w0 <= 280 for _p, _m, x0, w0 in placed)
        assert placed[0][0].startswith("You: " if len(segments) > 2 else "…")


def test_segments_that_fit_are_placed_as_they_are(qtbot: object) -> None:
    from PySide6.QtGui import QFont

    from hubdesk.ui.messages.search.delegate import fit_segments

    font = QFont()
    segments = (("Your ", False), ("table", True), (" is ready", False))
    placed = fit_segments(segments, 600, font, font)
    assert [(p, m) for p, m, _x, _w in placed] == [
        ("Your ", False),
        ("table", True),
        (" is ready", False),
    ]


def test_a_contact_hit_shows_its_number_under_its_name(qtbot: object) -> None:
    """A contact hit's second line repeated its name ("Zara Lee" / "Zara Lee"): two
    contacts of one name were two identical rows. It shows the number."""
    now = datetime(2026, 3, 11, 15, 0).astimezone()
    model = SearchHitModel(clock=lambda: now)
    model.set_hits(
        [
            SearchHit(HitKind.CONTACT, "447400172582", "Zara Lee", "Zara Lee"),
            SearchHit(HitKind.CONTACT, "447400123456", "Zara Lee", "Zara Lee"),
        ]
    )
    first, second = model.index(0), model.index(1)
    assert first.data(Qt.ItemDataRole.DisplayRole) == "Zara Lee"
    assert first.data(HitRole.SEGMENTS) == (("07400 172582", False),)
    assert second.data(HitRole.SEGMENTS) == (("07400 123456", False),)
    assert "07400 172582" in first.data(Qt.ItemDataRole.AccessibleTextRole)
