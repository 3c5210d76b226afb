"""Issue 14: notifications that act, in the real window (the whole ``AppShell``, its tray
on the session's StatusNotifierWatcher) with a real notification server.

* **dunst** (real, 1.9) on a bus of its own: dunst offers a notification's buttons in
  its context menu, which it hands to a ``dmenu`` program; here that program is a script
  that picks the line of the wanted action (``#Reply (Alice) [7,reply]``), so dunst
  itself emits ``ActionInvoked`` exactly as for a user's choice. dunst has no inline
  reply: Reply opens the conversation with the cursor in compose. Its own bus, because
  the session's dunst (owning the name) is configured with ``dmenu = /bin/false``.
* **a fake server that advertises ``inline-reply``** (as KDE Plasma does), on a private
  bus: the text typed in the popup (``NotificationReplied``) is sent through the outbox:
  exactly one ``POST /sms/send`` in the simulator's request log, even when the server
  reports the reply twice.
"""

from __future__ import annotations

import asyncio
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from jeepney import DBusAddress
from jeepney.io.blocking import DBusConnection, open_dbus_connection
from PySide6.QtWidgets import QApplication

from hubdesk.sim import SimApp, SimState
from hubdesk.ui.shell.notifications import Backend
from tests.fixtures_desktop import Desktop, NotifyMonitor, call
from tests.missing import require_tool
from tests.qt_fixtures import (  # noqa: F401  (fixtures, found by name)
    _collect_after_each_test,
    _gc_on_the_gui_thread,
    _no_window_left_open,
    qloop,
)
from tests.unit.ui.appkit import Driver, make_shell, signed_in
from tests.unit.ui.shell.test_notifications import FakeServer, start_bus

pytestmark = [pytest.mark.desktop, pytest.mark.sim_config(delivery_delay=0)]

ALICE = "447400123456"  # a UK mobile: Call back is offered
ASK = "Can you call me back please? <b>today</b> & thanks"
DUNST_CMD = DBusAddress(
    "/org/freedesktop/Notifications", "org.freedesktop.Notifications", "org.dunstproject.cmd0"
)
DUNST_PROPS = DBusAddress(
    DUNST_CMD.object_path, DUNST_CMD.bus_name, "org.freedesktop.DBus.Properties"
)
DUNST_RC = """[global]
    sticky_history = yes
    history_length = 50
    show_indicators = yes
    dmenu = {dmenu}
    browser = /bin/false
[urgency_normal]
    timeout = 0
"""
# dunst's context menu program: answers with the line holding the wanted "[id,key]"
# (written to CHOICE by the test), keeps what dunst offered (MENU) and says when it has
# read both (ANSWERED).
DMENU = """#!/bin/sh
cat > "{menu}"
choice=$(cat "{choice}" 2>/dev/null)
echo "$choice" > "{answered}.new" && mv "{answered}.new" "{answered}"
[ -n "$choice" ] || exit 1
grep -F -m1 -- "$choice" "{menu}"
"""


@dataclass
class Dunst:
    """A real dunst on a bus of its own, on the session's X display."""

    address: str
    bus: DBusConnection
    monitor: NotifyMonitor
    choice: Path
    menu: Path
    answered: Path

    def displayed(self) -> int:
        ((_, count),) = call(
            self.bus, DUNST_PROPS, "Get", "ss", (DUNST_CMD.interface, "displayedLength")
        )
        return int(count)

    async def choose(self, notification_id: int, key: str) -> None:
        """What a user does in dunst's context menu: pick that notification's action."""
        wanted = f"[{notification_id},{key}]"
        self.answered.unlink(missing_ok=True)
        self.choice.write_text(wanted, encoding="utf-8")
        try:
            call(self.bus, DUNST_CMD, "ContextMenuCall")
            deadline = time.monotonic() + 15
            while not self.answered.exists():  # the menu program read the whole menu
                assert time.monotonic() < deadline, "dunst's menu program did not answer"
                await asyncio.sleep(0.02)
        finally:
            self.choice.write_text("", encoding="utf-8")
        assert self.answered.read_text(encoding="utf-8").strip() == wanted

    def offered(self) -> list[str]:
        """The lines dunst gave its context menu the last time."""
        return self.menu.read_text(encoding="utf-8").splitlines()

    def close_all(self) -> None:
        call(self.bus, DUNST_CMD, "NotificationCloseAll")


@pytest.fixture(scope="module")
def dunst(desktop_session: Desktop, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dunst]:
    require_tool("dunst", "Debian: dunst")
    root = tmp_path_factory.mktemp("dunst")
    daemon, address = start_bus(root)
    choice, menu, answered = root / "choice", root / "menu.txt", root / "answered"
    choice.write_text("", encoding="utf-8")
    script = root / "dmenu.sh"
    script.write_text(DMENU.format(menu=menu, choice=choice, answered=answered), encoding="utf-8")
    script.chmod(0o755)
    rc = root / "dunstrc"
    rc.write_text(DUNST_RC.format(dmenu=script), encoding="utf-8")
    env = {**desktop_session.env, "DBUS_SESSION_BUS_ADDRESS": address}
    server = subprocess.Popen(["dunst", "-config", str(rc)], env=env, stderr=subprocess.DEVNULL)
    bus = open_dbus_connection(bus=address)
    monitor: NotifyMonitor | None = None
    try:
        owner = DBusAddress("/org/freedesktop/DBus", "org.freedesktop.DBus", "org.freedesktop.DBus")
        deadline = time.monotonic() + 10
        while not call(bus, owner, "NameHasOwner", "s", ("org.freedesktop.Notifications",))[0]:
            assert time.monotonic() < deadline, "dunst did not start"
            time.sleep(0.05)
        monitor = NotifyMonitor(address)
        yield Dunst(address, bus, monitor, choice, menu, answered)
    finally:
        if monitor is not None:
            monitor.close()
        bus.close()
        server.terminate()
        server.wait(5)
        daemon.terminate()
        daemon.wait(5)


@pytest.fixture
def shell_on(
    qapp: QApplication,
    qloop: asyncio.AbstractEventLoop,  # noqa: F811  (the fixture imported above)
    tmp_path: Path,
    sim_app: SimApp,
    sim_state: SimState,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Callable[[str], Driver]]:
    """The whole app, its tray on the session's watcher, its notifications on the bus
    at the address given; shut down after the test."""
    monkeypatch.setenv("HUBDESK_HOME", str(tmp_path))
    monkeypatch.delenv("HUBDESK_API_URL", raising=False)
    monkeypatch.delenv("HUBDESK_POLL_INTERVAL", raising=False)
    made: list[Driver] = []

    def start(address: str) -> Driver:
        shell = make_shell(
            qapp,
            tmp_path,
            sim_app,
            shell={"use_tray": True, "use_bus": True, "bus_address": address},
        )
        d = Driver(qloop, shell, sim_state)
        made.append(d)
        d.run(shell.start())
        d.run(signed_in(d))
        assert shell.notifier is not None and shell.notifier.backend is Backend.FREEDESKTOP
        assert shell.tray is not None
        return d

    yield start
    for d in made:
        d.run(d.shell.shutdown())


def unread_of(d: Driver, partner: str) -> int:
    model = d.page.conversation_model
    return int(model.conversation_at(model.index_of(partner)).unread)


async def message_from_alice(d: Driver, text: str = ASK) -> int:
    """Alice writes; the poll announces it: dunst shows it. Its notification id."""
    notifier = d.shell.notifier
    assert notifier is not None
    shown = {i for i, p in notifier.open_notifications.items() if p == ALICE}
    d.sim.inject_inbound(ALICE, text)
    await d.poll()
    await d.until(lambda: ALICE in notifier.open_notifications.values(), 5, "the notification")
    await asyncio.sleep(0.2)  # the server answers a replacement with the same id
    (notification_id,) = {i for i, p in notifier.open_notifications.items() if p == ALICE}
    assert not shown or shown == {notification_id}
    return notification_id


def test_dunst_shows_the_buttons_and_reply_opens_compose_focused(
    dunst: Dunst, shell_on: Callable[[str], Driver]
) -> None:
    dunst.close_all()
    d = shell_on(dunst.address)

    async def scenario() -> None:
        other = d.page.conversation_model.conversation_at(0).partner
        assert other != ALICE
        await d.controller.open_conversation(other)
        d.window.hide()  # in the tray, as at the desk
        first = await message_from_alice(d, "first")
        notification_id = await message_from_alice(d)
        assert notification_id == first  # replaced, not stacked
        assert dunst.displayed() == 1
        args = dunst.monitor.notify_args(notification_id)
        assert args is not None
        actions = dict(zip(args[5][0::2], args[5][1::2], strict=True))
        assert actions == {
            "default": "Open",
            "reply": "Reply",
            "call-back": "Call back",
            "mark-read": "Mark as read",
        }
        assert args[2].endswith("/message.svg")  # the message icon, not the handset
        assert args[4] == ASK.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

        await dunst.choose(notification_id, "reply")
        await d.until(d.window.isVisible, what="the window shown")
        await d.until(lambda: d.page.header.partner() == ALICE, what="Alice's conversation")
        editor = d.page.compose.editor
        await d.until(lambda: d.window.focusWidget() is editor, what="the cursor in compose")
        offered = dunst.offered()
        assert any(line.startswith("#Reply (") and line.endswith(",reply]") for line in offered)
        assert d.posts("/api/sms/send") == []  # dunst has no inline reply: nothing sent
        await d.until(lambda: dunst.displayed() == 0, what="the answered notification closed")

    d.run(scenario())


def test_mark_as_read_from_dunst_clears_the_badge(
    dunst: Dunst, shell_on: Callable[[str], Driver]
) -> None:
    dunst.close_all()
    d = shell_on(dunst.address)
    tray = d.shell.tray
    assert tray is not None

    async def scenario() -> None:
        before = tray.unread
        notification_id = await message_from_alice(d)
        await d.until(lambda: tray.unread == before + 1, what="the badge counts Alice's")
        assert unread_of(d, ALICE) == 1
        await dunst.choose(notification_id, "mark-read")
        await d.until(lambda: tray.unread == before, what="the badge cleared of it")
        await d.until(lambda: unread_of(d, ALICE) == 0, what="the list agrees")
        assert d.window.status.unread_label.text() == (f"{before} unread" if before else "")
        assert tray.tooltip() == ("HubDesk" if not before else f"HubDesk — {before} unread")

    d.run(scenario())


def test_call_back_from_dunst_asks_before_dialling(
    dunst: Dunst, shell_on: Callable[[str], Driver]
) -> None:
    dunst.close_all()
    d = shell_on(dunst.address)
    calls = d.controller.calls

    async def scenario() -> None:
        notification_id = await message_from_alice(d)
        await dunst.choose(notification_id, "call-back")
        await d.until(
            lambda: calls.confirm_dialog is not None and calls.confirm_dialog.isVisible(),
            what="the dial confirmation",
        )
        dialog = calls.confirm_dialog
        assert dialog is not None and dialog.number is not None
        assert dialog.number.digits == ALICE
        await d.until(lambda: d.page.header.partner() == ALICE, what="Alice's conversation")
        await asyncio.sleep(0.3)
        assert d.posts("/api/click-to-dial/dial") == []  # asked, not dialled
        dialog.reject()

    d.run(scenario())


def test_an_inline_reply_is_sent_exactly_once(
    desktop_session: Desktop,
    shell_on: Callable[[str], Driver],
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    daemon, address = start_bus(tmp_path_factory.mktemp("kde-bus"))
    server = FakeServer(address, capabilities=("actions", "inline-reply", "body")).start()
    try:
        d = shell_on(address)
        notifier = d.shell.notifier
        assert notifier is not None

        async def scenario() -> None:
            d.sim.inject_inbound(ALICE, ASK)
            await d.poll()
            await d.until(lambda: len(server.calls_of("Notify")) == 1, what="Notify")
            notify = server.calls_of("Notify")[0]
            assert notify.body[5][2:4] == ["inline-reply", "Reply"]
            await d.until(lambda: len(notifier.open_notifications) == 1, what="its id")
            (notification_id,) = notifier.open_notifications
            typed = "Yes, I'll ring you at 3 <ok> & thanks"
            server.emit("NotificationReplied", "us", (notification_id, typed), notify.sender)
            server.emit("NotificationReplied", "us", (notification_id, typed), notify.sender)
            await d.until(lambda: len(d.posts("/api/sms/send")) == 1, what="the reply sent")
            await asyncio.sleep(1.0)  # a duplicate would show up here
            (post,) = d.posts("/api/sms/send")
            assert post["form"]["destination"] == [ALICE]
            assert post["form"]["text"] == [typed]
            assert len([m for m in d.sim.messages() if m["text"] == typed]) == 1
            await d.until(
                lambda: len(server.calls_of("CloseNotification")) == 1, what="popup closed"
            )

        d.run(scenario())
    finally:
        server.stop()
        daemon.terminate()
        daemon.wait(5)


def test_mark_unread_on_the_open_conversation_keeps_the_tray_badge(
    dunst: Dunst, shell_on: Callable[[str], Driver]
) -> None:
    """Issue 14 item 4 in the real window: Conversation > Mark unread on the open
    conversation; the refreshes that follow (a poll, a change to the thread) keep it
    unread in the list and on the tray badge, until Alice writes again."""
    dunst.close_all()
    d = shell_on(dunst.address)
    tray = d.shell.tray
    assert tray is not None

    async def scenario() -> None:
        notification_id = await message_from_alice(d)
        await dunst.choose(notification_id, "default")  # the click: Alice's conversation
        await d.until(lambda: d.page.header.partner() == ALICE, what="opened")
        await d.until(lambda: unread_of(d, ALICE) == 0, what="read on opening")
        read = tray.unread
        d.window.mark_unread_action.trigger()
        await d.until(lambda: tray.unread == read + 1, what="the badge counts it again")
        for _ in range(2):
            await d.poll()
            d.controller._on_changed(frozenset({ALICE}))  # the open thread reloads
            await asyncio.sleep(0.5)
            assert unread_of(d, ALICE) == 1 and tray.unread == read + 1
        assert d.page.header.partner() == ALICE
        d.sim.inject_inbound(ALICE, "Sorted, thanks!")
        await d.poll()
        await d.until(lambda: unread_of(d, ALICE) == 0, what="read with the newer message")
        await d.until(lambda: tray.unread == read, what="the badge agrees")

    d.run(scenario())
