"""Screenshots of Retry (issue 14): the confirmation, and the failed message settled as
"Resent" with its resend below it, in the real HubDesk window in demo mode.

    python scripts/desktop_session.py -- .venv/bin/python scripts/screenshot_retry.py [OUTDIR]

(also works with QT_QPA_PLATFORM=offscreen). Runs the app as ``hubdesk --demo`` does,
opens the demo's conversation with a failed message, then grabs, into docs/screenshots/:

* retry-confirm.png: Retry pressed: "Send this message again?" with the person, the
  sender ID and the text;
* retry-resent.png: confirmed: the failed bubble reads "Resent" (no Retry), the resend
  below it, the list's failure mark gone, the notice in the status bar.
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
from hubdesk.domain import MessageState  # noqa: E402


def save(widget: QWidget, out: Path, name: str) -> None:
    path = out / name
    widget.grab().save(str(path))
    print(f"saved {path}")


async def shoot(shell: AppShell, out: Path) -> None:
    run = asyncio.ensure_future(shell.run())
    await asyncio.wait_for(shell.started.wait(), 30)
    window, controller = shell.window, shell.controller
    assert window is not None and controller is not None
    window.resize(1100, 720)
    window.show()
    page = window.messages_page
    for _ in range(100):  # the first sync and the history backfill fill the list
        await settle(0.1)
        if page.conversation_model.rowCount() >= 8:
            break
    await settle(2.0)
    failed = None
    for conversation in page.conversation_model.conversations():  # the demo's failed one
        await controller.open_conversation(conversation.partner)
        await settle(0.3)
        failed = next((e for e in page.thread_entries() if e.state is MessageState.FAILED), None)
        if failed is not None:
            break
    assert failed is not None, "the demo has a failed message"

    confirm = controller.composer.retry(failed)
    assert confirm is not None
    await settle(0.5)
    save(confirm, out, "retry-confirm.png")
    confirm.accept()
    for _ in range(100):
        await settle(0.1)
        if any(e.resent for e in page.thread_entries()):
            break
    await settle(1.5)  # the resend delivered, the list refreshed
    page.scroll_to_newest()
    await settle(0.3)
    save(window, out, "retry-resent.png")
    shell.quit()
    await run


def main() -> int:
    return run_shots(shoot)


if __name__ == "__main__":
    raise SystemExit(main())
