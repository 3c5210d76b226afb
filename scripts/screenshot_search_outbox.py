"""Screenshots of search finding messages not sent yet. Saved to docs/screenshots/.

    python scripts/desktop_session.py -- .venv/bin/python \\
        scripts/screenshot_search_outbox.py [OUTDIR]

(also works with QT_QPA_PLATFORM=offscreen). Runs the app as ``hubdesk --demo`` does and
grabs the real window:

* search-outbox-hits.png: "appointment" typed: a reminder scheduled for tomorrow for
  three patients (a hit under each, "Scheduled · Tomorrow 09:00"), a reply that was
  refused ("Not sent"), and the received messages that match;
* search-outbox-opened.png: a scheduled hit opened: its dashed bubble, highlighted.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from datetime import datetime, time, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("HUBDESK_HOME", tempfile.mkdtemp(prefix="hubdesk-shots-"))

from demo_shots import run_shots, settle  # noqa: E402

from hubdesk.app.shell import AppShell  # noqa: E402
from hubdesk.domain.numbers import is_uk  # noqa: E402
from hubdesk.sim.seed import MAIN_SENDER  # noqa: E402
from hubdesk.store.database import Database  # noqa: E402
from hubdesk.ui.messages.schedule_times import at_local  # noqa: E402
from scripts.screenshots import save  # noqa: E402

REMINDER = "Your appointment is tomorrow at 10:00. Reply C to cancel."


async def shoot(shell: AppShell, out: Path) -> None:
    run = asyncio.ensure_future(shell.run())
    await asyncio.wait_for(shell.started.wait(), 30)
    window, controller, sim, runtime = shell.window, shell.controller, shell.sim, shell.runtime
    assert window is not None and controller is not None and sim is not None
    assert runtime is not None and runtime.poller is not None
    page = window.messages_page
    window.resize(1100, 720)
    window.show()
    for _ in range(100):
        await settle(0.1)
        if page.conversation_model.rowCount() >= 8:
            break
    await settle(1.0)
    rows = [c for c in page.conversation_model.conversations() if is_uk(c.partner)]
    patients = [c.partner for c in rows[1:4]]
    sim.state.inject_inbound(rows[5].partner, "Can I book an appointment for next week?")
    await runtime.poller.poll_once()

    tomorrow = at_local(datetime.now().astimezone().date() + timedelta(days=1), time(9, 0))
    refused = rows[4].partner

    def write(db: Database) -> None:
        db.outbox.enqueue(MAIN_SENDER, patients, REMINDER, bulk=True, not_before=tomorrow)
        item = db.outbox.enqueue(MAIN_SENDER, [refused], "Sorry, no appointment slots today")
        db.outbox.mark_sending(item.id)
        db.outbox.mark_failed(item.id, "The server refused the message.")

    await runtime.worker.run(write)
    await settle(1.0)

    window.focus_search()
    page.search.setText("appointment")
    await settle(1.2)
    save(window, out, "search-outbox-hits.png")
    hits = page.results.hits()
    target = next(i for i, h in enumerate(hits) if h.outbox_id is not None)
    page.results.view.setCurrentIndex(page.results.model.index(target))
    page.results.hit_chosen.emit(hits[target])
    await settle(1.2)
    save(window, out, "search-outbox-opened.png")
    shell.quit()
    await run


def main() -> int:
    return run_shots(shoot)


if __name__ == "__main__":
    raise SystemExit(main())
