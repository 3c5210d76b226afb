"""File dialogs start in Documents, then in the folder last used (issue 14, item 7):
the helper with a memory that has behaviour, and the wired window, whose memory is the
settings (``AppSettings.last_folder``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot

from hubdesk.ui.qt.filedialogs import documents_folder, prepare, start_folder
from tests.fakes.folders import MemoryFolders
from tests.unit.ui.appkit import Driver, shell_driver, signed_in  # noqa: F401


@pytest.fixture
def documents(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A home of our own with a Documents folder (QStandardPaths reads $HOME each time)."""
    home = tmp_path / "home"
    (home / "Documents").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))  # no user-dirs.dirs
    return home / "Documents"


def widget_dialog(title: str) -> QFileDialog:
    dialog = QFileDialog(None, title)
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    return dialog


def directory(dialog: QFileDialog) -> Path:
    return Path(dialog.directory().absolutePath())


def test_the_first_dialog_starts_in_documents_then_in_the_last_folder(
    qtbot: QtBot, documents: Path, tmp_path: Path
) -> None:
    memory = MemoryFolders()
    assert Path(documents_folder()) == documents
    first = prepare(widget_dialog("Export"), memory)
    qtbot.addWidget(first)
    assert directory(first) == documents

    elsewhere = tmp_path / "exports"
    elsewhere.mkdir()
    first.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    first.selectFile(str(elsewhere / "conversation.csv"))
    first.accept()
    assert memory.remembered == [str(elsewhere)]

    second = prepare(widget_dialog("Import"), memory)
    qtbot.addWidget(second)
    assert directory(second) == elsewhere


def test_a_folder_that_is_gone_is_not_where_dialogs_start(documents: Path, tmp_path: Path) -> None:
    assert Path(start_folder(MemoryFolders(str(tmp_path / "deleted")))) == documents
    assert Path(start_folder(None)) == documents


def test_without_documents_the_home_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "bare"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    assert Path(documents_folder()) == home


def test_the_window_remembers_the_last_folder_in_the_settings(
    driver: Driver, documents: Path, tmp_path: Path
) -> None:
    driver.run(remembered_in_the_settings(driver, documents, tmp_path))


async def remembered_in_the_settings(driver: Driver, documents: Path, tmp_path: Path) -> None:
    partner = "447400123456"
    driver.sim.inject_inbound(partner, "export me")
    await signed_in(driver)
    export = driver.intents.export(partner)  # Conversation > Export conversation…
    assert directory(export) == documents
    elsewhere = tmp_path / "exports"
    elsewhere.mkdir()
    export.selectFile(str(elsewhere / "conversation.csv"))
    export.accept()
    store = driver.controller.services.settings
    await driver.until(lambda: store.current.last_folder == str(elsewhere), what="saved")
    await driver.until(lambda: (elsewhere / "conversation.csv").exists(), what="exported")

    contacts = driver.window.contacts_page.choose_export()  # another kind of file
    assert directory(contacts) == elsewhere
    contacts.reject()
    reloaded = await store.load()  # stored, not only in memory
    assert reloaded.last_folder == str(elsewhere)

    templates = driver.window.templates_page.choose_export()  # every dialog, new ones too
    assert directory(templates) == elsewhere
    shared = tmp_path / "shared"
    shared.mkdir()
    templates.selectFile(str(shared / "templates.csv"))
    templates.accept()
    await driver.until(lambda: store.current.last_folder == str(shared), what="remembered")
