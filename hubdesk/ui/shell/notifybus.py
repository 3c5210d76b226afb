"""One jeepney connection to ``org.freedesktop.Notifications``, read from the Qt event
loop (``ui.notifications.Notifier`` holds one at a time and makes a new one when it is
lost). Only opening it blocks, bounded by ``auth_timeout``; calls are sent without
waiting and their answers read when the socket is readable.

Why not QtDBus: PySide6 (6.12) cannot put a D-Bus ``uint32`` or ``byte`` on the wire
(a Python int becomes ``int32`` in a QVariant, and ``QDBusArgument << int`` resolves to
the ``ushort`` overload), and ``Notify`` is ``(susssasa{sv}i)`` with an urgency byte:
servers reject the call. jeepney (pure Python, already on every Linux install through
keyring -> SecretStorage) builds the messages; the socket is read from the Qt event loop
through a ``QSocketNotifier``, so nothing blocks and no asyncio loop is needed. Only
connecting (a local socket, bounded by ``auth_timeout``) is synchronous.

On opening it asks the server what it shows (``GetCapabilities``: ``actions``, KDE's
``inline-reply`` ...) and subscribes to ``ActionInvoked``, ``NotificationClosed`` and
KDE's ``NotificationReplied`` (the text typed in an inline reply).
"""

from __future__ import annotations

import itertools
from typing import Any

__all__ = ["INTERFACE", "PATH", "SERVICE", "SIGNALS", "NotificationBus"]

SERVICE = "org.freedesktop.Notifications"
PATH = "/org/freedesktop/Notifications"
INTERFACE = "org.freedesktop.Notifications"
SIGNALS = ("ActionInvoked", "NotificationClosed", "NotificationReplied")


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
        for member in SIGNALS:
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
        self.capabilities: frozenset[str] = frozenset()
        if owned:  # never start an activatable server just to ask
            self.capabilities = self._capabilities(auth_timeout)

    def _capabilities(self, timeout: float) -> frozenset[str]:
        """What the server offers; empty when it does not answer in time or sensibly."""
        try:
            reply = self.connection.send_and_get_reply(
                self._new_method_call(self._target, "GetCapabilities"), timeout=timeout
            )
            (names,) = reply.body
            return frozenset(str(n) for n in names)
        except Exception:  # an error reply, no body, a time-out: no extras
            return frozenset()

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
