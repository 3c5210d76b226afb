"""Text from outside, made safe to show: no character may change how the rest reads.

Names, sender ids, numbers and message previews are how a person tells who wrote and
what about. A few invisible characters can make such a string pass for another: U+202E
(RIGHT-TO-LEFT OVERRIDE) turns ``Pay to <RLO>txt.exe`` into what reads as "Pay to
exe.txt"; a zero-width space makes ``HS<ZWSP>BC`` a second conversation that looks
exactly like "HSBC". :func:`neutralise` is the one rule the conversation list, the
header, notifications and the CLI's tables share:

==========================================  ==========  =================================
characters                                  becomes     why
==========================================  ==========  =================================
bidi embeddings, overrides, isolates and    ``⟨U+202E⟩`` they reorder everything after
their terminators (U+202A–U+202E,                        them; the bidi algorithm orders
U+2066–U+2069)                                           real right-to-left text without
                                                         them, so in a name or preview
                                                         their presence is the warning
zero-width space, word joiner, BOM,         ``⟨U+200B⟩`` invisible; used to make look-alike
Mongolian vowel separator, invisible                     names and sender ids
operators, deprecated format controls,
interlinear annotation (U+200B, U+2060–
U+2064, U+206A–U+206F, U+FEFF, U+180E,
U+FFF9–U+FFFB), and tag characters outside
a flag emoji (U+E0000–U+E007F)
zero-width non-joiner / joiner (U+200C,     kept or     kept between two characters of
U+200D)                                     ``⟨U+200D⟩`` a script that needs them (Arabic,
                                                         Persian, Indic…, emoji
                                                         sequences: both neighbours at or
                                                         above U+0590); elsewhere, as in
                                                         Latin/Cyrillic names, invisible
                                                         look-alike tools: made visible
LRM, RLM, ALM (U+200E, U+200F, U+061C)      removed     common in genuine Hebrew/Arabic
                                                         text typed on phones (shown,
                                                         they would clutter real names);
                                                         they cannot reverse letters,
                                                         only move digits and punctuation
                                                         next to right-to-left text, so
                                                         removing them is the safe choice
lone surrogates (U+D800–U+DFFF)             U+FFFD      not text (half an emoji split by
                                                         a gateway); unencodable
==========================================  ==========  =================================

Made visible rather than removed: the marker tells the user something was hidden
there, and two look-alike names stay different on screen.

Message *bodies* in the open conversation are content, to be read as written (Arabic
with its marks, emoji with their joiners, Thai with its zero-width spaces):
:func:`neutralise_body` only makes the explicit bidi controls visible (the only ones
that can reverse the order of letters or carry a reordering past the end of a run), and
repairs lone surrogates. Each body is painted as its own paragraph, so nothing in one
message reaches another or the bubble's time line.

Control characters (C0/C1, line breaks) are not this module's concern beyond
:func:`one_line`, which puts a text on one line for lists, tables and notifications.
Pure functions: stdlib only, no I/O.
"""

from __future__ import annotations

import re

__all__ = ["marker", "neutralise", "neutralise_body", "one_line"]

_BIDI_CONTROLS = "\u202a-\u202e\u2066-\u2069"
_INVISIBLE = "\u180e\u200b\u2060-\u2064\u206a-\u206f\ufeff\ufff9-\ufffb"
_JOINERS = "\u200c\u200d"
_MARKS = "\u061c\u200e\u200f"
_SURROGATES = "\ud800-\udfff"
_TAGS = "\U000e0000-\U000e007f"
_BLACK_FLAG = "\U0001f3f4"  # 🏴: tag characters after it spell a flag (England, Scotland…)
_JOINING_FROM = 0x0590  # Hebrew onwards: below are Latin, Greek, Cyrillic, Armenian…

# Anything neutralise may change: the common case (nothing) is one regex search.
_SUSPECT = re.compile(f"[{_BIDI_CONTROLS}{_INVISIBLE}{_JOINERS}{_MARKS}{_SURROGATES}{_TAGS}]")
_BODY_SUSPECT = re.compile(f"[{_BIDI_CONTROLS}{_SURROGATES}]")
_BIDI = re.compile(f"[{_BIDI_CONTROLS}]")
_INVISIBLE_RE = re.compile(f"[{_INVISIBLE}]")
_TAG_RE = re.compile(f"[{_TAGS}]")
# Line breaks and controls for one_line: C0, DEL, C1 and the Unicode line separators.
_BREAKS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def marker(ch: str) -> str:
    """How a neutralised character is shown: ``⟨U+202E⟩``."""
    return f"⟨U+{ord(ch):04X}⟩"


def neutralise(text: str) -> str:
    """``text`` safe to show as a name, sender id, number or preview (the table above).

    Idempotent, and the identity for text without any of those characters.
    """
    if _SUSPECT.search(text) is None:
        return text
    return _SUSPECT.sub(_replace, text)


def neutralise_body(text: str) -> str:
    """A message body as the thread shows it: bidi controls visible, surrogates repaired,
    everything else (marks, joiners, zero-width spaces) as written."""
    if _BODY_SUSPECT.search(text) is None:
        return text
    return _BODY_SUSPECT.sub(_replace_in_body, text)


def one_line(text: str) -> str:
    """``text`` neutralised on one line: controls and line breaks become spaces, runs of
    white space one space, no space at either end."""
    return " ".join(_BREAKS.sub(" ", neutralise(text)).split())


# --- internals -----------------------------------------------------------------------


def _replace(match: re.Match[str]) -> str:
    ch = match.group()
    if _BIDI.match(ch) or _INVISIBLE_RE.match(ch):
        return marker(ch)
    if ch in _MARKS:
        return ""
    if ch in _JOINERS:
        return ch if _joins(match.string, match.start()) else marker(ch)
    if _TAG_RE.match(ch):
        return ch if _in_flag(match.string, match.start()) else marker(ch)
    return "\ufffd"  # a lone surrogate


def _replace_in_body(match: re.Match[str]) -> str:
    ch = match.group()
    return "\ufffd" if "\ud800" <= ch <= "\udfff" else marker(ch)


def _joins(text: str, at: int) -> bool:
    """Whether the joiner at ``at`` sits between two characters of a joining script."""
    if at == 0 or at + 1 >= len(text):
        return False
    before, after = text[at - 1], text[at + 1]
    return all(ord(c) >= _JOINING_FROM and not c.isspace() for c in (before, after))


def _in_flag(text: str, at: int) -> bool:
    """Whether the tag character at ``at`` belongs to a flag: 🏴 then tags only."""
    start = at
    while start > 0 and _TAG_RE.match(text[start - 1]):
        start -= 1
    return start > 0 and text[start - 1] == _BLACK_FLAG
