"""An in-memory Windows registry hive for tests of ``hubdesk.core.registry.Registry`` users.

It behaves as ``winreg`` does where HubDesk's code could tell the difference: key and
value names are case-insensitive (and keep the case they were first written with),
writing a value creates the missing parent keys, the default value is the name ``""``,
values are typed (a string, ``str``, is not binary, ``bytes``), deleting what is missing
is not an error, and a hive can refuse writes (``read_only``: ``PermissionError``, as
``HKLM`` does for a user who is not an administrator).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hubdesk.core.registry import Hive, Registry


@dataclass
class _Key:
    name: str
    # lower-cased name -> (name as first written, data)
    values: dict[str, tuple[str, str | bytes]] = field(default_factory=dict)
    keys: dict[str, _Key] = field(default_factory=dict)


class MemoryRegistry:
    """One hive (``HKCU`` unless said) held in memory; see the module docstring."""

    def __init__(self, hive: Hive = "HKCU", *, read_only: bool = False) -> None:
        self._hive: Hive = hive
        self._root = _Key(hive)
        self.read_only = read_only
        self.writes = 0  # successful set/delete calls

    @property
    def hive(self) -> Hive:
        return self._hive

    # -- Registry -------------------------------------------------------------------------

    def get(self, key: str, name: str = "") -> str | None:
        found = self._value(key, name)
        return found if isinstance(found, str) else None

    def get_bytes(self, key: str, name: str) -> bytes | None:
        found = self._value(key, name)
        return found if isinstance(found, bytes) else None

    def set(self, key: str, name: str, value: str) -> None:
        self._write(key, name, value)

    def delete_value(self, key: str, name: str) -> None:
        node = self._find(key)
        if node is not None and name.lower() in node.values:
            self._check_writable()
            del node.values[name.lower()]
            self.writes += 1

    def delete_key(self, key: str) -> None:
        parts = _parts(key)
        parent = self._find("\\".join(parts[:-1])) if len(parts) > 1 else self._root
        if parent is not None and parts and parts[-1].lower() in parent.keys:
            self._check_writable()
            del parent.keys[parts[-1].lower()]
            self.writes += 1

    def is_empty(self, key: str) -> bool:
        node = self._find(key)
        return node is not None and not node.values and not node.keys

    def subkeys(self, key: str) -> list[str]:
        node = self._find(key)
        return [] if node is None else [child.name for child in node.keys.values()]

    # -- for tests ------------------------------------------------------------------------

    def set_bytes(self, key: str, name: str, value: bytes) -> None:
        """Write a binary value (what Windows itself writes, e.g. StartupApproved)."""
        self._write(key, name, value)

    def has_key(self, key: str) -> bool:
        return self._find(key) is not None

    def dump(self) -> dict[str, dict[str, str | bytes]]:
        """Every key that holds values, as ``{path: {value name: data}}``, names as written."""
        out: dict[str, dict[str, str | bytes]] = {}

        def walk(node: _Key, path: str) -> None:
            if node.values:
                out[path] = dict(node.values.values())
            for child in node.keys.values():
                walk(child, f"{path}\\{child.name}" if path else child.name)

        walk(self._root, "")
        return out

    # -- internals ------------------------------------------------------------------------

    def _check_writable(self) -> None:
        if self.read_only:
            raise PermissionError(13, "Access is denied", self._hive)

    def _find(self, key: str) -> _Key | None:
        node = self._root
        for part in _parts(key):
            child = node.keys.get(part.lower())
            if child is None:
                return None
            node = child
        return node

    def _value(self, key: str, name: str) -> str | bytes | None:
        node = self._find(key)
        if node is None or name.lower() not in node.values:
            return None
        return node.values[name.lower()][1]

    def _write(self, key: str, name: str, data: str | bytes) -> None:
        self._check_writable()
        node = self._root
        for part in _parts(key):
            node = node.keys.setdefault(part.lower(), _Key(part))
        node.values[name.lower()] = (name, data)
        self.writes += 1


def _parts(key: str) -> list[str]:
    parts = [p for p in key.split("\\") if p]
    if not parts:
        raise ValueError("a registry key path cannot be empty")
    return parts


class ScratchRegistry:
    """The real registry, with every key moved under one scratch key (``prefix``).

    On Windows, the tests of HubDesk's registry code run against ``winreg`` through
    this, so they prove the in-memory fake right without touching the user's own
    ``Run`` or ``Classes`` keys. :meth:`remove` deletes the scratch key.
    """

    def __init__(self, real: Registry, prefix: str) -> None:
        self._real = real
        self._prefix = prefix

    @property
    def hive(self) -> Hive:
        return self._real.hive

    def _key(self, key: str) -> str:
        return f"{self._prefix}\\{key}"

    def get(self, key: str, name: str = "") -> str | None:
        return self._real.get(self._key(key), name)

    def get_bytes(self, key: str, name: str) -> bytes | None:
        return self._real.get_bytes(self._key(key), name)

    def set(self, key: str, name: str, value: str) -> None:
        self._real.set(self._key(key), name, value)

    def delete_value(self, key: str, name: str) -> None:
        self._real.delete_value(self._key(key), name)

    def delete_key(self, key: str) -> None:
        self._real.delete_key(self._key(key))

    def is_empty(self, key: str) -> bool:
        return self._real.is_empty(self._key(key))

    def subkeys(self, key: str) -> list[str]:
        return self._real.subkeys(self._key(key))

    def remove(self) -> None:
        """Delete the scratch key, and its parent when nothing else is left in it."""
        self._real.delete_key(self._prefix)
        parent = self._prefix.rpartition("\\")[0]
        if parent and self._real.is_empty(parent):
            self._real.delete_key(parent)
