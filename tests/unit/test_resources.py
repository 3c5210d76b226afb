"""The icon set: every SVG renders with Qt's own SVG renderer and is a 24x24 icon."""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QRectF
from PySide6.QtSvg import QSvgRenderer

ICONS = Path(__file__).resolve().parents[2] / "resources" / "icons"
SVG_NS = "{http://www.w3.org/2000/svg}"

# The names the UI will ask for; resources/README.md lists what each one means.
EXPECTED = {
    "hubdesk",
    "send",
    "call",
    "call-masked",
    "new-message",
    "message",
    "search",
    "contacts",
    "sender-id",
    "bulk-send",
    "history",
    "templates",
    "settings",
    "retry",
    "failed",
    "pending",
    "sent",
    "queued",
    "unknown",
    "opted-out",
    "tray",
    "tray-unread",
}


def _svgs() -> list[Path]:
    return sorted(ICONS.glob("*.svg"))


def test_the_icon_set_is_complete() -> None:
    assert {p.stem for p in _svgs()} == EXPECTED


def test_readme_lists_every_icon() -> None:
    readme = (ICONS.parent / "README.md").read_text(encoding="utf-8")
    missing = [name for name in sorted(EXPECTED) if f"`{name}.svg`" not in readme]
    assert missing == []


@pytest.mark.parametrize("path", _svgs(), ids=lambda p: p.stem)
def test_svg_is_valid_for_qt_and_has_a_24px_viewbox(path: Path) -> None:
    renderer = QSvgRenderer(str(path))
    assert renderer.isValid(), f"QSvgRenderer cannot read {path.name}"
    assert renderer.viewBoxF() == QRectF(0, 0, 24, 24)

    root = ET.parse(path).getroot()
    assert root.tag == f"{SVG_NS}svg"
    assert root.get("viewBox") == "0 0 24 24"


@pytest.mark.parametrize("path", _svgs(), ids=lambda p: p.stem)
def test_svg_is_plain_and_self_contained(path: Path) -> None:
    # No scripts, no external references, no currentColor (QIcon cannot recolour it).
    text = path.read_text(encoding="utf-8")
    for forbidden in ("<script", "xlink:href", "href=", "currentColor", "<image", "@import"):
        assert forbidden not in text, f"{path.name} contains {forbidden!r}"
