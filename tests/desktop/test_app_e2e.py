"""The real ``hubdesk`` process in the headless desktop, against a loopback simulator.

One story, as a user lives it:

1. ``hubdesk-cli login --password-stdin`` signs in; the session goes to the real
   gnome-keyring. The contact "Alice Example" is added to the profile's address book.
2. ``hubdesk --minimized`` starts: it registers its tray icon and restores the session
   from the keyring (no password grant: the simulator counts them).
3. A message from Alice is injected into the simulator; within one poll interval (5 s,
   the minimum, via ``HUBDESK_POLL_INTERVAL``) plus a margin, dunst shows a notification
   titled "Alice Example" with the text (markup escaped).
4. Clicking it (dunst's ``NotificationAction``) shows the window (``xdotool search
   --onlyvisible`` finds it: it was hidden in the tray) with Alice's conversation open:
   a reply typed into the window and sent with Return goes to Alice's number. The
   destination of the one ``POST /sms/send`` is the observable proof that the click
   opened *that* conversation (nothing else was open, and the window title does not
   name the conversation).
5. SIGTERM: the app exits 0. Started again, it restores the session from the keyring
   once more (still no password grant) and polls.

On failure the screen is saved to the test's tmp folder (Qt in a helper process) and
the app's log tail is printed.
"""

from __future__ import annotations

import html
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from hubdesk.sim import SimServer
from tests.fixtures_desktop import Desktop
from tests.missing import require_tool

pytestmark = [pytest.mark.desktop, pytest.mark.sim_config(delivery_delay=0)]

BIN = Path(sys.executable).parent
ALICE = "447912345678"
ALICE_NAME = "Alice Example"
INBOUND = "Table for two at 8? <b>yes</b> & wine"
REPLY = "Yes please, see you at 8"
POLL_INTERVAL = 5.0
MARGIN = 4.0

SCREENSHOT = """
import sys
from PySide6.QtGui import QGuiApplication
app = QGuiApplication(sys.argv[:1])
ok = QGuiApplication.primaryScreen().grabWindow(0).save(sys.argv[1], "PNG")
raise SystemExit(0 if ok else 1)
"""


def wait_until(check: Callable[[], Any], timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(0.05)


class Story:
    """The processes of one run: profile, environment, the app, diagnostics."""

    def __init__(self, desktop: Desktop, sim: SimServer, tmp: Path) -> None:
        self.desktop = desktop
        self.sim = sim
        self.tmp = tmp
        self.home = tmp / "home"
        self.env = dict(os.environ)
        self.env.update(desktop.env)
        self.env.update(
            HUBDESK_HOME=str(self.home),
            HUBDESK_POLL_INTERVAL=str(int(POLL_INTERVAL)),
            QT_QPA_PLATFORM="xcb",
        )
        self.env.pop("HUBDESK_API_URL", None)
        self.app: subprocess.Popen[bytes] | None = None
        self.logs: list[Path] = []

    # -- the command line -----------------------------------------------------------

    def cli(self, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(BIN / "hubdesk-cli"), *args],
            input=stdin,
            capture_output=True,
            text=True,
            env=self.env,
            timeout=30,
        )

    def login(self) -> None:
        cfg = self.sim.state.config
        run = self.cli(
            "--base-url",
            self.sim.base_url,
            "login",
            "--client-id",
            cfg.client_id,
            "--client-secret",
            cfg.client_secret,
            "--username",
            cfg.username,
            "--password-stdin",
            stdin=cfg.password + "\n",
        )
        assert run.returncode == 0, run

    def add_contact(self, name: str, number: str) -> None:
        run = self.cli("contacts", "add", name, number)
        assert run.returncode == 0, run

    # -- the app ----------------------------------------------------------------------

    def start_app(self, *args: str) -> subprocess.Popen[bytes]:
        assert self.app is None
        log = self.tmp / f"hubdesk-{len(self.logs) + 1}.log"
        self.logs.append(log)
        with open(log, "wb") as out:
            self.app = subprocess.Popen(
                [str(BIN / "hubdesk"), *args], stdout=out, stderr=subprocess.STDOUT, env=self.env
            )
        return self.app

    def stop_app(self, timeout: float = 10.0) -> int:
        app, self.app = self.app, None
        assert app is not None
        app.send_signal(signal.SIGTERM)
        try:
            return app.wait(timeout)
        except subprocess.TimeoutExpired:
            app.kill()
            app.wait()
            raise AssertionError(f"hubdesk ignored SIGTERM for {timeout:.0f}s") from None

    def kill_app(self) -> None:
        if self.app is not None and self.app.poll() is None:
            self.app.kill()
            self.app.wait()
        self.app = None

    def assert_running(self) -> None:
        assert self.app is not None and self.app.poll() is None, "hubdesk exited early"

    # -- what the user sees -------------------------------------------------------------

    def visible_windows(self) -> list[str]:
        run = subprocess.run(
            ["xdotool", "search", "--onlyvisible", "--name", "^HubDesk"],
            capture_output=True,
            text=True,
            env=self.env,
            timeout=10,
        )
        return run.stdout.split()

    def focused_window(self) -> str:
        run = subprocess.run(
            ["xdotool", "getwindowfocus"], capture_output=True, text=True, env=self.env, timeout=10
        )
        return run.stdout.strip()

    def xdotool(self, *args: str) -> None:
        run = subprocess.run(
            ["xdotool", *args], capture_output=True, text=True, env=self.env, timeout=20
        )
        assert run.returncode == 0, run

    # -- the simulator --------------------------------------------------------------------

    def inject(self, source: str, text: str) -> None:
        request = urllib.request.Request(
            self.sim.base_url.removesuffix("/api") + "/_sim/inbound",
            data=json.dumps({"source": source, "text": text}).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 200

    def requests(self, method: str, suffix: str) -> list[dict[str, Any]]:
        return [
            r
            for r in self.sim.state.requests()
            if r.get("method") == method and str(r.get("path", "")).endswith(suffix)
        ]

    # -- diagnostics ----------------------------------------------------------------------

    def diagnose(self, name: str) -> str:
        shot = self.tmp / f"{name}.png"
        run = subprocess.run(
            [sys.executable, "-c", SCREENSHOT, str(shot)], env=self.env, timeout=20, check=False
        )
        lines = [f"screenshot: {shot if run.returncode == 0 else 'failed'}"]
        for log in self.logs:
            tail = log.read_text(errors="replace").splitlines()[-30:]
            lines += [f"--- {log.name}", *tail]
        lines.append("--- the simulator's last requests")
        for r in self.sim.state.requests()[-20:]:
            lines.append(f"{r['at']} {r['method']} {r['path']} {r['query']} -> {r['status']}")
        return "\n".join(lines)


@pytest.fixture
def story(desktop_session: Desktop, sim_server: SimServer, tmp_path: Path) -> Iterator[Story]:
    require_tool("xdotool", "Debian: xdotool")
    desktop_session.close_all_notifications()
    made = Story(desktop_session, sim_server, tmp_path)
    try:
        yield made
    finally:
        made.kill_app()
        made.cli("logout")


def open_from_notification(story: Story) -> str:
    """Steps 1-4 up to the click: returns the X id of the window the click showed."""
    desktop, sim = story.desktop, story.sim
    story.login()
    story.add_contact(ALICE_NAME, ALICE)
    assert sim.state.stats()["password_grants"] == 1

    # -- start minimised: tray icon, session restored from the keyring, first poll
    tray_before = set(desktop.tray_items())
    story.start_app("--minimized")
    wait_until(lambda: set(desktop.tray_items()) - tray_before, 20, "the tray icon to register")
    wait_until(lambda: story.requests("GET", "/sms/list"), 20, "the first poll")
    story.assert_running()
    assert sim.state.stats()["password_grants"] == 1, "the app asked for the password"
    assert story.visible_windows() == [], "--minimized showed the window"

    # -- a message from Alice: a notification within one poll interval
    desktop.close_all_notifications()
    seen = {n["id"] for n in desktop.notifications()}  # dunst's history outlives a test
    injected = time.monotonic()
    story.inject(ALICE, INBOUND)
    wait_until(
        lambda: desktop.displayed_count() == 1,
        POLL_INTERVAL + MARGIN,
        "the notification (one poll interval + margin)",
    )
    print(f"notification {time.monotonic() - injected:.1f}s after the message arrived")

    # -- click it: the window appears
    desktop.invoke_action(0)
    (window,) = wait_until(story.visible_windows, 10, "the window to be shown")
    # Alice's conversation opened: its thread (one message) asks the server for older
    # ones once shown; then the compose pane is set up (what the tests type into).
    wait_until(
        lambda: [
            r
            for r in story.requests("GET", "/sms/list")
            if r.get("query", {}).get("sender") == ALICE
        ],
        20,
        "Alice's conversation to open (its older messages asked for)",
    )
    shown = desktop.notifications()  # the clicked one is closed: in dunst's history
    mine = [n for n in shown if n["appname"] == "HubDesk" and n["id"] not in seen]
    assert len(mine) == 1, shown
    assert mine[0]["summary"] == ALICE_NAME
    assert html.unescape(mine[0]["body"]) == INBOUND
    assert "<b>" not in mine[0]["body"]
    assert mine[0]["actions"] == {
        "default": "Open",
        "reply": "Reply",
        "call-back": "Call back",
        "mark-read": "Mark as read",
    }
    return str(window)


def test_notification_opens_the_app_and_the_session_survives_a_restart(
    story: Story, request: pytest.FixtureRequest
) -> None:
    try:
        open_from_notification(story)
        # -- quit cleanly, start again: the session comes back from the keyring
        assert story.stop_app() == 0
        polls_before = len(story.requests("GET", "/sms/list"))
        story.start_app("--minimized")
        wait_until(
            lambda: len(story.requests("GET", "/sms/list")) > polls_before,
            20,
            "the restarted app to poll",
        )
        story.assert_running()
        assert story.sim.state.stats()["password_grants"] == 1, "the restart asked again"
        assert story.stop_app() == 0
    except BaseException:
        print(story.diagnose(request.node.name))
        raise


def test_reply_typed_after_the_click_goes_to_that_conversation(
    story: Story, request: pytest.FixtureRequest
) -> None:
    try:
        window = open_from_notification(story)
        # The destination of the one send proves the click opened Alice's conversation.
        # No window manager: give the shown window X input focus, check that it has it,
        # then type through XTEST (real key events, not XSendEvent to a window).
        story.xdotool("windowfocus", "--sync", window)
        wait_until(lambda: story.focused_window() == window, 5, "X input focus on the window")
        time.sleep(0.5)  # the conversation and its sender IDs load after the click
        story.xdotool("type", "--delay", "5", REPLY)
        story.xdotool("key", "Return")
        wait_until(lambda: story.requests("POST", "/sms/send"), 10, "the reply to be sent")
        time.sleep(1.0)  # a duplicate would show up here
        assert len(story.requests("POST", "/sms/send")) == 1
        sent = [m for m in story.sim.state.messages() if m["text"] == REPLY]
        assert len(sent) == 1, story.sim.state.messages()
        assert sent[0]["destination"] == ALICE
        approved = {s["sender_id"] for s in story.sim.state.sender_ids() if s.get("status") == "1"}
        assert approved and sent[0]["source"] in approved, sent[0]
        assert story.stop_app() == 0
    except BaseException:
        print(story.diagnose(request.node.name))
        raise


def test_the_start_minimized_setting_starts_in_the_tray(
    story: Story, request: pytest.FixtureRequest
) -> None:
    """The setting (not the flag) keeps the window hidden from the very first frame."""
    from hubdesk.store.database import Database
    from hubdesk.store.profile import database_path

    try:
        story.login()
        db = Database.open(database_path(story.home))
        try:
            db.settings.set("app.start_minimized", True)  # what Settings saves
        finally:
            db.close()
        tray_before = set(story.desktop.tray_items())
        story.start_app()
        seen: list[str] = []  # visible windows, polled from the start (catches a flash of
        # the length the first frame used to show: a few hundred ms)

        def started() -> bool:
            seen.extend(story.visible_windows())
            return bool(story.requests("GET", "/sms/list")) and bool(
                set(story.desktop.tray_items()) - tray_before
            )

        wait_until(started, 20, "the tray icon and the first poll")
        story.assert_running()
        assert seen == [], "the window was shown despite the setting"
        assert story.stop_app() == 0
    except BaseException:
        print(story.diagnose(request.node.name))
        raise
