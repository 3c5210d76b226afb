"""DialConfirmDialog (offscreen): asks, names, refuses, and cannot be answered by typing
that was meant for something else (Cancel is the default; the buttons ignore input for
the first second); chargeable numbers get a warning."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from hubdesk.ui.calls.dial_confirm import GUARD_MS, DialConfirmDialog
from tests.unit.ui.pagekit import unnamed_controls


def opened(qtbot: QtBot, number: str, guard_ms: int = 0) -> DialConfirmDialog:
    d = DialConfirmDialog(number, guard_ms=guard_ms)
    qtbot.addWidget(d)
    d.open()
    qtbot.waitUntil(lambda: not d.is_guarding(), timeout=guard_ms + 2000)
    return d


def test_asks_with_the_national_form_and_calls_on_a_click(qtbot: QtBot) -> None:
    d = opened(qtbot, "+447400123456")
    assert d.question.text() == "Call 07400 123456?"
    assert d.cancel_button.isDefault() and not d.call_button.isDefault()
    assert d.call_button.isEnabled() and not d.warning.isVisible()
    with qtbot.waitSignal(d.call_requested) as called:
        d.call_button.click()
    assert called.args == ["447400123456"] and not d.isVisible()


def test_return_cancels_never_calls(qtbot: QtBot) -> None:
    d = opened(qtbot, "+447400123456")
    with qtbot.assertNotEmitted(d.call_requested):
        QTest.keyClick(d, Qt.Key.Key_Return)
    assert not d.isVisible()


def test_buttons_ignore_input_for_the_first_second(qtbot: QtBot) -> None:
    assert GUARD_MS == 1000  # the product's second; here three, so that a loaded machine's
    # pause between showing and typing cannot end the guard before the keys arrive
    d = DialConfirmDialog("09065551234", guard_ms=3 * GUARD_MS)
    qtbot.addWidget(d)
    d.open()
    qtbot.waitExposed(d)
    assert d.is_guarding()
    assert not d.call_button.isEnabled() and not d.cancel_button.isEnabled()
    with qtbot.assertNotEmitted(d.call_requested):
        QTest.keyClick(d, Qt.Key.Key_Return)
        QTest.keyClick(d.call_button, Qt.Key.Key_Space)
        d.call_button.click()
        d.accept()
        qtbot.wait(300)
    assert d.isVisible()  # nothing typed while guarding answered it
    qtbot.waitUntil(lambda: d.call_button.isEnabled(), timeout=10_000)
    assert d.cancel_button.isEnabled() and d.cancel_button.hasFocus()


def test_premium_rate_numbers_get_a_warning(qtbot: QtBot) -> None:
    d = opened(qtbot, "tel:09065551234".removeprefix("tel:"))
    assert d.warning.isVisible()
    assert d.warning.text() == (
        "⚠ 0906 555 1234 is a premium-rate number: calls and texts to it can cost several pounds."
    )
    assert d.warning.textFormat() == Qt.TextFormat.PlainText
    personal = opened(qtbot, "07012345678")
    assert "personal number (070)" in personal.warning.text()


def test_the_contact_name_arrives_later_neutralised(qtbot: QtBot) -> None:
    d = opened(qtbot, "07400 123456")
    d.set_name("Mallory \u202etxt.exe\n<b>x</b>")
    assert d.question.text() == "Call Mallory ⟨U+202E⟩txt.exe <b>x</b> (07400 123456)?"
    assert d.question.textFormat() == Qt.TextFormat.PlainText


def test_names_the_contact(qtbot: QtBot) -> None:
    d = DialConfirmDialog("07400 123456", name="<b>Alice</b>")
    qtbot.addWidget(d)
    assert d.question.text() == "Call <b>Alice</b> (07400 123456)?"
    assert d.question.textFormat() == Qt.TextFormat.PlainText


def test_refuses_a_number_it_cannot_call(qtbot: QtBot) -> None:
    d = opened(qtbot, "+1 516 725 9623")
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
    assert d.is_guarding()  # Escape works at once: cancelling is always safe
    assert unnamed_controls(d) == []
    with qtbot.assertNotEmitted(d.call_requested):
        QTest.keyClick(d, Qt.Key.Key_Escape)
    assert not d.isVisible()
