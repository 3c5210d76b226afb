"""A folder memory with behaviour (``ui.qt.filedialogs.FolderMemory``): one folder,
kept in memory, each folder remembered logged in order."""

from __future__ import annotations


class MemoryFolders:
    def __init__(self, last: str | None = None) -> None:
        self.last = last
        self.remembered: list[str] = []

    def last_folder(self) -> str | None:
        return self.last

    def remember_folder(self, folder: str) -> None:
        self.remembered.append(folder)
        self.last = folder
