"""The notifications' tray path: ``QSystemTrayIcon.showMessage``, the only one on Windows
and macOS, and Linux's fallback when no notification server answers.

A balloon has no buttons; clicking it (``messageClicked``) opens the conversation of the
newest notice shown (None: a summary). Text is made safe as on the D-Bus path
(``notifytext``); the icon is the message icon, not the app's handset.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Protocol

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QSystemTrayIcon

from hubdesk.ui.shell.notifytext import (
    BODY_LIMIT,
    TITLE_LIMIT,
    escape_markup,
    message_icon_path,
    wire_text,
)

__all__ = ["TrayMessages"]

log = logging.getLogger(__name__)


class _Notice(Protocol):
    @property
    def title(self) -> str: ...

    @property
    def body(self) -> str: ...

    @property
    def partner(self) -> str | None: ...


class TrayMessages:
    """Shows notices as tray balloons; calls ``clicked(partner)`` when one is clicked."""

    def __init__(self, markup: bool, clicked: Callable[[str | None], None]) -> None:
        """``markup``: the tray's text reaches a server that reads markup (Linux)."""
        self._markup = markup
        self._clicked = clicked
        self._tray: QSystemTrayIcon | None = None
        self._last_partner: str | None = None
        self._last_shown = False

    @property
    def tray(self) -> QSystemTrayIcon | None:
        return self._tray

    def set_tray(self, tray: QSystemTrayIcon | None) -> None:
        if self._tray is not None:
            self._tray.messageClicked.disconnect(self._on_clicked)
        self._tray = tray
        if tray is not None:
            tray.messageClicked.connect(self._on_clicked)

    def show(self, notice: _Notice) -> None:
        if self._tray is None or not self._tray.isVisible():
            log.info("notification not shown (no server, no tray icon)")
            return
        self._last_partner = notice.partner
        self._last_shown = True
        # No "default" action on Qt's own D-Bus path (StatusNotifierItem) unless
        # Critical, so the click is lost there; on Windows/macOS the balloon click is
        # reported through messageClicked, which is what this path is for.
        title, body = wire_text(notice.title, TITLE_LIMIT), wire_text(notice.body, BODY_LIMIT)
        if self._markup:  # Qt hands it to org.freedesktop.Notifications as is
            body = escape_markup(body)
        icon_file = message_icon_path()
        if icon_file is not None:
            self._tray.showMessage(title, body, QIcon(str(icon_file)), 0)
        else:
            self._tray.showMessage(title, body, QSystemTrayIcon.MessageIcon.Information, 0)

    def forget(self, partner: str | None = None) -> None:
        """The last balloon (``partner``'s, or any) no longer opens anything."""
        if partner is None or partner == self._last_partner:
            self._last_shown = False

    def _on_clicked(self) -> None:
        if self._last_shown:
            self._clicked(self._last_partner)
