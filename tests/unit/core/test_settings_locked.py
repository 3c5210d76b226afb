"""core.settings with the managed file's [locked] table: locked settings have the file's
value, cannot be changed, are listed for the Settings dialog, and are never stored."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from hubdesk.core.managed import ENV_MANAGED_CONFIG, load_managed
from hubdesk.core.settings import ENV_POLL_INTERVAL, SettingsError, SettingsStore
from hubdesk.store.worker import DbWorker


@pytest.fixture
async def worker(tmp_path: Path) -> AsyncIterator[DbWorker]:
    w = await DbWorker.open(tmp_path / "hubdesk.sqlite3")
    yield w
    await w.close()


@pytest.fixture
def managed_file(tmp_path: Path) -> Path:
    path = tmp_path / "managed.toml"
    path.write_text(
        "[locked]\ndefault_sender_id = 'ACME'\npoll_interval = 60\nnotifications = true\n",
        encoding="utf-8",
    )
    return path


async def test_locked_settings_win_and_cannot_be_changed(
    worker: DbWorker, managed_file: Path
) -> None:
    free = SettingsStore(worker, environ={})
    await free.update(poll_interval=20, notifications=False, theme="dark")
    managed = load_managed({ENV_MANAGED_CONFIG: str(managed_file)})
    store = SettingsStore(worker, environ={ENV_POLL_INTERVAL: "7"}, managed=managed)
    settings = await store.load()
    assert (settings.poll_interval, settings.notifications, settings.default_sender_id) == (
        60,
        True,
        "ACME",
    )
    assert settings.theme == "dark"  # not locked: the user's
    assert any(ENV_POLL_INTERVAL in w and "locked" in w for w in store.warnings)
    assert store.locked == {"default_sender_id", "poll_interval", "notifications"}
    assert store.is_locked("poll_interval") and not store.is_locked("theme")
    assert store.locked_by == managed_file
    with pytest.raises(SettingsError) as caught:
        await store.update(poll_interval=30)
    assert str(caught.value) == (
        f"The poll interval is set for this machine in {managed_file} and cannot be changed "
        "here; ask whoever manages HubDesk on this machine."
    )
    with pytest.raises(SettingsError, match="The default sender ID is set"):
        await store.update(default_sender_id="OTHER")
    # Other settings save as ever; the locked values are not written to the profile.
    await store.update(theme="light")
    assert (await free.load()).poll_interval == 20
    assert (await free.load()).notifications is False
    assert (await free.load()).theme == "light"
