"""Without a system tray (GNOME without the AppIndicator extension): the shell says so
once per profile and keeps the window in the taskbar. The desktop's answer is given to
the shell (``tray_available``), so this holds offscreen and in the test desktop session,
which does have a tray."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox

from hubdesk.app.shell import AppShell
from hubdesk.app.tray import NO_TRAY_TEXT
from hubdesk.sim import SimApp, SimState
from tests.unit.ui.appkit import Driver, make_shell


def _shell(qapp: QApplication, home: Path, sim_app: SimApp) -> AppShell:
    # A tray is wanted, but the desktop offers none.
    return make_shell(
        qapp, home, sim_app, shell={"use_tray": True, "tray_available": lambda: False}
    )


def _notes(shell: AppShell) -> list[QMessageBox]:
    assert shell.window is not None
    return [
        box
        for box in shell.window.findChildren(QMessageBox)
        if box.text() == NO_TRAY_TEXT and box.isVisible()
    ]


def test_no_tray_is_said_once_per_profile(
    qapp: QApplication,
    qloop: asyncio.AbstractEventLoop,
    tmp_path: Path,
    sim_app: SimApp,
    sim_state: SimState,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HUBDESK_HOME", str(tmp_path))
    monkeypatch.delenv("HUBDESK_API_URL", raising=False)
    monkeypatch.delenv("HUBDESK_POLL_INTERVAL", raising=False)

    first = _shell(qapp, tmp_path, sim_app)
    d = Driver(qloop, first, sim_state)
    d.run(first.start())
    try:
        assert first.tray is None
        d.run(d.until(lambda: _notes(first), what="the no-tray note"))
        assert len(_notes(first)) == 1
        assert not _notes(first)[0].isModal()  # never blocks the window
        assert first.window is not None and first.window.isVisible()  # stays in the taskbar
    finally:
        d.run(first.shutdown())

    second = _shell(qapp, tmp_path, sim_app)
    d = Driver(qloop, second, sim_state)
    d.run(second.start())
    try:
        d.run(asyncio.sleep(0.5))  # time enough for the note, were it coming
        assert _notes(second) == []
    finally:
        d.run(second.shutdown())
