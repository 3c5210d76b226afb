"""Fusion style with HubDesk's light and dark palettes, and colours delegates share.

``apply_theme(app, "system")`` follows the OS colour scheme (``QStyleHints.colorScheme``)
and keeps following it when the user switches; ``"light"`` / ``"dark"`` pin it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

ThemeMode = Literal["system", "light", "dark"]
THEME_MODES: tuple[ThemeMode, ...] = ("system", "light", "dark")

_FOLLOWER_NAME = "hubdesk-theme-follower"

Role = QPalette.ColorRole
Group = QPalette.ColorGroup

_LIGHT: dict[QPalette.ColorRole, str] = {
    Role.Window: "#f3f4f6",
    Role.WindowText: "#1f2328",
    Role.Base: "#ffffff",
    Role.AlternateBase: "#f6f8fa",
    Role.ToolTipBase: "#ffffff",
    Role.ToolTipText: "#1f2328",
    Role.PlaceholderText: "#6e7781",
    Role.Text: "#1f2328",
    Role.Button: "#f6f8fa",
    Role.ButtonText: "#1f2328",
    Role.BrightText: "#ffffff",
    Role.Light: "#ffffff",
    Role.Midlight: "#e6e8eb",
    Role.Mid: "#c9ced4",
    Role.Dark: "#8c959f",
    Role.Shadow: "#57606a",
    Role.Highlight: "#1a73e8",
    Role.HighlightedText: "#ffffff",
    Role.Link: "#0b57d0",
    Role.LinkVisited: "#6f42c1",
    Role.Accent: "#1a73e8",
}

_DARK: dict[QPalette.ColorRole, str] = {
    Role.Window: "#202124",
    Role.WindowText: "#e8eaed",
    Role.Base: "#17181a",
    Role.AlternateBase: "#26272b",
    Role.ToolTipBase: "#303134",
    Role.ToolTipText: "#e8eaed",
    Role.PlaceholderText: "#9aa0a6",
    Role.Text: "#e8eaed",
    Role.Button: "#2d2e31",
    Role.ButtonText: "#e8eaed",
    Role.BrightText: "#ffffff",
    Role.Light: "#3c4043",
    Role.Midlight: "#323438",
    Role.Mid: "#4a4d51",
    Role.Dark: "#101113",
    Role.Shadow: "#000000",
    Role.Highlight: "#8ab4f8",
    Role.HighlightedText: "#131314",
    Role.Link: "#8ab4f8",
    Role.LinkVisited: "#c58af9",
    Role.Accent: "#8ab4f8",
}

_DISABLED_LIGHT = "#8c959f"
_DISABLED_DARK = "#80868b"


def build_palette(dark: bool) -> QPalette:
    """The full palette for one scheme (disabled text dimmed, but still readable)."""
    palette = QPalette()
    for role, value in (_DARK if dark else _LIGHT).items():
        palette.setColor(role, QColor(value))
    dimmed = QColor(_DISABLED_DARK if dark else _DISABLED_LIGHT)
    for role in (Role.WindowText, Role.Text, Role.ButtonText, Role.PlaceholderText):
        palette.setColor(Group.Disabled, role, dimmed)
    return palette


def is_dark(palette: QPalette) -> bool:
    """Whether a palette is a dark one (its window is darker than its text)."""
    return palette.color(Role.Window).lightness() < palette.color(Role.WindowText).lightness()


def system_is_dark(app: QGuiApplication) -> bool:
    """The OS preference; ``Unknown`` (no platform theme, e.g. offscreen) means light."""
    return app.styleHints().colorScheme() == Qt.ColorScheme.Dark


@dataclass(frozen=True, slots=True)
class ThemeColors:
    """Semantic colours the delegates paint with, derived from the current palette."""

    dark: bool
    sent_bubble: QColor
    sent_text: QColor
    received_bubble: QColor
    received_text: QColor
    muted_text: QColor
    badge: QColor
    badge_text: QColor
    failed: QColor
    warning: QColor
    success: QColor
    pending: QColor
    separator: QColor


def colors_for(palette: QPalette) -> ThemeColors:
    """Bubble, badge and state colours that keep contrast in either scheme."""
    if is_dark(palette):
        return ThemeColors(
            dark=True,
            sent_bubble=QColor("#1f3a5f"),
            sent_text=QColor("#e8f0fe"),
            received_bubble=QColor("#303134"),
            received_text=QColor("#e8eaed"),
            muted_text=QColor("#a8adb3"),
            badge=QColor("#8ab4f8"),
            badge_text=QColor("#131314"),
            failed=QColor("#f28b82"),
            warning=QColor("#fdd663"),
            success=QColor("#81c995"),
            pending=QColor("#a8adb3"),
            separator=QColor("#3c4043"),
        )
    return ThemeColors(
        dark=False,
        sent_bubble=QColor("#d3e3fd"),
        sent_text=QColor("#0b1b36"),
        received_bubble=QColor("#eceff1"),
        received_text=QColor("#1f2328"),
        muted_text=QColor("#5f6368"),
        badge=QColor("#1a73e8"),
        badge_text=QColor("#ffffff"),
        failed=QColor("#c5221f"),
        warning=QColor("#8a5a00"),
        success=QColor("#137333"),
        pending=QColor("#5f6368"),
        separator=QColor("#e0e3e7"),
    )


class _SchemeFollower(QObject):
    """Owned by the application: remembers the mode and re-applies on OS changes."""

    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        self.setObjectName(_FOLLOWER_NAME)
        self.mode: ThemeMode = "system"
        self._app = app
        app.styleHints().colorSchemeChanged.connect(self._on_scheme_changed)

    def _on_scheme_changed(self, _scheme: Qt.ColorScheme) -> None:
        if self.mode == "system":
            _set_palette(self._app, system_is_dark(self._app))


def _set_palette(app: QApplication, dark: bool) -> None:
    app.setPalette(build_palette(dark))


def apply_theme(app: QApplication, mode: str) -> bool:
    """Use Fusion and the palette for ``mode``; returns whether the result is dark.

    Unknown modes fall back to ``"system"``. With ``"system"`` the palette follows later
    OS scheme changes too; explicit modes also ask the platform (Qt >= 6.8) for that
    scheme so native parts (title bars) match.
    """
    chosen: ThemeMode = "system"
    for known in THEME_MODES:
        if mode == known:
            chosen = known
    app.setStyle("Fusion")
    follower = app.findChild(_SchemeFollower, _FOLLOWER_NAME)
    if follower is None:
        follower = _SchemeFollower(app)
    follower.mode = chosen
    hints = app.styleHints()
    if hasattr(hints, "setColorScheme"):
        wanted = {
            "system": Qt.ColorScheme.Unknown,
            "light": Qt.ColorScheme.Light,
            "dark": Qt.ColorScheme.Dark,
        }[chosen]
        hints.setColorScheme(wanted)
    dark = system_is_dark(app) if chosen == "system" else chosen == "dark"
    _set_palette(app, dark)
    return dark


def current_mode(app: QApplication) -> ThemeMode:
    """The mode last given to :func:`apply_theme` (``"system"`` if never called)."""
    follower = app.findChild(_SchemeFollower, _FOLLOWER_NAME)
    return follower.mode if follower is not None else "system"
