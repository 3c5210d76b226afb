"""Desktop notifications for new messages, and what a click on one opens.

On Linux :class:`Notifier` talks to ``org.freedesktop.Notifications`` itself: it sends
``Notify`` with a ``default`` action, keeps a map notification id -> conversation, and
listens for ``ActionInvoked`` / ``NotificationClosed``. A click emits
``activated(partner)`` (or ``activated_summary()`` for a summary of several people).

Why not QtDBus: PySide6 (6.12) cannot put a D-Bus ``uint32`` or ``byte`` on the wire
(a Python int becomes ``int32`` in a QVariant, and ``QDBusArgument << int`` resolves to
the ``ushort`` overload), and ``Notify`` is ``(susssasa{sv}i)`` with an urgency byte:
servers reject the call. jeepney (pure Python, already on every Linux install through
keyring -> SecretStorage) builds the messages; the socket is read from the Qt event loop
through a ``QSocketNotifier``, so nothing blocks and no asyncio loop is needed. Only
connecting (a local socket, bounded by ``auth_timeout``) is synchronous.

Elsewhere, or when there is no session bus or no notification server, it falls back to
``QSystemTrayIcon.showMessage``; a click on that balloon (``messageClicked``) opens the
last notice's conversation. Nothing here raises because the bus is missing or dies.

Hostile text. Title and body are message data (a contact's name, a sender id, the SMS
text) and are made safe for every path before they leave (:func:`wire_text`):

* on one line, with NUL and every other control character gone: a NUL in a D-Bus string
  makes dbus-daemon drop the whole connection; lone surrogates (half an emoji) become
  U+FFFD (jeepney cannot encode them), bidi overrides and invisible characters are
  neutralised (``domain.text``), noncharacters become U+FFFD (older daemons refuse them);
* the body is markup-escaped on the D-Bus path (servers read it as their HTML subset)
  and on the tray path on Linux, where Qt forwards ``showMessage`` to the same servers
  unescaped; the summary is plain text by the specification (dunst quotes it itself).
  Windows and macOS show the tray text as plain text, so it goes unescaped there.

A lost bus (the daemon restarted, the connection was dropped) is not the end: the next
notice reconnects, at once after a loss and then with a backoff (1 s doubling to 60 s)
while connecting keeps failing, each attempt bounded by ``auth_timeout``; a notice that
was on its way when the connection broke is shown again once. Only while no connection
can be made do notices go to the tray.
"""

from __future__ import annotations

import logging
import re
import sys
import time
from collections.abc import Callable
from enum import Enum
from typing import Any, Protocol

from PySide6.QtCore import QObject, QSocketNotifier, Signal
from PySide6.QtWidgets import QSystemTrayIcon

from hubdesk.domain.text import one_line
from hubdesk.ui.icons import default_icon_dir
from hubdesk.ui.notifybus import INTERFACE, NotificationBus

log = logging.getLogger(__name__)

__all__ = ["APP_NAME", "Backend", "NoticeLike", "Notifier", "escape_markup", "wire_text"]

APP_NAME = "HubDesk"
DESKTOP_ENTRY = "hubdesk"
CATEGORY = "im.received"
URGENCY_NORMAL = 1

TITLE_LIMIT = 200
BODY_LIMIT = 1000
RETRY_FIRST_S = 1.0
RETRY_MAX_S = 60.0

_NONCHARACTERS = re.compile("[\ufdd0-\ufdef\ufffe\uffff]")


class NoticeLike(Protocol):
    """What :meth:`Notifier.show` needs (``hubdesk.core.notify.Notice`` fits)."""

    @property
    def title(self) -> str: ...

    @property
    def body(self) -> str: ...

    @property
    def partner(self) -> str | None: ...


class Backend(Enum):
    """Where notices go."""

    FREEDESKTOP = "freedesktop"  # org.freedesktop.Notifications over the session bus
    TRAY = "tray"  # QSystemTrayIcon.showMessage
    NONE = "none"  # nowhere (no bus server and no tray icon): logged only


def escape_markup(text: str) -> str:
    """``text`` safe for a body that servers may read as their HTML subset.

    Servers that support markup turn the entities back into the characters; those that
    do not are told by the specification to strip markup (dunst also decodes the
    entities), so the user sees the text exactly as it was received either way.
    """
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def wire_text(text: str, limit: int) -> str:
    """``text`` safe to put in a notification: one line, no control character, no lone
    surrogate or noncharacter, bidi controls neutralised, at most ``limit`` characters."""
    line = _NONCHARACTERS.sub("\ufffd", one_line(text))
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def default_app_icon() -> str:
    """A ``file://`` URI of HubDesk's icon when it is on disk, else the theme name."""
    path = default_icon_dir() / "hubdesk.svg"
    return path.as_uri() if path.is_file() else DESKTOP_ENTRY


class Notifier(QObject):
    """Shows :class:`NoticeLike` notices; reports which conversation a click opens.

    Signals:
        activated(str): a notice for one conversation was clicked; the partner number.
        activated_summary(): a summary notice (several people) was clicked.
    """

    activated = Signal(str)
    activated_summary = Signal()

    def __init__(
        self,
        tray: QSystemTrayIcon | None = None,
        *,
        app_icon: str | None = None,
        bus_address: str | None = None,
        use_bus: bool | None = None,
        auth_timeout: float = 1.0,
        tray_markup: bool | None = None,
        clock: Callable[[], float] = time.monotonic,
        parent: QObject | None = None,
    ) -> None:
        """``tray`` is used for the fallback; ``bus_address`` defaults to the session
        bus; ``use_bus`` defaults to True on Linux only; ``tray_markup`` (whether the
        tray's text reaches a server that reads markup) too."""
        super().__init__(parent)
        self._tray = tray
        self._app_icon = app_icon if app_icon is not None else default_app_icon()
        self._by_id: dict[int, str | None] = {}
        self._pending: dict[int, tuple[NoticeLike, bool]] = {}  # serial -> (notice, resent)
        self._last_tray_partner: str | None = None
        self._last_tray_shown = False
        self._bus: NotificationBus | None = None
        self._reader: QSocketNotifier | None = None
        linux = sys.platform.startswith("linux")
        self._wants_bus = use_bus if use_bus is not None else linux
        self._tray_markup = tray_markup if tray_markup is not None else linux
        self._address = bus_address or "SESSION"
        self._auth_timeout = auth_timeout
        self._clock = clock
        self._next_attempt = 0.0
        self._retry_delay = RETRY_FIRST_S
        self.connections = 0  # how many bus connections were made (tests, diagnostics)
        if tray is not None:
            tray.messageClicked.connect(self._on_tray_message_clicked)
        if self._wants_bus:
            self._reconnect()

    # -- public ------------------------------------------------------------------------

    @property
    def backend(self) -> Backend:
        if self._bus is not None:
            return Backend.FREEDESKTOP
        if self._tray is not None:
            return Backend.TRAY
        return Backend.NONE

    @property
    def open_notifications(self) -> dict[int, str | None]:
        """Notification id -> partner (None for a summary) of those still on screen."""
        return dict(self._by_id)

    def set_tray(self, tray: QSystemTrayIcon | None) -> None:
        """The tray icon used by the fallback (it may be created after the notifier)."""
        if self._tray is not None:
            self._tray.messageClicked.disconnect(self._on_tray_message_clicked)
        self._tray = tray
        if tray is not None:
            tray.messageClicked.connect(self._on_tray_message_clicked)

    def show(self, notice: NoticeLike) -> None:
        """Show ``notice``. A newer notice for the same conversation replaces its older one."""
        self._show(notice, resent=False)

    def close_all(self) -> None:
        """Close every notification this notifier still has on screen."""
        for notification_id in list(self._by_id):
            self._close(notification_id)
        self._by_id.clear()
        self._last_tray_shown = False

    def shutdown(self) -> None:
        """Disconnect from the bus for good (call on quit; the notifier then uses the
        tray)."""
        self._wants_bus = False
        self._drop_bus()

    # -- D-Bus -------------------------------------------------------------------------

    def _show(self, notice: NoticeLike, *, resent: bool) -> None:
        # The connection held, then (once, if that one turns out dead) a fresh one.
        for _ in range(2):
            bus = self._bus or self._reconnect()
            if bus is None:
                break
            try:
                self._send_notify(bus, notice, resent)
                return
            except OSError as error:  # the bus went away since
                log.warning("notification server unreachable (%s); reconnecting", error)
                self._lose_bus(reshow=False)
        self._show_in_tray(notice)

    def _reconnect(self) -> NotificationBus | None:
        """A new connection, unless connecting failed recently (backoff); None if none."""
        if not self._wants_bus or self._clock() < self._next_attempt:
            return None
        try:
            bus = NotificationBus(self._address, self._auth_timeout)
        except Exception as error:  # no bus, refused, no jeepney, malformed address...
            log.info("no session bus for notifications (%s); using the tray", error)
            self._failed_attempt()
            return None
        if not bus.server_present:
            log.info("no notification server on the session bus; using the tray")
            bus.close()
            self._failed_attempt()
            return None
        self._bus = bus
        self.connections += 1
        self._retry_delay = RETRY_FIRST_S
        self._reader = QSocketNotifier(bus.fileno(), QSocketNotifier.Type.Read, self)
        self._reader.activated.connect(self._on_readable)
        return bus

    def _failed_attempt(self) -> None:
        self._next_attempt = self._clock() + self._retry_delay
        self._retry_delay = min(self._retry_delay * 2, RETRY_MAX_S)

    def _lose_bus(self, *, reshow: bool) -> None:
        """The connection broke: drop it; the next notice reconnects at once. With
        ``reshow``, notices sent on it without an answer are shown again (once each)."""
        pending = list(self._pending.values())
        self._drop_bus()
        self._next_attempt = 0.0
        if reshow:
            for notice, resent in pending:
                if not resent:
                    self._show(notice, resent=True)

    def _drop_bus(self) -> None:
        if self._reader is not None:
            self._reader.setEnabled(False)
            self._reader.deleteLater()
            self._reader = None
        if self._bus is not None:
            self._bus.close()
            self._bus = None
        self._by_id.clear()
        self._pending.clear()

    def _close(self, notification_id: int) -> None:
        if self._bus is None:
            return
        try:
            self._bus.call("CloseNotification", "u", (notification_id,))
        except OSError:
            self._lose_bus(reshow=False)

    def _send_notify(self, bus: NotificationBus, notice: NoticeLike, resent: bool) -> None:
        replaces = 0
        if notice.partner is not None:
            for notification_id, partner in self._by_id.items():
                if partner == notice.partner:
                    replaces = notification_id
        hints = {
            "desktop-entry": ("s", DESKTOP_ENTRY),
            "category": ("s", CATEGORY),
            "urgency": ("y", URGENCY_NORMAL),
        }
        body = (
            APP_NAME,
            replaces,
            self._app_icon,
            wire_text(notice.title, TITLE_LIMIT),  # plain text by the specification
            escape_markup(wire_text(notice.body, BODY_LIMIT)),
            ["default", "Open"],
            hints,
            -1,
        )
        serial = bus.call("Notify", "susssasa{sv}i", body)
        self._pending[serial] = (notice, resent)

    def _on_readable(self) -> None:
        bus = self._bus
        if bus is None:
            return
        try:
            messages = bus.pending()
        except (OSError, EOFError, ValueError) as error:
            log.warning("the session bus connection closed (%s); reconnecting", error)
            self._lose_bus(reshow=True)
            return
        for message in messages:
            try:
                self._handle(message)
            except Exception:  # a malformed message must never end the event loop
                log.exception("unexpected message from the notification server")

    def _handle(self, message: Any) -> None:
        from jeepney import HeaderFields, MessageType

        header = message.header
        fields = header.fields
        kind = header.message_type
        if kind in (MessageType.method_return, MessageType.error):
            sent = self._pending.pop(fields.get(HeaderFields.reply_serial, -1), None)
            if sent is None:
                return
            notice = sent[0]
            if kind is MessageType.error:
                log.warning(
                    "Notify failed: %s %s", fields.get(HeaderFields.error_name), message.body
                )
                self._show_in_tray(notice)
                return
            notification_id = int(message.body[0])
            self._by_id[notification_id] = notice.partner
            return
        if kind is not MessageType.signal or fields.get(HeaderFields.interface) != INTERFACE:
            return
        member = fields.get(HeaderFields.member)
        if member == "ActionInvoked":
            notification_id, action = int(message.body[0]), str(message.body[1])
            if notification_id not in self._by_id or action != "default":
                return
            partner = self._by_id.pop(notification_id)
            # The spec has servers remove a clicked notification, but not all do (dunst
            # keeps it when the action comes over D-Bus): it is stale now, close it.
            self._close(notification_id)
            self._emit_for(partner)
        elif member == "NotificationClosed":
            self._by_id.pop(int(message.body[0]), None)

    # -- tray fallback ---------------------------------------------------------------------

    def _show_in_tray(self, notice: NoticeLike) -> None:
        if self._tray is None or not self._tray.isVisible():
            log.info("notification not shown (no server, no tray icon)")
            return
        self._last_tray_partner = notice.partner
        self._last_tray_shown = True
        # Information, not Critical: Qt's own D-Bus path (StatusNotifierItem) then adds no
        # "default" action and the click is lost; on Windows/macOS the balloon click is
        # reported through messageClicked, which is what this fallback is for.
        title, body = wire_text(notice.title, TITLE_LIMIT), wire_text(notice.body, BODY_LIMIT)
        if self._tray_markup:  # Qt hands it to org.freedesktop.Notifications as is
            body = escape_markup(body)
        self._tray.showMessage(title, body, QSystemTrayIcon.MessageIcon.Information, 0)

    def _on_tray_message_clicked(self) -> None:
        if self._last_tray_shown:
            self._emit_for(self._last_tray_partner)

    def _emit_for(self, partner: str | None) -> None:
        if partner is None:
            self.activated_summary.emit()
        else:
            self.activated.emit(partner)
