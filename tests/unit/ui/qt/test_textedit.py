"""Every plain-text box leaves Alt+letter to the mnemonics: with the button it names
disabled, Qt typed the letter into the box ("Hi there.r" after Alt+R on a disabled
"Check recipients" in Bulk send; an "s" in a template after Alt+S on a disabled Save)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QPlainTextEdit, QWidget
from pytestqt.qtbot import QtBot

from hubdesk.ui.bulk.dialog import BulkSendDialog
from hubdesk.ui.contacts.editor import ContactEditor
from hubdesk.ui.qt.textedit import TextBox
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
