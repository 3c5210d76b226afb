"""What the screenshot scripts share: run the app as ``hubdesk --demo`` does (the
simulator, a throwaway profile, auto sign-in) and hand it to a script's ``shoot``.

    from demo_shots import run_shots, settle
    raise SystemExit(run_shots(shoot))   # shoot(shell, out) -> Awaitable[None]

The output folder is the first argument, else docs/screenshots/.
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

from PySide6.QtWidgets import QApplication

from hubdesk.app.main import Options, configure_application, start_demo_server
from hubdesk.app.shell import AppShell
from hubdesk.ui.qt.async_slots import close_event_loop, create_event_loop

ROOT = Path(__file__).resolve().parent.parent


async def settle(seconds: float) -> None:
    """Let the app run: the qasync loop runs Qt's events meanwhile. (A nested
    processEvents() would run the app's tasks from inside the script's, which asyncio
    refuses: the history backfill then stopped.)"""
    await asyncio.sleep(seconds)


def run_shots(shoot: Callable[[AppShell, Path], Awaitable[None]]) -> int:
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
