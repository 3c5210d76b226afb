"""What a notification carries, made safe for every path: its text (one line, no control
character, markup escaped where a server reads markup) and its icon (the message icon:
a notification is about a text, not a call).

Hostile text. Title and body are message data (a contact's name, a sender id, the SMS
text) and are made safe before they leave (:func:`wire_text`):

* on one line, with NUL and every other control character gone: a NUL in a D-Bus string
  makes dbus-daemon drop the whole connection; lone surrogates (half an emoji) become
  U+FFFD (jeepney cannot encode them), bidi overrides and invisible characters are
  neutralised (``domain.text``), noncharacters become U+FFFD (older daemons refuse them);
* the body is markup-escaped (:func:`escape_markup`) on the D-Bus path (servers read it
  as their HTML subset) and on the tray path on Linux, where Qt forwards ``showMessage``
  to the same servers unescaped; the summary is plain text by the specification (dunst
  quotes it itself). Windows and macOS show the tray text as plain text, so it goes
  unescaped there.
"""

from __future__ import annotations

import re
from pathlib import Path

from hubdesk.domain.text import one_line
from hubdesk.ui.qt.icons import default_icon_dir

__all__ = [
    "BODY_LIMIT",
    "TITLE_LIMIT",
    "default_app_icon",
    "escape_markup",
    "message_icon_path",
    "wire_text",
]

TITLE_LIMIT = 200
BODY_LIMIT = 1000
MESSAGE_ICON = "message"
THEME_FALLBACK = "mail-message-new"  # the icon naming specification's name

_NONCHARACTERS = re.compile("[\ufdd0-\ufdef\ufffe\uffff]")


def escape_markup(text: str) -> str:
    """``text`` safe for a body that servers may read as their HTML subset.

    Servers that support markup turn the entities back into the characters; those that
    do not are told by the specification to strip markup (dunst also decodes the
    entities), so the user sees the text exactly as it was received either way.
    """
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def wire_text(text: str, limit: int) -> str:
    """``text`` safe to put in a notification: one line, no control character, no lone
    surrogate or noncharacter, bidi controls neutralised, at most ``limit`` characters."""
    line = _NONCHARACTERS.sub("\ufffd", one_line(text))
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def message_icon_path() -> Path | None:
    """The message icon's file (``resources/icons/message.svg``), None when missing."""
    path = default_icon_dir() / f"{MESSAGE_ICON}.svg"
    return path if path.is_file() else None


def default_app_icon() -> str:
    """The notification's icon: a ``file://`` URI of the message icon when it is on
    disk, else the theme's "new message" icon name."""
    path = message_icon_path()
    return path.as_uri() if path is not None else THEME_FALLBACK
