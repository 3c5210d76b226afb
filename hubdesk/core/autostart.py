"""Start HubDesk at login (in the tray, minimised): report the real state and change it.

* Linux (and other XDG desktops): ``$XDG_CONFIG_HOME/autostart/hubdesk.desktop`` (default
  ``~/.config``), written from the template of ``packaging/linux/hubdesk-autostart.desktop``
  with ``Exec=`` pointing at the running program.
* Windows: the ``HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run`` value
  ``HubDesk`` = ``"<exe>" --minimized``.
* macOS: not supported yet (SMAppService needs the signed bundle); ``set_enabled`` raises
  ``AutostartUnsupported`` with a sentence, ``is_enabled`` is False.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Mapping
from pathlib import Path

__all__ = [
    "DESKTOP_FILE_NAME",
    "RUN_VALUE_NAME",
    "Autostart",
    "AutostartUnsupported",
    "desktop_entry",
    "launch_command",
]

DESKTOP_FILE_NAME = "hubdesk.desktop"
RUN_VALUE_NAME = "HubDesk"
_RUN_KEY = r"Software\Microsoft\Windows\CurrentVersion\Run"
MINIMIZED_FLAG = "--minimized"

# packaging/linux/hubdesk-autostart.desktop, with Exec/TryExec filled in at write time.
_TEMPLATE = """\
[Desktop Entry]
Type=Application
Version=1.4
Name=HubDesk
Comment=Start HubDesk in the tray at login to receive SMS notifications
Exec={exec}
{tryexec}Icon=hubdesk
Terminal=false
StartupNotify=false
NoDisplay=true
X-GNOME-Autostart-enabled=true
X-GNOME-Autostart-Delay=5
X-KDE-autostart-after=panel
"""


class AutostartUnsupported(RuntimeError):
    """This platform has no "start at login" support in HubDesk yet."""


def launch_command() -> list[str]:
    """How to start this HubDesk: the bundle's executable when frozen, else the
    ``hubdesk`` console script if found, else ``python -m hubdesk``."""
    if getattr(sys, "frozen", False):
        return [sys.executable]
    beside = Path(sys.executable).with_name("hubdesk.exe" if os.name == "nt" else "hubdesk")
    if beside.is_file():
        return [str(beside)]
    found = shutil.which("hubdesk")
    if found:
        return [found]
    return [sys.executable, "-m", "hubdesk"]


def _desktop_quote(arg: str) -> str:
    """Quote one Exec argument per the Desktop Entry spec (and escape ``%``)."""
    arg = arg.replace("%", "%%")
    if arg and all(ch.isalnum() or ch in "-_./+:=@," for ch in arg):
        return arg
    escaped = "".join("\\" + ch if ch in '"`$\\' else ch for ch in arg)
    return f'"{escaped}"'


def desktop_entry(command: list[str]) -> str:
    """The autostart ``.desktop`` text for ``command`` (``--minimized`` appended)."""
    exec_line = " ".join(_desktop_quote(a) for a in [*command, MINIMIZED_FLAG])
    tryexec = f"TryExec={command[0]}\n" if len(command) == 1 else ""
    return _TEMPLATE.format(exec=exec_line, tryexec=tryexec)


def _windows_value(command: list[str]) -> str:
    return " ".join(f'"{a}"' if " " in a or not a else a for a in command) + " " + MINIMIZED_FLAG


class Autostart:
    """``is_enabled()`` / ``set_enabled(bool)`` for the running platform."""

    def __init__(
        self,
        platform: str | None = None,
        environ: Mapping[str, str] | None = None,
        command: list[str] | None = None,
    ) -> None:
        self._platform = platform or sys.platform
        self._environ = os.environ if environ is None else environ
        self._command = command

    @property
    def supported(self) -> bool:
        return not self._platform.startswith("darwin")

    def command(self) -> list[str]:
        return list(self._command) if self._command else launch_command()

    def desktop_file(self) -> Path:
        base = self._environ.get("XDG_CONFIG_HOME") or ""
        root = Path(base) if base and Path(base).is_absolute() else Path.home() / ".config"
        return root / "autostart" / DESKTOP_FILE_NAME

    def is_enabled(self) -> bool:
        if self._platform.startswith("darwin"):
            return False
        if self._platform.startswith("win"):
            return _windows_get() is not None
        path = self.desktop_file()
        if not path.is_file():
            return False
        try:
            text = path.read_text(encoding="utf-8")
        except OSError:
            return False
        # A user (or the desktop's settings app) may have switched it off in the file.
        lowered = text.replace(" ", "").lower()
        return "hidden=true" not in lowered and "x-gnome-autostart-enabled=false" not in lowered

    def set_enabled(self, enabled: bool) -> None:
        """Turn start-at-login on or off (raises ``AutostartUnsupported`` on macOS,
        ``OSError`` when the file or registry cannot be written)."""
        if self._platform.startswith("darwin"):
            raise AutostartUnsupported(
                "Starting at login is not supported on macOS yet; add HubDesk under "
                "System Settings > General > Login Items instead."
            )
        if self._platform.startswith("win"):
            _windows_set(_windows_value(self.command()) if enabled else None)
            return
        path = self.desktop_file()
        if not enabled:
            path.unlink(missing_ok=True)
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(desktop_entry(self.command()), encoding="utf-8")
        os.replace(tmp, path)

    def describe(self) -> str:
        """Where the setting lives, for the settings dialog."""
        if self._platform.startswith("darwin"):
            return "Not supported on macOS yet."
        if self._platform.startswith("win"):
            return rf"HKEY_CURRENT_USER\{_RUN_KEY} ({RUN_VALUE_NAME})"
        return str(self.desktop_file())


def _windows_get() -> str | None:  # pragma: no cover - Windows only
    if sys.platform != "win32":
        return None
    import winreg

    try:
        with winreg.OpenKey(winreg.HKEY_CURRENT_USER, _RUN_KEY) as key:
            value, _kind = winreg.QueryValueEx(key, RUN_VALUE_NAME)
    except OSError:
        return None
    return str(value)


def _windows_set(value: str | None) -> None:  # pragma: no cover - Windows only
    if sys.platform != "win32":
        raise AutostartUnsupported("The Windows registry is only available on Windows.")
    import winreg

    with winreg.CreateKeyEx(winreg.HKEY_CURRENT_USER, _RUN_KEY, 0, winreg.KEY_SET_VALUE) as key:
        if value is None:
            try:
                winreg.DeleteValue(key, RUN_VALUE_NAME)
            except FileNotFoundError:
                pass
        else:
            winreg.SetValueEx(key, RUN_VALUE_NAME, 0, winreg.REG_SZ, value)


