"""NewMessageDialog (offscreen)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from hubdesk.domain import Contact
from hubdesk.ui.messages.new_message import HINT, NewMessageDialog, contact_choice
from tests.unit.ui.pagekit import unnamed_controls

ALICE = Contact("447400123456", "Alice Smith", id=1)
BOB = Contact("447911100456", "Bob <i>Jones</i>", id=2)


@pytest.fixture
def dialog(qtbot: QtBot) -> NewMessageDialog:
    d = NewMessageDialog([ALICE, BOB])
    qtbot.addWidget(d)
    d.open()
    return d


def test_typing_a_number_and_writing(dialog: NewMessageDialog, qtbot: QtBot) -> None:
    assert dialog.note.text() == HINT and not dialog.write_button.isEnabled()
    dialog.to_edit.setText("07400 12345")
    assert dialog.note.text() == "Not a valid UK number: too short."
    assert not dialog.write_button.isEnabled()
    dialog.to_edit.setText("07400 123457")
    assert dialog.note.text() == "✓ 07400 123457"
    with qtbot.waitSignal(dialog.compose_requested) as composed:
        dialog.write_button.click()
    assert composed.args == [["447400123457"]] and not dialog.isVisible()


def test_non_uk_is_allowed_with_a_note(dialog: NewMessageDialog, qtbot: QtBot) -> None:
    dialog.to_edit.setText("+1 516 725 9623")
    assert dialog.note.text() == "Not a UK number (+1): SMS only, calls unavailable"
    assert dialog.note.property("tone") == "warning"
    assert dialog.write_button.isEnabled()
    QTest.keyClick(dialog.to_edit, Qt.Key.Key_Return)  # adds it
    label = dialog.recipients.item(0).text()
    assert label.endswith("Not a UK number (+1): SMS only, calls unavailable")
    assert dialog.to_edit.text() == "" and dialog.isVisible()


def test_enter_adds_then_enter_on_empty_writes(dialog: NewMessageDialog, qtbot: QtBot) -> None:
    dialog.to_edit.setText("07400123456")
    QTest.keyClick(dialog.to_edit, Qt.Key.Key_Return)
    dialog.to_edit.setText("+44 7911 100456")
    QTest.keyClick(dialog.to_edit, Qt.Key.Key_Return)
    dialog.to_edit.setText("07400 123456")  # the same number again
    QTest.keyClick(dialog.to_edit, Qt.Key.Key_Return)
    assert dialog.note.text() == "07400 123456 is already a recipient."
    assert [dialog.recipients.item(r).text() for r in range(2)] == [
        "Alice Smith (07400 123456)",
        "Bob <i>Jones</i> (07911 100456)",
    ]
    dialog.to_edit.clear()
    with qtbot.waitSignal(dialog.compose_requested) as composed:
        QTest.keyClick(dialog.to_edit, Qt.Key.Key_Return)
    assert composed.args == [["447400123456", "447911100456"]]


def test_refused_text_stays_with_its_reason(dialog: NewMessageDialog, qtbot: QtBot) -> None:
    dialog.to_edit.setText("0740O 123456")
    with qtbot.assertNotEmitted(dialog.compose_requested):
        QTest.keyClick(dialog.to_edit, Qt.Key.Key_Return)
    assert dialog.to_edit.text() == "0740O 123456"
    assert dialog.note.text() == "Not a phone number: contains letters."
    assert dialog.recipients.rowCount() == 0


def test_completer_picks_contacts_by_name_or_number(dialog: NewMessageDialog, qtbot: QtBot) -> None:
    completer = dialog.completer
    completer.setCompletionPrefix("smith")
    assert completer.currentCompletion() == contact_choice(ALICE)
    completer.setCompletionPrefix("07911")
    assert completer.currentCompletion() == "Bob <i>Jones</i> — 07911 100456"
    dialog.to_edit.setText("ali")
    assert dialog.note.text() == "Choose a contact from the list, or type a number."
    completer.activated[str].emit(contact_choice(ALICE))  # type: ignore[index]
    qtbot.waitUntil(lambda: dialog.recipients.rowCount() == 1)
    assert dialog.digits() == ["447400123456"] and dialog.to_edit.text() == ""


def test_remove_recipient(dialog: NewMessageDialog) -> None:
    dialog.add_number("07400123456")
    dialog.add_number("07911100456")
    dialog.recipient_view.setCurrentIndex(dialog.recipients.index(0, 0))
    assert dialog.remove_button.isEnabled()
    dialog.remove_button.click()
    assert dialog.digits() == ["447911100456"]


def test_the_count_of_recipients_reads_as_a_sentence(dialog: NewMessageDialog) -> None:
    """It read "2 recipient(s). Add more, or write."."""
    dialog.add_number("07400123456")
    dialog.to_edit.clear()
    assert dialog.note.text() == "1 recipient. Add more, or write."
    dialog.add_number("07911100456")
    dialog.to_edit.clear()
    assert dialog.note.text() == "2 recipients. Add more, or write."


def test_escape_and_names(dialog: NewMessageDialog, qtbot: QtBot) -> None:
    assert unnamed_controls(dialog) == []
    with qtbot.assertNotEmitted(dialog.compose_requested):
        QTest.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def test_a_recipients_warning_is_shown_whole_not_cut(dialog: NewMessageDialog) -> None:
    """ "020 7946 0000 — ⚠ landline — usually cannot receive SM" then a sideways scroll
    bar: the warning a user must read was cut at the list's edge. Rows wrap instead."""
    dialog.resize(dialog.minimumSizeHint())
    dialog.add_number("020 7946 0000")
    dialog.add_number("+1 516 725 9623")
    QTest.qWait(50)
    view = dialog.recipient_view
    assert "usually cannot receive SMS" in dialog.recipients.item(0).text()
    assert view.horizontalScrollBar().maximum() == 0
    for row in range(dialog.recipients.rowCount()):
        rect = view.visualRect(dialog.recipients.index(row, 0))
        assert rect.right() <= view.viewport().width(), row
