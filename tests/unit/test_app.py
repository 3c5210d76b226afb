"""hubdesk (GUI) entry point: arguments, version, and a real --demo run that quits cleanly."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from hubdesk import __version__
from hubdesk.app import Options, parse_args

ROOT = Path(__file__).resolve().parents[2]


def test_parse_args() -> None:
    assert parse_args([]) == Options()
    opts = parse_args(["--demo", "--minimized", "--base-url", "http://127.0.0.1:1/api",
                       "tel:+447400123456", "sms:07400123456?body=Hi"])  # fmt: skip
    assert opts.demo and opts.minimized and opts.base_url == "http://127.0.0.1:1/api"
    assert opts.uris == ("tel:+447400123456", "sms:07400123456?body=Hi")


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        parse_args(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out.strip() == f"HubDesk {__version__}"


def test_python_m_hubdesk_version() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "hubdesk", "--version"], capture_output=True, text=True,
        timeout=30, cwd=ROOT,
    )  # fmt: skip
    assert out.returncode == 0 and out.stdout.strip() == f"HubDesk {__version__}"


def test_demo_runs_syncs_and_quits_cleanly_on_sigterm(tmp_path: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HUBDESK_HOME=str(tmp_path))
    env.pop("DBUS_SESSION_BUS_ADDRESS", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "hubdesk", "--demo", "-v"], cwd=ROOT, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if (tmp_path / "hubdesk.sqlite3").exists():
                time.sleep(3)  # sign-in, first poll, backfill
                break
            time.sleep(0.1)
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, out
    assert "POST http://127.0.0.1" in out and "/api/oauth/token" in out
    assert "/api/sms/list" in out
    assert "Traceback" not in out
    assert not (tmp_path / "config.json").exists()  # demo sessions are never persisted
