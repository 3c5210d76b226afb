"""Run ``hubdesk --demo`` as a real process until its first sync, then stop it with
SIGTERM: the same check for the development install and for the PyInstaller bundle."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Sequence
from pathlib import Path

from hubdesk.store.profile import DATABASE_FILE


def run_demo_until_synced(
    command: Sequence[str], home: Path, *, cwd: Path | None = None
) -> tuple[int, str]:
    """Start ``command`` (``... --demo -v``) offscreen with ``home`` as its profile, wait
    until its database exists plus time for sign-in, the first poll and backfill, send
    SIGTERM; returns the exit code and everything it printed."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HUBDESK_HOME=str(home))
    env.pop("DBUS_SESSION_BUS_ADDRESS", None)  # no tray or notifications needed
    proc = subprocess.Popen(
        list(command),
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if (home / DATABASE_FILE).exists():
                time.sleep(3)  # sign-in, first poll, backfill
                break
            time.sleep(0.1)
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
    return proc.returncode, out
