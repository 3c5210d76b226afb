"""One jeepney connection to ``org.freedesktop.Notifications``, read from the Qt event
loop (``ui.notifications.Notifier`` holds one at a time and makes a new one when it is
lost). Only opening it blocks, bounded by ``auth_timeout``; calls are sent without
waiting and their answers read when the socket is readable.
"""

from __future__ import annotations

import itertools
from typing import Any

__all__ = ["INTERFACE", "PATH", "SERVICE", "NotificationBus"]

SERVICE = "org.freedesktop.Notifications"
PATH = "/org/freedesktop/Notifications"
INTERFACE = "org.freedesktop.Notifications"


class NotificationBus:
    """A jeepney connection read from the Qt event loop. Raises only in ``open``."""

    def __init__(self, address: str, auth_timeout: float) -> None:
        from jeepney import DBusAddress, MatchRule, message_bus, new_method_call
        from jeepney.io.blocking import open_dbus_connection

        self._new_method_call = new_method_call
        self._target = DBusAddress(PATH, SERVICE, INTERFACE)
        self.connection: Any = open_dbus_connection(bus=address, auth_timeout=auth_timeout)
        self._serials = itertools.count(1_000_000)  # ours; jeepney's own start at 1
        bus = DBusAddress("/org/freedesktop/DBus", "org.freedesktop.DBus", "org.freedesktop.DBus")
        for member in ("ActionInvoked", "NotificationClosed"):
            rule = MatchRule(
                type="signal", sender=SERVICE, interface=INTERFACE, path=PATH, member=member
            )
            self.connection.send_and_get_reply(message_bus.AddMatch(rule), timeout=auth_timeout)
        has_owner = new_method_call(bus, "NameHasOwner", "s", (SERVICE,))
        owned = self.connection.send_and_get_reply(has_owner, timeout=auth_timeout).body[0]
        activatable = self.connection.send_and_get_reply(
            new_method_call(bus, "ListActivatableNames"), timeout=auth_timeout
        ).body[0]
        self.server_present = bool(owned) or SERVICE in activatable

    def fileno(self) -> int:
        return int(self.connection.sock.fileno())

    def call(self, method: str, signature: str | None = None, body: tuple[Any, ...] = ()) -> int:
        """Send a method call without waiting; returns its serial (to match the reply)."""
        serial = next(self._serials)
        message = self._new_method_call(self._target, method, signature, body)
        self.connection.send(message, serial=serial)
        return serial

    def pending(self) -> list[Any]:
        """Every message that can be read now, without blocking."""
        messages = []
        while True:
            try:
                messages.append(self.connection.receive(timeout=0))
            except TimeoutError:
                return messages

    def close(self) -> None:
        try:
            self.connection.close()
        except OSError:
            pass
