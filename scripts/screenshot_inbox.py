"""Screenshots of the inbox as a workplace (issue 14): search hits, a hit opened in its
thread, the Done view, a call in the thread's timeline. Saved to docs/screenshots/.

    python scripts/desktop_session.py -- .venv/bin/python scripts/screenshot_inbox.py [OUTDIR]

(also works with QT_QPA_PLATFORM=offscreen). Runs the app as ``hubdesk --demo`` does
(simulator, throwaway profile, auto sign-in), adds a few messages of its own so the
pictures show something, and grabs the real window:

* search-hits.png: "appointment" typed: the matching messages, words marked;
* search-hit-opened.png: the top hit opened: the thread scrolled to it, highlighted;
* done-filter.png: two conversations marked Done, the Done view chosen;
* call-in-timeline.png: a call placed from HubDesk between two bubbles.
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

from hubdesk.app.shell import AppShell  # noqa: E402
from hubdesk.domain import ConversationFilter  # noqa: E402
from hubdesk.domain.numbers import is_uk  # noqa: E402
from scripts.screenshots import save  # noqa: E402

FOLLOW_UPS = [
    "Thanks, see you then.",
    "Is there parking at the surgery?",
    "Great, I'll bring my prescription list.",
    "Running five minutes late, sorry!",
    "Just arrived at reception.",
    "All done, thank you!",
]


async def poll(shell: AppShell) -> None:
    assert shell.runtime is not None and shell.runtime.poller is not None
    await shell.runtime.poller.poll_once()
    await settle(0.5)


async def shoot(shell: AppShell, out: Path) -> None:
    run = asyncio.ensure_future(shell.run())
    await asyncio.wait_for(shell.started.wait(), 30)
    window, controller, sim = shell.window, shell.controller, shell.sim
    assert window is not None and controller is not None and sim is not None
    page = window.messages_page
    window.resize(1100, 720)
    window.show()
    for _ in range(100):
        await settle(0.1)
        if page.conversation_model.rowCount() >= 8:
            break
    await settle(1.0)
    rows = [c for c in page.conversation_model.conversations() if is_uk(c.partner)]
    who, other = rows[2].partner, rows[3].partner
    sim.state.inject_inbound(other, "Can I book an appointment for my son next week?")
    sim.state.inject_inbound(who, "Could we move my appointment to Thursday morning?")
    for text in FOLLOW_UPS:
        sim.state.inject_inbound(who, text)
    await poll(shell)

    window.focus_search()
    page.search.setText("appointment")
    await settle(1.0)
    save(window, out, "search-hits.png")
    hits = page.results.hits()
    target = next(i for i, h in enumerate(hits) if h.partner == who and h.sms_id is not None)
    page.results.view.setCurrentIndex(page.results.model.index(target))
    page.results.hit_chosen.emit(hits[target])
    await settle(1.2)
    save(window, out, "search-hit-opened.png")
    page.search.setText("")
    await settle(0.6)

    inbox = controller.services.inbox
    done = [c.partner for c in rows[4:7]]
    for partner in done:
        await inbox.mark_done(partner)
    await settle(0.6)
    page.view_tabs.set_view(ConversationFilter.DONE)
    await settle(0.8)
    await controller.open_conversation(done[0])
    await settle(1.0)
    print("done:", done, "listed:", [c.partner for c in page.conversations()])
    save(window, out, "done-filter.png")
    page.view_tabs.set_view(ConversationFilter.INBOX)
    await settle(0.6)

    caller = rows[1].partner
    await inbox.pin(rows[-1].partner)  # a pinned row on top, with its pin mark
    sim.state.inject_inbound(caller, "Can you call me back please? It's about my results.")
    await poll(shell)
    await controller.open_conversation(caller)
    await settle(0.6)
    task = controller.calls.call(caller)
    if task is not None:
        await task
    await settle(1.0)
    sim.state.inject_inbound(caller, "Thanks for calling, all clear now.")
    await poll(shell)
    await settle(6.5)  # the call's toast fades
    save(window, out, "call-in-timeline.png")
    shell.quit()
    await run


def main() -> int:
    return run_shots(shoot)


if __name__ == "__main__":
    raise SystemExit(main())
