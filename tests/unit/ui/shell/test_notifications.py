"""Notifier offscreen: the wire protocol against a fake notification server on a private
bus (a real ``dbus-daemon``, no X), the tray fallback and a missing bus.

The fake server is a jeepney connection in a thread that owns
``org.freedesktop.Notifications``: it records each call exactly as it arrived (types
included) and can emit ``ActionInvoked`` / ``NotificationClosed`` like a real server.
tests/desktop/test_notifications_desktop.py does the same against dunst.
"""

from __future__ import annotations

import itertools
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from jeepney import (
    DBusAddress,
    HeaderFields,
    MessageType,
    new_error,
    new_method_return,
    new_signal,
)
from jeepney.bus_messages import message_bus
from jeepney.io.blocking import DBusConnection, open_dbus_connection
from PySide6.QtWidgets import QApplication, QSystemTrayIcon
from pytestqt.qtbot import QtBot

from hubdesk.core.notify import Notice
from hubdesk.ui.shell.notifications import (
    Backend,
    Notifier,
    default_app_icon,
    escape_markup,
    wire_text,
)
from hubdesk.ui.shell.tray import TrayIcon
from tests.missing import require_tool
from tests.platforms import LINUX

SERVICE = "org.freedesktop.Notifications"
PATH = "/org/freedesktop/Notifications"

BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir={socket_dir}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""

ALICE = Notice("Alice", "Table for two?", "447700900001", (1,))
BOB = Notice("Bob", "On my way", "447700900002", (2,))
SUMMARY = Notice("HubDesk", "5 new messages from 3 people", None, (3, 4, 5, 6, 7))


def require_dbus_daemon() -> None:
    """D-Bus is Linux's: skipped elsewhere; on Linux, dbus-daemon must be installed."""
    if not LINUX:
        pytest.skip("Linux only: D-Bus notifications (org.freedesktop.Notifications)")
    require_tool("dbus-daemon", "Debian: dbus-daemon")


def start_bus(root: Path) -> tuple[subprocess.Popen[str], str]:
    """A dbus-daemon on a socket under ``root`` (no service activation), and its address."""
    (root / "sock").mkdir()
    config = root / "bus.conf"
    config.write_text(BUS_CONFIG.format(socket_dir=root / "sock"), encoding="utf-8")
    daemon = subprocess.Popen(
        ["dbus-daemon", f"--config-file={config}", "--nofork", "--print-address=1"],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert daemon.stdout is not None
    return daemon, daemon.stdout.readline().strip()


@pytest.fixture(scope="module")
def private_bus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A fresh session bus with no service activation: its address."""
    require_dbus_daemon()
    daemon, address = start_bus(tmp_path_factory.mktemp("bus"))
    try:
        yield address
    finally:
        daemon.terminate()
        daemon.wait(5)


@dataclass
class Call:
    member: str
    signature: str
    body: tuple[Any, ...]
    sender: str


@dataclass
class FakeServer:
    """org.freedesktop.Notifications with behaviour (see the module docstring)."""

    address: str
    fail_notify: bool = False
    capabilities: tuple[str, ...] = ("actions", "body", "body-markup")
    calls: list[Call] = field(default_factory=list)
    connection: DBusConnection | None = None
    _ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self) -> FakeServer:
        self.connection = open_dbus_connection(bus=self.address)
        reply = self.connection.send_and_get_reply(message_bus.RequestName(SERVICE, 4))
        assert reply.body == (1,), "could not own the notifications name"
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(2)
        if self.connection is not None:
            self.connection.close()

    def calls_of(self, member: str) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.member == member]

    def emit(self, member: str, signature: str, body: tuple[Any, ...], to: str) -> None:
        assert self.connection is not None
        message = new_signal(DBusAddress(PATH, interface=SERVICE), member, signature, body)
        message.header.fields[HeaderFields.destination] = to
        with self._lock:  # jeepney connections are not thread-safe for sending
            self.connection.send(message)

    def _run(self) -> None:
        assert self.connection is not None
        while not self._stop.is_set():
            try:
                message = self.connection.receive(timeout=0.05)
            except TimeoutError:
                continue
            except OSError:
                return
            fields = message.header.fields
            if message.header.message_type is not MessageType.method_call:
                continue
            call = Call(
                fields[HeaderFields.member],
                fields.get(HeaderFields.signature, ""),
                message.body,
                fields[HeaderFields.sender],
            )
            with self._lock:
                self.calls.append(call)
                if call.member == "Notify" and self.fail_notify:
                    reply = new_error(message, "org.freedesktop.DBus.Error.Failed", "s", ("no",))
                elif call.member == "Notify":
                    replaces = int(call.body[1])
                    reply = new_method_return(message, "u", (replaces or next(self._ids),))
                elif call.member == "GetCapabilities":
                    reply = new_method_return(message, "as", (list(self.capabilities),))
                else:
                    reply = new_method_return(message)
                self.connection.send(reply)
            if call.member == "CloseNotification":
                self.emit("NotificationClosed", "uu", (call.body[0], 3), call.sender)


@pytest.fixture
def server(private_bus: str) -> Iterator[FakeServer]:
    fake = FakeServer(private_bus).start()
    yield fake
    fake.stop()


@pytest.fixture
def notifier(qapp: QApplication, private_bus: str, server: FakeServer) -> Iterator[Notifier]:
    made = Notifier(bus_address=private_bus, use_bus=True)
    yield made
    made.shutdown()


def wait_for(qtbot: QtBot, check: Any, timeout: int = 10_000) -> None:
    qtbot.waitUntil(check, timeout=timeout)


# -- markup ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("plain", "plain"),
        ("<b>bold</b>", "&lt;b&gt;bold&lt;/b&gt;"),
        ("a & b", "a &amp; b"),
        ("&amp; already", "&amp;amp; already"),
        ("<a href='x'>link</a>", "&lt;a href='x'&gt;link&lt;/a&gt;"),
        ("", ""),
    ],
)
def test_escape_markup(text: str, escaped: str) -> None:
    assert escape_markup(text) == escaped


# -- the wire protocol ----------------------------------------------------------------


def test_notify_carries_every_field_with_its_dbus_type(
    notifier: Notifier, server: FakeServer, qtbot: QtBot
) -> None:
    assert notifier.backend is Backend.FREEDESKTOP
    notifier.show(Notice("Eve <script>", "<b>hi</b> & bye", "447400123459", (9,)))
    wait_for(qtbot, lambda: len(server.calls_of("Notify")) == 1)
    (call,) = server.calls_of("Notify")
    assert call.signature == "susssasa{sv}i"  # replaces_id uint32, urgency a byte
    app_name, replaces, icon, summary, body, actions, hints, timeout = call.body
    assert (app_name, replaces, summary, timeout) == ("HubDesk", 0, "Eve <script>", -1)
    assert icon == default_app_icon() and icon.startswith("file://")
    assert body == "&lt;b&gt;hi&lt;/b&gt; &amp; bye"
    assert actions == [
        "default", "Open", "reply", "Reply", "call-back", "Call back", "mark-read", "Mark as read"
    ]  # fmt: skip
    assert hints == {
        "desktop-entry": ("s", "hubdesk"),
        "category": ("s", "im.received"),
        "urgency": ("y", 1),
    }
    wait_for(qtbot, lambda: notifier.open_notifications == {1: "447400123459"})


def test_default_action_emits_the_partner_of_that_notification(
    notifier: Notifier, server: FakeServer, qtbot: QtBot
) -> None:
    notifier.show(ALICE)
    notifier.show(BOB)
    wait_for(qtbot, lambda: len(notifier.open_notifications) == 2)
    by_partner = {p: i for i, p in notifier.open_notifications.items()}
    client = server.calls_of("Notify")[0].sender
    with qtbot.waitSignal(notifier.activated, timeout=10_000) as clicked:
        server.emit("ActionInvoked", "us", (by_partner[BOB.partner], "default"), client)
    assert clicked.args == [BOB.partner]
    # The clicked one is stale now: closed on the server and forgotten.
    assert notifier.open_notifications == {by_partner[ALICE.partner]: ALICE.partner}
    wait_for(qtbot, lambda: len(server.calls_of("CloseNotification")) == 1)
    assert server.calls_of("CloseNotification")[0].body == (by_partner[BOB.partner],)


def test_summary_click_emits_activated_summary(
    notifier: Notifier, server: FakeServer, qtbot: QtBot
) -> None:
    partners: list[str] = []
    notifier.activated.connect(partners.append)
    notifier.show(SUMMARY)
    wait_for(qtbot, lambda: len(notifier.open_notifications) == 1)
    (summary_id,) = notifier.open_notifications
    client = server.calls_of("Notify")[0].sender
    with qtbot.waitSignal(notifier.activated_summary, timeout=10_000):
        server.emit("ActionInvoked", "us", (summary_id, "default"), client)
    assert partners == []


def test_unknown_ids_and_other_actions_are_ignored(
    notifier: Notifier, server: FakeServer, qtbot: QtBot
) -> None:
    seen: list[str] = []
    notifier.activated.connect(seen.append)
    notifier.show(ALICE)
    wait_for(qtbot, lambda: len(notifier.open_notifications) == 1)
    (known,) = notifier.open_notifications
    client = server.calls_of("Notify")[0].sender
    server.emit("ActionInvoked", "us", (known + 100, "default"), client)
    server.emit("ActionInvoked", "us", (known, "frobnicate"), client)
    server.emit("NotificationReplied", "us", (known + 100, "not ours"), client)
    # A marker afterwards: once it arrives, the two before it were handled (and ignored).
    with qtbot.waitSignal(notifier.activated, timeout=10_000) as marker:
        server.emit("ActionInvoked", "us", (known, "default"), client)
    assert marker.args == [ALICE.partner]
    assert seen == [ALICE.partner]


def test_a_newer_notice_from_the_same_person_replaces_the_older(
    notifier: Notifier, server: FakeServer, qtbot: QtBot
) -> None:
    notifier.show(ALICE)
    wait_for(qtbot, lambda: len(notifier.open_notifications) == 1)
    (first,) = notifier.open_notifications
    notifier.show(Notice("Alice", "Actually, three", ALICE.partner, (8,)))
    notifier.show(BOB)
    wait_for(qtbot, lambda: len(server.calls_of("Notify")) == 3)
    replaces = [c.body[1] for c in server.calls_of("Notify")]
    assert replaces == [0, first, 0]
    wait_for(qtbot, lambda: len(notifier.open_notifications) == 2)


def test_closed_notifications_are_forgotten_and_close_all_closes_ours(
    notifier: Notifier, server: FakeServer, qtbot: QtBot
) -> None:
    notifier.show(ALICE)
    notifier.show(BOB)
    wait_for(qtbot, lambda: len(notifier.open_notifications) == 2)
    ids = sorted(notifier.open_notifications)
    client = server.calls_of("Notify")[0].sender
    server.emit("NotificationClosed", "uu", (ids[0], 2), client)
    wait_for(qtbot, lambda: sorted(notifier.open_notifications) == ids[1:])
    notifier.close_all()
    assert notifier.open_notifications == {}
    wait_for(qtbot, lambda: len(server.calls_of("CloseNotification")) == 1)
    assert server.calls_of("CloseNotification")[0].body == (ids[1],)


def test_a_refused_notify_falls_back_to_the_tray(
    qapp: QApplication, private_bus: str, qtbot: QtBot
) -> None:
    server = FakeServer(private_bus, fail_notify=True).start()
    tray = TrayIcon()
    tray.show()
    shown: list[tuple[str, str]] = []
    notifier = Notifier(tray.system_tray_icon, bus_address=private_bus, use_bus=True)
    try:
        if not tray.is_visible():
            pytest.skip("this platform cannot show a tray icon at all")
        tray.system_tray_icon.messageClicked.connect(lambda: shown.append(("clicked", "")))
        notifier.show(ALICE)
        wait_for(qtbot, lambda: len(server.calls_of("Notify")) == 1)
        # The error reply routes this notice to the tray; its click opens Alice.
        with qtbot.waitSignal(notifier.activated, timeout=10_000) as clicked:
            qtbot.waitUntil(lambda: notifier._balloons._last_shown, timeout=10_000)
            tray.system_tray_icon.messageClicked.emit()
        assert clicked.args == [ALICE.partner]
    finally:
        notifier.shutdown()
        tray.dispose()
        server.stop()


def test_no_notification_server_on_the_bus_means_the_tray(
    qapp: QApplication, private_bus: str
) -> None:
    tray = QSystemTrayIcon()
    notifier = Notifier(tray, bus_address=private_bus, use_bus=True)
    assert notifier.backend is Backend.TRAY


# -- no bus at all ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "address", ["unix:path=/nonexistent/hubdesk-bus", "nonsense", "tcp:host=0.0.0.0,port=1"]
)
def test_an_unreachable_bus_never_crashes(qapp: QApplication, address: str) -> None:
    tray = QSystemTrayIcon()
    notifier = Notifier(tray, bus_address=address, use_bus=True, auth_timeout=0.5)
    assert notifier.backend is Backend.TRAY
    notifier.show(ALICE)  # tray not visible: logged, not raised
    notifier.close_all()
    assert Notifier(bus_address=address, use_bus=True, auth_timeout=0.5).backend is Backend.NONE


def test_tray_fallback_click_opens_the_last_notice(qapp: QApplication, qtbot: QtBot) -> None:
    tray = TrayIcon()
    tray.show()
    notifier = Notifier(tray.system_tray_icon, use_bus=False)
    try:
        if not tray.is_visible():
            pytest.skip("this platform cannot show a tray icon at all")
        seen: list[str] = []
        notifier.activated.connect(seen.append)
        tray.system_tray_icon.messageClicked.emit()  # nothing shown yet: nothing opens
        assert seen == []
        notifier.show(ALICE)
        notifier.show(BOB)
        with qtbot.waitSignal(notifier.activated, timeout=10_000) as clicked:
            tray.system_tray_icon.messageClicked.emit()
        assert clicked.args == [BOB.partner]
        notifier.show(SUMMARY)
        with qtbot.waitSignal(notifier.activated_summary, timeout=10_000):
            tray.system_tray_icon.messageClicked.emit()
        notifier.close_all()
        tray.system_tray_icon.messageClicked.emit()
        assert seen == [BOB.partner]
    finally:
        tray.dispose()


def test_bus_dying_under_the_notifier_switches_to_the_tray(
    qapp: QApplication, tmp_path: Path, qtbot: QtBot
) -> None:
    require_dbus_daemon()
    daemon, address = start_bus(tmp_path)
    server = FakeServer(address).start()
    tray = QSystemTrayIcon()
    notifier = Notifier(tray, bus_address=address, use_bus=True)
    try:
        assert notifier.backend.value == Backend.FREEDESKTOP.value
        daemon.terminate()
        daemon.wait(5)
        deadline = time.monotonic() + 3
        while notifier.backend is not Backend.TRAY and time.monotonic() < deadline:
            qtbot.wait(20)
            notifier.show(ALICE)  # either the read or the write notices the dead socket
        assert notifier.backend is Backend.TRAY
    finally:
        notifier.shutdown()
        server.stop()
        if daemon.poll() is None:
            daemon.kill()


# -- hostile text and a lost connection ------------------------------------------------

HOSTILE_TITLE = "Mallory\x00 \u202etxt.exe <b>x</b> & \ud83d"
HOSTILE_BODY = 'nul\x00inside <img src="http://127.0.0.1:1/x"> <b>b</b> &amp; \u2066x\n'


def test_hostile_text_never_breaks_the_connection(
    notifier: Notifier, server: FakeServer, qtbot: QtBot
) -> None:
    """A NUL makes dbus-daemon drop the sender's connection, a lone surrogate cannot be
    encoded: both are cleaned before Notify, so the next notice still goes over D-Bus on
    the same connection."""
    notifier.show(Notice(HOSTILE_TITLE, HOSTILE_BODY, "447700900666", (1,)))
    notifier.show(BOB)
    wait_for(qtbot, lambda: len(server.calls_of("Notify")) == 2)
    first, second = server.calls_of("Notify")
    assert first.body[3] == "Mallory ⟨U+202E⟩txt.exe <b>x</b> & \ufffd"  # summary: plain
    assert first.body[4] == (
        'nul inside &lt;img src="http://127.0.0.1:1/x"&gt; &lt;b&gt;b&lt;/b&gt; &amp;amp; ⟨U+2066⟩x'
    )
    assert second.body[3] == "Bob"
    wait_for(qtbot, lambda: len(notifier.open_notifications) == 2)
    assert notifier.backend is Backend.FREEDESKTOP and notifier.connections == 1


def test_wire_text_is_one_safe_line_of_bounded_length() -> None:
    assert wire_text("a\x00b\r\nc\x7f\ufffe\udc00", 100) == "a b c \ufffd\ufffd"
    long = wire_text("x" * 5000, 200)
    assert len(long) == 200 and long.endswith("…")


def test_a_dropped_connection_is_remade_for_the_next_notice(
    notifier: Notifier, server: FakeServer, qtbot: QtBot
) -> None:
    """dbus-daemon drops a connection that sends a malformed message (here: a NUL in a
    string, sent raw on the notifier's own connection, as the old code did): the
    notifier notices, and the next notice goes over D-Bus on a new connection, not to
    the tray for the rest of the session."""
    from jeepney import new_method_call

    notifier.show(ALICE)
    wait_for(qtbot, lambda: len(notifier.open_notifications) == 1)
    bus = notifier._bus
    assert bus is not None
    address = DBusAddress(PATH, SERVICE, SERVICE)
    bus.connection.send(new_method_call(address, "Notify", "s", ("\x00",)))
    wait_for(qtbot, lambda: notifier.backend is not Backend.FREEDESKTOP)
    notifier.show(BOB)
    assert notifier.backend is Backend.FREEDESKTOP and notifier.connections == 2
    wait_for(qtbot, lambda: [c.body[3] for c in server.calls_of("Notify")] == ["Alice", "Bob"])
    assert server.calls_of("Notify")[1].sender != server.calls_of("Notify")[0].sender


def test_without_a_server_it_retries_with_a_backoff_and_recovers(
    qapp: QApplication, private_bus: str, qtbot: QtBot
) -> None:
    now = [100.0]
    notifier = Notifier(bus_address=private_bus, use_bus=True, clock=lambda: now[0])
    server: FakeServer | None = None
    try:
        # (compared as tuples: an "is" would narrow notifier.backend for mypy for good)
        assert (notifier.backend,) == (Backend.NONE,)  # no server yet: the first attempt failed
        server = FakeServer(private_bus).start()
        notifier.show(ALICE)  # within the backoff (1 s): not even tried
        assert (notifier.backend, notifier.connections) == (Backend.NONE, 0)
        now[0] += 1.1
        notifier.show(BOB)  # the backoff is over: connects, and Bob goes over D-Bus
        assert notifier.backend is Backend.FREEDESKTOP and notifier.connections == 1
        wait_for(qtbot, lambda: [c.body[3] for c in server.calls_of("Notify")] == ["Bob"])
    finally:
        notifier.shutdown()
        if server is not None:
            server.stop()


def test_the_backoff_doubles_up_to_a_minute(qapp: QApplication, private_bus: str) -> None:
    now = [0.0]
    tries = [0.0]  # the first attempt: when made
    notifier = Notifier(bus_address=private_bus, use_bus=True, clock=lambda: now[0])
    for _ in range(400):  # ~7 minutes of notices, one a second
        before = notifier._next_attempt
        notifier.show(ALICE)
        if notifier._next_attempt != before:
            tries.append(now[0])
        now[0] += 1.0
    gaps = [b - a for a, b in zip(tries, tries[1:], strict=False)]
    assert gaps[:6] == [1.0, 2.0, 4.0, 8.0, 16.0, 32.0]
    assert set(gaps[6:]) == {60.0} and len(gaps) > 10
    notifier.shutdown()


def test_after_shutdown_it_never_reconnects(
    notifier: Notifier, server: FakeServer, qtbot: QtBot
) -> None:
    notifier.shutdown()
    notifier.show(ALICE)
    assert notifier.backend is Backend.NONE and notifier.connections == 1
    qtbot.wait(100)
    assert server.calls_of("Notify") == []


# -- actions: Reply, Call back, Mark as read; inline reply; grouping ---------------------


def notifier_on(qapp: QApplication, private_bus: str, *caps: str) -> tuple[FakeServer, Notifier]:
    server = FakeServer(private_bus, capabilities=caps).start()
    return server, Notifier(bus_address=private_bus, use_bus=True)


def test_a_server_without_actions_gets_only_the_click(
    qapp: QApplication, private_bus: str, qtbot: QtBot
) -> None:
    server, notifier = notifier_on(qapp, private_bus, "body")
    try:
        assert notifier.capabilities == {"body"}
        notifier.show(ALICE)
        wait_for(qtbot, lambda: len(server.calls_of("Notify")) == 1)
        assert server.calls_of("Notify")[0].body[5] == ["default", "Open"]
    finally:
        notifier.shutdown()
        server.stop()


def test_a_summary_of_several_people_only_opens(
    notifier: Notifier, server: FakeServer, qtbot: QtBot
) -> None:
    notifier.show(SUMMARY)
    wait_for(qtbot, lambda: len(server.calls_of("Notify")) == 1)
    assert server.calls_of("Notify")[0].body[5] == ["default", "Open"]


def test_the_icon_is_the_message_icon_not_the_handset(notifier: Notifier, server: FakeServer,
                                                      qtbot: QtBot) -> None:  # fmt: skip
    notifier.show(ALICE)
    wait_for(qtbot, lambda: len(server.calls_of("Notify")) == 1)
    icon = server.calls_of("Notify")[0].body[2]
    assert icon.startswith("file://") and icon.endswith("/message.svg")


@pytest.mark.parametrize(
    ("key", "signal"),
    [("reply", "reply_requested"), ("call-back", "call_back_requested"),
     ("mark-read", "mark_read_requested"), ("inline-reply", "reply_requested")],
)  # fmt: skip
def test_each_button_emits_its_signal_with_the_partner_once(
    notifier: Notifier, server: FakeServer, qtbot: QtBot, key: str, signal: str
) -> None:
    got: list[str] = []
    getattr(notifier, signal).connect(got.append)
    notifier.show(ALICE)
    wait_for(qtbot, lambda: len(notifier.open_notifications) == 1)
    (known,) = notifier.open_notifications
    client = server.calls_of("Notify")[0].sender
    server.emit("ActionInvoked", "us", (known, key), client)
    server.emit("ActionInvoked", "us", (known, key), client)  # a second press: stale
    wait_for(qtbot, lambda: got == [ALICE.partner])
    wait_for(qtbot, lambda: len(server.calls_of("CloseNotification")) == 1)
    assert notifier.open_notifications == {}
    qtbot.wait(100)
    assert got == [ALICE.partner]


def test_inline_reply_where_advertised_and_the_text_comes_once(
    qapp: QApplication, private_bus: str, qtbot: QtBot
) -> None:
    server, notifier = notifier_on(qapp, private_bus, "actions", "inline-reply", "body")
    replies: list[tuple[str, str]] = []
    notifier.replied.connect(lambda p, t: replies.append((p, t)))
    try:
        notifier.show(Notice("Alice <b>", "Can you call me back?", ALICE.partner, (1,)))
        wait_for(qtbot, lambda: len(notifier.open_notifications) == 1)
        call = server.calls_of("Notify")[0]
        assert call.body[5][:4] == ["default", "Open", "inline-reply", "Reply"]
        assert call.body[6]["x-kde-reply-placeholder-text"] == ("s", "Reply to Alice <b>")
        (known,) = notifier.open_notifications
        server.emit("NotificationReplied", "us", (known, "On my way"), call.sender)
        server.emit("NotificationReplied", "us", (known, "On my way"), call.sender)
        wait_for(qtbot, lambda: replies == [(ALICE.partner, "On my way")])
        qtbot.wait(100)
        assert replies == [(ALICE.partner, "On my way")]
    finally:
        notifier.shutdown()
        server.stop()


def test_two_notices_from_one_person_in_a_row_replace_instead_of_stacking(
    notifier: Notifier, server: FakeServer, qtbot: QtBot
) -> None:
    """The second notice is shown before the first one's id came back: it waits for it,
    then replaces it (the newest text wins)."""
    notifier.show(ALICE)
    notifier.show(Notice("Alice", "second", ALICE.partner, (2,)))
    notifier.show(Notice("Alice", "third", ALICE.partner, (3,)))
    wait_for(qtbot, lambda: len(server.calls_of("Notify")) == 2)
    first, second = server.calls_of("Notify")
    assert first.body[1] == 0 and first.body[4] == ALICE.body
    assert second.body[4] == "third" and second.body[1] != 0
    wait_for(qtbot, lambda: list(notifier.open_notifications.values()) == [ALICE.partner])


def test_close_for_closes_that_conversations_notification(
    notifier: Notifier, server: FakeServer, qtbot: QtBot
) -> None:
    notifier.show(ALICE)
    notifier.show(BOB)
    wait_for(qtbot, lambda: len(notifier.open_notifications) == 2)
    notifier.close_for(str(ALICE.partner))
    assert list(notifier.open_notifications.values()) == [BOB.partner]
    wait_for(qtbot, lambda: len(server.calls_of("CloseNotification")) == 1)
