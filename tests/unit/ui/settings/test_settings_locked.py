"""Settings locked by the machine's ``managed.toml`` show as locked in the Settings
dialog: disabled, with the tooltip "Set by your organisation (FILE)"; the others stay
editable and still save."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from hubdesk.core.managed import ENV_MANAGED_CONFIG
from tests.unit.ui.appkit import Driver, in_loop, shell_driver  # noqa: F401

pytestmark = pytest.mark.sim_config(delivery_delay=0.3)


@pytest.fixture(autouse=True)
def managed_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "managed.toml"
    path.write_text("[locked]\npoll_interval = 45\nnotifications = true\n")
    path.chmod(0o644)
    monkeypatch.setenv(ENV_MANAGED_CONFIG, str(path))
    return path


@in_loop
async def test_locked_settings_are_disabled_and_say_who_set_them(driver: Driver) -> None:
    path = os.environ[ENV_MANAGED_CONFIG]
    assert driver.runtime.settings.current.poll_interval == 45  # the machine's value
    dialog = driver.intents.preferences.open()
    tip = f"Set by your organisation ({path})"
    assert dialog.locked() == {"poll_interval", "notifications"}
    for control in (dialog.poll, dialog.notifications):
        assert not control.isEnabled() and control.toolTip() == tip
    assert dialog.poll.value() == 45
    assert dialog.theme.isEnabled() and dialog.start_at_login.isEnabled()
    assert dialog.sender_combo.isEnabled()
    dialog.send_key.setCurrentIndex(dialog.send_key.findData("ctrl+enter"))
    dialog.ok_button.click()
    await driver.until(
        lambda: driver.runtime.settings.current.send_key == "ctrl+enter", what="saved"
    )
    assert driver.runtime.settings.current.poll_interval == 45
