"""The system tray icon: unread count as a badge, tooltip, and the tray menu.

:class:`TrayIcon` wraps one ``QSystemTrayIcon``. Methods in (``set_unread``,
``set_dnd``), signals out (``open_requested``, ``new_message_requested``,
``dnd_toggled(bool)``, ``quit_requested``); it never calls into core itself.

The badge is painted with ``QPainter`` on pixmaps rendered from ``tray.svg``, at every
size a tray may ask for, so the count stays sharp. At sizes too small for digits the
badge is a plain dot (like ``tray-unread.svg``).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QRectF, Qt, Signal, SignalInstance
from PySide6.QtGui import QAction, QColor, QFont, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from hubdesk.ui.qt.icons import IconSet

__all__ = ["BADGE_COLOR", "ICON_SIZES", "TrayIcon", "badge_text", "badged_icon", "tooltip_for"]

APP_NAME = "HubDesk"
BADGE_COLOR = QColor("#d93025")
BADGE_TEXT_COLOR = QColor("#ffffff")
ICON_SIZES: tuple[int, ...] = (16, 22, 24, 32, 48, 64)
_MIN_DIGIT_SIZE = 20  # below this a badge is a dot: digits would be unreadable


def badge_text(count: int) -> str:
    """What the badge says: ``"1"`` … ``"99"``, then ``"99+"``; empty for none."""
    if count <= 0:
        return ""
    return str(count) if count <= 99 else "99+"


def tooltip_for(unread: int, dnd: bool) -> str:
    """``"HubDesk"``, ``"HubDesk — 3 unread"``, plus a do-not-disturb note."""
    text = APP_NAME if unread <= 0 else f"{APP_NAME} — {unread} unread"
    return f"{text} (do not disturb)" if dnd else text


def _badged_pixmap(base: QIcon, size: int, text: str) -> QPixmap:
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        base.paint(painter, 0, 0, size, size)
        digits = size >= _MIN_DIGIT_SIZE
        diameter = size * (0.62 if digits else 0.42)
        width = diameter
        font = QFont()
        if digits:
            font.setPixelSize(max(7, round(diameter * 0.72)))
            font.setBold(True)
            painter.setFont(font)
            width = max(diameter, painter.fontMetrics().horizontalAdvance(text) + diameter * 0.4)
            width = min(width, float(size))
        rect = QRectF(size - width, 0.0, width, diameter)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(BADGE_COLOR)
        painter.drawRoundedRect(rect, diameter / 2, diameter / 2)
        if digits:
            painter.setPen(BADGE_TEXT_COLOR)
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
    finally:
        painter.end()
    return pixmap


def badged_icon(base: QIcon, count: int, sizes: tuple[int, ...] = ICON_SIZES) -> QIcon:
    """``base`` with ``count`` drawn as a badge in its top-right corner (``base`` if 0)."""
    text = badge_text(count)
    if not text:
        return base
    icon = QIcon()
    for size in sizes:
        icon.addPixmap(_badged_pixmap(base, size, text))
    return icon


class TrayIcon(QObject):
    """HubDesk's tray icon and menu.

    Signals:
        open_requested(): the icon was clicked, or "Open" chosen.
        new_message_requested(): "New message" chosen.
        dnd_toggled(bool): the user switched "Do not disturb" (not emitted by set_dnd).
        quit_requested(): "Quit" chosen.
    """

    open_requested = Signal()
    new_message_requested = Signal()
    dnd_toggled = Signal(bool)
    quit_requested = Signal()

    def __init__(self, icons: IconSet | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._icons = icons if icons is not None else IconSet()
        self._base = self._icons.icon("tray")
        self._unread = 0
        self._dnd = False
        self._tray = QSystemTrayIcon(self)
        self._menu = QMenu()
        self._menu.setObjectName("trayMenu")
        self.open_action = self._add_action("Open", self.open_requested)
        self.new_message_action = self._add_action("New message", self.new_message_requested)
        self.new_message_action.setIcon(self._icons.icon("new-message"))
        self._menu.addSeparator()
        self.dnd_action = QAction("Do not disturb", self._menu)
        self.dnd_action.setCheckable(True)
        self.dnd_action.triggered.connect(self._on_dnd_triggered)
        self._menu.addAction(self.dnd_action)
        self._menu.addSeparator()
        self.quit_action = self._add_action("Quit", self.quit_requested)
        self._tray.setContextMenu(self._menu)
        self._tray.activated.connect(self._on_activated)
        self._refresh()

    # -- public ------------------------------------------------------------------------

    @staticmethod
    def available() -> bool:
        """Whether the desktop shows tray icons (a StatusNotifierWatcher or XEmbed tray)."""
        return QSystemTrayIcon.isSystemTrayAvailable()

    @property
    def system_tray_icon(self) -> QSystemTrayIcon:
        """The wrapped icon (the notifier's fallback shows its balloons through it)."""
        return self._tray

    @property
    def menu(self) -> QMenu:
        return self._menu

    @property
    def unread(self) -> int:
        return self._unread

    @property
    def dnd(self) -> bool:
        return self._dnd

    def show(self) -> None:
        self._tray.show()

    def hide(self) -> None:
        self._tray.hide()

    def is_visible(self) -> bool:
        return self._tray.isVisible()

    def icon(self) -> QIcon:
        return self._tray.icon()

    def tooltip(self) -> str:
        return self._tray.toolTip()

    def set_unread(self, count: int) -> None:
        """Show ``count`` unread messages (badge and tooltip); 0 clears them."""
        count = max(0, int(count))
        if count != self._unread:
            self._unread = count
            self._refresh()

    def set_dnd(self, enabled: bool) -> None:
        """Reflect do-not-disturb in the menu and tooltip, without emitting ``dnd_toggled``."""
        self._dnd = bool(enabled)
        self.dnd_action.setChecked(self._dnd)
        self._tray.setToolTip(tooltip_for(self._unread, self._dnd))

    def dispose(self) -> None:
        """Remove the icon from the tray now (call on quit, before the app goes away)."""
        self._tray.hide()
        self._tray.setContextMenu(None)  # type: ignore[arg-type]
        self._menu.deleteLater()

    # -- internals ---------------------------------------------------------------------

    def _add_action(self, text: str, signal: SignalInstance) -> QAction:
        action = QAction(text, self._menu)
        action.triggered.connect(signal)  # signal to signal: the bool is dropped
        self._menu.addAction(action)
        return action

    def _refresh(self) -> None:
        self._tray.setIcon(badged_icon(self._base, self._unread))
        self._tray.setToolTip(tooltip_for(self._unread, self._dnd))

    def _on_dnd_triggered(self, checked: bool) -> None:
        self._dnd = checked
        self._tray.setToolTip(tooltip_for(self._unread, self._dnd))
        self.dnd_toggled.emit(checked)

    def _on_activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (
            QSystemTrayIcon.ActivationReason.Trigger,
            QSystemTrayIcon.ActivationReason.DoubleClick,
        ):
            self.open_requested.emit()
