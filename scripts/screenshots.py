"""Screenshots of the real HubDesk window in demo mode, saved to docs/screenshots/.

    python scripts/desktop_session.py -- .venv/bin/python scripts/screenshots.py [OUTDIR]

(also works with QT_QPA_PLATFORM=offscreen, without a tray). Runs the app exactly as
``hubdesk --demo`` does (simulator, throwaway profile, auto sign-in), waits for the
first sync, then drives the window and grabs it:

* main-light.png / main-dark.png: the main window with a conversation open;
* compose-unicode.png: the compose meter highlighting characters that force Unicode;
* contacts.png: the Contacts page with several contacts in groups;
* bulk-report.png: the bulk send dialog's pre-send report (invalid, duplicate, outside
  the UK and opted-out rows).

The demo profile starts with an empty address book: the script saves a few of the demo
conversations as contacts first (as a receptionist would), so names show everywhere.
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
from PySide6.QtWidgets import QWidget  # noqa: E402

from hubdesk.app.shell import AppShell  # noqa: E402
from hubdesk.domain.numbers import is_uk  # noqa: E402
from hubdesk.sim.seed import MAIN_SENDER  # noqa: E402
from hubdesk.ui.bulk.dialog import Step  # noqa: E402
from hubdesk.ui.qt.theme import apply_theme  # noqa: E402
from hubdesk.ui.shell.window import CONTACTS, MESSAGES  # noqa: E402

UNICODE_TEXT = "Your table is booked — see you at the café ☕ at 7. Reply “YES” to confirm."
# Surname, groups, notes for the demo conversations saved as contacts (the first names
# are the simulator's, so they match what the messages say).
CONTACTS_TO_SAVE = [
    ("Shah", ("Patients",), "Prefers texts after 5pm"),
    ("Reed", ("Patients", "Recall list"), ""),
    ("Clarke", ("Staff",), "Practice nurse"),
    ("Patel", ("Patients",), ""),
    ("Bennett", ("Recall list",), "Annual review due"),
    ("Wilson", ("Staff",), "Locum, Tuesdays"),
]
OPTED_OUT = "447400999123"
BULK_PASTE = (
    "07400 900456\n07400900456\n+1 516 725 9623\n0740 12\n07400 999123\n07400 900789\n"
    "07400 900321\n07400 900654\nreception"
)
BULK_TEXT = "The surgery is closed on Monday 4 May. For urgent help call 111."


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
        if window.messages_page.conversation_model.rowCount() >= 8:
            break
    await settle(1.0)
    await save_contacts(shell)
    rows = window.messages_page.conversation_model.conversations()
    named = next((c for c in rows if c.name and not c.unread), rows[0])
    await controller.open_conversation(named.partner)
    await settle(0.6)
    save(window, out, "main-light.png")

    apply_theme(shell.app, "dark")
    await settle(0.4)
    save(window, out, "main-dark.png")
    apply_theme(shell.app, "light")
    await settle(0.2)

    window.messages_page.compose.set_text(UNICODE_TEXT)
    window.messages_page.compose.editor.setFocus()
    await settle(0.4)
    save(window, out, "compose-unicode.png")
    window.messages_page.compose.set_text("")

    window.show_page(CONTACTS)
    await settle(0.6)
    page = window.contacts_page
    page.table.selectRow(0)
    await settle(0.2)
    save(window, out, "contacts.png")
    window.show_page(MESSAGES)

    await bulk_report(shell, out)
    shell.quit()
    await run


async def save_contacts(shell: AppShell) -> None:
    """Give some of the demo's contacts groups and notes, as a receptionist would have
    (demo mode already filled the address book with the simulator's people)."""
    assert shell.window is not None and shell.intents is not None
    book = shell.intents.contacts
    rows = [
        c for c in shell.window.messages_page.conversation_model.conversations() if is_uk(c.partner)
    ]
    for (surname, groups, notes), conv in zip(CONTACTS_TO_SAVE, rows[1:], strict=False):
        contact = await book.find_by_number(conv.partner)
        if contact is None or contact.id is None:
            continue
        first = contact.name.split()[0]
        await book.edit(contact.id, name=f"{first} {surname}", notes=notes, groups=groups)
    await settle(0.6)


async def bulk_report(shell: AppShell, out: Path) -> None:
    """The bulk send dialog with its pre-send report."""
    assert shell.sim is not None and shell.runtime is not None and shell.intents is not None
    shell.sim.state.inject_inbound(OPTED_OUT, "STOP")
    poller = shell.runtime.poller
    assert poller is not None
    await poller.poll_once()  # the STOP is stored: the number is opted out
    dialog = shell.intents.bulk.open()
    await settle(0.5)
    dialog.prefill_numbers(BULK_PASTE.splitlines())
    # Two approved sender ids and no default set: the dialog asks; choose the main one.
    dialog.sender_combo.setCurrentIndex(dialog.sender_combo.findData(MAIN_SENDER))
    dialog.set_text(BULK_TEXT)
    await settle(0.2)
    dialog.next_button.click()
    for _ in range(50):
        await settle(0.1)
        if dialog.step() == Step.REPORT:
            break
    await settle(0.3)
    save(dialog, out, "bulk-report.png")
    dialog.reject()


def main() -> int:
    return run_shots(shoot)


if __name__ == "__main__":
    raise SystemExit(main())
