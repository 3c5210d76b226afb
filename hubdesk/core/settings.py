"""The user's preferences: one frozen ``AppSettings``, validated, kept in the store.

Each field is one key (``app.<field>``) of the store's ``settings`` table. A stored value
that is missing, of the wrong type or invalid (hand-edited, written by an older version)
falls back to the default and produces a warning; loading never fails. Saving validates
first and raises ``SettingsError`` with a sentence naming the field.

``HUBDESK_POLL_INTERVAL`` (seconds, at least 5) overrides the stored poll interval for
this run only; an invalid value is ignored with a warning.

Locked settings: the machine's managed configuration (``core.managed``, its ``[locked]``
table) may fix some settings for everyone on the machine. A locked setting has the
file's value whatever is stored (and whatever ``HUBDESK_POLL_INTERVAL`` says), is never
written to the store, and ``save`` refuses to change it with a sentence naming the file;
``SettingsStore.locked`` lists them for the Settings dialog to show as such.
"""

from __future__ import annotations

import dataclasses
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from hubdesk.core.errors import InvalidInput
from hubdesk.domain.senderids import SenderIdError, validate_sender_id

if TYPE_CHECKING:  # annotations only: the first frame reads settings without the store
    from hubdesk.core.managed import ManagedConfig
    from hubdesk.store.database import Database
    from hubdesk.store.settings import JsonValue, Settings
    from hubdesk.store.worker import DbWorker

__all__ = [
    "ENV_POLL_INTERVAL",
    "MIN_POLL_INTERVAL",
    "AppSettings",
    "SettingsError",
    "SettingsStore",
    "env_poll_override",
    "settings_from_values",
    "stored_values",
    "settings_to_values",
]

log = logging.getLogger(__name__)

ENV_POLL_INTERVAL = "HUBDESK_POLL_INTERVAL"
MIN_POLL_INTERVAL = 5
MAX_BACKFILL_DAYS = 3650
_PREFIX = "app."
SendKey = Literal["enter", "ctrl+enter"]
Theme = Literal["system", "light", "dark"]
_SEND_KEYS = ("enter", "ctrl+enter")
_LABELS = {
    "default_sender_id": "The default sender ID",
    "poll_interval": "The poll interval",
    "notifications": "Showing notifications",
    "start_at_login": "Starting at login",
}
_THEMES = ("system", "light", "dark")


class SettingsError(InvalidInput):
    """A setting value that cannot be used; ``str()`` names the setting and why."""


@dataclass(frozen=True, slots=True)
class AppSettings:
    """Every preference, with its default. Construction validates (``SettingsError``)."""

    poll_interval: int = 15
    notifications: bool = True
    quiet_hours: tuple[time, time] | None = None
    start_minimized: bool = False
    start_at_login: bool = False
    send_key: SendKey = "enter"
    default_sender_id: str | None = None
    masked_source: str | None = None
    theme: Theme = "system"
    backfill_days: int = 30
    do_not_disturb: bool = False
    last_folder: str | None = None  # where the last file dialog was used (ui.qt.filedialogs)

    def __post_init__(self) -> None:
        _check(self)

    def replace(self, **changes: Any) -> AppSettings:
        """A copy with ``changes`` (validated)."""
        return dataclasses.replace(self, **changes)


def _check(s: AppSettings) -> None:
    if isinstance(s.poll_interval, bool) or not isinstance(s.poll_interval, int):
        raise SettingsError("Poll interval must be a whole number of seconds.")
    if s.poll_interval < MIN_POLL_INTERVAL:
        raise SettingsError(f"Poll interval must be at least {MIN_POLL_INTERVAL} seconds.")
    for name in ("notifications", "start_minimized", "start_at_login", "do_not_disturb"):
        if not isinstance(getattr(s, name), bool):
            raise SettingsError(f"{name.replace('_', ' ').capitalize()} must be on or off.")
    if s.quiet_hours is not None:
        if (
            not isinstance(s.quiet_hours, tuple)
            or len(s.quiet_hours) != 2
            or not all(isinstance(t, time) for t in s.quiet_hours)
        ):
            raise SettingsError("Quiet hours must be a start and an end time.")
        if s.quiet_hours[0] == s.quiet_hours[1]:
            raise SettingsError("Quiet hours must start and end at different times.")
    if s.send_key not in _SEND_KEYS:
        raise SettingsError("Send key must be Enter or Ctrl+Enter.")
    if s.theme not in _THEMES:
        raise SettingsError("Theme must be system, light or dark.")
    if s.default_sender_id is not None:
        try:
            validate_sender_id(s.default_sender_id)
        except SenderIdError as exc:
            raise SettingsError(f"Default sender ID: {exc}.") from None
    if s.masked_source is not None:
        from hubdesk.domain.numbers import NumberError, parse_uk_number

        try:
            parse_uk_number(s.masked_source)
        except NumberError as exc:
            raise SettingsError(f"Masked caller number: {exc}.") from None
    if s.last_folder is not None and (not isinstance(s.last_folder, str) or not s.last_folder):
        raise SettingsError("The last folder must be a folder's path.")
    if isinstance(s.backfill_days, bool) or not isinstance(s.backfill_days, int):
        raise SettingsError("Backfill days must be a whole number of days.")
    if not 0 <= s.backfill_days <= MAX_BACKFILL_DAYS:
        raise SettingsError(f"Backfill days must be between 0 and {MAX_BACKFILL_DAYS}.")


def _time_text(moment: time) -> str:
    return moment.strftime("%H:%M")


def _parse_time(value: object) -> time:
    if not isinstance(value, str):
        raise ValueError("not a time")
    return time.fromisoformat(value.strip())


def settings_to_values(settings: AppSettings) -> dict[str, JsonValue]:
    """The JSON value of each field (times as ``HH:MM``)."""
    values: dict[str, JsonValue] = {}
    for f in dataclasses.fields(settings):
        value = getattr(settings, f.name)
        if f.name == "quiet_hours":
            values[f.name] = None if value is None else [_time_text(t) for t in value]
        else:
            values[f.name] = value
    return values


def _decode(name: str, value: JsonValue) -> object:
    if name == "quiet_hours":
        if value is None:
            return None
        if not isinstance(value, list) or len(value) != 2:
            raise ValueError("not a pair of times")
        return (_parse_time(value[0]), _parse_time(value[1]))
    return value


def settings_from_values(values: Mapping[str, JsonValue]) -> tuple[AppSettings, list[str]]:
    """Build settings from stored values; each unusable value is replaced by its default
    and described in the returned warnings."""
    result = AppSettings()
    warnings: list[str] = []
    for f in dataclasses.fields(AppSettings):
        if f.name not in values:
            continue
        try:
            candidate = result.replace(**{f.name: _decode(f.name, values[f.name])})
        except (SettingsError, ValueError, TypeError) as exc:
            warnings.append(f"Ignored the stored {f.name.replace('_', ' ')} setting ({exc}).")
            continue
        result = candidate
    return result, warnings


def env_poll_override(
    settings: AppSettings, environ: Mapping[str, str] | None = None
) -> tuple[AppSettings, str | None]:
    """Apply ``HUBDESK_POLL_INTERVAL``; returns (settings, warning or None)."""
    env = os.environ if environ is None else environ
    raw = env.get(ENV_POLL_INTERVAL)
    if raw is None or not raw.strip():
        return settings, None
    try:
        seconds = int(raw.strip())
    except ValueError:
        return settings, f"Ignored {ENV_POLL_INTERVAL}={raw!r}: not a whole number of seconds."
    if seconds < MIN_POLL_INTERVAL:
        return settings, (
            f"Ignored {ENV_POLL_INTERVAL}={raw!r}: the minimum is {MIN_POLL_INTERVAL} seconds."
        )
    return settings.replace(poll_interval=seconds), None


def stored_values(settings: Settings) -> dict[str, JsonValue]:
    """The app's settings as stored in ``settings`` (names without the ``app.`` prefix),
    for :func:`settings_from_values`."""
    return {
        key[len(_PREFIX) :]: value
        for key, value in settings.all().items()
        if key.startswith(_PREFIX)
    }


def _load(db: Database) -> dict[str, JsonValue]:
    return stored_values(db.settings)


def _save(db: Database, values: Mapping[str, JsonValue]) -> None:
    from hubdesk.store.transactions import transaction

    with transaction(db.conn):
        for name, value in values.items():
            db.settings.set(_PREFIX + name, value)


class SettingsStore:
    """Loads and saves ``AppSettings`` through the DB worker.

    ``warnings`` holds the sentences of the last ``load`` (stored values ignored, an
    invalid environment override); they are also logged.
    """

    def __init__(
        self,
        worker: DbWorker,
        environ: Mapping[str, str] | None = None,
        managed: ManagedConfig | None = None,
    ) -> None:
        self._worker = worker
        self._environ = environ
        self._managed = managed
        self._current = AppSettings()
        self._stored_poll = self._current.poll_interval
        self._env_poll: int | None = None
        self.warnings: list[str] = []

    @property
    def locked(self) -> frozenset[str]:
        """Names of the settings the managed configuration fixes (shown as locked)."""
        return frozenset(self._managed.locked) if self._managed is not None else frozenset()

    @property
    def locked_by(self) -> Path | None:
        """The managed file that locks them (None: nothing is locked)."""
        return self._managed.path if self._managed is not None and self._managed.locked else None

    def is_locked(self, name: str) -> bool:
        return name in self.locked

    @property
    def current(self) -> AppSettings:
        """The settings of the last ``load``/``save`` (defaults before either)."""
        return self._current

    async def load(self) -> AppSettings:
        """Stored settings with the environment override applied (never raises on bad data)."""
        values = await self._worker.run(_load)
        settings, warnings = settings_from_values(values)
        self._stored_poll = settings.poll_interval
        settings, env_warning = env_poll_override(settings, self._environ)
        overridden = settings.poll_interval != self._stored_poll
        self._env_poll = settings.poll_interval if overridden else None
        if env_warning:
            warnings.append(env_warning)
        if self._managed is not None and self._managed.locked:
            if self._env_poll is not None and "poll_interval" in self._managed.locked:
                warnings.append(
                    f"Ignored {ENV_POLL_INTERVAL}: the poll interval is locked by "
                    f"{self._managed.path}."
                )
                self._env_poll = None
            settings = settings.replace(**self._managed.locked)
        for warning in warnings:
            log.warning("%s", warning)
        self.warnings = warnings
        self._current = settings
        return settings

    async def save(self, settings: AppSettings) -> None:
        """Store every field (validated at construction, so always storable) but the
        locked ones; raises ``SettingsError`` when a locked one would change."""
        _check(settings)
        self._refuse_locked(settings)
        values = settings_to_values(settings)
        for name in self.locked:
            values.pop(name, None)
        if self._env_poll is not None and settings.poll_interval == self._env_poll:
            values["poll_interval"] = self._stored_poll  # the override is for this run only
        else:
            self._stored_poll = settings.poll_interval
        await self._worker.run(lambda db: _save(db, values))
        self._current = settings

    def _refuse_locked(self, settings: AppSettings) -> None:
        managed = self._managed
        if managed is None:
            return
        for name, value in managed.locked.items():
            if getattr(settings, name) != value:
                label = _LABELS.get(name, name.replace("_", " ").capitalize())
                raise SettingsError(
                    f"{label} is set for this machine in {managed.path} and cannot be "
                    "changed here; ask whoever manages HubDesk on this machine."
                )

    async def update(self, **changes: Any) -> AppSettings:
        """Validate and store ``changes`` on top of the current settings."""
        settings = self._current.replace(**changes)
        await self.save(settings)
        return settings
