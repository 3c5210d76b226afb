"""Screenshots of the real HubDesk window in demo mode, saved to docs/screenshots/.

    python scripts/desktop_session.py -- .venv/bin/python scripts/screenshots.py [OUTDIR]

(also works with QT_QPA_PLATFORM=offscreen, without a tray). Runs the app exactly as
``hubdesk --demo`` does (simulator, throwaway profile, auto sign-in), waits for the
first sync, then drives the window and grabs it:

* main-light.png / main-dark.png: the main window with a conversation open;
* compose-unicode.png: the compose meter highlighting characters that force Unicode;
* contacts.png: the Contacts page (when the page is plugged in);
* bulk-report.png: the bulk send report (when the bulk dialog is plugged in).
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

from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

import hubdesk.ui  # noqa: E402,F401
from hubdesk.app import Options, configure_application, start_demo_server  # noqa: E402
from hubdesk.appshell import AppShell  # noqa: E402
from hubdesk.ui.qtasync import close_event_loop, create_event_loop  # noqa: E402
from hubdesk.ui.theme import apply_theme  # noqa: E402
from hubdesk.ui.window import CONTACTS, MESSAGES  # noqa: E402

UNICODE_TEXT = "Your table is booked — see you at the café ☕ at 7. Reply “YES” to confirm."


async def settle(seconds: float) -> None:
    await asyncio.sleep(seconds)
    QApplication.processEvents()


def save(widget: QWidget, out: Path, name: str) -> Path:
    path = out / name
    widget.grab().save(str(path))
    print(f"saved {path}")
    return path


async def shoot(shell: AppShell, out: Path) -> None:
    run = asyncio.ensure_future(shell.run())
    await asyncio.wait_for(shell.started.wait(), 30)
    window, controller = shell.window, shell.controller
    assert window is not None and controller is not None
    window.resize(1100, 720)
    window.show()
    for _ in range(100):  # wait for the first sync to fill the list
        await settle(0.1)
        if window.conversation_model.rowCount() >= 8:
            break
    await settle(1.0)
    rows = window.conversation_model.conversations()
    named = next((c for c in rows if c.name and not c.unread), rows[0])
    await controller.open_conversation(named.partner)
    await settle(0.6)
    save(window, out, "main-light.png")

    apply_theme(shell.app, "dark")
    await settle(0.4)
    save(window, out, "main-dark.png")
    apply_theme(shell.app, "light")
    await settle(0.2)

    window.compose.set_text(UNICODE_TEXT)
    window.compose.editor.setFocus()
    await settle(0.4)
    save(window, out, "compose-unicode.png")
    window.compose.set_text("")

    window.show_page(CONTACTS)
    await settle(0.6)
    if not window.pages.currentWidget().accessibleName().startswith("The "):
        save(window, out, "contacts.png")
    window.show_page(MESSAGES)
    shell.quit()
    await run


def main() -> int:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication(sys.argv[:1])
    configure_application(app)
    loop = create_event_loop(app)
    sim = start_demo_server()
    shell = AppShell(app, Options(demo=True), home=Path(os.environ["HUBDESK_HOME"]), sim=sim)
    try:
        loop.run_until_complete(shoot(shell, out))
    finally:
        close_event_loop(loop)
        sim.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
