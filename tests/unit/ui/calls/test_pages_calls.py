"""CallHistoryPage (offscreen)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtTest import QAbstractItemModelTester
from pytestqt.qtbot import QtBot

from hubdesk.domain import CallRecord
from hubdesk.ui.calls.page import CallHistoryPage
from tests.unit.ui.pagekit import unnamed_controls

NOW = datetime(2026, 3, 11, 12, 0, tzinfo=UTC)
PLAIN = CallRecord(1, "447400123456", NOW, True, "Call placed", call_id="c-101")
MASKED = CallRecord(
    2, "442079460001", NOW - timedelta(hours=1), True, "Call placed", "442079460000", "c-100"
)
FAILED = CallRecord(3, "447911100456", NOW - timedelta(days=1), False, "The server is busy.")
JUNK = CallRecord(4, "12", NOW - timedelta(days=2), False, "<b>odd</b>")


@pytest.fixture
def page(qtbot: QtBot) -> CallHistoryPage:
    p = CallHistoryPage(clock=lambda: NOW)
    qtbot.addWidget(p)
    QAbstractItemModelTester(p.model, QAbstractItemModelTester.FailureReportingMode.Fatal)
    p.set_records([PLAIN, MASKED, FAILED, JUNK])
    p.show()
    return p


def test_columns(page: CallHistoryPage) -> None:
    local = NOW.astimezone()
    assert page.model.cell_text(0, 0) == f"Today {local.strftime('%H:%M')}"
    yesterday = (NOW - timedelta(days=1)).astimezone()
    assert page.model.cell_text(2, 0) == f"Yesterday {yesterday.strftime('%H:%M')}"
    assert page.model.cell_text(0, 1) == "07400 123456"
    assert page.model.cell_text(0, 2) == "—"
    assert page.model.cell_text(1, 2) == "020 7946 0000"
    assert page.model.cell_text(0, 3) == "c-101"
    assert page.model.cell_text(0, 4) == "✓ Call placed"
    assert page.model.cell_text(2, 4) == "✗ Failed: The server is busy."
    assert page.model.cell_text(3, 4) == "✗ Failed: <b>odd</b>"
    said = replace(PLAIN, outcome="Call Dialed successfully to 447400123456.")
    page.set_records([said])
    assert page.model.cell_text(0, 4) == "✓ Call placed"  # the number is in its own column


def test_names_are_shown_with_numbers(page: CallHistoryPage) -> None:
    page.set_names({"447400123456": "Alice Smith"})
    assert page.model.cell_text(0, 1) == "Alice Smith (07400 123456)"


def test_call_again_repeats_plain_and_masked_calls(page: CallHistoryPage, qtbot: QtBot) -> None:
    assert not page.again_button.isEnabled()
    page.table.selectRow(0)
    with qtbot.waitSignal(page.call_requested) as plain:
        page.again_button.click()
    assert plain.args == ["447400123456"]
    page.table.selectRow(1)
    with qtbot.waitSignal(page.masked_call_requested) as masked:
        page.again_button.click()
    assert masked.args == ["442079460000", "442079460001"]


def test_call_again_refuses_an_unusable_number(page: CallHistoryPage, qtbot: QtBot) -> None:
    page.table.selectRow(3)
    assert not page.again_button.isEnabled()
    with qtbot.assertNotEmitted(page.call_requested):
        page.call_again()


def test_selection_kept_across_refresh_and_empty_state(page: CallHistoryPage) -> None:
    page.table.selectRow(1)
    newer = CallRecord(9, "447400123999", NOW + timedelta(minutes=5), True, "Call placed")
    page.set_records([newer, PLAIN, MASKED])
    record = page.selected_record()
    assert record is not None and record.id == 2
    page.set_records([])
    assert page.status.text() == "No calls yet." and not page.again_button.isEnabled()


def test_names(page: CallHistoryPage) -> None:
    assert unnamed_controls(page) == []
