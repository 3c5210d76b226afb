"""Desktop notifications for new messages, and what a click or a button on one does.

On Linux :class:`Notifier` talks to ``org.freedesktop.Notifications`` itself: it asks the
server what it can show (``GetCapabilities``), sends ``Notify`` with the actions the
server offers (``core.notify.notice_actions``), keeps a map notification id ->
conversation, and listens for ``ActionInvoked``, ``NotificationClosed`` and KDE's
``NotificationReplied``. What the user did comes out as one signal each:

* the click (``default``): ``activated(partner)``, or ``activated_summary()`` for a
  summary of several people;
* Reply: ``reply_requested(partner)`` (the window opens on the conversation with the
  cursor in compose); on a server with ``inline-reply`` (KDE Plasma) the text typed in
  the popup arrives as ``replied(partner, text)``, once per notification;
* Call back: ``call_back_requested(partner)`` (the dialler's confirmation follows);
* Mark as read: ``mark_read_requested(partner)``.

A notice for a conversation replaces that conversation's notification still on screen
(``replaces_id``), also when the first one's id is still on its way: the newer notice
waits for it instead of stacking.

What each OS offers:

* **Linux** (any freedesktop notification server: GNOME Shell, KDE Plasma, dunst,
  xfce4-notifyd, mako ...): the click, and the buttons where the server advertises
  ``actions`` (GNOME, KDE, dunst in its context menu; not notify-osd); the reply typed
  in the popup where it advertises ``inline-reply`` (KDE Plasma). Grouped per
  conversation everywhere (``replaces_id`` is in every server).
* **Windows and macOS**: Qt's tray balloon / notification (``QSystemTrayIcon``), which
  has no buttons: clicking it opens the conversation of the newest notice
  (``messageClicked``), where Reply, Call and Mark unread are one click away. Also the
  fallback on Linux when no notification server answers.

Nothing here raises because the bus is missing or dies. Title and body are made safe on
every path (``ui.shell.notifytext``: one line, controls removed, body markup escaped).

A lost bus (the daemon restarted, the connection was dropped) is not the end: the next
notice reconnects, at once after a loss and then with a backoff (1 s doubling to 60 s)
while connecting keeps failing, each attempt bounded by ``auth_timeout``; a notice that
was on its way when the connection broke is shown again once. Only while no connection
can be made do notices go to the tray.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable
from enum import Enum
from typing import Any, Protocol

from PySide6.QtCore import QObject, QSocketNotifier, Signal
from PySide6.QtWidgets import QSystemTrayIcon

from hubdesk.core.notify import NoticeAction, notice_actions
from hubdesk.ui.shell.notifybus import INTERFACE, NotificationBus
from hubdesk.ui.shell.notifytext import (
    BODY_LIMIT,
    TITLE_LIMIT,
    default_app_icon,
    escape_markup,
    wire_text,
)
from hubdesk.ui.shell.notifytray import TrayMessages

log = logging.getLogger(__name__)

__all__ = [
    "APP_NAME",
    "Backend",
    "NoticeLike",
    "Notifier",
    "default_app_icon",
    "escape_markup",
    "wire_text",
]

APP_NAME = "HubDesk"
DESKTOP_ENTRY = "hubdesk"
CATEGORY = "im.received"
URGENCY_NORMAL = 1
REPLY_PLACEHOLDER = "Reply to {name}"

RETRY_FIRST_S = 1.0
RETRY_MAX_S = 60.0
_ACTIONS = {a.value: a for a in NoticeAction}


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


class Notifier(QObject):
    """Shows :class:`NoticeLike` notices; reports what the user did with one.

    Signals:
        activated(str): a notice for one conversation was clicked; the partner number.
        activated_summary(): a summary notice (several people) was clicked.
        reply_requested(str): Reply on a notice: open that conversation, ready to type.
        replied(str, str): a reply typed in the notification (inline reply): the partner
            and the text, once per notification.
        call_back_requested(str): Call back on a notice: the partner number.
        mark_read_requested(str): Mark as read on a notice: the partner number.
    """

    activated = Signal(str)
    activated_summary = Signal()
    reply_requested = Signal(str)
    replied = Signal(str, str)
    call_back_requested = Signal(str)
    mark_read_requested = Signal(str)

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
        linux = sys.platform.startswith("linux")
        self._balloons = TrayMessages(
            tray_markup if tray_markup is not None else linux, self._emit_for
        )
        self._balloons.set_tray(tray)
        self._app_icon = app_icon if app_icon is not None else default_app_icon()
        self._by_id: dict[int, str | None] = {}
        self._pending: dict[int, tuple[NoticeLike, bool]] = {}  # serial -> (notice, resent)
        self._waiting: dict[str, tuple[NoticeLike, bool]] = {}  # partner -> the newer notice
        self._bus: NotificationBus | None = None
        self._reader: QSocketNotifier | None = None
        self._wants_bus = use_bus if use_bus is not None else linux
        self._address = bus_address or "SESSION"
        self._auth_timeout = auth_timeout
        self._clock = clock
        self._next_attempt = 0.0
        self._retry_delay = RETRY_FIRST_S
        self.connections = 0  # how many bus connections were made (tests, diagnostics)
        if self._wants_bus:
            self._reconnect()

    # -- public ------------------------------------------------------------------------

    @property
    def backend(self) -> Backend:
        if self._bus is not None:
            return Backend.FREEDESKTOP
        if self._balloons.tray is not None:
            return Backend.TRAY
        return Backend.NONE

    @property
    def capabilities(self) -> frozenset[str]:
        """What the notification server advertises (empty without one)."""
        return self._bus.capabilities if self._bus is not None else frozenset()

    @property
    def open_notifications(self) -> dict[int, str | None]:
        """Notification id -> partner (None for a summary) of those still on screen."""
        return dict(self._by_id)

    def set_tray(self, tray: QSystemTrayIcon | None) -> None:
        """The tray icon used by the fallback (it may be created after the notifier)."""
        self._balloons.set_tray(tray)

    def show(self, notice: NoticeLike) -> None:
        """Show ``notice``. A newer notice for the same conversation replaces its older one."""
        self._show(notice, resent=False)

    def close_for(self, partner: str) -> None:
        """Close the notification about ``partner``'s conversation (it was read)."""
        for notification_id, shown in list(self._by_id.items()):
            if shown == partner:
                del self._by_id[notification_id]
                self._close(notification_id)
        self._waiting.pop(partner, None)
        self._balloons.forget(partner)

    def close_all(self) -> None:
        """Close every notification this notifier still has on screen."""
        for notification_id in list(self._by_id):
            self._close(notification_id)
        self._by_id.clear()
        self._waiting.clear()
        self._balloons.forget()

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
        self._balloons.show(notice)

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
        pending = [*self._pending.values(), *self._waiting.values()]
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
        self._waiting.clear()

    def _close(self, notification_id: int) -> None:
        if self._bus is None:
            return
        try:
            self._bus.call("CloseNotification", "u", (notification_id,))
        except OSError:
            self._lose_bus(reshow=False)

    def _send_notify(self, bus: NotificationBus, notice: NoticeLike, resent: bool) -> None:
        partner = notice.partner
        replaces = 0
        if partner is not None:
            if any(p.partner == partner for p, _ in self._pending.values()):
                # The same person's notification is on its way: its id is not known
                # yet. Wait for it, then replace it (newest notice wins), never stack.
                self._waiting[partner] = (notice, resent)
                return
            for notification_id, shown in self._by_id.items():
                if shown == partner:
                    replaces = notification_id
        title = wire_text(notice.title, TITLE_LIMIT)  # plain text by the specification
        actions = notice_actions(partner, bus.capabilities)
        hints: dict[str, tuple[str, Any]] = {
            "desktop-entry": ("s", DESKTOP_ENTRY),
            "category": ("s", CATEGORY),
            "urgency": ("y", URGENCY_NORMAL),
        }
        if NoticeAction.INLINE_REPLY in actions:
            placeholder = wire_text(REPLY_PLACEHOLDER.format(name=title), TITLE_LIMIT)
            hints["x-kde-reply-placeholder-text"] = ("s", placeholder)
        body = (
            APP_NAME,
            replaces,
            self._app_icon,
            title,
            escape_markup(wire_text(notice.body, BODY_LIMIT)),
            [part for action in actions for part in (action.value, action.label)],
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
            if sent is not None:
                self._answered(sent[0], message, kind is MessageType.error)
            return
        if kind is not MessageType.signal or fields.get(HeaderFields.interface) != INTERFACE:
            return
        member = fields.get(HeaderFields.member)
        if member == "ActionInvoked":
            self._on_action(int(message.body[0]), str(message.body[1]))
        elif member == "NotificationReplied":
            self._on_replied(int(message.body[0]), str(message.body[1]))
        elif member == "NotificationClosed":
            self._by_id.pop(int(message.body[0]), None)

    def _answered(self, notice: NoticeLike, message: Any, error: bool) -> None:
        """``Notify`` answered: remember the id (or fall back to the tray), then send the
        same person's newer notice that waited for it."""
        if error:
            log.warning("Notify failed: %s", message.body)
            self._balloons.show(notice)
        else:
            self._by_id[int(message.body[0])] = notice.partner
        waiting = self._waiting.pop(notice.partner, None) if notice.partner else None
        if waiting is not None:
            self._show(waiting[0], resent=waiting[1])

    def _on_action(self, notification_id: int, key: str) -> None:
        action = _ACTIONS.get(key)
        if notification_id not in self._by_id or action is None:
            return
        partner = self._by_id.pop(notification_id)
        # The spec has servers remove a notification whose action was invoked, but not all
        # do (dunst keeps it when the action comes over D-Bus): it is stale now, close it.
        self._close(notification_id)
        if action is NoticeAction.OPEN or partner is None:
            self._emit_for(partner)
        elif action in (NoticeAction.REPLY, NoticeAction.INLINE_REPLY):
            self.reply_requested.emit(partner)  # no text came with it: reply in the window
        elif action is NoticeAction.CALL_BACK:
            self.call_back_requested.emit(partner)
        elif action is NoticeAction.MARK_READ:
            self.mark_read_requested.emit(partner)

    def _on_replied(self, notification_id: int, text: str) -> None:
        """KDE's inline reply: the text typed in the notification, sent once."""
        if notification_id not in self._by_id:
            return  # not ours, or already answered: never twice
        partner = self._by_id.pop(notification_id)
        self._close(notification_id)
        if partner is None:
            return
        if text.strip():
            self.replied.emit(partner, text)
        else:
            self.reply_requested.emit(partner)

    def _emit_for(self, partner: str | None) -> None:
        if partner is None:
            self.activated_summary.emit()
        else:
            self.activated.emit(partner)
