"""TrayIcon offscreen: the badge pixels, tooltip, menu and signals (no tray needed)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QIcon, QImage
from PySide6.QtWidgets import QApplication, QSystemTrayIcon
from pytestqt.qtbot import QtBot

from hubdesk.ui.qt.icons import IconSet
from hubdesk.ui.shell.tray import BADGE_COLOR, TrayIcon, badge_text, badged_icon, tooltip_for


def image_of(icon: QIcon, size: int) -> QImage:
    image = icon.pixmap(size, size).toImage()
    assert not image.isNull()
    return image


def badge_coloured(image: QImage, x: int, y: int) -> bool:
    colour = image.pixelColor(x, y)
    return colour.alpha() > 200 and colour.rgb() == BADGE_COLOR.rgb()


def count_badge_pixels(image: QImage) -> int:
    return sum(
        badge_coloured(image, x, y) for x in range(image.width()) for y in range(image.height())
    )


@pytest.fixture
def tray(qapp: QApplication) -> Iterator[TrayIcon]:
    icon = TrayIcon()
    yield icon
    icon.dispose()


@pytest.mark.parametrize(
    ("count", "text"), [(-1, ""), (0, ""), (1, "1"), (9, "9"), (42, "42"), (99, "99"), (100, "99+")]
)
def test_badge_text(count: int, text: str) -> None:
    assert badge_text(count) == text


def test_tooltip_says_how_many_are_unread() -> None:
    assert tooltip_for(0, False) == "HubDesk"
    assert tooltip_for(3, False) == "HubDesk — 3 unread"
    assert tooltip_for(3, True) == "HubDesk — 3 unread (do not disturb)"
    assert tooltip_for(0, True) == "HubDesk (do not disturb)"


def test_badge_is_painted_top_right_at_every_size(qapp: QApplication) -> None:
    base = IconSet().icon("tray")
    badged = badged_icon(base, 3)
    for size in (16, 22, 32, 64):
        image = image_of(badged, size)
        plain = image_of(base, size)
        assert (image.width(), image.height()) == (size, size)
        # Badge centre (top-right) is the badge colour; the plain icon is not.
        assert badge_coloured(image, size - max(3, size // 8), max(3, size // 8)), size
        assert not badge_coloured(plain, size - max(3, size // 8), max(3, size // 8))
        # Bottom-left keeps the base icon's pixels.
        assert image.pixelColor(size // 5, size - size // 5 - 1) == plain.pixelColor(
            size // 5, size - size // 5 - 1
        )


def test_the_count_is_drawn_as_digits(qapp: QApplication) -> None:
    base = IconSet().icon("tray")
    three, forty_two, many = (image_of(badged_icon(base, n), 32) for n in (3, 42, 150))
    assert three != forty_two != many
    # White digit pixels sit inside the red badge.
    white = sum(
        three.pixelColor(x, y).lightness() > 230 and three.pixelColor(x, y).alpha() > 200
        for x in range(16, 32)
        for y in range(0, 16)
    )
    assert white >= 5
    # A wider count makes a wider badge (a pill, not a clipped circle).
    assert count_badge_pixels(forty_two) > count_badge_pixels(three)


def test_small_sizes_show_a_dot_without_digits(qapp: QApplication) -> None:
    base = IconSet().icon("tray")
    a, b = (image_of(badged_icon(base, n), 16) for n in (3, 42))
    assert a == b  # same dot: digits are unreadable at 16 px
    assert count_badge_pixels(a) > 0


def test_zero_is_the_plain_icon(qapp: QApplication) -> None:
    base = IconSet().icon("tray")
    assert badged_icon(base, 0) is base


def test_set_unread_updates_icon_and_tooltip(tray: TrayIcon) -> None:
    assert tray.tooltip() == "HubDesk"
    assert count_badge_pixels(image_of(tray.icon(), 32)) == 0
    tray.set_unread(3)
    assert tray.unread == 3
    assert tray.tooltip() == "HubDesk — 3 unread"
    assert count_badge_pixels(image_of(tray.icon(), 32)) > 20
    tray.set_unread(0)
    assert tray.tooltip() == "HubDesk"
    assert count_badge_pixels(image_of(tray.icon(), 32)) == 0


def test_menu_has_the_actions_in_order(tray: TrayIcon) -> None:
    texts = [a.text() for a in tray.menu.actions()]
    assert texts == ["Open", "New message", "", "Do not disturb", "", "Quit"]
    assert tray.dnd_action.isCheckable()
    assert tray.system_tray_icon.contextMenu() is tray.menu


def test_menu_actions_emit_their_signals(tray: TrayIcon, qtbot: QtBot) -> None:
    with qtbot.waitSignal(tray.open_requested, timeout=10_000):
        tray.open_action.trigger()
    with qtbot.waitSignal(tray.new_message_requested, timeout=10_000):
        tray.new_message_action.trigger()
    with qtbot.waitSignal(tray.quit_requested, timeout=10_000):
        tray.quit_action.trigger()
    with qtbot.waitSignal(tray.dnd_toggled, timeout=10_000) as on:
        tray.dnd_action.trigger()
    assert on.args == [True]
    assert tray.dnd and tray.tooltip() == "HubDesk (do not disturb)"
    with qtbot.waitSignal(tray.dnd_toggled, timeout=10_000) as off:
        tray.dnd_action.trigger()
    assert off.args == [False]
    assert not tray.dnd


def test_set_dnd_reflects_state_without_echoing_a_signal(tray: TrayIcon) -> None:
    seen: list[bool] = []
    tray.dnd_toggled.connect(seen.append)
    tray.set_dnd(True)
    assert tray.dnd_action.isChecked() and tray.dnd
    assert tray.tooltip() == "HubDesk (do not disturb)"
    tray.set_dnd(False)
    assert not tray.dnd_action.isChecked()
    assert seen == []


@pytest.mark.parametrize(
    ("reason", "opens"),
    [
        (QSystemTrayIcon.ActivationReason.Trigger, True),
        (QSystemTrayIcon.ActivationReason.DoubleClick, True),
        (QSystemTrayIcon.ActivationReason.Context, False),
        (QSystemTrayIcon.ActivationReason.MiddleClick, False),
    ],
)
def test_clicking_the_icon_opens(
    tray: TrayIcon, reason: QSystemTrayIcon.ActivationReason, opens: bool
) -> None:
    seen: list[bool] = []
    tray.open_requested.connect(lambda: seen.append(True))
    tray.system_tray_icon.activated.emit(reason)
    assert seen == ([True] if opens else [])


def test_missing_icon_files_still_give_a_badged_icon(qapp: QApplication, tmp_path: Path) -> None:
    tray = TrayIcon(IconSet(tmp_path))
    try:
        tray.set_unread(5)
        assert not tray.icon().isNull()
        assert count_badge_pixels(image_of(tray.icon(), 32)) > 20
    finally:
        tray.dispose()


def test_available_is_false_offscreen(qapp: QApplication) -> None:
    # Offscreen never has a tray; tests/desktop proves the True case.
    if QApplication.platformName() != "offscreen":
        pytest.skip("only meaningful offscreen")
    assert TrayIcon.available() is False
