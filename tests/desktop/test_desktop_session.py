"""The headless desktop session itself: display, tray, notifications, and its lifecycle."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from jeepney import DBusAddress, MatchRule
from jeepney.io.blocking import open_dbus_connection
from PySide6.QtCore import QPoint
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPixmap
from PySide6.QtWidgets import QSystemTrayIcon, QWidget
from pytestqt.qtbot import QtBot

from tests.fixtures_desktop import (
    LINUX_ONLY_REASON,
    NOTIFICATIONS,
    Desktop,
    DesktopSession,
    SessionError,
    call,
)

if not sys.platform.startswith("linux"):  # as the desktop mark does; and mypy reads POSIX
    pytest.skip(LINUX_ONLY_REASON, allow_module_level=True)

pytestmark = pytest.mark.desktop

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "desktop_session.py"
BUS = DBusAddress("/org/freedesktop/DBus", "org.freedesktop.DBus", "org.freedesktop.DBus")


def notify(connection: object, summary: str, body: str, actions: list[str]) -> int:
    hints = {"urgency": ("y", 1)}
    (notification_id,) = call(
        connection,
        NOTIFICATIONS,
        "Notify",
        "susssasa{sv}i",
        ("hubdesk-tests", 0, "", summary, body, actions, hints, 0),
    )
    return int(notification_id)


# -- what runs inside the session ---------------------------------------------------------


def test_environment_is_the_session(desktop_session: Desktop) -> None:
    assert os.environ["QT_QPA_PLATFORM"] == "xcb"
    assert desktop_session.display.startswith(":")
    runtime = Path(os.environ["XDG_RUNTIME_DIR"])
    assert runtime.is_dir() and (runtime.stat().st_mode & 0o777) == 0o700


def test_display_renders_what_a_window_paints(desktop_session: Desktop, qtbot: QtBot) -> None:
    assert QGuiApplication.platformName() == "xcb"
    widget = QWidget()
    widget.setStyleSheet("background-color: rgb(200, 30, 90);")
    widget.setAutoFillBackground(True)
    widget.setGeometry(100, 100, 200, 120)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)

    screen = QGuiApplication.primaryScreen()
    assert (screen.geometry().width(), screen.geometry().height()) == (1280, 800)

    def painted() -> None:
        image = screen.grabWindow(0).toImage()
        assert not image.isNull() and image.width() == 1280
        centre = widget.mapToGlobal(QPoint(100, 60))
        assert image.pixelColor(centre) == QColor(200, 30, 90)

    qtbot.waitUntil(painted, timeout=5000)


def test_system_tray_is_available_and_items_register(
    desktop_session: Desktop, qtbot: QtBot
) -> None:
    assert QSystemTrayIcon.isSystemTrayAvailable()
    before = set(desktop_session.tray_items())
    pixmap = QPixmap(22, 22)
    pixmap.fill(QColor("teal"))
    tray = QSystemTrayIcon(QIcon(pixmap))
    tray.show()
    try:
        qtbot.waitUntil(lambda: len(set(desktop_session.tray_items()) - before) == 1, timeout=5000)
    finally:
        tray.hide()
        tray.deleteLater()


def test_notification_reaches_dunst_with_summary_body_and_actions(
    desktop_session: Desktop,
) -> None:
    with open_dbus_connection(bus=desktop_session.bus_address) as connection:
        sent = notify(connection, "New SMS from Alice", "Table for two?", ["default", "Open"])
    seen = desktop_session.wait_for_notification("New SMS from Alice")
    assert seen == {
        "id": sent,
        "appname": "hubdesk-tests",
        "summary": "New SMS from Alice",
        "body": "Table for two?",
        "shown": "New SMS from Alice\nTable for two?",
        "actions": {"default": "Open"},
        "urgency": 1,
    }


def test_invoking_the_default_action_emits_action_invoked(desktop_session: Desktop) -> None:
    desktop_session.close_all_notifications()
    with open_dbus_connection(bus=desktop_session.bus_address) as connection:
        rule = MatchRule(
            type="signal", interface="org.freedesktop.Notifications", member="ActionInvoked"
        )
        with connection.filter(rule) as signals:
            sent = notify(connection, "Click me", "opens the conversation", ["default", "Open"])
            assert desktop_session.displayed_count() == 1
            desktop_session.invoke_action(0)
            message = connection.recv_until_filtered(signals, timeout=5)
    assert message.body == (sent, "default")


def test_qt_tray_critical_message_carries_a_default_action(
    desktop_session: Desktop, qtbot: QtBot
) -> None:
    pixmap = QPixmap(22, 22)
    pixmap.fill(QColor("navy"))
    tray = QSystemTrayIcon(QIcon(pixmap))
    tray.show()
    try:
        tray.showMessage("Critical from Qt", "body", QSystemTrayIcon.MessageIcon.Critical, 0)
        found: dict[str, object] = {}

        def arrived() -> None:
            found.update(desktop_session.wait_for_notification("Critical from Qt", timeout=0))

        qtbot.waitUntil(arrived, timeout=5000)
    finally:
        tray.hide()
        tray.deleteLater()
    actions = found["actions"]
    assert isinstance(actions, dict) and "default" in actions
    assert found["urgency"] == 2


# -- the session's own lifecycle (a second, nested session) -------------------------------


def owners(address: str, *names: str) -> list[bool]:
    with open_dbus_connection(bus=address) as connection:
        return [call(connection, BUS, "NameHasOwner", "s", (n,)) == (True,) for n in names]


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][0]
    except (FileNotFoundError, IndexError):
        return False
    return state != "Z"


def test_nested_session_starts_fast_and_tears_down_every_process(
    desktop_session: Desktop,
) -> None:
    with DesktopSession() as session:
        pids = session.pids
        root = session.root
        assert list(pids) == ["Xvfb", "D-Bus", "gnome-keyring", "status-notifier-watcher", "dunst"]
        assert all(alive(pid) for pid in pids.values())
        assert session.env["DISPLAY"] != desktop_session.display
        assert owners(
            session.env["DBUS_SESSION_BUS_ADDRESS"],
            "org.freedesktop.secrets",
            "org.kde.StatusNotifierWatcher",
            "org.freedesktop.Notifications",
        ) == [True, True, True]
        assert session.timings["total"] < 10
    assert not any(alive(pid) for pid in pids.values())
    assert not root.exists()


def test_a_component_that_cannot_start_is_named_and_the_rest_stopped(
    desktop_session: Desktop, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = tmp_path / "dunst"
    fake.write_text("#!/bin/sh\necho 'cannot open display (pretend)'\nexit 1\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    session = DesktopSession(timeout=5)
    started: list[int] = []
    original_spawn = session._spawn

    def spawn(*args: object, **kwargs: object) -> object:
        daemon = original_spawn(*args, **kwargs)
        started.append(daemon.process.pid)
        return daemon

    session._spawn = spawn
    with pytest.raises(SessionError) as caught:
        session.start()
    assert caught.value.component == "dunst"
    assert "cannot open display (pretend)" in str(caught.value)
    assert len(started) == 5
    assert not any(alive(pid) for pid in started)


def signal_state(pid: int | str = "self") -> str:
    status = Path(f"/proc/{pid}/status").read_text().splitlines()
    return ", ".join(line for line in status if line.startswith(("SigBlk", "SigIgn", "SigCgt")))


def run_script(*command: str) -> subprocess.Popen[str]:
    """The script as a terminal would run it: in its own (foreground-like) process group."""
    env = {k: v for k, v in os.environ.items() if k != "HUBDESK_DESKTOP_SESSION"}
    return subprocess.Popen(
        [sys.executable, str(SCRIPT), "--", *command],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        process_group=0,
    )


def test_script_runs_the_command_in_the_session_and_returns_its_code(
    desktop_session: Desktop,
) -> None:
    child = run_script(
        "sh", "-c", 'echo "$HUBDESK_DESKTOP_SESSION $QT_QPA_PLATFORM $DISPLAY"; exit 7'
    )
    out, err = child.communicate(timeout=60)
    assert child.returncode == 7
    flag, platform, display = out.split()
    assert (flag, platform) == ("1", "xcb") and display.startswith(":")
    assert "desktop session: up in" in err and "torn down" in err


def daemons_in(root: str) -> list[int]:
    """PIDs whose working directory is the session's folder (the session's daemons)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if os.readlink(entry / "cwd") == root and alive(int(entry.name)):
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_script_tears_down_on_signals(desktop_session: Desktop, signum: int) -> None:
    """Ctrl+C or kill: the command ends, then every daemon, and the folder goes."""
    child = run_script("sh", "-c", 'echo "$XDG_RUNTIME_DIR"; exec sleep 60')
    assert child.stdout is not None
    root = str(Path(child.stdout.readline().strip()).parent)
    assert len(daemons_in(root)) == 5
    began = time.monotonic()
    if signum == signal.SIGINT:
        os.killpg(child.pid, signum)  # Ctrl+C: the whole foreground group gets it
    else:
        child.send_signal(signum)  # kill: only the script; it passes SIGTERM on
    try:
        child.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        child.kill()
        raise AssertionError(f"no clean exit; test process: {signal_state()}") from None
    assert child.returncode == 128 + signum
    assert time.monotonic() - began < 10
    assert daemons_in(root) == []
    assert not Path(root).exists()


def test_a_daemon_that_dies_during_the_session_is_reported(desktop_session: Desktop) -> None:
    with DesktopSession() as session:
        dunst = session.pids["dunst"]
        os.kill(dunst, signal.SIGKILL)
        deadline = time.monotonic() + 5
        while "dunst" not in session.exited() and time.monotonic() < deadline:
            time.sleep(0.01)
        assert session.exited() == {"dunst": -signal.SIGKILL}, f"dunst: {alive(dunst)=}"
    assert list(session.died) == ["dunst"]
    assert "dunst exited early (exit code -9)" in session.died["dunst"]
