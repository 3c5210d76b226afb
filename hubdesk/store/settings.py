"""Application settings: key -> JSON value, read back with the type the caller expects."""

from __future__ import annotations

import json
import sqlite3
from typing import TypeAlias, TypeVar

from hubdesk.store.transactions import transaction

JsonValue: TypeAlias = None | bool | int | float | str | list["JsonValue"] | dict[str, "JsonValue"]

T = TypeVar("T", bool, int, float, str, list[JsonValue], dict[str, JsonValue])


def _fits(value: JsonValue, default: object) -> bool:
    if isinstance(default, bool) or isinstance(value, bool):
        return isinstance(value, bool) and isinstance(default, bool)
    if isinstance(default, float):
        return isinstance(value, int | float)
    return isinstance(value, type(default))


class Settings:
    """Repository over ``settings``."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def get_raw(self, key: str) -> JsonValue:
        """The stored JSON value, or None when unset (or unreadable)."""
        row = self._conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        if row is None:
            return None
        try:
            value: JsonValue = json.loads(row[0])
        except ValueError:
            return None
        return value

    def get(self, key: str, default: T) -> T:
        """The stored value if it has ``default``'s type (an int is accepted for a float),
        else ``default``: a hand-edited or outdated value never crashes the caller."""
        value = self.get_raw(key)
        if value is None or not _fits(value, default):
            return default
        if isinstance(default, float):
            return float(value)  # type: ignore[arg-type,return-value]
        return value  # type: ignore[return-value]

    def set(self, key: str, value: JsonValue) -> None:
        text = json.dumps(value, ensure_ascii=False, allow_nan=False, sort_keys=True)
        with transaction(self._conn):
            self._conn.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, text),
            )

    def delete(self, key: str) -> bool:
        with transaction(self._conn):
            cur = self._conn.execute("DELETE FROM settings WHERE key = ?", (key,))
        return cur.rowcount > 0

    def all(self) -> dict[str, JsonValue]:
        result: dict[str, JsonValue] = {}
        for key, _text in self._conn.execute("SELECT key, value FROM settings ORDER BY key"):
            result[key] = self.get_raw(key)
        return result
