"""Icons from ``resources/icons/*.svg``, with a standard-style fallback for each.

A missing or unreadable file never crashes: the icon falls back to a ``QStyle``
standard icon (or an empty ``QIcon`` if even that is unavailable). A file that exists is
only parsed when the icon is first drawn or asked about (``isNull``, a pixmap): building
the window's actions costs no SVG rendering; an invalid file then draws the fallback.

Plain icons (drawn only in the set's neutral grey, ``PLAIN_GREY``) are tinted for the
palette at paint time: a :class:`TintedSvgEngine` renders the SVG and fills its shape
with the palette's button text colour (the disabled text colour for disabled icons, the
highlighted text colour for selected ones). An icon handed to a widget once therefore
follows a light/dark switch by itself. Coloured icons (the app icon, ``failed`` in red)
and the tray icons (shown on the desktop's panel, not on our palette) are left alone.
"""

from __future__ import annotations

import logging
import math
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import cast

from PySide6.QtCore import QRect, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QGuiApplication,
    QIcon,
    QIconEngine,
    QImage,
    QPainter,
    QPalette,
    QPixmap,
)
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QApplication, QStyle

from hubdesk.ui.qt.overrides import guarded, guarded_with

log = logging.getLogger(__name__)

#: Every icon the UI asks for, with the standard icon used when its SVG is missing: a
#: ``QStyle.StandardPixmap`` member's name, looked up only then (touching that enum
#: from Python makes PySide6 build all of QStyle's enums, ~5 ms before the first frame).
FALLBACKS: dict[str, str] = {
    "hubdesk": "SP_ComputerIcon",
    "tray": "SP_ComputerIcon",
    "tray-unread": "SP_MessageBoxInformation",
    "send": "SP_ArrowRight",
    "call": "SP_DialogYesButton",
    "call-masked": "SP_DialogYesButton",
    "new-message": "SP_FileDialogNewFolder",
    "message": "SP_MessageBoxInformation",
    "search": "SP_FileDialogContentsView",
    "contacts": "SP_DirHomeIcon",
    "sender-id": "SP_FileDialogInfoView",
    "bulk-send": "SP_ArrowForward",
    "history": "SP_BrowserReload",
    "templates": "SP_FileDialogListView",
    "settings": "SP_FileDialogDetailedView",
    "retry": "SP_BrowserReload",
    "failed": "SP_MessageBoxCritical",
    "pending": "SP_BrowserStop",
    "sent": "SP_DialogApplyButton",
    "queued": "SP_FileDialogListView",
    "unknown": "SP_MessageBoxQuestion",
    "opted-out": "SP_DialogCancelButton",
}

#: The one colour plain icons are drawn in (see resources/README.md).
PLAIN_GREY = "#70757a"
#: Shown on the desktop's panel, whose colours are not the application palette's.
UNTINTED = frozenset({"tray", "tray-unread"})

_COLOUR = re.compile(r"#[0-9a-fA-F]{6}\b|#[0-9a-fA-F]{3}\b|\brgba?\(|\bcurrentColor\b")
_CACHE_LIMIT = 48

PaletteSource = Callable[[], QPalette]


def default_icon_dir() -> Path:
    """``resources/icons`` beside the package, or inside a PyInstaller bundle."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources" / "icons"
    return Path(__file__).resolve().parents[3] / "resources" / "icons"


def _app_palette() -> QPalette:
    return QGuiApplication.palette()


def is_plain_svg(text: str) -> bool:
    """Whether an SVG is drawn in ``PLAIN_GREY`` alone (so it can take any one colour)."""
    colours = {c.lower() for c in _COLOUR.findall(text)}
    return colours == {PLAIN_GREY}


def tint_for(palette: QPalette, mode: QIcon.Mode) -> QColor:
    """The colour a plain icon takes in ``mode`` on ``palette``."""
    if mode == QIcon.Mode.Disabled:
        return palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText)
    if mode == QIcon.Mode.Selected:
        return palette.color(QPalette.ColorGroup.Active, QPalette.ColorRole.HighlightedText)
    return palette.color(QPalette.ColorGroup.Active, QPalette.ColorRole.ButtonText)


class TintedSvgEngine(QIconEngine):
    """Renders one monochrome SVG filled with a colour: a fixed one, or the palette's."""

    def __init__(
        self,
        path: Path,
        palette: PaletteSource = _app_palette,
        color: QColor | None = None,
        fallback: str | None = None,
    ) -> None:
        super().__init__()
        self._path = path
        self._palette = palette
        self._color = QColor(color) if color is not None else None
        self._fallback = fallback
        self._svg: QSvgRenderer | None = None  # parsed on first use
        self._pixmaps: dict[tuple[int, int, int], QPixmap] = {}

    @property
    def _renderer(self) -> QSvgRenderer:
        if self._svg is None:
            self._svg = QSvgRenderer(str(self._path))
            if not self._svg.isValid():
                log.warning("icon %s could not be rendered; using the fallback", self._path)
        return self._svg

    def valid(self) -> bool:
        """Whether the SVG parses (parsed now if it was not yet)."""
        return bool(self._renderer.isValid())

    def color(self, mode: QIcon.Mode) -> QColor:
        if self._color is not None and mode != QIcon.Mode.Disabled:
            return self._color
        return tint_for(self._palette(), mode)

    def render(self, size: QSize, mode: QIcon.Mode) -> QPixmap:
        """The icon at ``size`` device pixels, filled with the colour for ``mode``."""
        width, height = max(1, size.width()), max(1, size.height())
        rgba = self.color(mode).rgba()
        key = (width, height, rgba)
        cached = self._pixmaps.get(key)
        if cached is not None:
            return cached
        if not self.valid():
            if self._fallback is None:
                return QPixmap()
            return standard_icon(self._fallback).pixmap(QSize(width, height), mode)
        image = QImage(width, height, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        try:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            side = min(width, height)  # square, centred, like QIcon's own SVG engine
            box = QRectF((width - side) / 2, (height - side) / 2, side, side)
            self._renderer.render(painter, box)
            painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceIn)
            painter.fillRect(image.rect(), QColor.fromRgba(rgba))
        finally:
            painter.end()
        if len(self._pixmaps) >= _CACHE_LIMIT:
            self._pixmaps.clear()
        pixmap = QPixmap.fromImage(image)
        self._pixmaps[key] = pixmap
        return pixmap

    # --- QIconEngine overrides ------------------------------------------------------
    @guarded_with(QPixmap)
    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        return self.render(size, mode)

    @guarded(None)
    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State) -> None:
        # The device's pixel ratio, read from the painter's transform: painter.device()
        # would make shiboken resolve the device's Python type, initialising every
        # QWidget subclass (~15 ms on the first frame). Any scaling the widget itself
        # applied counts too, which only makes the icon sharper.
        transform = painter.deviceTransform()
        ratio = max(1e-3, math.hypot(transform.m11(), transform.m12()))
        pixmap = QPixmap(self.render(rect.size() * ratio, mode))
        pixmap.setDevicePixelRatio(ratio)
        painter.drawPixmap(rect, pixmap)

    @guarded(QSize())
    def actualSize(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QSize:
        return size

    @guarded(False)
    def isNull(self) -> bool:
        if self.valid():
            return False
        return self._fallback is None or standard_icon(self._fallback).isNull()

    @guarded("TintedSvgEngine")
    def key(self) -> str:
        return "TintedSvgEngine"

    @guarded(cast(QIconEngine, None))
    def clone(self) -> QIconEngine:
        return TintedSvgEngine(self._path, self._palette, self._color, self._fallback)


class CheckedSvgEngine(QIconEngine):
    """An SVG file's icon, checked on first use: the ``fallback`` standard icon instead
    when the file does not parse. Building it reads nothing (the window's start)."""

    def __init__(self, path: Path, fallback: str) -> None:
        super().__init__()
        self._path = path
        self._fallback = fallback
        self._icon: QIcon | None = None

    def target(self) -> QIcon:
        """The icon drawn: the file's, or the fallback (decided now if not yet)."""
        if self._icon is None:
            if QSvgRenderer(str(self._path)).isValid():
                self._icon = QIcon(str(self._path))
            else:
                log.warning("icon %s could not be rendered; using the fallback", self._path)
                self._icon = standard_icon(self._fallback)
        return self._icon

    @guarded_with(QPixmap)
    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        return self.target().pixmap(size, mode, state)

    @guarded(None)
    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State) -> None:
        self.target().paint(painter, rect, Qt.AlignmentFlag.AlignCenter, mode, state)

    @guarded(QSize())
    def actualSize(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QSize:
        return self.target().actualSize(size, mode, state)

    @guarded(False)
    def isNull(self) -> bool:
        return bool(self.target().isNull())

    @guarded("CheckedSvgEngine")
    def key(self) -> str:
        return "CheckedSvgEngine"

    @guarded(cast(QIconEngine, None))
    def clone(self) -> QIconEngine:
        return CheckedSvgEngine(self._path, self._fallback)


class IconSet:
    """Loads and caches icons by name from one folder (inject a folder in tests).

    ``palette`` says which palette plain icons are tinted for at paint time (the
    application's by default; tests inject one).
    """

    def __init__(self, folder: Path | None = None, *, palette: PaletteSource | None = None) -> None:
        self._folder = folder if folder is not None else default_icon_dir()
        self._palette: PaletteSource = palette or _app_palette
        self._cache: dict[str, QIcon] = {}
        self._tinted: dict[tuple[str, int], QIcon] = {}
        self._plain: dict[str, bool] = {}
        self._tintable: set[str] = set()  # loaded with a TintedSvgEngine

    @property
    def folder(self) -> Path:
        return self._folder

    def path(self, name: str) -> Path:
        return self._folder / f"{name}.svg"

    def has_file(self, name: str) -> bool:
        return self.path(name).is_file()

    def is_plain(self, name: str) -> bool:
        """Whether ``name`` is a monochrome icon that takes the palette's colour."""
        known = self._plain.get(name)
        if known is None:
            known = False
            if name not in UNTINTED and self.has_file(name):
                try:
                    known = is_plain_svg(self.path(name).read_text(encoding="utf-8"))
                except (OSError, UnicodeDecodeError):
                    known = False
            self._plain[name] = known
        return known

    def icon(self, name: str) -> QIcon:
        """The icon called ``name``; the fallback when its file is missing or broken."""
        cached = self._cache.get(name)
        if cached is not None:
            return cached
        result = self._load(name)
        self._cache[name] = result
        return result

    def tinted(self, name: str, color: QColor) -> QIcon:
        """A plain icon in one fixed colour (a state icon beside its coloured label);
        any other icon as :meth:`icon` gives it."""
        key = (name, color.rgba())
        cached = self._tinted.get(key)
        if cached is None:
            base = self.icon(name)
            if name in self._tintable:
                fallback = FALLBACKS.get(name, "SP_FileIcon")
                cached = QIcon(TintedSvgEngine(self.path(name), self._palette, color, fallback))
            else:
                cached = base
            self._tinted[key] = cached
        return cached

    def _load(self, name: str) -> QIcon:
        # The file is parsed when the icon is first used (drawn, or asked ``isNull``),
        # not here: an invalid one then draws the fallback (see ``CheckedSvgEngine``).
        file = self.path(name)
        fallback = FALLBACKS.get(name, "SP_FileIcon")
        if file.is_file():
            if self.is_plain(name):
                self._tintable.add(name)
                return QIcon(TintedSvgEngine(file, self._palette, fallback=fallback))
            return QIcon(CheckedSvgEngine(file, fallback))
        log.debug("icon %s missing; using the fallback", file)
        return standard_icon(fallback)

    def clear(self) -> None:
        """Forget cached icons (after the folder's files changed)."""
        self._cache.clear()
        self._tinted.clear()
        self._plain.clear()
        self._tintable.clear()


def standard_icon(name: str) -> QIcon:
    """The current style's standard icon ``QStyle.StandardPixmap[name]``; an empty icon
    without an application."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return QIcon()
    return app.style().standardIcon(QStyle.StandardPixmap[name])
