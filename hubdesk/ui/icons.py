"""Icons from ``resources/icons/*.svg``, with a standard-style fallback for each.

A missing or unreadable file never crashes: the icon falls back to a ``QStyle``
standard icon (or an empty ``QIcon`` if even that is unavailable).
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QStyle

log = logging.getLogger(__name__)

SP = QStyle.StandardPixmap

#: Every icon the UI asks for, with the standard icon used when its SVG is missing.
FALLBACKS: dict[str, QStyle.StandardPixmap] = {
    "hubdesk": SP.SP_ComputerIcon,
    "tray": SP.SP_ComputerIcon,
    "tray-unread": SP.SP_MessageBoxInformation,
    "send": SP.SP_ArrowRight,
    "call": SP.SP_DialogYesButton,
    "call-masked": SP.SP_DialogYesButton,
    "new-message": SP.SP_FileDialogNewFolder,
    "search": SP.SP_FileDialogContentsView,
    "contacts": SP.SP_DirHomeIcon,
    "sender-id": SP.SP_FileDialogInfoView,
    "bulk-send": SP.SP_ArrowForward,
    "history": SP.SP_BrowserReload,
    "settings": SP.SP_FileDialogDetailedView,
    "retry": SP.SP_BrowserReload,
    "failed": SP.SP_MessageBoxCritical,
    "pending": SP.SP_BrowserStop,
    "sent": SP.SP_DialogApplyButton,
    "queued": SP.SP_FileDialogListView,
    "unknown": SP.SP_MessageBoxQuestion,
    "opted-out": SP.SP_DialogCancelButton,
}


def default_icon_dir() -> Path:
    """``resources/icons`` beside the package, or inside a PyInstaller bundle."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources" / "icons"
    return Path(__file__).resolve().parents[2] / "resources" / "icons"


class IconSet:
    """Loads and caches icons by name from one folder (inject a folder in tests)."""

    def __init__(self, folder: Path | None = None) -> None:
        self._folder = folder if folder is not None else default_icon_dir()
        self._cache: dict[str, QIcon] = {}

    @property
    def folder(self) -> Path:
        return self._folder

    def path(self, name: str) -> Path:
        return self._folder / f"{name}.svg"

    def has_file(self, name: str) -> bool:
        return self.path(name).is_file()

    def icon(self, name: str) -> QIcon:
        """The icon called ``name``; the fallback when its file is missing or broken."""
        cached = self._cache.get(name)
        if cached is not None:
            return cached
        result = self._load(name)
        self._cache[name] = result
        return result

    def _load(self, name: str) -> QIcon:
        file = self.path(name)
        if file.is_file():
            loaded = QIcon(str(file))
            if not loaded.isNull() and not loaded.pixmap(16, 16).isNull():
                return loaded
            log.warning("icon %s could not be rendered; using the fallback", file)
        else:
            log.debug("icon %s missing; using the fallback", file)
        return standard_icon(FALLBACKS.get(name, SP.SP_FileIcon))

    def clear(self) -> None:
        """Forget cached icons (after the folder's files changed)."""
        self._cache.clear()


def standard_icon(pixmap: QStyle.StandardPixmap) -> QIcon:
    """The current style's standard icon, or an empty icon without an application."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return QIcon()
    return app.style().standardIcon(pixmap)
