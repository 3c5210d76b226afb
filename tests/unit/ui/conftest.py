"""Widget tests run offscreen on Linux (Qt's own platform on Windows and macOS); ``qloop``
is a qasync loop for async slots."""

from __future__ import annotations

import asyncio
import gc
import os
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

if sys.platform.startswith("linux"):  # Windows, macOS: Qt's own platform (CI has a desktop)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from hubdesk.domain import Conversation, MessageState, SmsType, ThreadEntry  # noqa: E402
from hubdesk.ui.qtasync import close_event_loop, create_event_loop  # noqa: E402

# Qt's own file and colour dialogs everywhere: a native one (Windows, macOS) is an OS
# window outside the test's reach.
QApplication.setAttribute(Qt.ApplicationAttribute.AA_DontUseNativeDialogs)

NOW = datetime(2026, 3, 11, 12, 0, tzinfo=UTC)

HOSTILE = [
    "<b>bold</b>",
    "<img src=x onerror=alert(1)>",
    "a\u202eevil\u202c b",
    "nul\x00inside",
    "emoji 😀👍🏽👨\u200d👩\u200d👧 done",
    "x" * 10_000,
    "word " * 2_000,
    "&amp; &lt;tag&gt; <a href='x'>link</a>",
    "",
]


_tests_run = 0


@pytest.fixture(autouse=True, scope="session")
def _gc_on_the_gui_thread() -> Iterator[None]:
    """Python's cyclic GC runs on whichever thread happens to allocate. On a qasync or
    sqlite worker thread it destroys dropped Qt objects (a closed loop's timer object, a
    test's window) there; Qt cannot stop their timers from another thread ("QObject::
    ~QObject: Timers cannot be stopped from another thread") and the stale timers later
    fire into freed memory: a segfault in some later test. Collect on this thread only."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.collect()
        if enabled:
            gc.enable()


@pytest.fixture(autouse=True)
def _collect_after_each_test() -> Iterator[None]:
    """The young generation after every test, everything after every 20th (cheap)."""
    global _tests_run
    yield
    _tests_run += 1
    gc.collect(0 if _tests_run % 20 else 2)


@pytest.fixture
def qloop(qapp: QApplication) -> Iterator[asyncio.AbstractEventLoop]:
    loop = create_event_loop(qapp)
    try:
        yield loop
    finally:
        close_event_loop(loop)


def make_conversation(
    partner: str, minutes_ago: int = 0, name: str | None = None, **kw: object
) -> Conversation:
    return Conversation(
        partner=partner,
        name=name,
        last_text=str(kw.get("text", f"hello from {partner}")),
        last_time=NOW - timedelta(minutes=minutes_ago),
        last_direction=SmsType.RECEIVED,
        unread=int(kw.get("unread", 0)),  # type: ignore[call-overload]
        has_failed=bool(kw.get("failed", False)),
        opted_out=bool(kw.get("opted_out", False)),
        last_sender_id="HUBWORK",
    )


def make_entry(
    i: int,
    text: str | None = None,
    *,
    sent: bool | None = None,
    state: MessageState | None = None,
    minutes: int | None = None,
) -> ThreadEntry:
    is_sent = (i % 2 == 0) if sent is None else sent
    return ThreadEntry(
        key=f"sms:{i}",
        partner="447911123456",
        text=text if text is not None else f"message {i} " + "lorem ipsum " * (i % 5),
        time=NOW + timedelta(minutes=i if minutes is None else minutes),
        direction=SmsType.SENT if is_sent else SmsType.RECEIVED,
        state=state or (MessageState.SENT if is_sent else MessageState.RECEIVED),
        sender_id="HUBWORK",
        parts=1 + i % 3,
    )


def newest_first(entries: list[ThreadEntry]) -> list[ThreadEntry]:
    return sorted(entries, key=lambda e: e.time, reverse=True)
