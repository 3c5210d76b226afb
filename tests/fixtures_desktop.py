"""pytest plugin: the headless desktop session, as tests see it.

* Qt platform, Linux: tests run ``offscreen`` unless ``scripts/test``'s desktop session
  is up (``HUBDESK_DESKTOP_SESSION=1``, where it set ``QT_QPA_PLATFORM=xcb``). Windows
  and macOS: Qt's own platform (windows, cocoa), which the hosted runners' desktop
  session serves.
* Tests marked ``desktop`` and tests using the ``desktop_session`` fixture need that
  Linux session (Xvfb, D-Bus, gnome-keyring, dunst). On Linux outside it they are
  skipped with the reason "needs scripts/test's desktop session", and fail in CI
  (``tests/missing.py``); on Windows and macOS they are skipped as Linux only.
* ``desktop_session`` gives a :class:`Desktop`: what the user would see of
  notifications (dunst, over D-Bus) and of the tray (the StatusNotifierWatcher).
"""

from __future__ import annotations

import html
import importlib.util
import os
import re
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from jeepney import DBusAddress, HeaderFields, MessageType
from jeepney.io.blocking import DBusConnection, open_dbus_connection

from tests.missing import missing

SKIP_REASON = "needs scripts/test's desktop session"
LINUX_ONLY_REASON = "Linux only: the Linux desktop session (Xvfb, D-Bus, gnome-keyring, dunst)"
IN_SESSION = os.environ.get("HUBDESK_DESKTOP_SESSION") == "1"

_SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "desktop_session.py"


def _load_session_module() -> ModuleType:
    name = "hubdesk_desktop_session"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, _SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


session_module = _load_session_module()
DesktopSession = session_module.DesktopSession
SessionError = session_module.SessionError
call: Callable[..., tuple[Any, ...]] = session_module.call

NOTIFICATIONS = DBusAddress(
    "/org/freedesktop/Notifications",
    "org.freedesktop.Notifications",
    "org.freedesktop.Notifications",
)
DUNST = DBusAddress(
    "/org/freedesktop/Notifications", "org.freedesktop.Notifications", "org.dunstproject.cmd0"
)
WATCHER_PROPS = DBusAddress(
    "/StatusNotifierWatcher", "org.kde.StatusNotifierWatcher", "org.freedesktop.DBus.Properties"
)


# -- hooks ------------------------------------------------------------------------------


def pytest_configure(config: pytest.Config) -> None:
    if sys.platform.startswith("linux") and not IN_SESSION:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"


def _needs_session() -> None:
    if not sys.platform.startswith("linux"):
        pytest.skip(LINUX_ONLY_REASON)
    if not IN_SESSION:
        missing(SKIP_REASON)


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("desktop"):
        _needs_session()


# -- what the user sees -------------------------------------------------------------------


class NotifyMonitor:
    """Watches the bus for ``Notify`` calls, to know each notification's actions and
    hints (dunst's history does not keep them). Runs in a thread on its own connection
    (a monitor connection can only listen)."""

    def __init__(self, address: str) -> None:
        self._connection = open_dbus_connection(bus=address)
        rules = [
            "type='method_call',interface='org.freedesktop.Notifications',member='Notify'",
            "type='method_return',sender='org.freedesktop.Notifications'",
        ]
        monitoring = DBusAddress(
            "/org/freedesktop/DBus", "org.freedesktop.DBus", "org.freedesktop.DBus.Monitoring"
        )
        call(self._connection, monitoring, "BecomeMonitor", "asu", (rules, 0))
        self._lock = threading.Lock()
        self._pending: dict[tuple[str, int], tuple[Any, ...]] = {}
        self._by_id: dict[int, tuple[Any, ...]] = {}
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name="notify-monitor", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stopped.is_set():
            try:
                message = self._connection.receive(timeout=0.2)
            except TimeoutError:
                continue
            except (OSError, ValueError):
                return  # connection closed
            fields = message.header.fields
            if message.header.message_type is MessageType.method_call:
                key = (fields.get(HeaderFields.sender, ""), message.header.serial)
                with self._lock:
                    self._pending[key] = message.body
            elif message.header.message_type is MessageType.method_return:
                key = (fields.get(HeaderFields.destination, ""), fields[HeaderFields.reply_serial])
                with self._lock:
                    args = self._pending.pop(key, None)
                    if args is not None and message.body:
                        self._by_id[int(message.body[0])] = args

    def notify_args(self, notification_id: int, timeout: float = 2.0) -> tuple[Any, ...] | None:
        """The arguments of the ``Notify`` call that created ``notification_id``."""
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                if notification_id in self._by_id:
                    return self._by_id[notification_id]
            if time.monotonic() >= deadline:
                return None
            time.sleep(0.01)

    def close(self) -> None:
        self._stopped.set()
        self._thread.join(2)
        self._connection.close()


def displayed_text(markup: str) -> str:
    """What dunst draws for its formatted message (Pango markup, ``<b>%s</b>\\n%b``):
    the text with tags rendered away (an ``<img>`` dunst drew as "[image]") and entities
    decoded."""
    return html.unescape(re.sub(r"<[^>]*>", "", markup))


class Desktop:
    """The running desktop session, seen from a test."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.display = env["DISPLAY"]
        self.bus_address = env["DBUS_SESSION_BUS_ADDRESS"]
        self.bus: DBusConnection = open_dbus_connection(bus=self.bus_address)
        self.monitor = NotifyMonitor(self.bus_address)

    def close(self) -> None:
        self.monitor.close()
        self.bus.close()

    def close_all_notifications(self) -> None:
        call(self.bus, DUNST, "NotificationCloseAll")

    def notifications(self) -> list[dict[str, Any]]:
        """Every notification dunst has received, newest first.

        Closes those still displayed first (dunst's history lists closed ones only), so
        call :meth:`invoke_action` before this. Each is a dict with ``id``, ``appname``,
        ``summary``, ``body``, ``shown`` (the text dunst displays: its formatted message,
        markup rendered), ``actions`` ({key: label}, from the bus monitor) and
        ``urgency`` (0 low, 1 normal, 2 critical; None if unknown).
        """
        self.close_all_notifications()
        (history,) = call(self.bus, DUNST, "NotificationListHistory")
        result = []
        for entry in history:
            notification_id = int(entry["id"][1])
            args = self.monitor.notify_args(notification_id, timeout=0.5)
            actions: dict[str, str] = {}
            urgency: int | None = None
            if args is not None:
                flat = list(args[5])
                actions = dict(zip(flat[0::2], flat[1::2], strict=False))
                hint = args[6].get("urgency")
                urgency = int(hint[1]) if hint is not None else None
            result.append(
                {
                    "id": notification_id,
                    "appname": entry["appname"][1],
                    "summary": entry["summary"][1],
                    "body": entry["body"][1],
                    "shown": displayed_text(entry["message"][1]) if "message" in entry else None,
                    "actions": actions,
                    "urgency": urgency,
                }
            )
        return result

    def wait_for_notification(
        self, summary: str | None = None, timeout: float = 15.0
    ) -> dict[str, Any]:
        """The newest notification (with this summary, if given), waiting for it."""
        deadline = time.monotonic() + timeout
        while True:
            for notification in self.notifications():
                if summary is None or notification["summary"] == summary:
                    return notification
            if time.monotonic() >= deadline:
                raise AssertionError(f"no notification {summary or ''!r} within {timeout}s")
            time.sleep(0.05)

    def invoke_action(self, position: int = 0) -> None:
        """What a click does: the default action of the displayed notification at
        ``position`` (``dunstctl action N``). dunst then emits ``ActionInvoked`` to the
        connection that sent the notification."""
        call(self.bus, DUNST, "NotificationAction", "u", (position,))

    def displayed_count(self) -> int:
        props = DBusAddress(DUNST.object_path, DUNST.bus_name, "org.freedesktop.DBus.Properties")
        ((_, count),) = call(self.bus, props, "Get", "ss", (DUNST.interface, "displayedLength"))
        return int(count)

    def tray_items(self) -> list[str]:
        """Items registered with the StatusNotifierWatcher (``bus-name/path`` strings)."""
        ((_, items),) = call(
            self.bus,
            WATCHER_PROPS,
            "Get",
            "ss",
            ("org.kde.StatusNotifierWatcher", "RegisteredStatusNotifierItems"),
        )
        return [str(item) for item in items]


@pytest.fixture(scope="session")
def desktop_session() -> Iterator[Desktop]:
    """The desktop session ``scripts/test`` runs the suite in (skips outside it)."""
    _needs_session()
    desktop = Desktop(dict(os.environ))
    try:
        yield desktop
    finally:
        desktop.close()
