"""core.autostart on each OS's path: an XDG autostart file (XDG_CONFIG_HOME in tmp_path),
the Windows Run key (an in-memory registry; on Windows also the real one, under a
scratch key) and a macOS LaunchAgent (HOME in tmp_path; plutil checks it on macOS)."""

from __future__ import annotations

import configparser
import plistlib
import re
import subprocess
from pathlib import Path

import pytest

from hubdesk.core.autostart import (
    APPROVED_KEY,
    RUN_KEY,
    Autostart,
    AutostartError,
    AutostartUnsupported,
    desktop_entry,
)
from hubdesk.core.errors import describe_error
from hubdesk.core.registry import Registry
from tests.fakes.registry import MemoryRegistry
from tests.platforms import macos_only, posix_only

REPO = Path(__file__).resolve().parents[3]
EXE = r"C:\Users\Ann Lee\AppData\Local\Programs\HubDesk\hubdesk.exe"
APP = "/Applications/HubDesk.app/Contents/MacOS/hubdesk"


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
    path.write_text(path.read_text(encoding="utf-8") + "Hidden=true\n", encoding="utf-8")
    assert not auto.is_enabled()


def test_default_location_without_xdg(tmp_path: Path) -> None:
    auto = Autostart("linux", {"HOME": str(tmp_path)}, ["hubdesk"])
    assert auto.desktop_file() == tmp_path / ".config" / "autostart" / "hubdesk.desktop"


# -- Windows --------------------------------------------------------------------------


def test_windows_writes_the_run_value_and_removes_it(registry: Registry) -> None:
    auto = Autostart("win32", command=[EXE], registry=registry)
    assert not auto.is_enabled()
    auto.set_enabled(True)
    assert registry.get(RUN_KEY, "HubDesk") == f'"{EXE}" --minimized'
    assert auto.is_enabled()
    auto.set_enabled(False)
    assert registry.get(RUN_KEY, "HubDesk") is None and not auto.is_enabled()
    auto.set_enabled(False)  # already off: no error
    assert "HKEY_CURRENT_USER" in auto.describe() and RUN_KEY in auto.describe()


def test_windows_value_is_the_one_the_installer_writes(registry: Registry) -> None:
    iss = (REPO / "packaging/windows/hubdesk.iss").read_text(encoding="utf-8")
    line = next(x for x in iss.splitlines() if "CurrentVersion\\Run" in x and "ValueData" in x)
    data = re.search(r'ValueData: "((?:[^"]|"")*)"', line)
    assert data is not None
    installer = data.group(1).replace('""', '"').replace("{app}\\{#AppExe}", EXE)
    Autostart("win32", command=[EXE], registry=registry).set_enabled(True)
    assert registry.get(RUN_KEY, "HubDesk") == installer


def test_windows_entry_switched_off_in_task_manager_reads_off_until_turned_on() -> None:
    registry = MemoryRegistry()
    auto = Autostart("win32", command=[EXE], registry=registry)
    auto.set_enabled(True)
    # Task Manager > Startup > Disable: an odd first byte under StartupApproved\Run.
    registry.set_bytes(APPROVED_KEY, "HubDesk", bytes([3]) + bytes(11))
    assert not auto.is_enabled()
    registry.set_bytes(APPROVED_KEY, "HubDesk", bytes([2]) + bytes(11))  # enabled there
    assert auto.is_enabled()
    registry.set_bytes(APPROVED_KEY, "HubDesk", bytes([3]) + bytes(11))
    auto.set_enabled(True)  # the user asks again in HubDesk: the mark must not win
    assert auto.is_enabled() and registry.get_bytes(APPROVED_KEY, "HubDesk") is None


def test_windows_refusal_is_one_clear_sentence() -> None:
    auto = Autostart("win32", command=[EXE], registry=MemoryRegistry(read_only=True))
    with pytest.raises(AutostartError) as caught:
        auto.set_enabled(True)
    text = describe_error(caught.value)
    assert text.startswith("Windows did not let HubDesk change its start-at-login entry")
    assert "Access is denied" in text and "Traceback" not in text


@posix_only("the case where the Windows registry is missing")
def test_windows_path_without_a_registry_says_so() -> None:
    auto = Autostart("win32", command=[EXE])
    assert not auto.is_enabled()
    with pytest.raises(AutostartUnsupported, match="only on Windows"):
        auto.set_enabled(True)


# -- macOS ----------------------------------------------------------------------------


def _mac(tmp_path: Path, command: list[str] | None = None) -> Autostart:
    return Autostart("darwin", {"HOME": str(tmp_path)}, command or [APP])


def test_macos_writes_a_launch_agent_and_removes_it(tmp_path: Path) -> None:
    auto = _mac(tmp_path)
    assert not auto.is_enabled()
    auto.set_enabled(True)
    path = tmp_path / "Library/LaunchAgents/com.hubwork.HubDesk.autostart.plist"
    assert auto.agent_file() == path and auto.describe() == str(path)
    with path.open("rb") as handle:
        agent = plistlib.load(handle)
    assert agent == {
        "Label": "com.hubwork.HubDesk.autostart",
        "ProgramArguments": [APP, "--minimized"],
        "RunAtLoad": True,
        "ProcessType": "Interactive",
        "LimitLoadToSessionType": "Aqua",
    }
    assert auto.is_enabled()
    auto.set_enabled(False)
    assert not path.exists() and not auto.is_enabled()
    auto.set_enabled(False)  # already off: no error


def test_macos_agent_switched_off_or_damaged_reads_off(tmp_path: Path) -> None:
    auto = _mac(tmp_path)
    auto.set_enabled(True)
    path = auto.agent_file()
    agent = plistlib.loads(path.read_bytes())
    path.write_bytes(plistlib.dumps({**agent, "Disabled": True}))
    assert not auto.is_enabled()
    path.write_bytes(b"<plist><dict><key>Label</key>")  # cut short
    assert not auto.is_enabled()
    path.write_bytes(plistlib.dumps({**agent, "Label": "com.example.other"}))
    assert not auto.is_enabled()
    auto.set_enabled(True)  # turning it on again writes a whole, fresh agent
    assert auto.is_enabled()


def test_macos_agent_keeps_a_python_command_whole(tmp_path: Path) -> None:
    command = ["/Users/ann/my venv/bin/python", "-m", "hubdesk"]
    auto = _mac(tmp_path, command)
    auto.set_enabled(True)
    agent = plistlib.loads(auto.agent_file().read_bytes())
    assert agent["ProgramArguments"] == [*command, "--minimized"]  # no shell, no quoting


@macos_only("plutil, macOS's property list checker")
def test_macos_agent_passes_plutil(tmp_path: Path) -> None:
    auto = _mac(tmp_path)
    auto.set_enabled(True)
    result = subprocess.run(
        ["plutil", "-lint", str(auto.agent_file())], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
