"""core.settings: validation, the store round trip, bad stored values, the env override."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import time
from pathlib import Path

import pytest

from hubdesk.core.settings import (
    AppSettings,
    SettingsError,
    SettingsStore,
    env_poll_override,
    settings_from_values,
)
from hubdesk.store.worker import DbWorker


@pytest.fixture
async def worker(tmp_path: Path) -> AsyncIterator[DbWorker]:
    w = await DbWorker.open(tmp_path / "hubdesk.sqlite3")
    yield w
    await w.close()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"poll_interval": 4}, "at least 5 seconds"),
        ({"send_key": "shift+enter"}, "Send key"),
        ({"theme": "blue"}, "Theme"),
        ({"quiet_hours": (time(7), time(7))}, "different times"),
        ({"default_sender_id": "HAS SPACE"}, "Default sender ID"),
        ({"masked_source": "+15167259623"}, "Masked caller number: not a UK number"),
        ({"backfill_days": -1}, "Backfill days"),
    ],
)
def test_invalid_values_are_refused_with_the_setting_named(
    changes: dict[str, object], message: str
) -> None:
    with pytest.raises(SettingsError, match=message):
        AppSettings().replace(**changes)


def test_defaults() -> None:
    s = AppSettings()
    assert (s.poll_interval, s.notifications, s.quiet_hours, s.send_key, s.theme) == (
        15,
        True,
        None,
        "enter",
        "system",
    )
    assert s.backfill_days == 30 and not s.do_not_disturb and not s.start_at_login


async def test_round_trip_through_the_store(worker: DbWorker) -> None:
    store = SettingsStore(worker, environ={})
    wanted = AppSettings(
        poll_interval=30,
        quiet_hours=(time(22, 0), time(7, 30)),
        send_key="ctrl+enter",
        default_sender_id="SMTEST",
        masked_source="447400123456",
        theme="dark",
        do_not_disturb=True,
    )
    await store.save(wanted)
    again = SettingsStore(worker, environ={})
    assert await again.load() == wanted
    assert again.warnings == []


async def test_bad_stored_values_fall_back_with_a_warning(worker: DbWorker) -> None:
    def poison(db: object) -> None:
        from hubdesk.store.database import Database

        assert isinstance(db, Database)
        db.settings.set("app.poll_interval", 1)
        db.settings.set("app.theme", "neon")
        db.settings.set("app.quiet_hours", ["25:00", "07:00"])
        db.settings.set("app.notifications", False)

    await worker.run(poison)
    store = SettingsStore(worker, environ={})
    loaded = await store.load()
    assert loaded == AppSettings(notifications=False)
    assert len(store.warnings) == 3
    assert any("poll interval" in w for w in store.warnings)


def test_settings_from_values_ignores_unknown_keys() -> None:
    settings, warnings = settings_from_values({"unknown": 1, "backfill_days": 7})
    assert settings.backfill_days == 7 and warnings == []


@pytest.mark.parametrize(
    ("value", "interval", "warned"),
    [("60", 60, False), (" 5 ", 5, False), ("4", 15, True), ("soon", 15, True), ("", 15, False)],
)
def test_env_override(value: str, interval: int, warned: bool) -> None:
    settings, warning = env_poll_override(AppSettings(), {"HUBDESK_POLL_INTERVAL": value})
    assert settings.poll_interval == interval
    assert (warning is not None) == warned


async def test_env_override_is_not_saved(worker: DbWorker) -> None:
    await SettingsStore(worker, environ={}).save(AppSettings(poll_interval=20))
    store = SettingsStore(worker, environ={"HUBDESK_POLL_INTERVAL": "7"})
    assert (await store.load()).poll_interval == 7
    await store.update(theme="light")
    assert (await SettingsStore(worker, environ={}).load()).poll_interval == 20
