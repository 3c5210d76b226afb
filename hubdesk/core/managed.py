"""The machine's managed configuration: ``managed.toml``, written once per machine by
whoever installs HubDesk, so staff sign in with a username and password only.

Where (the first that applies):

* ``HUBDESK_MANAGED_CONFIG=PATH`` (a file that must exist);
* Linux and other Unix: ``hubdesk/managed.toml`` in the first folder of
  ``$XDG_CONFIG_DIRS`` (default ``/etc/xdg``) that holds one;
* Windows: ``%ProgramData%\\HubDesk\\managed.toml``;
* macOS: ``/Library/Application Support/HubDesk/managed.toml``.

What (TOML; every key optional, ``client_id`` and ``client_secret`` together)::

    base_url = "https://smsapi.thehubwork.com/api"
    client_id = "hubdesk-acme"
    client_secret = "..."

    [locked]                      # settings staff cannot change on this machine
    default_sender_id = "ACME"
    poll_interval = 30            # seconds, at least 5
    notifications = true
    start_at_login = true

A file that cannot be used is a ``ManagedConfigError`` naming the file, the key and,
when known, the line; nothing of it is used then. Reading it is only ever needed to talk
to the server or to change settings: cached history is read without it. The client
secret is kept out of ``repr`` and never copied anywhere (not to the keyring, not to the
profile): a session signed in with it reads it from here again (``core.session``).

On POSIX a file that every user may write is refused, and so is one in a folder every
user may write without the sticky bit (they could replace it): anyone could point
``base_url`` at their own server and collect the staff's passwords.
"""

from __future__ import annotations

import os
import re
import stat
import sys
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from hubdesk.core.errors import CoreError

__all__ = [
    "ENV_MANAGED_CONFIG",
    "LOCKABLE",
    "MANAGED_FILE",
    "MAX_MANAGED_BYTES",
    "ManagedConfig",
    "ManagedConfigError",
    "load_managed",
    "managed_config_path",
    "parse_managed",
]

ENV_MANAGED_CONFIG = "HUBDESK_MANAGED_CONFIG"
MANAGED_FILE = "managed.toml"
MAX_MANAGED_BYTES = 64 * 1024  # a real file is a few hundred bytes; read at every start
#: Settings the ``[locked]`` table may hold: name -> (Python type, what it must be).
LOCKABLE: Mapping[str, tuple[type, str]] = {
    "default_sender_id": (str, "a sender ID (text)"),
    "poll_interval": (int, "a whole number of seconds, at least 5"),
    "notifications": (bool, "true or false"),
    "start_at_login": (bool, "true or false"),
}
_TOP_LEVEL = ("base_url", "client_id", "client_secret", "locked")


class ManagedConfigError(CoreError):
    """``managed.toml`` cannot be used; ``str()`` names the file, the key and the line."""

    def __init__(
        self, path: Path, problem: str, key: str | None = None, line: int | None = None
    ) -> None:
        where = f"'{key}'" if key else ""
        if line is not None:
            where = f"{where} (line {line})" if where else f"line {line}"
        detail = f"{where}: {problem}" if where else problem
        super().__init__(f"The managed configuration {path} cannot be used: {detail}")
        self.path = path
        self.key = key
        self.line = line


@dataclass(frozen=True)
class ManagedConfig:
    """What the machine's ``managed.toml`` sets. ``locked`` maps setting names (see
    ``LOCKABLE``) to their validated values."""

    path: Path
    base_url: str | None = None
    client_id: str | None = None
    client_secret: str | None = field(default=None, repr=False)
    locked: Mapping[str, object] = field(default_factory=dict)

    @property
    def has_client(self) -> bool:
        """Whether it provides the client ID and secret (they come together)."""
        return self.client_id is not None and self.client_secret is not None


def _system_files(environ: Mapping[str, str], platform: str) -> list[Path]:
    if platform == "win32":
        base = environ.get("ProgramData") or environ.get("ALLUSERSPROFILE") or r"C:\ProgramData"
        return [Path(base) / "HubDesk" / MANAGED_FILE]
    if platform == "darwin":
        return [Path("/Library/Application Support/HubDesk") / MANAGED_FILE]
    folders = environ.get("XDG_CONFIG_DIRS", "").strip() or "/etc/xdg"
    return [
        Path(folder) / "hubdesk" / MANAGED_FILE
        for folder in folders.split(":")
        if folder and os.path.isabs(folder)  # relative entries are ignored (XDG spec)
    ]


def managed_config_path(
    environ: Mapping[str, str] | None = None, platform: str | None = None
) -> Path | None:
    """The managed file to read, or None when this machine has none.

    ``HUBDESK_MANAGED_CONFIG`` names it (and then it must exist); else the first existing
    one of the OS's system config places. Raises ``ManagedConfigError`` for a named file
    that does not exist.
    """
    env = os.environ if environ is None else environ
    named = env.get(ENV_MANAGED_CONFIG, "").strip()
    if named:
        path = Path(named).expanduser()
        if not path.is_file():
            raise ManagedConfigError(
                path, f"it does not exist or is not a file ({ENV_MANAGED_CONFIG} names it)"
            )
        return path
    for candidate in _system_files(env, platform or sys.platform):
        if candidate.is_file():
            return candidate
    return None


def load_managed(
    environ: Mapping[str, str] | None = None, platform: str | None = None
) -> ManagedConfig | None:
    """Read and check the machine's managed file (None when there is none)."""
    path = managed_config_path(environ, platform)
    if path is None:
        return None
    try:
        if os.name == "posix" and path.stat().st_mode & stat.S_IWOTH:
            raise ManagedConfigError(
                path,
                "every user of this machine may change it (anyone could redirect sign-ins "
                "to another server); make it writable by administrators only (chmod o-w)",
            )
        folder = path.resolve().parent
        if os.name == "posix" and _open_to_all(folder.stat().st_mode):
            raise ManagedConfigError(
                path,
                f"its folder {folder} lets every user of this machine replace it (anyone "
                "could redirect sign-ins to another server); make the folder writable by "
                "administrators only (chmod o-w)",
            )
        with path.open("rb") as file:
            raw = file.read(MAX_MANAGED_BYTES + 1)
        if len(raw) > MAX_MANAGED_BYTES:
            raise ManagedConfigError(
                path,
                f"it is larger than any managed file should be (over "
                f"{MAX_MANAGED_BYTES // 1024} KB); it holds a few settings",
            )
    except OSError as exc:
        raise ManagedConfigError(path, f"it cannot be read ({exc.strerror or exc})") from None
    try:
        text = raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:
        raise ManagedConfigError(path, "it is not UTF-8 text") from None
    return parse_managed(text, path)


def _open_to_all(mode: int) -> bool:
    """A folder every user may write and whose files others may delete (no sticky bit)."""
    return bool(mode & stat.S_IWOTH) and not mode & stat.S_ISVTX


def parse_managed(text: str, path: Path) -> ManagedConfig:
    """Check ``text`` (the file's content) and build the config; ``ManagedConfigError``
    says what is wrong, never showing a value (the secret stays out of messages)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ManagedConfigError(path, f"it is not valid TOML ({exc})") from None
    for key in data:
        if key not in _TOP_LEVEL:
            raise ManagedConfigError(
                path,
                f"unknown key (expected {', '.join(_TOP_LEVEL)})",
                key,
                _line_of(text, key),
            )
    base_url = _text(data, "base_url", text, path)
    if base_url is not None:
        from hubdesk.api import InsecureUrl
        from hubdesk.api.urls import validate_base_url

        try:
            base_url = validate_base_url(base_url)
        except InsecureUrl as exc:
            line = _line_of(text, "base_url")
            raise ManagedConfigError(path, str(exc), "base_url", line) from None
    client_id = _text(data, "client_id", text, path)
    client_secret = _text(data, "client_secret", text, path)
    if (client_id is None) != (client_secret is None):
        missing = "client_secret" if client_secret is None else "client_id"
        other = "client_id" if missing == "client_secret" else "client_secret"
        raise ManagedConfigError(path, f"it is needed together with '{other}'", missing)
    locked = _locked(data.get("locked", {}), text, path)
    return ManagedConfig(path, base_url, client_id, client_secret, locked)


def _text(data: Mapping[str, object], key: str, text: str, path: Path) -> str | None:
    if key not in data:
        return None
    value = data[key]
    if not isinstance(value, str) or not value.strip():
        raise ManagedConfigError(path, "must be non-empty text", key, _line_of(text, key))
    return value.strip()


def _locked(table: object, text: str, path: Path) -> dict[str, object]:
    if not isinstance(table, dict):
        raise ManagedConfigError(
            path, "must be a table ([locked] on its own line)", "locked", _line_of(text, "locked")
        )
    locked: dict[str, object] = {}
    for key, value in table.items():
        name = f"locked.{key}"
        line = _line_of(text, key, table="locked")
        if key not in LOCKABLE:
            raise ManagedConfigError(
                path, f"cannot be locked (lockable: {', '.join(LOCKABLE)})", name, line
            )
        kind, expected = LOCKABLE[key]
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise ManagedConfigError(path, f"must be {expected}", name, line)
        from hubdesk.core.settings import AppSettings, SettingsError

        try:
            AppSettings().replace(**{key: value})
        except SettingsError as exc:
            raise ManagedConfigError(path, str(exc).rstrip("."), name, line) from None
        locked[key] = value
    return locked


def _line_of(text: str, key: str, table: str | None = None) -> int | None:
    """The line where ``key`` is set (in ``[table]`` when given): TOML's parser reports
    lines for syntax errors only, and a person fixing the file wants one for every error."""
    in_table: str | None = None
    pattern = re.compile(rf"""\s*(?:{re.escape(key)}|"{re.escape(key)}"|'{re.escape(key)}')\s*=""")
    header = re.compile(r"\s*\[\s*([^\]]+?)\s*\]")
    for number, line in enumerate(text.splitlines(), start=1):
        found = header.match(line)
        if found:
            in_table = found.group(1).strip("\"'")
            if table is None and in_table == key:
                return number
            continue
        if in_table == table and pattern.match(line):
            return number
    return None
