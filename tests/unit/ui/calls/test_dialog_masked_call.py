"""MaskedCallDialog (offscreen)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from hubdesk.ui.calls.masked_call import MaskedCallDialog
from tests.unit.ui.pagekit import unnamed_controls


def test_remembered_source_is_prefilled(qtbot: QtBot) -> None:
    d = MaskedCallDialog("447400123456", "442079460000")
    qtbot.addWidget(d)
    d.open()
    assert d.destination_edit.text() == "07400 123456"
    assert d.source_edit.text() == "020 7946 0000"
    assert d.call_button.isEnabled() and d.call_button.isDefault()
    with qtbot.assertNotEmitted(d.source_remembered):
        with qtbot.waitSignal(d.masked_call_requested) as asked:
            QTest.keyClick(d, Qt.Key.Key_Return)
    assert asked.args == ["442079460000", "447400123456"]
    assert unnamed_controls(d) == []


def test_asks_for_the_source_and_remembers_it(qtbot: QtBot) -> None:
    d = MaskedCallDialog("447400123456")
    qtbot.addWidget(d)
    d.open()
    assert not d.call_button.isEnabled()
    assert d.source_note.text() == "A UK number your organisation owns."
    d.source_edit.setText("020 7946 000")
    assert d.source_note.text() == "Not a valid UK number: too short."
    assert not d.call_button.isEnabled()
    d.source_edit.setText("+1 516 725 9623")
    assert d.source_note.text() == "Not a UK number (+1)."
    d.source_edit.setText("0161 496 0000")
    assert d.call_button.isEnabled()
    seen: list[tuple[str, ...]] = []
    d.source_remembered.connect(lambda s: seen.append((s,)))
    d.masked_call_requested.connect(lambda s, n: seen.append((s, n)))
    d.call_button.click()
    assert seen == [("441614960000",), ("441614960000", "447400123456")]


def test_not_remembered_when_unchecked(qtbot: QtBot) -> None:
    d = MaskedCallDialog("447400123456")
    qtbot.addWidget(d)
    d.source_edit.setText("0161 496 0000")
    d.remember.setChecked(False)
    with qtbot.assertNotEmitted(d.source_remembered):
        d.accept()


def test_destination_must_be_uk(qtbot: QtBot) -> None:
    d = MaskedCallDialog("15167259623", "442079460000")
    qtbot.addWidget(d)
    assert d.destination_note.text() == "Not a UK number (+1)."
    assert not d.call_button.isEnabled()
    with qtbot.assertNotEmitted(d.masked_call_requested):
        d.accept()


def test_escape_closes(qtbot: QtBot) -> None:
    d = MaskedCallDialog("447400123456", "442079460000")
    qtbot.addWidget(d)
    d.open()
    with qtbot.assertNotEmitted(d.masked_call_requested):
        QTest.keyClick(d, Qt.Key.Key_Escape)
    assert not d.isVisible()
