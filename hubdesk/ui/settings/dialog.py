"""Preferences for ``core.settings.AppSettings``.

Values in: the settings and the approved sender ids (constructor, or :meth:`load`).
"OK" builds a new ``AppSettings`` (``current.replace(...)``, so fields this dialog does
not show are kept) and emits ``settings_accepted(AppSettings)``; a value the settings
refuse is shown under the form and the dialog stays open. The masked-call number is
checked as you type; OK is disabled while it (or the quiet hours) cannot be used.
Settings the machine's ``managed.toml`` locks (``set_locked``) are shown disabled, with
the tooltip "Set by your organisation (FILE)".
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import time
from pathlib import Path

from PySide6.QtCore import QTime, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QSpinBox,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from hubdesk.core.settings import MIN_POLL_INTERVAL, AppSettings, SettingsError
from hubdesk.domain.numbers import format_number
from hubdesk.ui.messages.conversations import single_line
from hubdesk.ui.qt.fields import NumberCheck, plain_label, set_tone
from hubdesk.ui.qt.textedit import LineBox

__all__ = ["SettingsDialog"]

NO_DEFAULT = "No default (ask for a new conversation)"
SEND_KEYS = [
    ("enter", "Enter sends, Shift+Enter adds a line"),
    ("ctrl+enter", "Ctrl+Enter sends, Enter adds a line"),
]
THEMES = [("system", "Follow the system"), ("light", "Light"), ("dark", "Dark")]


def _qtime(moment: time) -> QTime:
    return QTime(moment.hour, moment.minute)


def _time(moment: QTime) -> time:
    return time(moment.hour(), moment.minute())


class SettingsDialog(QDialog):
    """HubDesk's preferences.

    Signals:
        settings_accepted(object): "OK" with valid values: the chosen ``AppSettings``.
    """

    settings_accepted = Signal(object)

    def __init__(
        self,
        settings: AppSettings | None = None,
        approved_sender_ids: Iterable[str] = (),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("HubDesk settings")
        self.setAccessibleName("Settings")
        self.setModal(True)
        self._current = settings or AppSettings()
        self._locked: set[str] = set()

        self.poll = QSpinBox(self)
        self.poll.setRange(MIN_POLL_INTERVAL, 3600)
        self.poll.setSuffix(" s")
        self.poll.setMaximumWidth(120)
        self.poll.setAccessibleName("Check for new messages every, in seconds")
        self.poll.setAccessibleDescription(f"At least {MIN_POLL_INTERVAL} seconds")
        self.notifications = QCheckBox("Show a &notification for new messages", self)
        self.notifications.setAccessibleName("Notifications")
        self.quiet = QCheckBox("&Quiet hours: no notifications from", self)
        self.quiet.setAccessibleName("Quiet hours")
        self.quiet_from = QTimeEdit(self)
        self.quiet_from.setDisplayFormat("HH:mm")
        self.quiet_from.setAccessibleName("Quiet hours start")
        self.quiet_to = QTimeEdit(self)
        self.quiet_to.setDisplayFormat("HH:mm")
        self.quiet_to.setAccessibleName("Quiet hours end")
        quiet_row = QHBoxLayout()
        quiet_row.addWidget(self.quiet)
        quiet_row.addWidget(self.quiet_from)
        quiet_row.addWidget(plain_label("to", self))
        quiet_row.addWidget(self.quiet_to)
        quiet_row.addStretch(1)
        self.start_minimized = QCheckBox("Start &minimised to the tray", self)
        self.start_minimized.setAccessibleName("Start minimised")
        self.start_at_login = QCheckBox("Start when I &log in", self)
        self.start_at_login.setAccessibleName("Start at login")
        self.send_key = QComboBox(self)
        self.send_key.setAccessibleName("Send key")
        for value, label in SEND_KEYS:
            self.send_key.addItem(label, value)
        self.sender_combo = QComboBox(self)
        self.sender_combo.setAccessibleName("Default sender ID")
        self.masked = LineBox(self)
        self.masked.setAccessibleName("Number to show on masked calls")
        self.masked.setPlaceholderText("Optional, e.g. 020 7946 0000")
        self.masked_note = plain_label("", self, name="Masked number check", wrap=True)
        self.theme = QComboBox(self)
        self.theme.setAccessibleName("Theme")
        for value, label in THEMES:
            self.theme.addItem(label, value)
        self.error_label = plain_label("", self, name="Settings error", wrap=True)
        self.error_label.hide()

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setAccessibleName("Save settings")
        self.ok_button.setDefault(True)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setAccessibleName("Cancel")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        form = QFormLayout()
        form.addRow("&Check every:", self.poll)
        form.addRow("", self.notifications)
        form.addRow("", quiet_row)
        form.addRow("", self.start_minimized)
        form.addRow("", self.start_at_login)
        form.addRow("Send &key:", self.send_key)
        form.addRow("Default &sender ID:", self.sender_combo)
        form.addRow("Masked calls sho&w:", self.masked)
        form.addRow("", self.masked_note)
        form.addRow("&Theme:", self.theme)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(480)

        self.masked_check = NumberCheck(
            self.masked,
            self.masked_note,
            uk_only=True,
            optional=True,
            empty_hint="Your own number is shown unless you set one here.",
        )
        order = [
            self.poll,
            self.notifications,
            self.quiet,
            self.quiet_from,
            self.quiet_to,
            self.start_minimized,
            self.start_at_login,
            self.send_key,
            self.sender_combo,
            self.masked,
            self.theme,
        ]
        for first, second in zip(order, order[1:], strict=False):
            self.setTabOrder(first, second)
        self.masked_check.changed.connect(self._update)
        self.notifications.toggled.connect(self._update)
        self.quiet.toggled.connect(self._update)
        self.quiet_from.timeChanged.connect(self._update)
        self.quiet_to.timeChanged.connect(self._update)
        self.load(self._current, approved_sender_ids)

    # --- methods in ---------------------------------------------------------------
    def load(self, settings: AppSettings, approved_sender_ids: Iterable[str] = ()) -> None:
        self._current = settings
        self.poll.setValue(settings.poll_interval)
        self.notifications.setChecked(settings.notifications)
        self.quiet.setChecked(settings.quiet_hours is not None)
        start, end = settings.quiet_hours or (time(19, 0), time(8, 0))
        self.quiet_from.setTime(_qtime(start))
        self.quiet_to.setTime(_qtime(end))
        self.start_minimized.setChecked(settings.start_minimized)
        self.start_at_login.setChecked(settings.start_at_login)
        self.send_key.setCurrentIndex(max(0, self.send_key.findData(settings.send_key)))
        self.sender_combo.clear()
        self.sender_combo.addItem(NO_DEFAULT, None)
        ids = list(dict.fromkeys(approved_sender_ids))
        for sid in ids:
            self.sender_combo.addItem(single_line(sid, 60), sid)
        default = settings.default_sender_id
        if default is not None and default not in ids:
            self.sender_combo.addItem(f"{single_line(default, 60)} (not approved)", default)
        self.sender_combo.setCurrentIndex(
            max(0, self.sender_combo.findData(default)) if default else 0
        )
        self.masked.setText(format_number(settings.masked_source) if settings.masked_source else "")
        self.theme.setCurrentIndex(max(0, self.theme.findData(settings.theme)))
        self._update()

    def set_locked(self, names: Iterable[str], path: Path | None) -> None:
        """Show the settings ``names`` as set by the organisation in ``path``: their
        controls disabled, a tooltip saying by whom."""
        controls: dict[str, QWidget] = {
            "poll_interval": self.poll,
            "notifications": self.notifications,
            "start_at_login": self.start_at_login,
            "default_sender_id": self.sender_combo,
        }
        tip = f"Set by your organisation ({path})" if path is not None else ""
        for name in names:
            control = controls.get(name)
            if control is not None:
                control.setEnabled(False)
                control.setToolTip(tip)
                control.setAccessibleDescription(tip)
                self._locked.add(name)

    def locked(self) -> frozenset[str]:
        """The settings shown as locked."""
        return frozenset(self._locked)

    # --- values out ---------------------------------------------------------------
    def problem(self) -> str | None:
        if not self.masked_check.valid:
            return self.masked_check.reason
        if self.quiet.isChecked() and self.quiet_from.time() == self.quiet_to.time():
            return "Quiet hours must start and end at different times."
        return None

    def settings(self) -> AppSettings:
        """The settings as shown (raises ``SettingsError`` when a value is refused)."""
        masked = self.masked_check.number
        quiet = (
            (_time(self.quiet_from.time()), _time(self.quiet_to.time()))
            if self.quiet.isChecked()
            else None
        )
        return self._current.replace(
            poll_interval=self.poll.value(),
            notifications=self.notifications.isChecked(),
            quiet_hours=quiet,
            start_minimized=self.start_minimized.isChecked(),
            start_at_login=self.start_at_login.isChecked(),
            send_key=self.send_key.currentData(),
            default_sender_id=self.sender_combo.currentData(),
            masked_source=None if masked is None else masked.digits,
            theme=self.theme.currentData(),
        )

    # --- actions ------------------------------------------------------------------
    def accept(self) -> None:
        if self.problem() is not None:
            return
        try:
            chosen = self.settings()
        except SettingsError as exc:
            self._error(str(exc))
            return
        super().accept()
        self.settings_accepted.emit(chosen)

    def _update(self, *_: object) -> None:
        quiet_on = self.quiet.isChecked() and self.notifications.isChecked()
        self.quiet.setEnabled(self.notifications.isChecked())
        self.quiet_from.setEnabled(quiet_on)
        self.quiet_to.setEnabled(quiet_on)
        problem = self.problem()
        self.ok_button.setEnabled(problem is None)
        if problem is not None and problem != self.masked_check.reason:
            self._error(problem)
        else:
            self.error_label.hide()

    def _error(self, message: str) -> None:
        self.error_label.setText(message)
        set_tone(self.error_label, "error")
        self.error_label.show()
