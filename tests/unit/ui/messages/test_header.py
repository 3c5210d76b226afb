"""ConversationHeader: name and number, Call/Masked call enabled only for UK numbers."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from hubdesk.ui.messages.header import ConversationHeader


def test_uk_number_can_be_called(qtbot: QtBot) -> None:
    header = ConversationHeader()
    qtbot.addWidget(header)
    header.set_partner("447400123456", "Alice Smith", "07400 123456", True)
    assert header.name_label.text() == "Alice Smith"
    assert header.number_label.text() == "07400 123456"
    assert header.call_button.isEnabled() and header.masked_button.isEnabled()
    with qtbot.waitSignal(header.call_requested) as call:
        header.call_button.click()
    assert call.args == ["447400123456"]
    with qtbot.waitSignal(header.masked_call_requested) as masked:
        header.masked_button.click()
    assert masked.args == ["447400123456"]


def test_non_uk_number_is_disabled_with_the_reason(qtbot: QtBot) -> None:
    header = ConversationHeader()
    qtbot.addWidget(header)
    header.set_partner("15167259623", "+1 516-725-9623", "+1 516-725-9623", False)
    assert not header.call_button.isEnabled() and not header.masked_button.isEnabled()
    assert "not a UK number" in header.call_button.toolTip()
    assert "not a UK number" in header.masked_button.toolTip()
    assert not header.number_label.isVisible()  # the title already is the number


def test_names_are_plain_text_and_clear_resets(qtbot: QtBot) -> None:
    header = ConversationHeader()
    qtbot.addWidget(header)
    header.set_partner("447400123456", "<b>Bob</b>", "07400 123456", True)
    assert header.name_label.textFormat() == Qt.TextFormat.PlainText
    assert header.name_label.text() == "<b>Bob</b>"
    header.clear()
    assert header.partner() is None and not header.call_button.isEnabled()
