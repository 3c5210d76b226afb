"""The inbox actions of a conversation's menu: Pin / Unpin, Done / Back to inbox."""

from __future__ import annotations

from PySide6.QtCore import SignalInstance
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QMenu

from hubdesk.domain import Conversation

__all__ = ["DONE_SHORTCUT", "add_inbox_actions"]

DONE_SHORTCUT = QKeySequence("Ctrl+Shift+E")


def add_inbox_actions(
    menu: QMenu, conv: Conversation, pin: SignalInstance, done: SignalInstance
) -> None:
    """Add "Pin to top" / "Unpin" and "Done" / "Back to inbox" for ``conv``;
    ``pin`` and ``done`` are emitted as ``(partner, wanted)``."""
    p = conv.partner
    if conv.pinned:
        menu.addAction("Unpin", lambda: pin.emit(p, False))
    else:
        menu.addAction("Pin to top", lambda: pin.emit(p, True))
    if conv.done:
        menu.addAction("Back to inbox", lambda: done.emit(p, False))
    else:
        action = menu.addAction("Done", lambda: done.emit(p, True))
        action.setShortcut(DONE_SHORTCUT)
        action.setToolTip("Out of the inbox until a new message arrives")
