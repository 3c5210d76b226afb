"""Where file dialogs start: the folder the user last chose a file in, else their
Documents folder (``QStandardPaths``), never the program's folder.

Every import and export dialog (conversation CSV, contacts import and export, the bulk
send's CSV, templates import and export) is passed through :func:`prepare` right after
it is made: it starts in :func:`start_folder` and, when a file is chosen, remembers that
file's folder. The memory is one folder for every kind of file, kept in the settings
(``AppSettings.last_folder``) by :class:`SettingsFolders`; the main controller installs
it with :func:`use_folder_memory`. Without one (a page shown alone), dialogs start in
Documents and remember nothing.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import QFileDialog

from hubdesk.core.settings import SettingsStore
from hubdesk.ui.qt.async_slots import spawn

__all__ = [
    "FolderMemory",
    "SettingsFolders",
    "documents_folder",
    "folder_memory",
    "prepare",
    "start_folder",
    "use_folder_memory",
]

log = logging.getLogger(__name__)


class FolderMemory(Protocol):
    """Where the last file was chosen."""

    def last_folder(self) -> str | None: ...

    def remember_folder(self, folder: str) -> None: ...


class SettingsFolders:
    """A :class:`FolderMemory` kept in the settings (``AppSettings.last_folder``)."""

    def __init__(self, settings: SettingsStore) -> None:
        self._settings = settings

    def last_folder(self) -> str | None:
        return self._settings.current.last_folder

    def remember_folder(self, folder: str) -> None:
        if not folder or folder == self.last_folder():
            return
        try:
            asyncio.get_running_loop()
        except RuntimeError:  # no event loop (the app is closing): nothing to save with
            return
        spawn(self._save(folder), name="ui-last-folder")

    async def _save(self, folder: str) -> None:
        try:
            await self._settings.update(last_folder=folder)
        except Exception as exc:  # a convenience: never an error in the user's face
            log.info("the last folder was not saved: %s", type(exc).__name__)


_memory: FolderMemory | None = None


def use_folder_memory(memory: FolderMemory | None) -> None:
    """The memory every dialog of this process uses (None: remember nothing)."""
    global _memory
    _memory = memory


def folder_memory() -> FolderMemory | None:
    return _memory


def documents_folder() -> str:
    """The user's Documents folder, else their home folder when it does not exist."""
    location = QStandardPaths.StandardLocation.DocumentsLocation
    documents = QStandardPaths.writableLocation(location)
    if documents and Path(documents).is_dir():
        return documents
    home = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.HomeLocation)
    return home or str(Path.home())


def start_folder(memory: FolderMemory | None = None) -> str:
    """The last folder remembered, while it still exists; else Documents."""
    last = memory.last_folder() if memory is not None else None
    if last and Path(last).is_dir():
        return last
    return documents_folder()


def prepare(dialog: QFileDialog, memory: FolderMemory | None = None) -> QFileDialog:
    """Start ``dialog`` in :func:`start_folder` and remember the folder of the file
    chosen in it. Call it before ``selectFile``; ``memory`` defaults to the process's."""
    chosen = memory if memory is not None else _memory
    dialog.setDirectory(start_folder(chosen))
    if chosen is not None:
        keep = chosen
        dialog.fileSelected.connect(lambda path: _remember(keep, path))
    return dialog


def _remember(memory: FolderMemory, path: str) -> None:
    if path:
        memory.remember_folder(str(Path(path).parent))
