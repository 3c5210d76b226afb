"""``app.main`` around the first frame: links that arrive during it, a quit, and what
runs for every event while it is built.

The real ``main`` runs in a fresh interpreter (as ``test_startup_imports`` does), with
``firstpaint.show_first_frame`` wrapped to make things happen while the first frame is
on its way, and ``AppShell.run`` replaced by a report.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from hubdesk.app.main import LinkQueue

ROOT = Path(__file__).resolve().parents[3]

PROBE = """
import json, os, sys
from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer, QUrl
from PySide6.QtGui import QFileOpenEvent
import hubdesk.app.shell as appshell
import hubdesk.app.firstpaint as firstpaint

real_show_first_frame = firstpaint.show_first_frame
MODE = sys.argv[1]
python_calls = {}

def python_run_by_an_event(when):
    # the Python functions Qt calls while delivering an event to an object nobody
    # watches: anything here is an event filter on the application, run for every event
    calls = []
    target, event = QObject(), QEvent(QEvent.Type.User)
    sys.setprofile(lambda frame, kind, arg: calls.append(frame.f_code.co_name)
                   if kind == "call" else None)
    try:
        QCoreApplication.sendEvent(target, event)
    finally:
        sys.setprofile(None)
    python_calls[when] = calls

def show_first_frame(app, home, **kwargs):
    if MODE == "link":  # what macOS sends when a tel: link launches HubDesk
        QCoreApplication.postEvent(app, QFileOpenEvent(QUrl("tel:+447400123456")))
    elif MODE == "events":  # once the local loop runs, while the window is on its way
        QTimer.singleShot(0, lambda: python_run_by_an_event("during"))
    else:
        # what Qt's platform plugin does on Cmd+Q / the Dock's Quit (macOS), as the
        # window appears
        QTimer.singleShot(0, lambda: QCoreApplication.sendEvent(app, QEvent(QEvent.Type.Quit)))
    frame = real_show_first_frame(app, home, **kwargs)
    if MODE == "events":
        python_run_by_an_event("after")
        print("EVENTS " + json.dumps(python_calls), flush=True)
    print("FRAME " + json.dumps({"painted": frame.painted, "quit": frame.quit_requested}),
          flush=True)
    return frame

async def report(self):
    print("SHELL " + json.dumps({"links": self._links}), flush=True)
    return 0

firstpaint.show_first_frame = show_first_frame
appshell.AppShell.run = report
from hubdesk.app.main import main
code = main(["sms:07400123456"])
print("EXIT " + str(code), flush=True)
os._exit(code)
"""


def run(tmp_path: Path, mode: str) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HUBDESK_", "PYTHON_KEYRING"))}
    env.update(
        QT_QPA_PLATFORM="offscreen",
        HUBDESK_HOME=str(tmp_path / "home"),
        XDG_RUNTIME_DIR=str(tmp_path),
        PYTHONPATH=str(ROOT),
    )
    env.pop("DBUS_SESSION_BUS_ADDRESS", None)
    done = subprocess.run(
        [sys.executable, "-c", PROBE, mode],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    report: dict[str, Any] = {}  # JSON
    for line in done.stdout.splitlines():
        key, _, value = line.partition(" ")
        if key in ("FRAME", "SHELL", "EXIT", "EVENTS"):
            report[key] = json.loads(value)
    assert "EXIT" in report, f"{done.returncode}\n{done.stdout}\n{done.stderr}"
    return report


def test_a_link_opened_during_the_first_frame_reaches_the_shell(tmp_path: Path) -> None:
    report = run(tmp_path, "link")
    assert report["FRAME"] == {"painted": True, "quit": False}
    # the command line's link first, then the one that came as an event, none lost
    assert report["SHELL"] == {"links": ["sms:07400123456", "tel:+447400123456"]}
    assert report["EXIT"] == 0


def test_a_quit_during_the_first_frame_ends_start_up(tmp_path: Path) -> None:
    report = run(tmp_path, "quit")
    assert report["FRAME"]["quit"] is True  # painted or not: the quit is not lost
    assert "SHELL" not in report  # nothing after the first frame was started
    assert report["EXIT"] == 0


def test_no_python_runs_for_every_event_during_or_after_the_first_frame(
    tmp_path: Path,
) -> None:
    """No event filter on the application: Qt would call it for every event of every
    object (each widget built, laid out and painted), ~7 % of the start-up's work
    (``bench/README.md``); links and a quit are noticed without one (tests above)."""
    report = run(tmp_path, "events")
    assert report["FRAME"] == {"painted": True, "quit": False}
    assert report["EVENTS"] == {"during": [], "after": []}
    assert report["EXIT"] == 0


def test_link_queue_keeps_order_until_delivered_then_passes_through() -> None:
    opened: list[str] = []
    queue = LinkQueue()
    queue("tel:1")
    queue("sms:2")
    assert opened == []
    queue.deliver_to(opened.append)
    assert opened == ["tel:1", "sms:2"]
    queue("tel:3")
    assert opened == ["tel:1", "sms:2", "tel:3"]


def test_an_unusable_profile_folder_is_said_not_a_traceback(tmp_path: Path) -> None:
    a_file = tmp_path / "not-a-folder"
    a_file.write_text("x")
    env = {k: v for k, v in os.environ.items() if not k.startswith("HUBDESK_")}
    env.update(QT_QPA_PLATFORM="offscreen", HUBDESK_HOME=str(a_file), PYTHONPATH=str(ROOT))
    done = subprocess.run(
        [sys.executable, "-m", "hubdesk"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1, done
    assert f"The profile folder {a_file} is a file, not a folder" in done.stderr
    assert "HUBDESK_HOME" in done.stderr and "Traceback" not in done.stderr
