"""Every plain-text box leaves Alt+letter to the mnemonics: with the button it names
disabled, Qt typed the letter into the box ("Hi there.r" after Alt+R on a disabled
"Check recipients" in Bulk send; an "s" in a template after Alt+S on a disabled Save)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLineEdit, QPlainTextEdit, QWidget
from pytestqt.qtbot import QtBot

from hubdesk.ui.bulk.dialog import BulkSendDialog
from hubdesk.ui.contacts.editor import ContactEditor
from hubdesk.ui.messages.new_message import NewMessageDialog
from hubdesk.ui.qt.textedit import LineBox, TextBox
from hubdesk.ui.templates.page import TemplatesPage

ALT = Qt.KeyboardModifier.AltModifier


def test_alt_letter_types_nothing_but_letters_still_do(qtbot: QtBot) -> None:
    box = TextBox()
    qtbot.addWidget(box)
    QTest.keyClicks(box, "Hi")
    QTest.keyClick(box, Qt.Key.Key_R, ALT)
    QTest.keyClick(box, Qt.Key.Key_5, ALT)
    assert box.toPlainText() == "Hi"
    QTest.keyClicks(box, "rE!")
    assert box.toPlainText() == "HirE!"


def _bulk(qtbot: QtBot) -> tuple[QWidget, list[QPlainTextEdit]]:
    dialog = BulkSendDialog()
    qtbot.addWidget(dialog)
    return dialog, [dialog.text, dialog.recipients.pasted]


def _templates(qtbot: QtBot) -> tuple[QWidget, list[QPlainTextEdit]]:
    page = TemplatesPage()
    qtbot.addWidget(page)
    return page, [page.text_edit]


def _contact(qtbot: QtBot) -> tuple[QWidget, list[QPlainTextEdit]]:
    editor = ContactEditor()
    qtbot.addWidget(editor)
    return editor, [editor.notes_edit]


@pytest.mark.parametrize("make", [_bulk, _templates, _contact])
def test_the_message_template_and_notes_boxes_keep_alt_letters_out(
    qtbot: QtBot, make: object
) -> None:
    assert callable(make)
    _owner, boxes = make(qtbot)
    for box in boxes:
        box.setPlainText("Hi there.")
        box.moveCursor(box.textCursor().MoveOperation.End)
        QTest.keyClick(box, Qt.Key.Key_R, ALT)
        QTest.keyClick(box, Qt.Key.Key_S, ALT)
        assert box.toPlainText() == "Hi there.", box.accessibleName()


def _line_boxes(qtbot: QtBot) -> tuple[list[QWidget], list[QLineEdit]]:
    editor = ContactEditor()
    qtbot.addWidget(editor)
    new = NewMessageDialog()
    qtbot.addWidget(new)
    return [editor, new], [editor.name_edit, editor.number_edit, new.to_edit]


def test_a_line_box_keeps_alt_letters_out_too(qtbot: QtBot) -> None:
    """Alt+S on a contact's disabled Save typed an "s" after the number; Alt+W on a
    disabled "Write message" a "w" after the number being typed."""
    box = LineBox()
    qtbot.addWidget(box)
    QTest.keyClicks(box, "07400")
    QTest.keyClick(box, Qt.Key.Key_W, ALT)
    QTest.keyClicks(box, " 1")
    assert box.text() == "07400 1"
    owners, edits = _line_boxes(qtbot)
    for edit in edits:
        edit.setText("07400 12")
        QTest.keyClick(edit, Qt.Key.Key_S, ALT)
        QTest.keyClick(edit, Qt.Key.Key_W, ALT)
        assert edit.text() == "07400 12", edit.accessibleName()
    assert len(owners) == 2


def test_the_messages_search_keeps_alt_letters_out(qtbot: QtBot) -> None:
    from hubdesk.ui.messages.conversations.view import SearchField

    field = SearchField()
    qtbot.addWidget(field)
    QTest.keyClicks(field, "ava")
    QTest.keyClick(field, Qt.Key.Key_L, ALT)  # Send later's mnemonic
    assert field.text() == "ava"
