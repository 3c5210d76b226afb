"""hubdesk (GUI) entry point: arguments, version, and a real --demo run that quits cleanly."""

from __future__ import annotations

import contextlib
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from hubdesk import __version__
from hubdesk.app.main import NOT_ANSWERING, Options, parse_args
from tests.demo_process import run_demo_until_synced
from tests.platforms import POSIX, posix_only

ROOT = Path(__file__).resolve().parents[3]


def test_parse_args() -> None:
    assert parse_args([]) == Options()
    opts = parse_args(
        [
            "--demo",
            "--minimized",
            "--base-url",
            "http://127.0.0.1:1/api",
            "tel:+447400123456",
            "sms:07400123456?body=Hi",
        ]
    )
    assert opts.demo and opts.minimized and opts.base_url == "http://127.0.0.1:1/api"
    assert opts.uris == ("tel:+447400123456", "sms:07400123456?body=Hi")


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        parse_args(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out.strip() == f"HubDesk {__version__}"


def test_python_m_hubdesk_version() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "hubdesk", "--version"],
        capture_output=True,
        text=True,
        timeout=30,
        cwd=ROOT,
    )
    assert out.returncode == 0 and out.stdout.strip() == f"HubDesk {__version__}"


@posix_only("SIGTERM (Windows has no signal a program can catch to quit cleanly)")
def test_demo_runs_syncs_and_quits_cleanly_on_sigterm(tmp_path: Path) -> None:
    code, out = run_demo_until_synced(
        [sys.executable, "-m", "hubdesk", "--demo", "-v"], tmp_path, cwd=ROOT
    )
    assert code == 0, out
    assert "POST http://127.0.0.1" in out and "/api/oauth/token" in out
    assert "/api/sms/list" in out
    assert "Traceback" not in out
    assert not (tmp_path / "config.json").exists()  # demo sessions are never persisted


def test_self_test_flag() -> None:
    assert parse_args(["--self-test"]).self_test
    assert not parse_args([]).self_test


def _env(home: Path) -> dict[str, str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HUBDESK_HOME=str(home))
    env.pop("DBUS_SESSION_BUS_ADDRESS", None)
    env.pop("HUBDESK_API_URL", None)
    return env


def _wait_for(path: Path, text: str, proc: subprocess.Popen[bytes], timeout: float) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        out = path.read_text(errors="replace") if path.exists() else ""
        if text in out:
            return out
        assert proc.poll() is None, f"hubdesk exited ({proc.returncode}):\n{out}"
        time.sleep(0.1)
    raise AssertionError(f"no {text!r} within {timeout:.0f}s:\n{path.read_text(errors='replace')}")


def _draft_of(home: Path, partner: str) -> str | None:
    """The draft saved in the profile database, read beside the running app (read-only)."""
    from hubdesk.store.profile import database_path

    path = database_path(home)
    if not path.exists():
        return None
    uri = f"{path.as_uri()}?mode=ro"
    with contextlib.closing(sqlite3.connect(uri, uri=True, timeout=5)) as conn:
        row = conn.execute("SELECT text FROM drafts WHERE partner = ?", (partner,)).fetchone()
    return None if row is None else str(row[0])


def test_a_second_start_hands_its_link_to_the_first(tmp_path: Path) -> None:
    """Two real ``hubdesk`` processes on one profile: the second exits 0 at once, the first
    opens the ``sms:`` link (its log says so, and the body becomes that conversation's
    draft, saved in the profile database and still there once it quits)."""
    home = tmp_path / "profile"
    env = _env(home)
    log = tmp_path / "first.log"
    with open(log, "wb") as out:
        first = subprocess.Popen(
            [sys.executable, "-m", "hubdesk", "--demo"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_for(log, "HubDesk is ready", first, 30)
        link = "sms:07400123456?body=Hello%20from%20a%20link"
        second = subprocess.run(
            [sys.executable, "-m", "hubdesk", "--demo", link],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert second.returncode == 0, second.stdout + second.stderr
        assert "handed 1 link(s)" in second.stderr
        assert "/api/oauth/token" not in second.stderr  # it never ran as an app itself
        # The log names the validated link, never its text.
        opened_line = "opening sms: link to +447400123456 (text of 17 characters)"
        opened = _wait_for(log, opened_line, first, 10)
        assert "Hello" not in opened
        if not POSIX:
            return  # no SIGTERM to ask for a clean quit: the saved draft is checked on POSIX
        deadline = time.monotonic() + 30  # the conversation opens, the body is saved
        while _draft_of(home, "447400123456") != "Hello from a link":
            assert time.monotonic() < deadline, f"no draft from the link:\n{log.read_text()}"
            assert first.poll() is None, log.read_text()
            time.sleep(0.1)
        first.send_signal(signal.SIGTERM)
        assert first.wait(20) == 0, log.read_text()
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()
    assert "Traceback" not in log.read_text()
    from hubdesk.store.database import Database
    from hubdesk.store.profile import database_path

    with Database.open(database_path(home)) as db:
        assert db.drafts.get("447400123456") == "Hello from a link"


def test_a_second_start_says_so_when_the_first_does_not_answer(tmp_path: Path) -> None:
    """The profile's instance lock is held by a process that does not listen (hung)."""
    home = tmp_path / "profile"
    env = _env(home)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(home)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        done = subprocess.run(
            [sys.executable, "-m", "hubdesk", "tel:+447400123456"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=30,
        )
    finally:
        holder.kill()
        holder.wait()
    assert done.returncode == 1, done.stdout + done.stderr
    assert NOT_ANSWERING in done.stderr


HOLD_LOCK = """
import sys, time
from pathlib import Path
from PySide6.QtCore import QLockFile
from hubdesk.app.single_instance import server_location
_name, lock_path = server_location(Path(sys.argv[1]))
lock_path.parent.mkdir(parents=True, exist_ok=True)
lock = QLockFile(str(lock_path))
assert lock.tryLock(0)
print("locked", flush=True)
time.sleep(60)
"""
