"""Files only their owner can read: the profile folder, the database, exports, the log.

The profile holds every message, contact and number the account has seen. On POSIX
systems HubDesk keeps it to its owner whatever the process umask and whatever mode an
existing folder had:

* the profile folder is 0700. One that other users can enter or read (a folder the
  user made beforehand, created under umask 022 by an older HubDesk, ...) is tightened
  to 0700 when this user owns it; when that cannot be done (another owner, a file
  system without modes, the user's home folder set as ``HUBDESK_HOME``) ``secure_folder``
  returns a sentence saying so, for a log warning and the CLI's stderr.
* files are 0600 from the moment they exist: the SQLite database is created empty with
  that mode before SQLite opens it (SQLite then gives its ``-wal`` and ``-shm`` files the
  database's mode, umask or not), and existing ones are narrowed when opened.
* exports (``write_private``) are written to a 0600 temporary file beside the target and
  renamed over it: a half-written export is never readable by others, never replaces a
  good file, and the result is private too (the user can widen it on purpose).

Windows has no mode bits: the profile lives in ``%APPDATA%`` under the user's profile,
whose ACL already grants access to that user, SYSTEM and Administrators only, and new
files inherit it. The checks here do nothing there (written as ``sys.platform`` tests, so
that mypy checks each side for its own platform).
"""

from __future__ import annotations

import logging
import os
import secrets
import stat
import sys
from pathlib import Path

__all__ = [
    "FILE_MODE",
    "FOLDER_MODE",
    "create_private",
    "restrict_file",
    "secure_folder",
    "write_private",
]

FILE_MODE = 0o600
FOLDER_MODE = 0o700
_OTHERS = 0o077  # any permission bit for the group or for everyone else
_O_BINARY: int = getattr(os, "O_BINARY", 0)
_O_CLOEXEC: int = getattr(os, "O_CLOEXEC", 0)
_O_NOFOLLOW: int = getattr(os, "O_NOFOLLOW", 0)

log = logging.getLogger(__name__)


def secure_folder(path: Path) -> str | None:
    """Make ``path`` (an existing folder) 0700 when others can use it and we own it.

    Returns None when the folder is private (now or already), else one sentence saying
    that it stays open to other users and why; it is also logged as a warning.
    """
    if sys.platform == "win32":
        return None
    try:
        info = os.stat(path)
    except OSError as exc:
        return _exposed(path, None, exc.strerror or type(exc).__name__)
    mode = stat.S_IMODE(info.st_mode)
    if not mode & _OTHERS:
        return None
    if info.st_uid != os.geteuid():
        return _exposed(path, mode, "it belongs to another user")
    if _is_home(path):
        return _exposed(path, mode, "it is your home folder, which HubDesk leaves as it is")
    try:
        os.chmod(path, FOLDER_MODE)
        tightened = stat.S_IMODE(os.stat(path).st_mode)
    except OSError as exc:
        return _exposed(path, mode, exc.strerror or type(exc).__name__)
    if tightened & _OTHERS:  # e.g. a FAT or network file system that ignores chmod
        return _exposed(path, tightened, "its file system does not keep permissions")
    log.info("profile folder %s was mode %04o; now %04o", path, mode, tightened)
    return None


def restrict_file(path: Path) -> None:
    """Narrow an existing file of ours to 0600 (nothing when missing, not a plain file,
    or not ours). A file system that refuses is logged, not raised: the file stays
    usable, only not narrowed."""
    if sys.platform == "win32":
        return
    try:
        info = os.lstat(path)
        if not stat.S_ISREG(info.st_mode) or info.st_uid != os.geteuid():
            return
        if stat.S_IMODE(info.st_mode) != FILE_MODE:
            os.chmod(path, FILE_MODE)
            log.info("%s was mode %04o; now 0600", path, stat.S_IMODE(info.st_mode))
    except FileNotFoundError:
        return
    except OSError as exc:
        log.warning("cannot make %s private: %s", path, exc.strerror or exc)


def create_private(path: Path) -> None:
    """Make sure ``path`` exists as a 0600 file: created empty with that mode (whatever
    the umask) when missing, narrowed when it exists with a wider one."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _O_BINARY | _O_CLOEXEC, 0o600)
    except FileExistsError:
        restrict_file(path)
        return
    try:
        _exactly_private(fd)
    finally:
        os.close(fd)


def write_private(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically, private (0600) from the first byte.

    The bytes go to a new temporary file beside ``path`` (same folder, so the rename is
    atomic), are flushed to disk, and the file is renamed over ``path``. On any failure
    the temporary file is removed and an existing ``path`` is left as it was.
    """
    temp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _O_BINARY | _O_CLOEXEC | _O_NOFOLLOW
    fd = os.open(temp, flags, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            _exactly_private(handle.fileno())
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def _exactly_private(fd: int) -> None:
    """A file just created with mode 0600 minus the umask: give the owner back what an
    odd umask (such as 0277, which leaves 0400) took away. Never wider than 0600."""
    if sys.platform != "win32" and stat.S_IMODE(os.fstat(fd).st_mode) != FILE_MODE:
        os.fchmod(fd, FILE_MODE)


def _is_home(path: Path) -> bool:
    try:
        return path.resolve() == Path.home().resolve()
    except (OSError, RuntimeError):
        return False


def _exposed(path: Path, mode: int | None, why: str) -> str:
    shown = "" if mode is None else f" (mode {mode:04o})"
    message = (
        f"The profile folder {path}{shown} may be readable by other users of this computer "
        f"and HubDesk could not make it private: {why}. Run 'chmod 700 {path}' or set "
        "HUBDESK_HOME to a private folder."
    )
    log.warning("%s", message)
    return message
