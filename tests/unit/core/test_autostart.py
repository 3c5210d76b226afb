"""core.autostart on the Linux path, with XDG_CONFIG_HOME in tmp_path."""

from __future__ import annotations

import configparser
from pathlib import Path

import pytest

from hubdesk.core.autostart import Autostart, AutostartUnsupported, desktop_entry

REPO = Path(__file__).resolve().parents[3]


def test_enable_writes_the_entry_and_disable_removes_it(tmp_path: Path) -> None:
    auto = Autostart("linux", {"XDG_CONFIG_HOME": str(tmp_path)}, ["/opt/HubDesk/hubdesk"])
    assert not auto.is_enabled()
    auto.set_enabled(True)
    path = tmp_path / "autostart" / "hubdesk.desktop"
    assert auto.is_enabled() and path.is_file()
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # type: ignore[assignment,method-assign]
    entry.read(path, encoding="utf-8")
    section = entry["Desktop Entry"]
    assert section["Exec"] == "/opt/HubDesk/hubdesk --minimized"
    assert section["TryExec"] == "/opt/HubDesk/hubdesk"
    assert section["Name"] == "HubDesk" and section["Type"] == "Application"
    auto.set_enabled(False)
    assert not path.exists() and not auto.is_enabled()
    auto.set_enabled(False)  # already off: no error


def test_template_matches_the_packaged_file() -> None:
    packaged = (REPO / "packaging/linux/hubdesk-autostart.desktop").read_text(encoding="utf-8")
    assert desktop_entry(["hubdesk"]) == packaged


def test_python_module_fallback_is_quoted(tmp_path: Path) -> None:
    text = desktop_entry(["/home/me/my venv/bin/python", "-m", "hubdesk"])
    assert 'Exec="/home/me/my venv/bin/python" -m hubdesk --minimized' in text
    assert "TryExec" not in text


def test_a_disabled_entry_reports_off(tmp_path: Path) -> None:
    auto = Autostart("linux", {"XDG_CONFIG_HOME": str(tmp_path)}, ["hubdesk"])
    auto.set_enabled(True)
    path = auto.desktop_file()
    path.write_text(path.read_text() + "Hidden=true\n")
    assert not auto.is_enabled()


def test_default_location_without_xdg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    auto = Autostart("linux", {}, ["hubdesk"])
    assert auto.desktop_file() == tmp_path / ".config" / "autostart" / "hubdesk.desktop"


def test_macos_is_not_supported_yet() -> None:
    auto = Autostart("darwin", {}, ["hubdesk"])
    assert not auto.supported and not auto.is_enabled()
    with pytest.raises(AutostartUnsupported, match="not supported on macOS yet"):
        auto.set_enabled(True)
