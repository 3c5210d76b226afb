"""Screenshots of templates and number flags in the real HubDesk window (demo mode).

    python scripts/desktop_session.py -- .venv/bin/python scripts/screenshot_templates.py [OUTDIR]

(also works with QT_QPA_PLATFORM=offscreen). Runs the app as ``hubdesk --demo`` does,
saves a few templates, then grabs, into docs/screenshots/:

* templates.png: the Templates page (View > Templates, Ctrl+5) with one selected;
* template-popup.png: Ctrl+T's quick-filter popup over the compose box, filtered;
* compose-preview.png: a template with placeholders in the box, the line under it
  showing the text as sent, and the meter counting that text;
* landline-flag.png: a conversation with a landline, flagged under the box.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("HUBDESK_HOME", tempfile.mkdtemp(prefix="hubdesk-shots-"))

from demo_shots import run_shots, settle  # noqa: E402
from PySide6.QtCore import QPoint, Qt  # noqa: E402
from PySide6.QtGui import QPainter  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QWidget  # noqa: E402

from hubdesk.app.shell import AppShell  # noqa: E402
from hubdesk.sim.seed import MAIN_SENDER  # noqa: E402
from hubdesk.ui.shell.window import MESSAGES, TEMPLATES  # noqa: E402

TEMPLATES_TO_SAVE = [
    ("Table ready", "Hi {first_name|there}, your table is ready. Please come to the front desk."),
    ("Running late", "Sorry {first_name|}, we are running about 10 minutes late today."),
    (
        "Appointment reminder",
        "Hi {first_name|there}, a reminder of your appointment on {date} at 10:30. "
        "Reply C to cancel. {sender}",
    ),
    ("Directions", "We are at 12 High Street, next to the pharmacy. Parking at the back."),
    ("Closed today", "The surgery is closed on {date}. For urgent help call 111."),
]
LANDLINE = "442079460123"


def save(widget: QWidget, out: Path, name: str, over: QWidget | None = None) -> None:
    """The window, with ``over`` (a popup, its own top-level window) drawn where it is."""
    image = widget.grab()
    if over is not None and over.isVisible():
        painter = QPainter(image)
        painter.drawPixmap(widget.mapFromGlobal(over.mapToGlobal(QPoint(0, 0))), over.grab())
        painter.end()
    path = out / name
    image.save(str(path))
    print(f"saved {path}")


async def shoot(shell: AppShell, out: Path) -> None:
    run = asyncio.ensure_future(shell.run())
    await asyncio.wait_for(shell.started.wait(), 30)
    window, controller, templates = shell.window, shell.controller, shell.templates
    assert window is not None and controller is not None and templates is not None
    window.resize(1100, 720)  # the shell has shown it
    for _ in range(100):  # wait for the first sync to fill the list
        await settle(0.1)
        if window.messages_page.conversation_model.rowCount() >= 8:
            break
    await settle(0.5)
    for name, text in TEMPLATES_TO_SAVE:
        await templates.book.add(name, text)
    await settle(0.3)

    window.show_page(TEMPLATES)
    await settle(0.5)
    window.templates_page.table.selectRow(2)
    await settle(0.3)
    save(window, out, "templates.png")
    window.show_page(MESSAGES)

    rows = window.messages_page.conversation_model.conversations()
    named = next(c for c in rows if c.name and not c.unread)
    await controller.open_conversation(named.partner)
    await settle(0.8)
    compose = window.messages_page.compose
    compose.select_sender(MAIN_SENDER)
    compose.set_text("")
    compose.editor.setFocus()
    QTest.keyClick(compose.editor, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    await settle(0.3)
    popup = templates.popup
    assert popup is not None
    QTest.keyClicks(popup.filter, "re")
    await settle(0.3)
    save(window, out, "template-popup.png", over=popup)
    QTest.keyClick(popup.filter, Qt.Key.Key_Down)
    QTest.keyClick(popup.filter, Qt.Key.Key_Return)
    await settle(0.5)
    save(window, out, "compose-preview.png")
    compose.set_text("")

    await controller.open_conversation(LANDLINE)
    await settle(0.8)
    compose.select_sender(MAIN_SENDER)
    compose.set_text("Your prescription is ready to collect.")
    await settle(0.3)
    save(window, out, "landline-flag.png")
    compose.set_text("")
    shell.quit()
    await run


def main() -> int:
    return run_shots(shoot)


if __name__ == "__main__":
    raise SystemExit(main())
