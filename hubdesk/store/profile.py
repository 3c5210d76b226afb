"""The profile: where HubDesk keeps its files, and the non-secret login facts.

``config.json`` in the profile folder holds the base URL, client id and username of the
signed-in account (and the name and id the server gave for it). Secrets never go here:
the refresh token and client secret live in the OS keyring (``hubdesk.store.secrets``)
and the password is not kept at all.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import platformdirs

from hubdesk.store.private_files import secure_folder, write_private

DEFAULT_API_URL = "https://smsapi.thehubwork.com/api"

# The profile's SQLite cache: one file, shared by the GUI and hubdesk-cli.
DATABASE_FILE = "hubdesk.sqlite3"
CONFIG_FILE = "config.json"
_FORMAT_VERSION = 1


class ProfileError(Exception):
    """The profile folder cannot be used, or its ``config.json`` cannot be read."""


@dataclass(frozen=True)
class Profile:
    """The account HubDesk signs in to. Holds nothing secret."""

    base_url: str
    client_id: str
    username: str
    user_id: int | None = None
    user_name: str | None = None


def home_dir() -> Path:
    """The profile folder: ``HUBDESK_HOME``, else the platform's per-user data folder.

    Created (mode 0700) when missing; an existing one that other users can read is made
    0700 (POSIX; see ``private_files.secure_folder``), or a warning is logged when it
    cannot be. Raises ``ProfileError`` naming the folder when it cannot be created or
    is not a folder.
    """
    return open_home()[0]


def open_home() -> tuple[Path, str | None]:
    """``home_dir()`` and, when the folder stays readable by other users, the sentence
    saying so (already logged as a warning; the CLI also prints it)."""
    path = _locate_home()
    return path, secure_folder(path)


def _locate_home() -> Path:
    configured = os.environ.get("HUBDESK_HOME")
    if configured:
        path = Path(configured).expanduser()
    else:
        path = Path(platformdirs.user_data_dir("HubDesk", "HubWork"))
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
    except FileExistsError:
        raise ProfileError(f"The profile folder {path} is a file, not a folder") from None
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise ProfileError(f"Cannot create the profile folder {path}: {reason}") from None
    return path


def database_path(home: Path) -> Path:
    """Where the profile's SQLite cache lives (the GUI and the CLI open the same file)."""
    return home / DATABASE_FILE


def load_profile(home: Path) -> Profile | None:
    """The saved profile, or None when nobody has logged in from this folder."""
    path = home / CONFIG_FILE
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise ProfileError(f"Cannot read {path}: {exc.strerror}") from exc
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ProfileError(f"{path} is not valid JSON: log in again to rewrite it") from exc
    return _profile_from_json(data, path)


def save_profile(home: Path, profile: Profile) -> None:
    """Write ``config.json`` atomically; the file is private (0600) from its creation."""
    home.mkdir(mode=0o700, parents=True, exist_ok=True)
    payload = json.dumps({"version": _FORMAT_VERSION, **asdict(profile)}, indent=2) + "\n"
    write_private(home / CONFIG_FILE, payload.encode("utf-8"))
    _fsync_dir(home)


def clear_profile(home: Path) -> None:
    """Forget the saved profile (logging out). Missing already is fine."""
    (home / CONFIG_FILE).unlink(missing_ok=True)


def resolve_base_url(
    cli_value: str | None, profile: Profile | None, managed: str | None = None
) -> str:
    """The API base URL: ``--base-url``, else ``HUBDESK_API_URL``, else the machine's
    managed configuration's (``managed``), else the profile's, else production. A
    trailing slash is dropped."""
    for candidate in (
        cli_value,
        os.environ.get("HUBDESK_API_URL"),
        managed,
        profile.base_url if profile else None,
    ):
        if candidate and candidate.strip():
            return candidate.strip().rstrip("/")
    return DEFAULT_API_URL


def _fsync_dir(path: Path) -> None:
    """Make the rename durable; directories cannot be opened for this on Windows."""
    if not hasattr(os, "O_DIRECTORY"):
        return
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _profile_from_json(data: Any, path: Path) -> Profile:
    if not isinstance(data, dict):
        raise ProfileError(f"{path} does not hold a profile: log in again to rewrite it")
    values: dict[str, Any] = {}
    for name, kinds, required in (
        ("base_url", (str,), True),
        ("client_id", (str,), True),
        ("username", (str,), True),
        ("user_id", (int,), False),
        ("user_name", (str,), False),
    ):
        value = data.get(name)
        if value is None and not required:
            values[name] = None
        elif isinstance(value, kinds) and not isinstance(value, bool):
            values[name] = value
        else:
            raise ProfileError(f"{path}: {name!r} is missing or invalid: log in again")
    return Profile(**values)
