"""Settings (Ctrl+,): the dialog, saving through ``SettingsStore`` and applying each
change at once: theme, send key, poll interval, start at login. Notifications, quiet
hours and do-not-disturb need nothing here: the notification policy reads
``settings.current`` for every decision. The default sender ID and the masked-call
number are read when they are used.
"""

from __future__ import annotations

import asyncio

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication

from hubdesk.core.autostart import Autostart, AutostartUnsupported
from hubdesk.core.errors import describe_error
from hubdesk.core.settings import AppSettings
from hubdesk.ui.qt.async_slots import async_slot
from hubdesk.ui.qt.theme import apply_theme
from hubdesk.ui.settings.dialog import SettingsDialog
from hubdesk.ui.shell.services import Services
from hubdesk.ui.shell.window import MainWindow

__all__ = ["SettingsController"]


class SettingsController(QObject):
    def __init__(
        self, window: MainWindow, services: Services, autostart: Autostart | None = None
    ) -> None:
        super().__init__(window)
        self.window = window
        self.services = services
        self.autostart = autostart or Autostart()
        self.dialog: SettingsDialog | None = None
        window.settings_requested.connect(self.open)

    def open(self) -> SettingsDialog:
        if self.dialog is not None:
            self.dialog.raise_()
            self.dialog.activateWindow()
            return self.dialog
        approved = self.services.sender_ids.approved()
        store = self.services.settings
        dialog = SettingsDialog(store.current, approved, self.window)
        dialog.set_locked(store.locked, store.locked_by)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.settings_accepted.connect(self.save)
        dialog.finished.connect(lambda _r: self._forget(dialog))
        self.dialog = dialog
        dialog.open()
        return dialog

    def _forget(self, dialog: SettingsDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None

    def _on_error(self, exc: Exception) -> None:
        self.window.show_toast(f"Settings not saved: {describe_error(exc)}", error=True)

    def _save_trigger(self) -> QAction:
        return self.window.settings_action

    @async_slot(trigger=_save_trigger, on_error=_on_error)
    async def save(self, chosen: AppSettings) -> None:
        before = self.services.settings.current
        problems: list[str] = []
        if chosen.start_at_login != before.start_at_login:
            try:
                await asyncio.to_thread(self.autostart.set_enabled, chosen.start_at_login)
            except AutostartUnsupported as exc:  # its message is the sentence (macOS)
                problems.append(str(exc))
                chosen = chosen.replace(start_at_login=before.start_at_login)
            except Exception as exc:  # an unwritable autostart file or registry value
                problems.append(describe_error(exc))
                chosen = chosen.replace(start_at_login=before.start_at_login)
        await self.services.settings.save(chosen)
        self.apply(chosen, before)
        if problems:
            self.window.show_toast(" ".join(problems), error=True)
        else:
            self.window.show_toast("Settings saved.")

    def apply(self, now: AppSettings, before: AppSettings | None = None) -> None:
        """Make ``now`` take effect in the running app."""
        if before is None or now.theme != before.theme:
            app = QApplication.instance()
            if isinstance(app, QApplication):
                apply_theme(app, now.theme)
        self.window.messages_page.compose.set_send_key(now.send_key)
        poller = self.services.poller
        if poller is not None and float(now.poll_interval) != poller.interval:
            poller.interval = float(now.poll_interval)
            poller.poke()  # the next wait uses the new interval
