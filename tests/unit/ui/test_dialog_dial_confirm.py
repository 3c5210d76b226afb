"""DialConfirmDialog (offscreen)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from hubdesk.ui.dialogs.dial_confirm import DialConfirmDialog
from tests.unit.ui.pagekit import unnamed_controls


def test_asks_with_the_national_form_and_calls(qtbot: QtBot) -> None:
    d = DialConfirmDialog("+447400123456")
    qtbot.addWidget(d)
    d.open()
    assert d.question.text() == "Call 07400 123456?"
    assert d.call_button.isDefault() and d.call_button.isEnabled()
    with qtbot.waitSignal(d.call_requested) as called:
        QTest.keyClick(d, Qt.Key.Key_Return)
    assert called.args == ["447400123456"] and not d.isVisible()


def test_names_the_contact(qtbot: QtBot) -> None:
    d = DialConfirmDialog("07400 123456", name="<b>Alice</b>")
    qtbot.addWidget(d)
    assert d.question.text() == "Call <b>Alice</b> (07400 123456)?"
    assert d.question.textFormat() == Qt.TextFormat.PlainText


def test_refuses_a_number_it_cannot_call(qtbot: QtBot) -> None:
    d = DialConfirmDialog("+1 516 725 9623")
    qtbot.addWidget(d)
    d.open()
    assert d.question.text() == "Cannot call +1 516 725 9623"
    assert d.detail.text() == "Not a UK number (+1)."
    assert not d.call_button.isEnabled() and d.cancel_button.isDefault()
    with qtbot.assertNotEmitted(d.call_requested):
        d.accept()
        QTest.keyClick(d, Qt.Key.Key_Return)
    assert not d.isVisible()  # Enter chose Cancel


def test_hostile_link_text_is_shown_on_one_line(qtbot: QtBot) -> None:
    d = DialConfirmDialog("<img src=x>\x00\n" + "9" * 500)
    qtbot.addWidget(d)
    assert d.question.text().startswith("Cannot call <img src=x>")
    assert "\x00" not in d.question.text() and "\n" not in d.question.text()
    assert len(d.question.text()) < 90


def test_escape_closes_without_calling(qtbot: QtBot) -> None:
    d = DialConfirmDialog("07400123456")
    qtbot.addWidget(d)
    d.open()
    assert unnamed_controls(d) == []
    with qtbot.assertNotEmitted(d.call_requested):
        QTest.keyClick(d, Qt.Key.Key_Escape)
    assert not d.isVisible()
