from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLabel, QWidget
from pytestqt.qtbot import QtBot

from hubdesk.domain import SenderId, SenderIdStatus
from hubdesk.ui.messages.compose import OFFLINE_NOTE, ComposePane
from hubdesk.ui.messages.compose_editor import utf16_offsets

IDS = [
    SenderId(1, 1, "HUBWORK", SenderIdStatus.APPROVED),
    SenderId(2, 1, "CLINIC", SenderIdStatus.AWAITING_APPROVAL),
    SenderId(3, 1, "447911123456", SenderIdStatus.APPROVED),
]


@pytest.fixture
def pane(qtbot: QtBot) -> ComposePane:
    widget = ComposePane()
    qtbot.addWidget(widget)
    widget.set_sender_ids(IDS, default="447911123456")
    widget.show()
    return widget


def test_sender_ids(pane: ComposePane) -> None:
    combo = pane.sender_combo
    assert pane.sender_id() == "447911123456"
    assert combo.itemText(1) == "CLINIC (awaiting approval)"
    item = pane._sender_model.item(1)
    assert not item.isEnabled() and pane._sender_model.item(0).isEnabled()
    pane.set_sender_ids(IDS)  # a refreshed list keeps the choice
    assert pane.sender_id() == "447911123456"
    pane.set_sender_ids(IDS, default="HUBWORK")  # ... over the conversation's default
    assert pane.sender_id() == "447911123456"
    pane.set_sender_ids(IDS, keep_current=False)  # another conversation, no preference:
    assert pane.sender_id() is None  # two approved, so the user chooses
    assert combo.currentText() == "" and combo.placeholderText() == "Choose a sender ID"
    pane.set_sender_ids(IDS, default="CLINIC")  # a pending default is no choice either
    assert pane.sender_id() is None
    pane.set_sender_ids(IDS[:2], keep_current=False)  # one approved: that one
    assert pane.sender_id() == "HUBWORK"
    pane.set_sender_ids([IDS[1]])
    assert pane.sender_id() is None
    pane.set_text("hi")
    assert not pane.send_button.isEnabled()


def test_meter_and_gsm_safe_with_undo(pane: ComposePane) -> None:
    pane.set_text("Hello")
    assert pane.meter.full_text() == "5 characters · 1 part · GSM-7"
    assert not pane.gsm_button.isEnabled()
    pane.set_text("It’s “fine”")
    assert pane.meter.full_text().endswith("Unicode")
    assert pane.gsm_button.isEnabled()
    pane.gsm_button.click()
    assert pane.text() == 'It\'s "fine"'
    assert pane.meter.full_text().endswith("GSM-7")
    pane.editor.undo()
    assert pane.text() == "It’s “fine”"
    assert pane.meter.textFormat() == Qt.TextFormat.PlainText


def test_send_keys(pane: ComposePane, qtbot: QtBot) -> None:
    sent: list[tuple[str, str]] = []
    pane.send_requested.connect(lambda s, t: sent.append((s, t)))
    pane.editor.setFocus()
    QTest.keyClicks(pane.editor, "hi")
    QTest.keyClick(pane.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    QTest.keyClicks(pane.editor, "there")
    assert pane.text() == "hi\nthere" and not sent
    QTest.keyClick(pane.editor, Qt.Key.Key_Return)
    assert sent == [("447911123456", "hi\nthere")]
    pane.set_send_key("ctrl+enter")
    QTest.keyClick(pane.editor, Qt.Key.Key_Return)
    assert len(sent) == 1 and pane.text().endswith("\n")
    QTest.keyClick(pane.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert len(sent) == 2


def test_whitespace_only_not_sent(pane: ComposePane) -> None:
    pane.set_text("   \n ")
    assert not pane.send_button.isEnabled()
    with_signal: list[object] = []
    pane.send_requested.connect(lambda *a: with_signal.append(a))
    pane.request_send()
    assert not with_signal


def test_blocked_and_offline(pane: ComposePane) -> None:
    pane.set_text("hello")
    assert pane.send_button.isEnabled()
    pane.set_send_blocked("<b>opted out</b>")
    assert not pane.send_button.isEnabled()
    assert pane.notice.isVisible() and "<b>opted out</b>" in pane.notice.text()
    assert pane.notice.textFormat() == Qt.TextFormat.PlainText
    pane.set_send_blocked(None)
    pane.set_offline(True)
    assert pane.send_button.text() == "Queue" and pane.send_button.isEnabled()
    assert pane.notice.text() == OFFLINE_NOTE
    pane.set_offline(False)
    assert pane.send_button.text() == "Send" and not pane.notice.isVisible()


def test_draft_debounced(pane: ComposePane, qtbot: QtBot) -> None:
    drafts: list[str] = []
    pane.draft_changed.connect(drafts.append)
    QTest.keyClicks(pane.editor, "abc")
    assert drafts == []
    qtbot.waitUntil(lambda: drafts == ["abc"], timeout=10_000)
    pane.set_text("restored")
    QTest.qWait(400)
    assert drafts == ["abc"]
    pane.clear_after_send()
    assert drafts == ["abc", ""] and pane.text() == ""


def test_highlight_offsets_are_utf16() -> None:
    assert utf16_offsets("a😀é’b", [1, 3]) == [(1, 2), (4, 1)]


def test_highlighter_marks_unicode(pane: ComposePane) -> None:
    pane.set_text("ok 😀 “x”")
    QApplication.processEvents()
    block = pane.editor.document().firstBlock()
    ranges = [(r.start, r.length) for r in block.layout().formats()]
    assert (3, 2) in ranges and (6, 1) in ranges


def test_every_control_has_accessible_name(pane: ComposePane) -> None:
    for child in pane.findChildren(QWidget):
        if isinstance(child, QLabel) and child.buddy() is not None:
            continue
        if child.parent() is pane and child.isVisible():
            assert child.accessibleName(), child


@pytest.mark.parametrize("text", ["<b>x</b>", "a\u202eb", "nul\x00", "😀" * 500, "y" * 10_000])
def test_hostile_text(pane: ComposePane, text: str) -> None:
    pane.set_text(text)
    assert pane.text() == text
    assert not pane.grab().isNull()


def test_a_long_message_needs_a_second_send(pane: ComposePane, qtbot: QtBot) -> None:
    sent: list[str] = []
    pane.send_requested.connect(lambda _s, t: sent.append(t))
    long_text = "x" * (153 * 11)  # 11 parts
    pane.set_text(long_text)
    pane.request_send()
    assert sent == [] and pane.notice.isVisible()
    assert "11 parts" in pane.notice.text() and "Send again" in pane.notice.text()
    pane.request_send()
    assert sent == [long_text]
    assert not pane.notice.isVisible()  # answered: the warning goes with the message

    pane.set_text(long_text + "y")  # another text: warned again
    pane.request_send()
    assert len(sent) == 1
    pane.editor.insertPlainText("z")  # editing drops the warning
    assert not pane.notice.isVisible()
    pane.set_text("short")
    pane.request_send()
    assert sent[-1] == "short"


def test_a_chargeable_number_is_flagged_beside_the_sender(pane: ComposePane) -> None:
    from hubdesk.domain.numbers import charge_of
    from tests.unit.ui.pagekit import shown_tooltip

    pane.set_charge(charge_of("09065551234"))
    assert pane.charge_label.isVisible() and pane.charge_label.text() == "⚠ Recipient: Premium rate"
    assert shown_tooltip(pane.charge_label.toolTip()) == (
        "Premium rate number: calls and texts to it can cost several pounds."
    )
    pane.set_offline(True)  # the flag is its own label: notes come and go beside it
    assert pane.charge_label.isVisible() and pane.notice.text() == OFFLINE_NOTE
    pane.set_charge(None)
    assert not pane.charge_label.isVisible() and pane.charge_label.toolTip() == ""


def test_alt_and_a_letter_never_types_the_letter(pane: ComposePane) -> None:
    """Alt+L (Send later) with the button disabled (no sender chosen yet, or nothing
    typed) typed an "l" into the message: "See you at 5" went out as "See you at 5l".
    An Alt+letter the window does not use is ignored by the box."""
    pane.set_sender_ids(IDS, keep_current=False)  # two approved: none chosen yet
    pane.set_text("See you at 5")
    assert not pane.later_button.isEnabled()
    pane.editor.setFocus()
    QTest.keyClick(pane.editor, Qt.Key.Key_L, Qt.KeyboardModifier.AltModifier)
    QTest.keyClick(pane.editor, Qt.Key.Key_5, Qt.KeyboardModifier.AltModifier)
    assert pane.text() == "See you at 5"
    QTest.keyClick(pane.editor, Qt.Key.Key_L)  # without Alt it is a letter as ever
    assert pane.text() == "See you at 5l"
