"""Start HubDesk at login (in the tray, minimised): report the real state and change it.

* Linux (and other XDG desktops): ``$XDG_CONFIG_HOME/autostart/hubdesk.desktop`` (default
  ``~/.config``), written from the template of ``packaging/linux/hubdesk-autostart.desktop``
  with ``Exec=`` pointing at the running program. ``Hidden=true`` (how desktops switch an
  entry off) reads as off.
* Windows: the ``HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run`` value ``HubDesk``
  = ``"<exe>" --minimized`` (the installer's "start at login" task writes the same value).
  An entry switched off in Task Manager's Startup tab (an odd first byte of its value
  under ``Explorer\\StartupApproved\\Run``) reads as off; turning it on clears that mark.
  The registry is a :class:`~hubdesk.core.registry.Registry`, so tests use an
  in-memory one.
* macOS: a LaunchAgent, ``~/Library/LaunchAgents/com.hubwork.HubDesk.autostart.plist``,
  that launchd runs at login in the user's graphical session (``RunAtLoad``,
  ``LimitLoadToSessionType=Aqua``). It needs no entitlement and works for an unsigned
  build too. ``Disabled`` in the file reads as off. (A switch turned off in System
  Settings > General > Login Items is kept by macOS itself, out of a program's sight.)
"""

from __future__ import annotations

import os
import plistlib
import shutil
import sys
import sysconfig
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from xml.parsers.expat import ExpatError

from hubdesk.core.registry import Registry, RegistryUnavailable, command_line, open_registry

__all__ = [
    "APPROVED_KEY",
    "DESKTOP_FILE_NAME",
    "LAUNCH_AGENT_LABEL",
    "RUN_KEY",
    "RUN_VALUE_NAME",
    "Autostart",
    "AutostartError",
    "AutostartUnsupported",
    "desktop_entry",
    "launch_agent",
    "launch_command",
]

DESKTOP_FILE_NAME = "hubdesk.desktop"
RUN_VALUE_NAME = "HubDesk"
RUN_KEY = r"Software\Microsoft\Windows\CurrentVersion\Run"
APPROVED_KEY = r"Software\Microsoft\Windows\CurrentVersion\Explorer\StartupApproved\Run"
LAUNCH_AGENT_LABEL = "com.hubwork.HubDesk.autostart"
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


class AutostartError(RuntimeError):
    """Start at login could not be read or changed; ``str()`` is the sentence to show."""


class AutostartUnsupported(AutostartError):
    """This system offers HubDesk no way to start at login."""


def launch_command() -> list[str]:
    """How to start this HubDesk: the bundle's executable when frozen, else the
    ``hubdesk`` console script if found, else ``python -m hubdesk``."""
    if getattr(sys, "frozen", False):
        return [sys.executable]
    # The installation's scripts folder: beside python in a venv or on POSIX, but
    # Scripts\ under a Windows Python's own folder.
    scripts = Path(sysconfig.get_path("scripts"))
    beside = scripts / ("hubdesk.exe" if os.name == "nt" else "hubdesk")
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


def launch_agent(command: list[str]) -> dict[str, Any]:
    """The LaunchAgent property list for ``command`` (``--minimized`` appended)."""
    return {
        "Label": LAUNCH_AGENT_LABEL,
        "ProgramArguments": [*command, MINIMIZED_FLAG],
        "RunAtLoad": True,
        "ProcessType": "Interactive",
        "LimitLoadToSessionType": "Aqua",  # the graphical login, not an ssh session
    }


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


class Autostart:
    """``is_enabled()`` / ``set_enabled(bool)`` for the running platform.

    ``platform``, ``environ`` (``HOME``, ``XDG_CONFIG_HOME``), ``command`` and
    ``registry`` default to this process's; tests pass their own.
    """

    def __init__(
        self,
        platform: str | None = None,
        environ: Mapping[str, str] | None = None,
        command: list[str] | None = None,
        *,
        registry: Registry | None = None,
    ) -> None:
        self._platform = platform or sys.platform
        self._environ = os.environ if environ is None else environ
        self._command = command
        self._registry = registry

    @property
    def _windows(self) -> bool:
        return self._platform.startswith("win")

    @property
    def _macos(self) -> bool:
        return self._platform.startswith("darwin")

    def command(self) -> list[str]:
        return list(self._command) if self._command else launch_command()

    def _home(self) -> Path:
        home = self._environ.get("HOME") or ""
        return Path(home) if home and Path(home).is_absolute() else Path.home()

    def desktop_file(self) -> Path:
        base = self._environ.get("XDG_CONFIG_HOME") or ""
        root = Path(base) if base and Path(base).is_absolute() else self._home() / ".config"
        return root / "autostart" / DESKTOP_FILE_NAME

    def agent_file(self) -> Path:
        """macOS: the LaunchAgent's property list."""
        return self._home() / "Library" / "LaunchAgents" / f"{LAUNCH_AGENT_LABEL}.plist"

    def is_enabled(self) -> bool:
        if self._windows:
            return self._windows_enabled()
        if self._macos:
            return self._agent_enabled()
        path = self.desktop_file()
        try:
            text = path.read_text(encoding="utf-8")
        except OSError:
            return False
        # A user (or the desktop's settings app) may have switched it off in the file.
        lowered = text.replace(" ", "").lower()
        return "hidden=true" not in lowered and "x-gnome-autostart-enabled=false" not in lowered

    def set_enabled(self, enabled: bool) -> None:
        """Turn start-at-login on or off (``OSError`` when the file cannot be written,
        ``AutostartError`` with a sentence when the registry refuses)."""
        if self._windows:
            self._windows_set(enabled)
        elif self._macos:
            path = self.agent_file()
            if enabled:
                _write_atomically(path, plistlib.dumps(launch_agent(self.command())))
            else:
                path.unlink(missing_ok=True)
        else:
            path = self.desktop_file()
            if enabled:
                _write_atomically(path, desktop_entry(self.command()).encode("utf-8"))
            else:
                path.unlink(missing_ok=True)

    def describe(self) -> str:
        """Where the setting lives, for the settings dialog."""
        if self._windows:
            return rf"HKEY_CURRENT_USER\{RUN_KEY} ({RUN_VALUE_NAME})"
        if self._macos:
            return str(self.agent_file())
        return str(self.desktop_file())

    # -- macOS ---------------------------------------------------------------------------

    def _agent_enabled(self) -> bool:
        try:
            with self.agent_file().open("rb") as handle:
                agent = plistlib.load(handle)
        except (OSError, ValueError, ExpatError):  # missing, or not a property list
            return False
        return (
            isinstance(agent, dict)
            and agent.get("Label") == LAUNCH_AGENT_LABEL
            and agent.get("RunAtLoad") is True
            and agent.get("Disabled") is not True
        )

    # -- Windows -------------------------------------------------------------------------

    def _open_registry(self) -> Registry:
        if self._registry is None:
            try:
                self._registry = open_registry("HKCU")
            except RegistryUnavailable as exc:
                raise AutostartUnsupported(f"Start at login needs {exc}") from exc
        return self._registry

    def _windows_enabled(self) -> bool:
        try:
            registry = self._open_registry()
        except AutostartUnsupported:
            return False
        if registry.get(RUN_KEY, RUN_VALUE_NAME) is None:
            return False
        approved = registry.get_bytes(APPROVED_KEY, RUN_VALUE_NAME)
        return not (approved and approved[0] & 1)  # odd first byte: off in Task Manager

    def _windows_set(self, enabled: bool) -> None:
        registry = self._open_registry()
        try:
            # Task Manager's "disabled" mark would keep a fresh entry from running.
            registry.delete_value(APPROVED_KEY, RUN_VALUE_NAME)
            if enabled:
                value = command_line(*self.command(), MINIMIZED_FLAG)
                registry.set(RUN_KEY, RUN_VALUE_NAME, value)
            else:
                registry.delete_value(RUN_KEY, RUN_VALUE_NAME)
        except OSError as exc:
            reason = exc.strerror or type(exc).__name__
            raise AutostartError(
                f"Windows did not let HubDesk change its start-at-login entry "
                f"(HKEY_CURRENT_USER\\{RUN_KEY}): {reason}."
            ) from exc
