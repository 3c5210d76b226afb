"""Export the app icon (resources/icons/hubdesk.svg) for every platform's packaging.

Writes, from the one SVG, with Qt's own SVG renderer (no other image tools needed):

* ``packaging/linux/icons/hicolor/<N>x<N>/apps/hubdesk.png`` for N in 16…256, and
  ``…/hicolor/scalable/apps/hubdesk.svg`` (a copy): the freedesktop icon theme layout
  that ``install-user.sh`` copies into ``~/.local/share/icons``;
* ``packaging/windows/hubdesk.ico`` (16…256, PNG-compressed entries; Vista and later)
  for PyInstaller's ``icon=`` and the Inno Setup ``SetupIconFile``;
* ``packaging/macos/hubdesk.icns`` (16…1024, PNG entries) for ``BUNDLE(icon=...)``.

The outputs are committed; run this again after changing the SVG::

    QT_QPA_PLATFORM=offscreen python packaging/linux/make_icons.py

``--check`` exits 1 (and lists the files) if any output is missing or out of date,
for CI.
"""

from __future__ import annotations

import argparse
import os
import shutil
import struct
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QGuiApplication, QImage, QImageWriter, QPainter
from PySide6.QtSvg import QSvgRenderer

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "resources" / "icons" / "hubdesk.svg"
HICOLOR = ROOT / "packaging" / "linux" / "icons" / "hicolor"
ICO = ROOT / "packaging" / "windows" / "hubdesk.ico"
ICNS = ROOT / "packaging" / "macos" / "hubdesk.icns"

LINUX_SIZES = (16, 32, 48, 64, 128, 256)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
# ICNS PNG element types: (type, pixel size). "ic11"… are the @2x variants.
ICNS_TYPES = (
    (b"icp4", 16),
    (b"icp5", 32),
    (b"ic11", 32),
    (b"icp6", 64),
    (b"ic12", 64),
    (b"ic07", 128),
    (b"ic08", 256),
    (b"ic13", 256),
    (b"ic09", 512),
    (b"ic14", 512),
    (b"ic10", 1024),
)


def render_png(renderer: QSvgRenderer, size: int) -> bytes:
    """The SVG rendered to a size x size PNG with a transparent background."""
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QImageWriter(buffer, QByteArray(b"png"))
    if not writer.write(image):
        raise RuntimeError(f"could not encode a {size}px PNG: {writer.errorString()}")
    buffer.close()
    return bytes(data.data())


def build_ico(pngs: dict[int, bytes]) -> bytes:
    """An .ico file holding one PNG-compressed image per size."""
    sizes = sorted(pngs)
    header = struct.pack("<HHH", 0, 1, len(sizes))
    offset = len(header) + 16 * len(sizes)
    directory = b""
    blobs = b""
    for size in sizes:
        blob = pngs[size]
        dim = 0 if size >= 256 else size  # 0 means 256 in the directory entry
        directory += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(blob), offset)
        blobs += blob
        offset += len(blob)
    return header + directory + blobs


def build_icns(pngs: dict[int, bytes]) -> bytes:
    """An .icns file holding PNG elements for every standard size."""
    body = b"".join(
        kind + struct.pack(">I", 8 + len(pngs[size])) + pngs[size] for kind, size in ICNS_TYPES
    )
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def outputs() -> dict[Path, bytes]:
    """Every file this script writes, with its content."""
    renderer = QSvgRenderer(str(SOURCE))
    if not renderer.isValid():
        raise RuntimeError(f"{SOURCE} is not a valid SVG for Qt")
    sizes = sorted({*LINUX_SIZES, *ICO_SIZES, *(size for _, size in ICNS_TYPES)})
    pngs = {size: render_png(renderer, size) for size in sizes}
    files: dict[Path, bytes] = {
        HICOLOR / f"{size}x{size}" / "apps" / "hubdesk.png": pngs[size] for size in LINUX_SIZES
    }
    files[HICOLOR / "scalable" / "apps" / "hubdesk.svg"] = SOURCE.read_bytes()
    files[ICO] = build_ico({size: pngs[size] for size in ICO_SIZES})
    files[ICNS] = build_icns(pngs)
    return files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true", help="only report stale outputs")
    args = parser.parse_args(argv)
    _app = QGuiApplication.instance() or QGuiApplication([sys.argv[0]])
    stale = []
    for path, content in outputs().items():
        if path.exists() and path.read_bytes() == content:
            continue
        stale.append(path)
        if not args.check:
            path.parent.mkdir(parents=True, exist_ok=True)
            if path.suffix == ".svg":
                shutil.copyfile(SOURCE, path)
            else:
                path.write_bytes(content)
    for path in stale:
        verb = "stale" if args.check else "wrote"
        print(f"{verb}: {path.relative_to(ROOT)}")
    return 1 if (args.check and stale) else 0


if __name__ == "__main__":
    raise SystemExit(main())
