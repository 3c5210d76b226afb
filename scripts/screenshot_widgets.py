"""Render HubDesk's widgets offscreen with realistic data to /tmp/hubdesk-shots/*.png.

QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/screenshot_widgets.py [outdir]
"""

from __future__ import annotations

import os
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QApplication, QHBoxLayout, QToolButton, QWidget

from hubdesk.domain import (
    Conversation,
    MessageState,
    SenderId,
    SenderIdStatus,
    SmsType,
    ThreadEntry,
)
from hubdesk.ui.messages.compose import ComposePane
from hubdesk.ui.messages.conversations import ConversationListModel, ConversationListView
from hubdesk.ui.messages.thread import ThreadModel, ThreadView
from hubdesk.ui.qt.icons import FALLBACKS, IconSet
from hubdesk.ui.qt.theme import apply_theme

NOW = datetime.now(UTC)


def conversations() -> list[Conversation]:
    def conv(
        partner: str, name: str | None, text: str, ago: timedelta, **kw: object
    ) -> Conversation:
        return Conversation(
            partner=partner,
            name=name,
            last_text=text,
            last_time=NOW - ago,
            last_direction=SmsType.RECEIVED,
            unread=int(kw.get("unread", 0)),  # type: ignore[call-overload]
            has_failed=bool(kw.get("failed", False)),
            opted_out=bool(kw.get("opted_out", False)),
            last_sender_id="HUBWORK",
        )

    return [
        conv(
            "447911100123",
            "Alice Smith",
            "Running 10 min late, sorry!",
            timedelta(minutes=3),
            unread=2,
        ),
        conv(
            "447911100456",
            None,
            "Can I move my appointment to Thursday afternoon please? Thanks",
            timedelta(hours=2),
        ),
        conv(
            "447911100789",
            "Dr Bob Jones <b>Clinic</b>",
            "<img src=x> <b>bold</b> stays literal",
            timedelta(days=1),
            failed=True,
        ),
        conv("447911100111", "Carol", "STOP", timedelta(days=3), opted_out=True),
        conv(
            "447911100222",
            "Dave \u202eevil\u202c",
            "Line one\nline two\x00 with NUL",
            timedelta(days=20),
            unread=120,
        ),
        conv("447911100333", "Eve 😀", "😀👍🏽 Emoji preview " * 20, timedelta(days=400)),
    ]


DAYS_AGO = (8, 1, 0)  # three messages each: a date, "Yesterday", "Today"


def entries() -> list[ThreadEntry]:
    def entry(
        i: int, text: str, direction: SmsType, state: MessageState, parts: int = 1
    ) -> ThreadEntry:
        return ThreadEntry(
            key=f"k{i}",
            partner="447911100123",
            text=text,
            time=NOW - timedelta(days=DAYS_AGO[(i - 1) // 3], minutes=100 - i * 7),
            direction=direction,
            state=state,
            sender_id="HUBWORK",
            parts=parts,
        )

    r, s = SmsType.RECEIVED, SmsType.SENT
    items = [
        entry(1, "Hi, is the clinic open on Saturday?", r, MessageState.RECEIVED),
        entry(2, "Yes, 9am to 1pm. Would you like to book?", s, MessageState.SENT),
        entry(3, "<b>bold</b> <img src=x> &amp; should be literal", r, MessageState.RECEIVED),
        entry(
            4,
            "A longer reply that wraps over several lines so that we can see how the bubble "
            "looks when the text needs more than one line of space in the thread view.",
            s,
            MessageState.PENDING,
            parts=2,
        ),
        entry(5, "ok 👍🏽", r, MessageState.RECEIVED),
        entry(6, "This one is waiting in the outbox", s, MessageState.QUEUED),
        entry(7, "This one could not be sent", s, MessageState.FAILED),
        entry(8, "https://example.com/" + "x" * 120, s, MessageState.UNKNOWN),
        entry(9, "abc \u202edef ghi", r, MessageState.RECEIVED),
    ]
    return list(reversed(items))


def icon_strip(icons: IconSet) -> QWidget:
    """Every UI icon on a tool button (the last one disabled), as a toolbar shows them."""
    strip = QWidget()
    row = QHBoxLayout(strip)
    names = [n for n in FALLBACKS if n not in ("tray", "tray-unread")]
    for name in names + ["call"]:
        button = QToolButton(strip)
        button.setIcon(icons.icon(name))
        button.setIconSize(QSize(24, 24))
        button.setAutoRaise(False)
        button.setToolTip(name)
        row.addWidget(button)
    button.setEnabled(False)
    return strip


def shoot(widget: QWidget, path: Path) -> None:
    widget.show()
    QApplication.processEvents()
    widget.grab().save(str(path))
    print(path)


def main() -> None:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/hubdesk-shots")
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    icons = IconSet()
    for mode in ("light", "dark"):
        apply_theme(app, mode)
        model = ConversationListModel()
        model.set_conversations(conversations())
        view = ConversationListView()
        view.setModel(model)
        view.resize(360, 380)
        view.setCurrentIndex(model.index(1))
        shoot(view, out / f"conversations-{mode}.png")

        thread = ThreadModel()
        thread.set_entries(entries())
        tview = ThreadView(icons=icons)
        tview.setModel(thread)
        tview.set_more_older_available(False)  # the oldest day gets its label too
        tview.resize(520, 620)
        shoot(tview, out / f"thread-{mode}.png")

        strip = icon_strip(icons)
        shoot(strip, out / f"icons-{mode}.png")

        pane = ComposePane(icons=icons)
        pane.set_sender_ids(
            [
                SenderId(1, 1, "HUBWORK", SenderIdStatus.APPROVED),
                SenderId(2, 1, "CLINIC", SenderIdStatus.AWAITING_APPROVAL),
            ],
            default="HUBWORK",
        )
        pane.set_text("Thanks — see you at 10 “sharp” 😀")
        pane.resize(520, 170)
        shoot(pane, out / f"compose-{mode}.png")
        pane.set_offline(True)
        pane.set_send_blocked("This number has opted out")
        shoot(pane, out / f"compose-blocked-{mode}.png")


if __name__ == "__main__":
    main()
