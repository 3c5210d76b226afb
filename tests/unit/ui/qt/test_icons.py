from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPalette, QPixmap
from PySide6.QtWidgets import QApplication

from hubdesk.ui.qt.icons import FALLBACKS, PLAIN_GREY, IconSet, default_icon_dir, is_plain_svg
from hubdesk.ui.qt.theme import build_palette


def test_every_known_icon_loads(qapp: QApplication) -> None:
    icons = IconSet()
    for name in FALLBACKS:
        icon = icons.icon(name)
        assert not icon.isNull(), name
        assert icons.icon(name) is icon  # cached


def test_every_fallback_names_a_standard_pixmap(qapp: QApplication) -> None:
    from PySide6.QtWidgets import QStyle

    from hubdesk.ui.qt.icons import standard_icon

    for name, fallback in FALLBACKS.items():
        assert fallback in QStyle.StandardPixmap.__members__, (name, fallback)
        assert not standard_icon(fallback).isNull(), (name, fallback)


def test_missing_or_broken_files_fall_back(qapp: QApplication, tmp_path: Path) -> None:
    (tmp_path / "send.svg").write_text("<svg this is not")
    icons = IconSet(tmp_path)
    assert not icons.has_file("retry")
    assert not icons.icon("retry").isNull()
    assert not icons.icon("send").isNull()
    assert not icons.icon("no-such-icon").isNull()


def test_broken_files_are_checked_on_first_use_and_fall_back(
    qapp: QApplication, tmp_path: Path
) -> None:
    # one that looks plain (tinted engine) and one coloured (checked engine), both broken
    (tmp_path / "call.svg").write_text('<svg fill="#70757a" this is not')
    (tmp_path / "failed.svg").write_text('<svg fill="#d93025" this is not')
    icons = IconSet(tmp_path)
    for name in ("call", "failed"):
        icon = icons.icon(name)
        assert not icon.isNull(), name
        assert not icon.pixmap(16, 16).isNull(), name
    assert not icons.tinted("call", QColor("#ff0000")).pixmap(16, 16).isNull()


def test_default_dir_is_resources() -> None:
    assert default_icon_dir().parts[-2:] == ("resources", "icons")


# --- tinting for the palette ----------------------------------------------------------

LIGHT_TEXT = QColor("#1f2328")
DARK_TEXT = QColor("#e8eaed")


def opaque_colours(icon: QIcon, size: int = 48, mode: QIcon.Mode = QIcon.Mode.Normal) -> set[str]:
    image = icon.pixmap(size, size, mode).toImage()
    return {
        image.pixelColor(x, y).name()
        for x in range(image.width())
        for y in range(image.height())
        if image.pixelColor(x, y).alpha() == 255
    }


def contrast(a: QColor, b: QColor) -> float:
    def lum(c: QColor) -> float:
        def ch(v: float) -> float:
            return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

        return 0.2126 * ch(c.redF()) + 0.7152 * ch(c.greenF()) + 0.0722 * ch(c.blueF())

    hi, lo = sorted((lum(a), lum(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_plain_icons_take_the_palette_text_colour(qapp: QApplication) -> None:
    for dark, text in ((False, LIGHT_TEXT), (True, DARK_TEXT)):
        palette = build_palette(dark)
        icons = IconSet(palette=lambda palette=palette: palette)  # type: ignore[misc]
        for name in ("call", "send", "search", "settings", "sent", "pending"):
            assert icons.is_plain(name), name
            assert opaque_colours(icons.icon(name)) == {text.name()}, (name, dark)
        window = palette.color(QPalette.ColorRole.Window)
        assert contrast(text, window) >= 7.0
    # The design grey the files are drawn in is what was too faint on the dark window.
    assert contrast(QColor(PLAIN_GREY), build_palette(True).color(QPalette.ColorRole.Window)) < 4


def test_coloured_and_tray_icons_are_left_alone(qapp: QApplication) -> None:
    seen: dict[str, list[set[str]]] = {"failed": [], "hubdesk": [], "tray": [], "tray-unread": []}
    for dark in (False, True):
        palette = build_palette(dark)
        icons = IconSet(palette=lambda palette=palette: palette)  # type: ignore[misc]
        for name, runs in seen.items():
            assert not icons.is_plain(name), name
            runs.append(opaque_colours(icons.icon(name)))
    for name, (light, dark_run) in seen.items():
        assert light == dark_run, name
    assert "#d93025" in seen["failed"][0]
    assert "#1a73e8" in seen["hubdesk"][0] and "#ffffff" in seen["hubdesk"][0]
    assert seen["tray"][0] == {PLAIN_GREY}


def test_an_icon_follows_a_theme_switch(qapp: QApplication) -> None:
    """A widget keeps the QIcon it was given: the tint is chosen when it is painted."""
    saved = QPalette(qapp.palette())
    icon = IconSet().icon("call")
    try:
        qapp.setPalette(build_palette(False))
        assert opaque_colours(icon) == {LIGHT_TEXT.name()}
        qapp.setPalette(build_palette(True))
        assert opaque_colours(icon) == {DARK_TEXT.name()}
        disabled = build_palette(True).color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
        assert opaque_colours(icon, mode=QIcon.Mode.Disabled) == {disabled.name()}
    finally:
        qapp.setPalette(saved)


def test_tinted_icons_and_painting(qapp: QApplication) -> None:
    icons = IconSet(palette=lambda: build_palette(True))
    green = QColor("#137333")
    sent = icons.tinted("sent", green)
    assert icons.tinted("sent", green) is sent
    assert opaque_colours(sent) == {green.name()}
    assert icons.tinted("failed", green) is icons.icon("failed")  # coloured: kept red
    target = QPixmap(32, 32)
    target.fill(Qt.GlobalColor.transparent)
    painter = QPainter(target)
    icons.icon("call").paint(painter, QRect(0, 0, 32, 32))
    painter.end()
    image = target.toImage()
    strong = {
        image.pixelColor(x, y).name()
        for x in range(32)
        for y in range(32)
        if image.pixelColor(x, y).alpha() == 255
    }
    assert strong == {DARK_TEXT.name()}


def test_is_plain_svg() -> None:
    assert is_plain_svg('<svg stroke="#70757a"><path fill="#70757A"/></svg>')
    assert not is_plain_svg('<svg stroke="#70757a"><circle fill="#d93025"/></svg>')
    assert not is_plain_svg('<svg fill="#1a73e8"/>')
    assert not is_plain_svg('<svg stroke="currentColor"/>')
