"""The GUI's log file in the profile: ``hubdesk.log``, private, rotated.

A HubDesk started from a menu, the Dock or a PyInstaller bundle on Windows has no
terminal, so its log (what "the details are in the log" points to) is kept beside the
database: at most ``MAX_BYTES`` per file, the current one and ``BACKUPS`` older ones.
Like every file in the profile it is 0600 from its creation whatever the umask
(``private_files``); rotated files keep that mode. The log holds no secrets (tokens,
passwords and client secrets are never logged), but it may name numbers and contacts,
which is why it is private. ``hubdesk-cli`` logs to stderr only.
"""

from __future__ import annotations

import io
import logging
import logging.handlers
from pathlib import Path

from hubdesk.store.private_files import create_private

__all__ = ["BACKUPS", "LOG_FILE", "MAX_BYTES", "PrivateRotatingFileHandler", "attach_log_file"]

LOG_FILE = "hubdesk.log"
MAX_BYTES = 1_000_000
BACKUPS = 3
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

log = logging.getLogger(__name__)


class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """A ``RotatingFileHandler`` whose every file is created 0600 (POSIX)."""

    def _open(self) -> io.TextIOWrapper:
        create_private(Path(self.baseFilename))
        return super()._open()


def attach_log_file(home: Path, level: int = logging.INFO) -> logging.Handler | None:
    """Add the profile's log file to the root logger; returns the handler, or None (and a
    warning on the loggers already set up) when the file cannot be opened."""
    try:
        handler = PrivateRotatingFileHandler(
            home / LOG_FILE, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8"
        )
    except OSError as exc:
        log.warning("no log file in %s: %s", home, exc.strerror or exc)
        return None
    handler.setLevel(level)
    handler.setFormatter(logging.Formatter(FORMAT))
    logging.getLogger().addHandler(handler)
    return handler
