"""Settings dialog -> SettingsStore, applied to the running app at once."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication

from hubdesk.core.autostart import Autostart
from hubdesk.ui.qt.theme import apply_theme
from tests.fakes.registry import MemoryRegistry
from tests.unit.ui.appkit import Driver, in_loop, shell_driver, signed_in  # noqa: F401

pytestmark = pytest.mark.sim_config(delivery_delay=0.3)


def window_lightness() -> int:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    return app.palette().color(QPalette.ColorRole.Window).lightness()


@in_loop
async def test_theme_send_key_and_poll_interval_apply_live(driver: Driver) -> None:
    await signed_in(driver)
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    apply_theme(app, "light")
    try:
        driver.window.settings_action.trigger()
        dialog = driver.intents.preferences.dialog
        assert dialog is not None and dialog.isVisible()
        assert window_lightness() > 128
        dialog.theme.setCurrentIndex(dialog.theme.findData("dark"))
        dialog.send_key.setCurrentIndex(dialog.send_key.findData("ctrl+enter"))
        dialog.poll.setValue(40)
        dialog.ok_button.click()
        await driver.until(lambda: driver.runtime.settings.current.theme == "dark", what="saved")
        await driver.until(lambda: window_lightness() < 128, what="dark palette")
        assert driver.page.compose.editor.send_key == "ctrl+enter"
        poller = driver.runtime.poller
        assert poller is not None and poller.interval == 40.0
        stored = await driver.runtime.settings.load()  # really in the store
        assert (stored.theme, stored.send_key, stored.poll_interval) == ("dark", "ctrl+enter", 40)
        assert "Settings saved" in driver.window.toast.text()
    finally:
        apply_theme(app, "light")


@in_loop
async def test_start_at_login_writes_the_autostart_entry_or_says_why_not(driver: Driver) -> None:
    home = driver.shell.home
    prefs = driver.intents.preferences
    prefs.autostart = Autostart("linux", {"XDG_CONFIG_HOME": str(home)}, ["/opt/hubdesk"])
    dialog = prefs.open()
    dialog.start_at_login.setChecked(True)
    dialog.ok_button.click()
    entry = home / "autostart" / "hubdesk.desktop"
    await driver.until(entry.exists, what="autostart entry")
    assert "Exec=/opt/hubdesk --minimized" in entry.read_text(encoding="utf-8")
    await driver.until(lambda: driver.runtime.settings.current.start_at_login, what="saved")

    registry = MemoryRegistry()  # Windows, where policy then locks the Run key
    prefs.autostart = Autostart("win32", command=["C:\\HubDesk\\hubdesk.exe"], registry=registry)
    prefs.autostart.set_enabled(True)
    registry.read_only = True
    dialog = prefs.open()
    dialog.start_at_login.setChecked(False)
    dialog.ok_button.click()
    await driver.until(lambda: "Windows did not" in driver.window.toast.text(), what="sentence")
    assert "start-at-login entry" in driver.window.toast.text()
    assert driver.runtime.settings.current.start_at_login  # unchanged: it could not be undone
