"""Text from the server, repaired where the API's JSON becomes domain types.

Every string the parsers take from an answer (message texts, numbers, sender ids, names,
the server's sentences) goes through :func:`repair_text`, so that what reaches the store,
the window, a notification or a terminal is always valid Unicode without raw controls:

* **Lone surrogates** become U+FFFD (the replacement character). A gateway that splits an
  emoji across SMS parts sends half of a surrogate pair (JSON ``"\\ud83d"``); Python's
  JSON decoder keeps it as an unpaired surrogate, which cannot be written as UTF-8:
  SQLite, D-Bus and the terminal refused it (``UnicodeEncodeError``), and one such
  message stopped receiving for good. A complete pair (``"\\ud83d\\ude00"``) is the
  emoji itself: kept, and joined into one character if it came as two halves.
* **Line ends**: CR LF and a lone CR become LF. Phones and gateways use either for a new
  line in an SMS; the sender meant a line break, not a control character.
* **Tab and LF** are kept as they are.
* **Every other C0 control (U+0000 to U+001F) and DEL (U+007F)** is made visible as its
  Control Pictures symbol (U+2400 to U+241F, U+2421): NUL shows as "␀", ESC as "␛".
  Made visible rather than removed: the message keeps its length and shows the reader
  that something was there, while nothing downstream ever sees a raw control (a NUL
  made the D-Bus daemon drop the notification connection; ESC starts terminal escape
  sequences). The symbols are ordinary printable characters, so nothing is lost
  silently and nothing can be mistaken for markup.

C1 controls, bidirectional overrides and zero-width characters are printable code
points as far as storage goes; the places that show text neutralise them (the window,
notifications and the command line each have their own rule), not this boundary.
"""

from __future__ import annotations

import re

__all__ = ["encodable", "repair_text", "visible_ascii"]

_CONTROL_PICTURES = {code: 0x2400 + code for code in range(0x20) if code not in (0x09, 0x0A)}
_CONTROL_PICTURES[0x7F] = 0x2421
_VISIBLE_ASCII = re.compile(r"[\x21-\x7e]+")


def repair_text(text: str) -> str:
    """``text`` with lone surrogates replaced, line ends made LF and other C0 controls
    (and DEL) made visible; see the module's docstring for why each."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return encodable(text.translate(_CONTROL_PICTURES))


def encodable(text: str) -> str:
    """``text`` with every lone surrogate replaced by U+FFFD, so that it can be encoded as
    UTF-8; nothing else changes. Also what the client sends: a form value that cannot be
    encoded would fail the request before it left."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # only surrogates fail to encode
        # Through UTF-16: two halves that form a pair become that one character (json
        # already joins escaped pairs; other decoders may not), a lone half U+FFFD.
        return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    return text


def visible_ascii(text: str) -> bool:
    """True when ``text`` is one or more printable ASCII characters and nothing else
    (what an OAuth token must be: it goes back out in a header and a form)."""
    return _VISIBLE_ASCII.fullmatch(text) is not None
