"""README's first command on a machine without a display: ``scripts/demo`` says what to
run instead, and ``scripts/demo --headless`` starts the demo and keeps it up (issue 10)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "scripts" / "demo"

if not sys.platform.startswith("linux"):  # also tells mypy --platform win32
    pytest.skip("scripts/demo's headless mode is for Linux", allow_module_level=True)


def _env_without_display(home: Path) -> dict[str, str]:
    env = dict(os.environ, HUBDESK_HOME=str(home))
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM", "DBUS_SESSION_BUS_ADDRESS"):
        env.pop(name, None)
    return env


def test_without_a_display_it_names_the_headless_command(tmp_path: Path) -> None:
    done = subprocess.run(
        [str(DEMO)],
        env=_env_without_display(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "scripts/demo --headless" in done.stderr
    assert "Traceback" not in done.stderr


def test_headless_demo_starts_and_stays_up(tmp_path: Path) -> None:
    proc = subprocess.Popen(
        [str(DEMO), "--headless", "-v"],
        env=_env_without_display(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    assert proc.stdout is not None
    lines: list[str] = []
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            lines.append(line)
            if "HubDesk is ready" in line:
                break
        assert any("HubDesk is ready" in line for line in lines), "".join(lines)
        time.sleep(8)  # the first polls and the demo's inbound messages
        assert proc.poll() is None, "the demo stopped on its own:\n" + "".join(lines)
        os.killpg(proc.pid, signal.SIGINT)  # Ctrl+C in a terminal reaches the group
        rest, _ = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    output = "".join(lines) + rest
    assert proc.returncode in (0, 130), output  # quit cleanly on Ctrl+C
    assert "Traceback" not in output, output
    assert "/api/sms/list" in output, output  # it polled the simulator
