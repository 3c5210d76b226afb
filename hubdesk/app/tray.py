"""The application's tray icon: its menu wired to the shell, the unread count on it, and
the note (once per profile) that the desktop has no system tray.

``AppShell`` (``app.shell``) makes the ``TrayIcon`` and calls these once its window,
controller and intents exist; they are imported after the first frame, with the shell.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

if TYPE_CHECKING:
    from hubdesk.store.worker import DbWorker
    from hubdesk.ui.shell.controller import MainController
    from hubdesk.ui.shell.intents import Intents
    from hubdesk.ui.shell.tray import TrayIcon
    from hubdesk.ui.shell.window import MainWindow

__all__ = ["NO_TRAY_KEY", "NO_TRAY_TEXT", "TrayHost", "note_no_tray", "wire_tray"]

NO_TRAY_KEY = "ui.no_tray_noted"
NO_TRAY_TEXT = (
    "No system tray was found, so HubDesk stays in the taskbar: closing the window quits "
    "it. Unread counts are shown in the window title and the conversation list."
)


class TrayHost(Protocol):
    """What the tray's menu asks of the application (``AppShell``)."""

    def show_window(self) -> None: ...
    def new_message(self) -> None: ...
    def quit(self) -> None: ...


def wire_tray(
    tray: TrayIcon,
    host: TrayHost,
    window: MainWindow,
    controller: MainController,
    intents: Intents,
    *,
    dnd: bool,
) -> None:
    """Wire the tray's menu to ``host``, show it with Do not disturb at ``dnd``, put the
    unread count on it (not in the window title), and make closing the window hide it."""
    tray.open_requested.connect(host.show_window)
    tray.new_message_requested.connect(host.new_message)
    tray.dnd_toggled.connect(intents.set_dnd)
    tray.quit_requested.connect(host.quit)
    tray.set_dnd(dnd)
    tray.show()
    window.hide_on_close = True
    controller.unread_in_title = False
    controller.unread_changed.connect(tray.set_unread)


async def note_no_tray(worker: DbWorker, window: MainWindow) -> None:
    """Say once per profile (non-modal) that without a tray the window stays in the
    taskbar."""
    noted = await worker.run(lambda db: db.settings.get_raw(NO_TRAY_KEY))
    if noted:
        return
    await worker.run(lambda db: db.settings.set(NO_TRAY_KEY, True))
    box = QMessageBox(
        QMessageBox.Icon.Information,
        "No system tray",
        NO_TRAY_TEXT,
        QMessageBox.StandardButton.Ok,
        window,
    )
    box.setModal(False)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.show()  # not open(): QDialog.open() is always window-modal and would block
