"""Alt+letter shortcuts: within what a dialog shows at once, each letter does one thing.

(A clash made Alt+C in the bulk dialog switch to the Contacts tab instead of checking
the recipients.) Counted: visible buttons, labels with a buddy, tab titles; ``&&`` is a
literal ampersand.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable

import pytest
from PySide6.QtWidgets import QAbstractButton, QDialog, QLabel, QTabWidget, QWidget
from pytestqt.qtbot import QtBot

from hubdesk.ui.bulk.dialog import BulkSendDialog, Step
from hubdesk.ui.calls.dial_confirm import DialConfirmDialog
from hubdesk.ui.calls.masked_call import MaskedCallDialog
from hubdesk.ui.contacts.editor import ContactEditor
from hubdesk.ui.messages.new_message import NewMessageDialog
from hubdesk.ui.settings.dialog import SettingsDialog
from hubdesk.ui.signin.dialog import LoginDialog
from tests.qt_fixtures import hide_window

_MNEMONIC = re.compile(r"(?<!&)&([^&\s])")


def mnemonic(text: str) -> str | None:
    found = _MNEMONIC.search(text.replace("&&", ""))
    return found.group(1).lower() if found else None


def mnemonics(root: QWidget) -> Counter[str]:
    """The Alt+letter keys of what ``root`` shows now, counted."""
    keys: Counter[str] = Counter()
    for button in root.findChildren(QAbstractButton):
        if button.isVisibleTo(root) and (key := mnemonic(button.text())):
            keys[key] += 1
    for label in root.findChildren(QLabel):
        if label.buddy() is not None and label.isVisibleTo(root):
            if key := mnemonic(label.text()):
                keys[key] += 1
    for tabs in root.findChildren(QTabWidget):
        if tabs.isVisibleTo(root):
            for i in range(tabs.count()):
                if key := mnemonic(tabs.tabText(i)):
                    keys[key] += 1
    return keys


def clashes(root: QWidget) -> dict[str, int]:
    return {key: n for key, n in mnemonics(root).items() if n > 1}


DIALOGS: dict[str, Callable[[], QDialog]] = {
    "bulk": lambda: BulkSendDialog(),
    "contact editor": lambda: ContactEditor(),
    "dial confirm": lambda: DialConfirmDialog("07400 123456", "Alice"),
    "masked call": lambda: MaskedCallDialog("07400 123456"),
    "new message": lambda: NewMessageDialog(),
    "settings": lambda: SettingsDialog(),
    "login": lambda: LoginDialog(),
}


def test_the_pattern_reads_qt_mnemonics() -> None:
    assert mnemonic("&Check recipients") == "c" and mnemonic("Check &recipients") == "r"
    assert mnemonic("Fish && &chips") == "c" and mnemonic("Fish && chips") is None


@pytest.mark.parametrize("name", DIALOGS)
def test_no_alt_key_does_two_things_in_a_dialog(qtbot: QtBot, name: str) -> None:
    dialog: QDialog = DIALOGS[name]()
    qtbot.addWidget(dialog)
    dialog.show()
    assert clashes(dialog) == {}


def test_no_alt_key_does_two_things_on_any_bulk_step(qtbot: QtBot) -> None:
    dialog = BulkSendDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    texts = set()
    for step in (Step.COMPOSE, Step.REPORT, Step.CONFIRM, Step.PROGRESS, Step.RESULT):
        dialog._go(step)  # the page and its button labels
        texts.add(dialog.next_button.text())
        assert clashes(dialog) == {}, step
    assert {"Check &recipients", "&Send…", "Send &now", "&Close"} <= texts


def test_no_alt_key_does_two_things_in_the_main_window_on_any_page(qtbot: QtBot) -> None:
    from hubdesk.ui.shell.window import (
        CALLS,
        CONTACTS,
        MESSAGES,
        SENDER_IDS,
        TEMPLATES,
        MainWindow,
    )

    w = MainWindow()
    qtbot.addWidget(w, before_close_func=hide_window)
    w.show()
    menus = Counter(k for a in w.menuBar().actions() if (k := mnemonic(a.text())))
    for page in (MESSAGES, CONTACTS, SENDER_IDS, CALLS, TEMPLATES):
        w.show_page(page)
        keys = mnemonics(w) + menus
        assert {k: n for k, n in keys.items() if n > 1} == {}, page


def test_no_alt_key_does_two_things_while_a_bulk_send_is_paused(qtbot: QtBot) -> None:
    """Paused, the Pause button reads "&Resume": Alt+R must resume, not move the focus
    to "Cancel the rest" (both once had Alt+R)."""
    from datetime import UTC, datetime

    from hubdesk.domain import BatchState, OutboxBatch, OutboxState

    dialog = BulkSendDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    dialog._go(Step.PROGRESS)
    paused = OutboxBatch(
        id=1,
        source="HubDesk",
        state=BatchState.PAUSED,
        created_at=datetime(2026, 12, 7, 13, 0, tzinfo=UTC),
        recipients=36,
        counts={OutboxState.SENT: 24, OutboxState.QUEUED: 12},
    )
    dialog.progress_page.show_batch(paused)
    assert dialog.progress_page.pause_button.text() == "&Resume"
    assert clashes(dialog) == {}
