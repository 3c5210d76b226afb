"""TrayIcon in the real headless desktop: what a tray host (the StatusNotifierWatcher's
clients) reads over D-Bus — registration, tooltip, the badged icon pixels, and the menu
(com.canonical.dbusmenu), whose items are clicked the way a panel clicks them.

Qt answers these D-Bus calls on the GUI thread, so each call runs on a helper thread
while the test keeps the Qt event loop turning (a blocking call from the GUI thread would
deadlock).
"""

from __future__ import annotations

import concurrent.futures
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from jeepney import DBusAddress
from PySide6.QtWidgets import QApplication, QSystemTrayIcon
from pytestqt.qtbot import QtBot

from hubdesk.ui.shell.tray import BADGE_COLOR, TrayIcon
from tests.fixtures_desktop import Desktop, call
from tests.qt_fixtures import _no_window_left_open  # noqa: F401  (autouse, by name)

pytestmark = pytest.mark.desktop

SNI = "org.kde.StatusNotifierItem"
DBUSMENU = "com.canonical.dbusmenu"


def off_thread(qtbot: QtBot, fn: Callable[[], Any], timeout: float = 5.0) -> Any:
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        future = pool.submit(fn)
        qtbot.waitUntil(future.done, timeout=int(timeout * 1000))
        return future.result()


@pytest.fixture
def tray(desktop_session: Desktop, qapp: QApplication, qtbot: QtBot) -> Iterator[TrayIcon]:
    before = set(desktop_session.tray_items())
    icon = TrayIcon()
    icon.show()
    qtbot.waitUntil(lambda: len(set(desktop_session.tray_items()) - before) == 1, timeout=5000)
    (item,) = set(desktop_session.tray_items()) - before
    icon.setProperty("sni_item", item)
    yield icon
    icon.dispose()
    qtbot.waitUntil(lambda: item not in desktop_session.tray_items(), timeout=5000)


def item_address(tray: TrayIcon, interface: str, path: str | None = None) -> DBusAddress:
    item = str(tray.property("sni_item"))
    bus_name, slash, item_path = item.partition("/")
    return DBusAddress(
        path or (slash + item_path if slash else "/StatusNotifierItem"), bus_name, interface
    )


def sni_properties(desktop: Desktop, tray: TrayIcon, qtbot: QtBot) -> dict[str, Any]:
    props = item_address(tray, "org.freedesktop.DBus.Properties")
    (values,) = off_thread(qtbot, lambda: call(desktop.bus, props, "GetAll", "s", (SNI,)))
    return {name: value for name, (_sig, value) in values.items()}


def top_right_argb(pixmaps: list[tuple[int, int, bytes]], minimum: int = 22) -> tuple[int, ...]:
    """The pixel near the top-right corner of the smallest icon at least ``minimum`` wide
    (SNI pixmaps are ARGB32 in network byte order)."""
    width, height, data = min((p for p in pixmaps if p[0] >= minimum), key=lambda p: p[0])
    x, y = width - max(3, width // 8), max(3, width // 8)
    offset = (y * width + x) * 4
    return tuple(data[offset : offset + 4])


def test_tray_is_available_and_our_item_registers(
    desktop_session: Desktop, qapp: QApplication, qtbot: QtBot
) -> None:
    assert QSystemTrayIcon.isSystemTrayAvailable()
    assert TrayIcon.available()
    before = set(desktop_session.tray_items())
    icon = TrayIcon()
    icon.show()
    try:
        qtbot.waitUntil(lambda: len(set(desktop_session.tray_items()) - before) == 1, timeout=5000)
    finally:
        icon.dispose()
    qtbot.waitUntil(lambda: set(desktop_session.tray_items()) == before, timeout=5000)


def test_tray_host_sees_tooltip_and_badged_icon(
    desktop_session: Desktop, tray: TrayIcon, qtbot: QtBot
) -> None:
    badge = (255, BADGE_COLOR.red(), BADGE_COLOR.green(), BADGE_COLOR.blue())
    props = sni_properties(desktop_session, tray, qtbot)
    assert props["ToolTip"][2] == "HubDesk"
    assert top_right_argb(props["IconPixmap"]) != badge

    tray.set_unread(3)

    def badged() -> None:
        now = sni_properties(desktop_session, tray, qtbot)
        assert now["ToolTip"][2] == "HubDesk — 3 unread"
        assert top_right_argb(now["IconPixmap"]) == badge

    qtbot.waitUntil(badged, timeout=5000)
    tray.set_unread(0)
    qtbot.waitUntil(
        lambda: sni_properties(desktop_session, tray, qtbot)["ToolTip"][2] == "HubDesk",
        timeout=5000,
    )


def menu_items(desktop: Desktop, tray: TrayIcon, qtbot: QtBot) -> dict[str, int]:
    """Label -> dbusmenu id of the exported tray menu (what a panel draws)."""
    props = sni_properties(desktop, tray, qtbot)
    menu = item_address(tray, DBUSMENU, str(props["Menu"]))
    _revision, (_root, _props, children) = off_thread(
        qtbot, lambda: call(desktop.bus, menu, "GetLayout", "iias", (0, -1, []))
    )
    labels: dict[str, int] = {}
    for _sig, (item_id, item_props, _sub) in children:
        label = item_props.get("label", ("s", ""))[1]
        if label:
            labels[label.replace("&", "")] = item_id
    return labels


def click_menu_item(desktop: Desktop, tray: TrayIcon, qtbot: QtBot, item_id: int) -> None:
    props = sni_properties(desktop, tray, qtbot)
    menu = item_address(tray, DBUSMENU, str(props["Menu"]))
    off_thread(
        qtbot,
        lambda: call(desktop.bus, menu, "Event", "isvu", (item_id, "clicked", ("i", 0), 0)),
    )


def test_tray_menu_is_exported_and_clicks_reach_our_signals(
    desktop_session: Desktop, tray: TrayIcon, qtbot: QtBot
) -> None:
    items = menu_items(desktop_session, tray, qtbot)
    assert ["Open", "New message", "Do not disturb", "Quit"] == [
        label for label in items if label in ("Open", "New message", "Do not disturb", "Quit")
    ]
    with qtbot.waitSignal(tray.open_requested, timeout=5000):
        click_menu_item(desktop_session, tray, qtbot, items["Open"])
    with qtbot.waitSignal(tray.new_message_requested, timeout=5000):
        click_menu_item(desktop_session, tray, qtbot, items["New message"])
    with qtbot.waitSignal(tray.dnd_toggled, timeout=5000) as toggled:
        click_menu_item(desktop_session, tray, qtbot, items["Do not disturb"])
    assert toggled.args == [True]
    assert tray.dnd
    with qtbot.waitSignal(tray.quit_requested, timeout=5000):
        click_menu_item(desktop_session, tray, qtbot, items["Quit"])
