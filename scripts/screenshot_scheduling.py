"""Screenshots of Send later, scheduled messages and the bulk send's progress, in the
real HubDesk window in demo mode, saved to docs/screenshots/.

    python scripts/desktop_session.py -- .venv/bin/python scripts/screenshot_scheduling.py [OUTDIR]

(also works with QT_QPA_PLATFORM=offscreen). Runs the app as ``hubdesk --demo`` does,
waits for the first sync, then:

* send-later-menu.png: the compose pane's Send later… menu open over the window;
* scheduled-bubble.png: a conversation with a scheduled message (Scheduled · Tue 09:00,
  dashed outline, Edit time / Send now / Cancel);
* scheduled-list.png: File > Scheduled messages… with scheduled and overdue rows;
* bulk-progress.png: a personalised bulk send paused part-way (n of N, Resume, Cancel
  the rest).
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("HUBDESK_HOME", tempfile.mkdtemp(prefix="hubdesk-shots-"))

from demo_shots import run_shots, settle  # noqa: E402
from PySide6.QtCore import QPoint  # noqa: E402
from PySide6.QtGui import QPainter  # noqa: E402
from PySide6.QtWidgets import QWidget  # noqa: E402

from hubdesk.app.shell import AppShell  # noqa: E402
from hubdesk.domain import BatchState  # noqa: E402
from hubdesk.sim.seed import MAIN_SENDER  # noqa: E402
from hubdesk.ui.bulk.dialog import Step  # noqa: E402
from hubdesk.ui.messages.schedule_times import at_local  # noqa: E402

BULK_TEXT = "Hi {first_name|there}, your repeat prescription is ready to collect."


def save(widget: QWidget, out: Path, name: str, popup: QWidget | None = None) -> None:
    """``widget`` as shown; a popup (a menu, its own window) painted where it opened."""
    shot = widget.grab()
    if popup is not None and popup.isVisible():
        painter = QPainter(shot)
        at = popup.mapToGlobal(QPoint(0, 0)) - widget.mapToGlobal(QPoint(0, 0))
        painter.drawPixmap(at, popup.grab())
        painter.end()
    path = out / name
    shot.save(str(path))
    print(f"saved {path}")


async def shoot(shell: AppShell, out: Path) -> None:
    run = asyncio.ensure_future(shell.run())
    await asyncio.wait_for(shell.started.wait(), 30)
    window, controller, runtime = shell.window, shell.controller, shell.runtime
    assert window is not None and controller is not None and runtime is not None
    window.resize(1100, 720)
    window.show()
    page = window.messages_page
    for _ in range(100):
        await settle(0.1)
        if page.conversation_model.rowCount() >= 8:
            break
    await settle(1.0)
    rows = page.conversation_model.conversations()
    named = next((c for c in rows if c.name and not c.unread), rows[0])
    await controller.open_conversation(named.partner)
    await settle(0.8)

    # -- the Send later menu
    compose = page.compose
    compose.set_text("Reminder: your appointment is tomorrow at 10:30. Reply C to cancel.")
    await settle(0.3)
    button = compose.later_button
    menu = button.later_menu
    size = menu.sizeHint()
    menu.popup(button.mapToGlobal(QPoint(button.width() - size.width(), -size.height())))
    await settle(0.4)
    save(window, out, "send-later-menu.png", menu)
    menu.hide()

    # -- a scheduled bubble (and the message sent before it)
    messenger, scheduler = runtime.messenger, runtime.scheduler
    assert messenger is not None and scheduler is not None
    tomorrow = at_local(datetime.now().astimezone().date() + timedelta(days=1), _nine())
    await messenger.send_later(named.partner, compose.text(), tomorrow, MAIN_SENDER)
    compose.set_text("")
    await settle(1.0)
    page.scroll_to_newest()
    await settle(0.3)
    save(window, out, "scheduled-bubble.png")

    # -- the Scheduled list, one overdue
    others = [c for c in rows if c.partner != named.partner][:3]
    worker = runtime.worker
    when = datetime.now(UTC) - timedelta(hours=3)
    late_partner = others[0].partner
    await worker.run(
        lambda db: db.outbox.enqueue(
            MAIN_SENDER, [late_partner], "Your blood test results are ready.", not_before=when
        )
    )
    await runtime.outbox.flush()  # type: ignore[union-attr]  # found too late: overdue
    for days, partner in ((3, others[1].partner), (9, others[2].partner)):
        moment = at_local(datetime.now().astimezone().date() + timedelta(days=days), _nine())
        await messenger.send_later(
            partner, "Flu clinic this Saturday 9-12, no appointment needed.", moment, MAIN_SENDER
        )
    scheduled = shell.scheduled
    assert scheduled is not None
    for _ in range(30):
        await settle(0.1)
        if scheduled.prompt is not None:
            break
    if scheduled.prompt is not None:
        scheduled.prompt.later_button.click()  # the prompt has its own look; the list here
    dialog = scheduled.open()
    for _ in range(30):
        await settle(0.1)
        if len(dialog.rows()) >= 4:
            break
    dialog.select_row(0)
    await settle(0.3)
    save(dialog, out, "scheduled-list.png")
    dialog.close()

    # -- a personalised bulk send, paused part-way
    assert shell.sim is not None and shell.intents is not None
    shell.sim.state.configure(latency=0.25)
    bulk = shell.intents.bulk
    numbers = [c.partner for c in rows if c.partner.startswith("44")][:10]
    numbers += [f"4474009{i:05d}" for i in range(14 - len(numbers))]
    box = bulk.open()
    await settle(0.5)
    box.prefill_numbers(["+" + n for n in numbers])
    box.sender_combo.setCurrentIndex(box.sender_combo.findData(MAIN_SENDER))
    box.set_text(BULK_TEXT)
    box.next_button.click()
    for _ in range(50):
        await settle(0.1)
        if box.step() == Step.REPORT:
            break
    box.next_button.click()  # confirm
    await settle(0.2)
    box.next_button.click()  # send now
    for _ in range(600):
        await settle(0.05)
        if box.progress.value() >= 5:
            break
    print(f"paused at {box.progress.value()} of {box.progress.maximum()}")
    await bulk.pause()  # type: ignore[misc]
    for _ in range(60):
        await settle(0.1)
        batch = box.progress_page.batch
        if batch is not None and batch.state is BatchState.PAUSED and not batch.count():
            break
    await settle(0.8)
    save(box, out, "bulk-progress.png")
    shell.sim.state.configure(latency=0.0)
    bulk.stop()
    await settle(0.5)
    shell.quit()
    await run


def _nine():  # type: ignore[no-untyped-def]
    from datetime import time

    return time(9, 0)


def main() -> int:
    return run_shots(shoot)


if __name__ == "__main__":
    raise SystemExit(main())
