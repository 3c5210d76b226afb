"""SettingsDialog (offscreen)."""

from __future__ import annotations

from datetime import time

import pytest
from PySide6.QtCore import Qt, QTime
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from hubdesk.core.settings import AppSettings
from hubdesk.ui.settings.dialog import NO_DEFAULT, SettingsDialog
from tests.unit.ui.pagekit import tab_sequence, unnamed_controls

STORED = AppSettings(
    poll_interval=30,
    notifications=True,
    quiet_hours=(time(20, 0), time(7, 30)),
    start_minimized=True,
    send_key="ctrl+enter",
    default_sender_id="HUBWORK",
    masked_source="442079460000",
    theme="dark",
    backfill_days=90,
    do_not_disturb=True,
)


@pytest.fixture
def dialog(qtbot: QtBot) -> SettingsDialog:
    d = SettingsDialog(STORED, ["HUBWORK", "CLINIC"])
    qtbot.addWidget(d)
    d.open()
    return d


def test_shows_the_stored_settings(dialog: SettingsDialog) -> None:
    assert dialog.poll.value() == 30 and dialog.poll.minimum() == 5
    assert dialog.quiet.isChecked()
    assert dialog.quiet_from.time() == QTime(20, 0)
    assert dialog.quiet_to.time() == QTime(7, 30)
    assert dialog.start_minimized.isChecked() and not dialog.start_at_login.isChecked()
    assert dialog.send_key.currentData() == "ctrl+enter"
    assert dialog.sender_combo.currentData() == "HUBWORK"
    assert dialog.masked.text() == "020 7946 0000"
    assert dialog.theme.currentData() == "dark"


def test_unchanged_ok_returns_equal_settings(dialog: SettingsDialog, qtbot: QtBot) -> None:
    with qtbot.waitSignal(dialog.settings_accepted) as accepted:
        dialog.ok_button.click()
    assert accepted.args == [STORED]  # backfill_days and do_not_disturb kept
    assert not dialog.isVisible()


def test_edits_come_back_as_app_settings(dialog: SettingsDialog, qtbot: QtBot) -> None:
    dialog.poll.setValue(3)  # clamped to the minimum
    dialog.quiet.setChecked(False)
    dialog.start_at_login.setChecked(True)
    dialog.send_key.setCurrentIndex(dialog.send_key.findData("enter"))
    dialog.sender_combo.setCurrentIndex(dialog.sender_combo.findText(NO_DEFAULT))
    dialog.masked.setText("")
    dialog.theme.setCurrentIndex(dialog.theme.findData("light"))
    with qtbot.waitSignal(dialog.settings_accepted) as accepted:
        QTest.keyClick(dialog, Qt.Key.Key_Return)
    got: AppSettings = accepted.args[0]
    assert got == STORED.replace(
        poll_interval=5,
        quiet_hours=None,
        start_at_login=True,
        send_key="enter",
        default_sender_id=None,
        masked_source=None,
        theme="light",
    )


def test_masked_number_is_checked_as_you_type(dialog: SettingsDialog, qtbot: QtBot) -> None:
    dialog.masked.setText("020 7946 000")
    assert dialog.masked_note.text() == "Not a valid UK number: too short."
    assert not dialog.ok_button.isEnabled()
    dialog.masked.setText("+1 516 725 9623")
    assert dialog.masked_note.text() == "Not a UK number (+1)."
    with qtbot.assertNotEmitted(dialog.settings_accepted):
        dialog.accept()
    dialog.masked.setText("07400 123456")
    assert dialog.ok_button.isEnabled()
    assert dialog.settings().masked_source == "447400123456"


def test_quiet_hours_must_differ(dialog: SettingsDialog) -> None:
    dialog.quiet_to.setTime(QTime(20, 0))
    assert not dialog.ok_button.isEnabled()
    assert dialog.error_label.text() == "Quiet hours must start and end at different times."
    dialog.quiet.setChecked(False)
    assert dialog.ok_button.isEnabled() and dialog.error_label.isHidden()


def test_quiet_hours_follow_notifications(dialog: SettingsDialog) -> None:
    dialog.notifications.setChecked(False)
    assert not dialog.quiet.isEnabled() and not dialog.quiet_from.isEnabled()


def test_unapproved_default_stays_visible(qtbot: QtBot) -> None:
    d = SettingsDialog(AppSettings(default_sender_id="OLDID"), ["HUBWORK"])
    qtbot.addWidget(d)
    assert d.sender_combo.currentText() == "OLDID (not approved)"
    assert d.settings().default_sender_id == "OLDID"


def test_escape_cancels(dialog: SettingsDialog, qtbot: QtBot) -> None:
    with qtbot.assertNotEmitted(dialog.settings_accepted):
        QTest.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def test_keyboard_and_names(dialog: SettingsDialog) -> None:
    assert unnamed_controls(dialog) == []
    assert tab_sequence(dialog.poll, 4) == [
        dialog.notifications,
        dialog.quiet,
        dialog.quiet_from,
        dialog.quiet_to,
    ]
