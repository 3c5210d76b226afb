"""The inbox actions of a conversation's menu: Pin / Unpin, Done / Back to inbox."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, SignalInstance
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QWidget

from hubdesk.domain import Conversation
from hubdesk.ui.messages.conversations.model import ConversationListModel
from hubdesk.ui.messages.conversations.view import ConversationListView

__all__ = ["DONE_SHORTCUT", "add_inbox_actions", "done_action", "done_target"]

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


def done_target(view: ConversationListView, open_partner: str | None) -> tuple[str, bool] | None:
    """What Ctrl+Shift+E acts on: the list's cursor row when the list has the keyboard,
    else the open conversation; with True to mark it Done, False when it is Done already
    (back to the inbox). None when there is nothing to act on."""
    model = view.model()
    if not isinstance(model, ConversationListModel):
        return None
    conv = model.conversation_at(view.currentIndex()) if view.hasFocus() else None
    if conv is None and open_partner is not None:
        conv = model.conversation_at(model.index_of(open_partner))
        if conv is None:
            return (open_partner, True)
    if conv is None:
        return None
    return (conv.partner, not conv.done)


def done_action(owner: QWidget, triggered: Callable[[], None]) -> QAction:
    """Ctrl+Shift+E anywhere in ``owner`` (add it with ``owner.addAction``)."""
    action = QAction("Done", owner)
    action.setShortcut(DONE_SHORTCUT)
    action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    action.triggered.connect(triggered)
    return action
