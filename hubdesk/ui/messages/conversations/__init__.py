"""The conversation list: ``ConversationListModel`` + ``ConversationDelegate``.

One row per partner, newest first. ``set_conversations`` turns a fresh snapshot into the
fewest cheap model signals (removes, upward moves, inserts, ``dataChanged``) and falls
back to one model reset when the difference is large (more than ``RESET_THRESHOLD``
structural steps, or a quarter of the rows): a reset of a few thousand fixed-height
rows is cheaper than thousands of single-row signals, and the view keeps its selection
through ``index_of`` in the container.
"""

from hubdesk.ui.messages.conversations.delegate import ConversationDelegate
from hubdesk.ui.messages.conversations.model import (
    RESET_THRESHOLD,
    ConversationListModel,
    ConversationRole,
    single_line,
)
from hubdesk.ui.messages.conversations.view import ConversationListView, SearchField
from hubdesk.ui.qt.times import format_list_time

__all__ = [
    "RESET_THRESHOLD",
    "ConversationDelegate",
    "ConversationListModel",
    "ConversationListView",
    "ConversationRole",
    "SearchField",
    "format_list_time",
    "single_line",
]
