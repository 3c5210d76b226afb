"""Where a search matched a message, as plain text and ranges: never markup.

FTS5's ``highlight()`` wraps each matched token in two marker strings. A message is data
from outside and may hold any character, so the markers are two private-use characters
the text does not contain (:func:`free_markers`); :func:`parse_marked` removes them and
returns the ranges they enclosed, and checks that what remains is the message exactly
(else no ranges: a wrong highlight is worse than none).

:func:`snippet` then cuts a one-line window around the first match (``…`` where text was
cut; line breaks and tabs become spaces, so offsets stay put) and moves the ranges with
it. Ranges are ``(start, end)`` indices into the Python string (code points, end
exclusive); :func:`segments` turns text and ranges into ``(piece, matched)`` pairs, which
is what a painter or a terminal wants.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["SNIPPET_WIDTH", "Ranges", "free_markers", "parse_marked", "segments", "snippet"]

Ranges = tuple[tuple[int, int], ...]

SNIPPET_WIDTH = 80
_LEAD = 24  # characters of context kept before the first match when cutting
_ELLIPSIS = "…"
_PRIVATE_USE = range(0xE000, 0xF900)
_ONE_LINE = str.maketrans({"\n": " ", "\r": " ", "\t": " ", "\u2028": " ", "\u2029": " "})


def free_markers(text: str) -> tuple[str, str]:
    """Two private-use characters that do not occur in ``text``."""
    found: list[str] = []
    for code in _PRIVATE_USE:
        ch = chr(code)
        if ch not in text:
            found.append(ch)
            if len(found) == 2:
                return found[0], found[1]
    raise ValueError("no free marker characters")  # 6,400 distinct ones: not an SMS


def parse_marked(marked: str, start: str, end: str, original: str) -> Ranges:
    """The ranges of ``original`` that ``start``/``end`` enclose in ``marked``; ``()`` when
    ``marked`` without its markers is not exactly ``original``."""
    plain: list[str] = []
    ranges: list[tuple[int, int]] = []
    length = 0
    opened: int | None = None
    for ch in marked:
        if ch == start and opened is None:
            opened = length
        elif ch == end and opened is not None:
            if length > opened:
                ranges.append((opened, length))
            opened = None
        else:
            plain.append(ch)
            length += 1
    if opened is not None or "".join(plain) != original:
        return ()
    return tuple(_merged(ranges))


def _merged(ranges: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s, e in sorted(ranges):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def snippet(text: str, ranges: Ranges, width: int = SNIPPET_WIDTH) -> tuple[str, Ranges]:
    """A one-line window of ``text`` of about ``width`` characters around the first range,
    and the ranges inside it (moved; cut at its edges)."""
    line = text.translate(_ONE_LINE)
    if len(line) <= width:
        return line, ranges
    first, last = ranges[0] if ranges else (0, 0)
    begin = max(0, min(first - _LEAD, len(line) - width))  # a full window near the end
    if begin > 0:  # start at a word: after the first space between here and the match
        space = line.find(" ", begin, first)
        begin = space + 1 if space >= 0 else begin
    begin = max(begin, last - width)  # the first match whole (unless longer than a window)
    stop = min(len(line), begin + width)
    if stop < len(line):  # end at a word, but after the first match
        space = line.rfind(" ", max(last, begin + 1), stop)
        stop = space if space > 0 else stop
    body = line[begin:stop].strip(" ")
    lead_cut = len(line[begin:stop]) - len(line[begin:stop].lstrip(" "))
    offset = begin + lead_cut
    prefix = _ELLIPSIS if offset > 0 else ""
    suffix = _ELLIPSIS if offset + len(body) < len(line) else ""
    shift = len(prefix) - offset
    inside = tuple(
        (max(s, offset) + shift, min(e, offset + len(body)) + shift)
        for s, e in ranges
        if e > offset and s < offset + len(body)
    )
    return prefix + body + suffix, inside


def segments(text: str, ranges: Ranges) -> tuple[tuple[str, bool], ...]:
    """``text`` cut into ``(piece, matched)`` pairs, in order, covering all of it."""
    out: list[tuple[str, bool]] = []
    at = 0
    for s, e in ranges:
        if s > at:
            out.append((text[at:s], False))
        out.append((text[s:e], True))
        at = e
    if at < len(text):
        out.append((text[at:], False))
    return tuple(out)
