"""DefaultSenderPrompt: a dumb, non-modal question; one answer per showing."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from hubdesk.ui.senders.default_prompt import DefaultSenderPrompt


def test_use_emits_the_pick_and_closing_or_esc_skips_once(qtbot: QtBot) -> None:
    prompt = DefaultSenderPrompt(["ACME", "ACME", "447520602706"])
    qtbot.addWidget(prompt)
    assert prompt.combo.count() == 2 and not prompt.isModal()
    prompt.show()
    prompt.combo.setCurrentIndex(1)
    with qtbot.waitSignal(prompt.chosen) as chosen, qtbot.assertNotEmitted(prompt.skipped):
        prompt.use_button.click()
        prompt.close()
    assert chosen.args == ["447520602706"]

    again = DefaultSenderPrompt(["ACME", "B"])
    qtbot.addWidget(again)
    again.show()
    skips: list[bool] = []
    again.skipped.connect(lambda: skips.append(True))
    QTest.keyClick(again, Qt.Key.Key_Escape)
    again.close()
    assert skips == [True]


def test_sender_ids_are_plain_text_on_one_line(qtbot: QtBot) -> None:
    prompt = DefaultSenderPrompt(["<b>X</b>\nY"])
    qtbot.addWidget(prompt)
    assert "\n" not in prompt.combo.itemText(0) and "<b>" in prompt.combo.itemText(0)
    assert prompt.combo.itemData(0) == "<b>X</b>\nY"
