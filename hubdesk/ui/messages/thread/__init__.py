"""One conversation's messages: ``ThreadModel``, ``ThreadDelegate`` and ``ThreadView``.

Entries arrive newest first (as the store pages them) and are shown oldest at the top.
Text is painted as plain text by the delegate (``QPainter.drawText``), never parsed as
markup.

Speed: bubbles have different heights, so a list view must ask the size of every row
it lays out. The model therefore shows a *window*: the newest ``initial_window``
entries at first, and ``reveal_chunk`` more each time the view nears the top (rows
inserted at 0, scroll position kept). Only when nothing is hidden does the view emit
``older_requested`` for the store's next page. A 10,000-entry thread lays out a few
hundred rows for its first paint. Size hints are cached per key for the current width
and dropped when the width changes or an entry is replaced.
"""

from hubdesk.ui.messages.thread.delegate import STATE_ICONS, BubbleLayout, ThreadDelegate
from hubdesk.ui.messages.thread.model import STATE_LABELS, ThreadModel, ThreadRole, accessible_text
from hubdesk.ui.messages.thread.view import ThreadView
from hubdesk.ui.qt.times import format_bubble_time

__all__ = [
    "STATE_ICONS",
    "STATE_LABELS",
    "BubbleLayout",
    "ThreadDelegate",
    "ThreadModel",
    "ThreadRole",
    "ThreadView",
    "accessible_text",
    "format_bubble_time",
]
