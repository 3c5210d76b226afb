"""SMS segment maths (3GPP TS 23.038 / GSM 03.38).

A text is GSM-7 when every character is in the basic character set or the extension
table (extension characters cost two septets: escape + character). Otherwise it is sent
as UCS-2, where the length is the number of UTF-16 code units (most emoji take two).

One part holds 160 septets (GSM-7) or 70 code units (UCS-2). Longer texts are split into
parts of 153 / 67 (the rest of each part is the concatenation header). As phones do,
a character is never split across parts: an extension character's two septets, and a
surrogate pair's two code units, always travel in the same part.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

# The GSM 03.38 default alphabet, excluding 0x1B (the escape to the extension table).
_GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# The extension table: each costs two septets.
_GSM7_EXTENSION = frozenset("^{}\\[~]|€\f")

_SINGLE_GSM7 = 160
_MULTI_GSM7 = 153
_SINGLE_UCS2 = 70
_MULTI_UCS2 = 67


class Encoding(Enum):
    GSM7 = "GSM-7"
    UCS2 = "Unicode"


#: Above this many parts a message is "long": each part is billed as one SMS, so the
#: GUI and the CLI ask before sending one (a pasted document can run to 100+ parts).
LONG_MESSAGE_PARTS = 10


@dataclass(frozen=True, slots=True)
class SegmentInfo:
    """How a text will be sent."""

    encoding: Encoding
    units: int  # septets (GSM-7) or UTF-16 code units (UCS-2)
    parts: int
    per_part: int  # capacity of one part at the current size (160/153/70/67)
    remaining: int  # units left in the last part before another part is needed
    unicode_chars: tuple[str, ...]  # distinct characters that force UCS-2, first seen first


def _is_gsm7(ch: str) -> bool:
    return ch in _GSM7_BASIC or ch in _GSM7_EXTENSION


def _cost(ch: str, encoding: Encoding) -> int:
    if encoding is Encoding.GSM7:
        return 2 if ch in _GSM7_EXTENSION else 1
    return 2 if ord(ch) > 0xFFFF else 1


def analyse(text: str) -> SegmentInfo:
    """Encoding, length and number of parts of ``text``. Empty text has 0 parts."""
    unicode_chars = tuple(dict.fromkeys(ch for ch in text if not _is_gsm7(ch)))
    if unicode_chars:
        encoding, single, multi = Encoding.UCS2, _SINGLE_UCS2, _MULTI_UCS2
    else:
        encoding, single, multi = Encoding.GSM7, _SINGLE_GSM7, _MULTI_GSM7
    costs = [_cost(ch, encoding) for ch in text]
    units = sum(costs)
    if units <= single:
        parts = 1 if units else 0
        return SegmentInfo(encoding, units, parts, single, single - units, unicode_chars)
    parts, used = 1, 0
    for cost in costs:
        if used + cost > multi:  # this character does not fit: it opens the next part
            parts, used = parts + 1, 0
        used += cost
    return SegmentInfo(encoding, units, parts, multi, multi - used, unicode_chars)


def unicode_positions(text: str) -> list[int]:
    """Indexes (into the ``str``) of the characters that force UCS-2, for highlighting."""
    return [index for index, ch in enumerate(text) if not _is_gsm7(ch)]


_GSM_SAFE = {
    # quotes and primes
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
    "\u2039": "'", "\u203a": "'", "\u00b4": "'", "\u02bc": "'", "`": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
    "\u00ab": '"', "\u00bb": '"',
    # dashes and minus
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
    "\u2015": "-", "\u2212": "-", "\u2043": "-",
    # ellipsis, bullets
    "\u2026": "...", "\u2022": "-", "\u00b7": "-", "\u2023": "-", "\u25e6": "-",
    "\u2219": "-",
    # odd spaces become a plain space
    "\t": " ", "\u00a0": " ", "\u2000": " ", "\u2001": " ", "\u2002": " ",
    "\u2003": " ", "\u2004": " ", "\u2005": " ", "\u2006": " ", "\u2007": " ",
    "\u2008": " ", "\u2009": " ", "\u200a": " ", "\u202f": " ", "\u205f": " ",
    "\u3000": " ",
    # invisible characters are dropped
    "\u200b": "", "\u200c": "", "\u200d": "", "\u2060": "", "\ufeff": "", "\u00ad": "",
    # line and paragraph separators
    "\u2028": "\n", "\u2029": "\n",
}  # fmt: skip
_GSM_SAFE_TABLE = str.maketrans(_GSM_SAFE)


def make_gsm_safe(text: str) -> str:
    """Replace smart typography with GSM-7 lookalikes; leave every other character alone.

    Smart quotes become ``'`` / ``"``, dashes ``-``, the ellipsis ``...``, bullets ``-``,
    odd spaces a plain space; zero-width characters and soft hyphens are removed.
    """
    return text.translate(_GSM_SAFE_TABLE)


def describe(info: SegmentInfo) -> str:
    """A one-line summary: "12 characters · 1 part · GSM-7"."""
    characters = "character" if info.units == 1 else "characters"
    return f"{info.units} {characters} · {describe_parts(info)}"


def long_message_note(info: SegmentInfo) -> str | None:
    """The warning for a long message (over ``LONG_MESSAGE_PARTS`` parts), else None."""
    if info.parts <= LONG_MESSAGE_PARTS:
        return None
    return f"This message is {info.parts} parts: each recipient is billed {info.parts} SMS."


def describe_parts(info: SegmentInfo) -> str:
    """The short summary, where the whole line does not fit: "1 part · GSM-7"."""
    parts = "part" if info.parts == 1 else "parts"
    return f"{info.parts} {parts} · {info.encoding.value}"
