"""SenderIdsPage (offscreen)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QAbstractItemModelTester, QTest
from pytestqt.qtbot import QtBot

from hubdesk.domain import SenderId, SenderIdStatus
from hubdesk.domain.text import neutralise
from hubdesk.ui.pages.senders import RULES, SenderIdsPage
from tests.unit.ui.conftest import HOSTILE
from tests.unit.ui.pagekit import tab_sequence, unnamed_controls

CREATED = datetime(2026, 1, 5, 9, 30, tzinfo=UTC)


def sid(i: int, name: str, approved: bool = True) -> SenderId:
    status = SenderIdStatus.APPROVED if approved else SenderIdStatus.AWAITING_APPROVAL
    return SenderId(i, 7, name, status, created_at=CREATED, created_by="reception")


@pytest.fixture
def page(qtbot: QtBot) -> SenderIdsPage:
    p = SenderIdsPage()
    qtbot.addWidget(p)
    QAbstractItemModelTester(p.model, QAbstractItemModelTester.FailureReportingMode.Fatal)
    p.set_sender_ids([sid(1, "HUBWORK"), sid(2, "447400123456"), sid(3, "CLINIC", False)])
    p.show()
    return p


def test_table_shows_status_and_local_created_date(page: SenderIdsPage) -> None:
    assert page.model.rowCount() == 3
    assert [page.model.cell_text(r, 1) for r in range(3)] == [
        "Approved", "Approved", "Awaiting approval"
    ]  # fmt: skip
    local = CREATED.astimezone()
    assert page.model.cell_text(0, 2) == f"{local.day} {local.strftime('%b %Y %H:%M')}"
    assert page.model.cell_text(0, 3) == "reception"


def test_status_line_says_when_nothing_is_approved(page: SenderIdsPage) -> None:
    assert page.status.isHidden()
    page.set_sender_ids([sid(3, "CLINIC", False)])
    assert "No sender ID is approved yet" in page.status.text()
    page.set_sender_ids([])
    assert page.status.text().startswith("No sender IDs yet")


@pytest.mark.parametrize(
    ("typed", "note"),
    [
        ("", RULES),
        ("HUB WORK", "Sender ID may contain only letters and digits."),
        ("ABCDEFGHIJKL", "An alphanumeric sender ID can be at most 11 characters."),
        ("1234567890123456", "A numeric sender ID can be at most 15 digits."),
        ("hubwork", "HUBWORK is already on the account."),
        ("SURGERY", "✓ SURGERY can be requested; HubWork approves it."),
        ("123456789012345", "✓ 123456789012345 can be requested; HubWork approves it."),
    ],
)
def test_request_is_validated_as_you_type(page: SenderIdsPage, typed: str, note: str) -> None:
    page.new_id.setText(typed)
    assert page.new_note.text().replace("hubwork", "HUBWORK") == note
    assert page.request_button.isEnabled() == note.startswith("✓")


def test_request_emits_once_then_waits(page: SenderIdsPage, qtbot: QtBot) -> None:
    page.new_id.setText(" SURGERY ")
    with qtbot.waitSignal(page.request_sender_id) as asked:
        QTest.keyClick(page.new_id, Qt.Key.Key_Return)
    assert asked.args == ["SURGERY"]
    assert not page.request_button.isEnabled() and page.new_id.isReadOnly()
    with qtbot.assertNotEmitted(page.request_sender_id):
        page.submit()
    page.request_failed("The server refused the sender ID.")
    assert page.request_button.isEnabled() and page.status.text().startswith("The server")
    page.submit()
    page.request_done("Sender ID SURGERY was requested.")
    assert page.new_id.text() == "" and not page.new_id.isReadOnly()
    assert page.status.text() == "Sender ID SURGERY was requested."


def test_refresh_button_and_busy_state(page: SenderIdsPage, qtbot: QtBot) -> None:
    with qtbot.waitSignal(page.refresh_requested):
        page.refresh_button.click()
    page.set_refreshing(True)
    assert not page.refresh_button.isEnabled() and page.refresh_button.text() == "Refreshing…"
    page.set_refreshing(False)
    assert page.refresh_button.isEnabled()


def test_keyboard_and_names(page: SenderIdsPage) -> None:
    assert unnamed_controls(page) == []
    assert tab_sequence(page.refresh_button, 2) == [page.table, page.new_id]


@pytest.mark.parametrize("text", HOSTILE[:4])
def test_hostile_created_by_shows_literally(qtbot: QtBot, text: str) -> None:
    p = SenderIdsPage()
    qtbot.addWidget(p)
    p.set_sender_ids([SenderId(1, 1, "HUBWORK", SenderIdStatus.APPROVED, None, text)])
    assert p.model.cell_text(0, 2) == "—"
    assert p.model.cell_text(0, 3) == neutralise(text).replace("\x00", " ")


def test_status_is_coloured_by_meaning(page: SenderIdsPage) -> None:
    from PySide6.QtGui import QColor

    approved = page.model.index(0, 1).data(Qt.ItemDataRole.ForegroundRole)
    waiting = page.model.index(2, 1).data(Qt.ItemDataRole.ForegroundRole)
    assert isinstance(approved, QColor) and isinstance(waiting, QColor)
    assert approved != waiting
    assert page.model.index(0, 0).data(Qt.ItemDataRole.ForegroundRole) is None
