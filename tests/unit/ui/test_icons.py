from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QApplication

from hubdesk.ui.icons import FALLBACKS, IconSet, default_icon_dir


def test_every_known_icon_loads(qapp: QApplication) -> None:
    icons = IconSet()
    for name in FALLBACKS:
        icon = icons.icon(name)
        assert not icon.isNull(), name
        assert icons.icon(name) is icon  # cached


def test_missing_or_broken_files_fall_back(qapp: QApplication, tmp_path: Path) -> None:
    (tmp_path / "send.svg").write_text("<svg this is not")
    icons = IconSet(tmp_path)
    assert not icons.has_file("retry")
    assert not icons.icon("retry").isNull()
    assert not icons.icon("send").isNull()
    assert not icons.icon("no-such-icon").isNull()


def test_default_dir_is_resources() -> None:
    assert default_icon_dir().parts[-2:] == ("resources", "icons")
