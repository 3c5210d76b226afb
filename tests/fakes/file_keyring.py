"""A keyring backend that keeps its secrets in a JSON file (for subprocess tests).

Subprocesses select it with::

    PYTHON_KEYRING_BACKEND=file_keyring.FileKeyring   (with tests/fakes on PYTHONPATH)
    HUBDESK_TEST_KEYRING_FILE=/tmp/.../keyring.json

It behaves like a real backend: values survive between processes, deleting a missing
entry raises ``PasswordDeleteError``, and writes are atomic (write + rename). Without
``HUBDESK_TEST_KEYRING_FILE`` the backend refuses to load, as an unusable backend would.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from keyring.backend import KeyringBackend
from keyring.compat import properties
from keyring.errors import PasswordDeleteError

ENV_VAR = "HUBDESK_TEST_KEYRING_FILE"


def _path() -> Path:
    value = os.environ.get(ENV_VAR)
    if not value:
        raise RuntimeError(f"{ENV_VAR} is not set")
    return Path(value)


def read_entries(path: Path) -> dict[str, dict[str, str]]:
    """The file's contents: {service: {username: secret}} (empty when absent)."""
    if not path.exists():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise RuntimeError(f"{path} does not hold a keyring")
    return {str(k): {str(u): str(p) for u, p in v.items()} for k, v in data.items()}


def _write(path: Path, entries: dict[str, dict[str, str]]) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(entries, indent=1, sort_keys=True), encoding="utf-8")
    os.replace(tmp, path)


class FileKeyring(KeyringBackend):
    """Stores {service: {username: password}} in the JSON file named by the env var."""

    @properties.classproperty
    def priority(cls) -> float:
        _path()  # raises RuntimeError (= not viable) without the env var
        return 1.0

    def get_password(self, service: str, username: str) -> str | None:
        return read_entries(_path()).get(service, {}).get(username)

    def set_password(self, service: str, username: str, password: str) -> None:
        path = _path()
        entries = read_entries(path)
        entries.setdefault(service, {})[username] = password
        _write(path, entries)

    def delete_password(self, service: str, username: str) -> None:
        path = _path()
        entries = read_entries(path)
        if username not in entries.get(service, {}):
            raise PasswordDeleteError(f"no password for {username!r} in {service!r}")
        del entries[service][username]
        if not entries[service]:
            del entries[service]
        _write(path, entries)
