"""The few Windows registry operations HubDesk needs, behind a small interface.

Start at login (``core.autostart``) and the ``tel:``/``sms:`` link registration
(``core.urlhandlers``) only read and write string values under one hive. They take a
:class:`Registry`, so their logic runs on every OS against the in-memory registry of
the tests (``tests/fakes/registry.py``), and against the real one (``winreg``, from
:func:`open_registry`) on Windows.

Keys are backslash paths relative to the hive (``Software\\Classes\\tel``); the value
name ``""`` is a key's default value. Like Windows, key and value names are
case-insensitive.
"""

from __future__ import annotations

import sys
from typing import Literal, Protocol

__all__ = ["Hive", "Registry", "RegistryUnavailable", "command_line", "open_registry"]

Hive = Literal["HKCU", "HKLM"]


class RegistryUnavailable(OSError):
    """There is no Windows registry here (not Windows)."""


class Registry(Protocol):
    """String values under one hive: read, write, delete; keys are made as needed."""

    @property
    def hive(self) -> Hive:
        """``HKCU`` (this user) or ``HKLM`` (every user; writing needs an administrator)."""
        ...

    def get(self, key: str, name: str = "") -> str | None:
        """The string value ``name`` of ``key``; None when the key or value is missing
        or the value is not a string."""
        ...

    def get_bytes(self, key: str, name: str) -> bytes | None:
        """The binary value ``name`` of ``key``; None when missing or not binary."""
        ...

    def set(self, key: str, name: str, value: str) -> None:
        """Write the string value ``name`` of ``key``, creating the key and its parents
        (``OSError``, e.g. ``PermissionError``, when the hive refuses)."""
        ...

    def delete_value(self, key: str, name: str) -> None:
        """Remove a value; nothing happens when it or its key is missing."""
        ...

    def delete_key(self, key: str) -> None:
        """Remove ``key`` with everything under it; nothing happens when it is missing."""
        ...

    def is_empty(self, key: str) -> bool:
        """Whether ``key`` exists with no values and no subkeys (False when missing)."""
        ...

    def subkeys(self, key: str) -> list[str]:
        """The names of ``key``'s subkeys (none when it is missing)."""
        ...


def command_line(program: str, *args: str) -> str:
    """A Windows command line: the program in quotes (a path may hold spaces, never a
    quote), then each argument quoted only where it needs it (``subprocess`` rules)."""
    from subprocess import list2cmdline

    return " ".join([f'"{program}"', *(list2cmdline([a]) for a in args)])


if sys.platform == "win32":  # winreg exists only there (mypy --platform win32 checks this)
    import winreg

    class _WinRegistry:
        """:class:`Registry` over ``winreg``."""

        def __init__(self, hive: Hive) -> None:
            self._hive: Hive = hive
            self._root = winreg.HKEY_CURRENT_USER if hive == "HKCU" else winreg.HKEY_LOCAL_MACHINE

        @property
        def hive(self) -> Hive:
            return self._hive

        def _query(self, key: str, name: str) -> tuple[object, int] | None:
            try:
                with winreg.OpenKey(self._root, key) as handle:
                    value, kind = winreg.QueryValueEx(handle, name)
            except FileNotFoundError:
                return None
            return value, kind

        def get(self, key: str, name: str = "") -> str | None:
            found = self._query(key, name)
            if found is None or found[1] not in (winreg.REG_SZ, winreg.REG_EXPAND_SZ):
                return None
            return str(found[0])

        def get_bytes(self, key: str, name: str) -> bytes | None:
            found = self._query(key, name)
            if found is None or found[1] != winreg.REG_BINARY or not isinstance(found[0], bytes):
                return None
            return found[0]

        def set(self, key: str, name: str, value: str) -> None:
            with winreg.CreateKeyEx(self._root, key, 0, winreg.KEY_SET_VALUE) as handle:
                winreg.SetValueEx(handle, name, 0, winreg.REG_SZ, value)

        def delete_value(self, key: str, name: str) -> None:
            try:
                with winreg.OpenKey(self._root, key, 0, winreg.KEY_SET_VALUE) as handle:
                    winreg.DeleteValue(handle, name)
            except FileNotFoundError:
                pass

        def subkeys(self, key: str) -> list[str]:
            names: list[str] = []
            try:
                with winreg.OpenKey(self._root, key) as handle:
                    while True:
                        try:
                            names.append(winreg.EnumKey(handle, len(names)))
                        except OSError:  # ERROR_NO_MORE_ITEMS
                            return names
            except FileNotFoundError:
                return []

        def delete_key(self, key: str) -> None:
            for child in self.subkeys(key):  # winreg.DeleteKey refuses a key with subkeys
                self.delete_key(f"{key}\\{child}")
            try:
                winreg.DeleteKey(self._root, key)
            except FileNotFoundError:
                pass

        def is_empty(self, key: str) -> bool:
            try:
                with winreg.OpenKey(self._root, key) as handle:
                    subkeys, values, _modified = winreg.QueryInfoKey(handle)
            except FileNotFoundError:
                return False
            return subkeys == 0 and values == 0

    def open_registry(hive: Hive = "HKCU") -> Registry:
        """The real registry's ``HKEY_CURRENT_USER`` or ``HKEY_LOCAL_MACHINE``."""
        return _WinRegistry(hive)

else:

    def open_registry(hive: Hive = "HKCU") -> Registry:
        """``RegistryUnavailable``: the Windows registry exists only on Windows."""
        raise RegistryUnavailable("The Windows registry exists only on Windows.")
