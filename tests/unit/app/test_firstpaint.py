"""The first frame: the window from the cache, shown and painted before any event loop."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication

from hubdesk.app import firstpaint
from hubdesk.app.firstpaint import FIRST_ROWS, show_first_frame
from hubdesk.core.settings import _PREFIX as SETTINGS_PREFIX
from hubdesk.domain import DeliveryStatus, ReadStatus, Sms, SmsType
from hubdesk.store.database import Database
from hubdesk.store.profile import database_path


def received(sms_id: int, partner: str) -> Sms:
    return Sms(
        sms_id=sms_id,
        source=partner,
        destination="447700900000",
        text=f"hi {sms_id}",
        type=SmsType.RECEIVED,
        delivery_status=DeliveryStatus.SENT,
        read_status=ReadStatus.UNREAD,
        time=datetime(2024, 5, 1, 12, sms_id % 60, tzinfo=UTC),
        sms_count=1,
    )


def profile(tmp_path: Path, conversations: int, **settings: object) -> Path:
    home = tmp_path / "home"
    home.mkdir(parents=True)
    db = Database.open(database_path(home))
    try:
        db.messages.upsert_messages(
            [received(i + 1, f"4474001{i:05d}") for i in range(conversations)]
        )
        for key, value in settings.items():
            db.settings.set(SETTINGS_PREFIX + key, value)  # type: ignore[arg-type]
    finally:
        db.close()
    return home


def close(window: object) -> None:
    from hubdesk.ui.shell.window import MainWindow

    assert isinstance(window, MainWindow)
    window.hide()
    window.deleteLater()


def test_the_cached_newest_conversations_are_painted(qapp: QApplication, tmp_path: Path) -> None:
    home = profile(tmp_path, FIRST_ROWS + 20)
    frame = show_first_frame(qapp, home)
    assert frame.window is not None and frame.icons is not None
    try:
        assert frame.painted and frame.window.isVisible()
        assert (
            frame.window.messages_page.conversation_model.rowCount() == FIRST_ROWS
        )  # the rest: start()
        assert not qapp.quitOnLastWindowClosed()  # HubDesk decides when to quit
    finally:
        close(frame.window)


def test_no_database_yet_paints_an_empty_window(qapp: QApplication, tmp_path: Path) -> None:
    frame = show_first_frame(qapp, tmp_path / "new-profile")
    assert frame.window is not None
    try:
        assert frame.painted
        assert frame.window.messages_page.conversation_model.rowCount() == 0
    finally:
        close(frame.window)


def test_started_hidden_shows_nothing(qapp: QApplication, tmp_path: Path) -> None:
    home = profile(tmp_path, 3)
    assert show_first_frame(qapp, home, minimized=True).window is None  # --minimized
    hidden = profile(tmp_path / "other", 3, start_minimized=True)  # the setting
    frame = show_first_frame(qapp, hidden)
    assert (frame.window, frame.painted) == (None, False)


class NoPaintWatch(firstpaint.PaintWatch):
    """A platform that never reports a paint."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        return False


def test_a_window_that_never_paints_does_not_hold_start_up(
    qapp: QApplication, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    monkeypatch.setattr(firstpaint, "PaintWatch", NoPaintWatch)
    started = time.monotonic()
    frame = show_first_frame(qapp, tmp_path / "p", wait_s=0.3)
    try:
        assert frame.window is not None and not frame.painted
        assert 0.25 <= time.monotonic() - started < 3.0  # went on after wait_s
    finally:
        close(frame.window)


def test_the_stored_theme_is_applied_before_the_first_paint(
    qapp: QApplication, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    applied: list[str] = []
    monkeypatch.setattr("hubdesk.ui.qt.theme.apply_theme", lambda _app, mode: applied.append(mode))
    frame = show_first_frame(qapp, profile(tmp_path, 1, theme="dark"))
    try:
        assert applied == ["dark"]
    finally:
        close(frame.window)
