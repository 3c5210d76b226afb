from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication

from hubdesk.ui.qt.theme import apply_theme, build_palette, colors_for, current_mode, is_dark


def contrast(a: QPalette, fg: QPalette.ColorRole, bg: QPalette.ColorRole) -> float:
    def lum(c: object) -> float:
        from PySide6.QtGui import QColor

        assert isinstance(c, QColor)
        vals = []
        for v in (c.redF(), c.greenF(), c.blueF()):
            vals.append(v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4)
        return 0.2126 * vals[0] + 0.7152 * vals[1] + 0.0722 * vals[2]

    hi, lo = sorted((lum(a.color(fg)), lum(a.color(bg))), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_light_and_dark(qapp: QApplication) -> None:
    try:
        assert apply_theme(qapp, "dark") is True
        assert is_dark(qapp.palette()) and current_mode(qapp) == "dark"
        assert qapp.style().name().lower() == "fusion"
        assert apply_theme(qapp, "light") is False
        assert not is_dark(qapp.palette())
        assert apply_theme(qapp, "nonsense") is (
            qapp.styleHints().colorScheme() == Qt.ColorScheme.Dark
        )
        assert current_mode(qapp) == "system"
    finally:
        apply_theme(qapp, "light")


def test_palettes_readable() -> None:
    R = QPalette.ColorRole
    for dark in (False, True):
        pal = build_palette(dark)
        assert contrast(pal, R.Text, R.Base) >= 7
        assert contrast(pal, R.WindowText, R.Window) >= 7
        assert contrast(pal, R.HighlightedText, R.Highlight) >= 4.5
        colors = colors_for(pal)
        assert colors.dark is dark
        assert colors.sent_bubble != colors.received_bubble
