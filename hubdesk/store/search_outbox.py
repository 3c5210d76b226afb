"""Search over the outbox entries that are not (yet) stored messages: scheduled, overdue,
queued, sending, unknown ("Checking…") and failed ones.

The FTS index covers only the messages the server confirmed, so a message written
offline or scheduled for tomorrow would not be found. These rows are few (what waits
and what failed), so their text is matched here in Python, the way the FTS5 query of
``store.search`` matches: every word of the query must be a word of the text (the last
one as a prefix), case and accents aside. The rows read are bounded (the newest
``SCAN_ROWS``, through the partial index ``outbox_unsent``), so a search costs the same
however many messages were sent.

A sent destination is never a hit here (its message is, or will be, in the message
store, and found there); nor one whose server id is already stored: a message is never
found twice. A bulk entry gives one hit per recipient, so opening a hit opens that
recipient's conversation at the entry's bubble (``outbox:<id>:<position>``).
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata

from hubdesk.domain import MessageState, SmsType
from hubdesk.store.outbox_rows import CHUNK
from hubdesk.store.search_hits import HitKind, SearchHit
from hubdesk.store.snippets import Ranges, snippet
from hubdesk.store.timecodec import from_epoch

__all__ = ["SCAN_ROWS", "FoldCache", "UNSENT_STATES", "matches", "outbox_hits", "query_words"]

#: Outbox rows (newest first) read per search at most.
SCAN_ROWS = 2000

#: The outbox states whose destinations are searched, as their bubbles show them.
UNSENT_STATES: dict[str, MessageState] = {
    "scheduled": MessageState.SCHEDULED,
    "overdue": MessageState.OVERDUE,
    "queued": MessageState.QUEUED,
    "sending": MessageState.SENDING,
    "unknown": MessageState.UNKNOWN,
    "failed": MessageState.FAILED,
}
# Literal, as in the partial index ``outbox_unsent`` (migrations), so SQLite uses it.
_UNSENT_SQL = "('scheduled', 'overdue', 'queued', 'sending', 'unknown', 'failed')"

_WORD = re.compile(r"[^\W_]+")
# The combining marks NFKD splits off accented letters (the blocks of diacritics).
_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")

_ROWS = f"""
SELECT id, text FROM outbox
 WHERE state IN {_UNSENT_SQL}
 ORDER BY id DESC LIMIT ?
"""

_DESTINATIONS = f"""
SELECT d.outbox_id, d.position, d.destination, k.name, d.state,
       coalesce(ob.not_before, ob.created_at)
  FROM outbox_destinations d
  JOIN outbox ob ON ob.id = d.outbox_id
  LEFT JOIN contacts k ON k.number = d.destination
 WHERE d.outbox_id IN ({{marks}}) AND d.state IN {_UNSENT_SQL}
   AND (d.sms_id IS NULL
        OR NOT EXISTS (SELECT 1 FROM messages m WHERE m.sms_id = d.sms_id))
"""


def _fold(word: str) -> str:
    """A word (or a text) as FTS5's ``unicode61 remove_diacritics 2`` compares it: no
    case, no accents."""
    if word.isascii():
        return word.lower()
    return _COMBINING.sub("", unicodedata.normalize("NFKD", word.casefold()))


def query_words(query: str) -> list[str]:
    """The query's words, folded; the last one is matched as a prefix."""
    return [_fold(w) for w in _WORD.findall(query)]


def matches(query: str, text: str) -> Ranges | None:
    """The ranges of ``text``'s words the query matches, None when some query word is not
    in ``text`` (or the query has no word). The last query word matches as a prefix."""
    return _matches(query_words(query), text)


def _matches(wanted: list[str], text: str, folded: str | None = None) -> Ranges | None:
    if not wanted:
        return None
    folded = _fold(text) if folded is None else folded
    if not all(w in folded for w in wanted):  # cheap, and true of every match
        return None
    *whole, prefix = wanted
    found: set[str] = set()
    ranges: list[tuple[int, int]] = []
    for word in _WORD.finditer(text):
        key = _fold(word.group())
        hit = False
        if key in whole:
            found.add(key)
            hit = True
        if key.startswith(prefix):
            found.add("\0" + prefix)
            hit = True
        if hit:
            ranges.append(word.span())
    if "\0" + prefix not in found or any(w not in found for w in whole):
        return None
    return tuple(ranges)


class FoldCache:
    """The folded texts of the rows last searched (an entry's text can change: a new
    time fills its placeholders again), so that each keystroke folds only new rows."""

    def __init__(self) -> None:
        self._folded: dict[int, tuple[str, str]] = {}

    def folded(self, outbox_id: int, text: str) -> str:
        known = self._folded.get(outbox_id)
        if known is not None and known[0] == text:
            return known[1]
        if len(self._folded) >= 2 * SCAN_ROWS:
            self._folded.clear()
        folded = _fold(text)
        self._folded[outbox_id] = (text, folded)
        return folded


def outbox_hits(
    conn: sqlite3.Connection, query: str, limit: int, cache: FoldCache | None = None
) -> list[SearchHit]:
    """Up to ``limit`` hits, one per unsent destination whose entry's text matches
    ``query``; the latest first (a scheduled message by its time to be sent)."""
    wanted = query_words(query)
    if limit <= 0 or not wanted:
        return []
    cache = FoldCache() if cache is None else cache
    found: dict[int, tuple[str, Ranges]] = {}
    for outbox_id, text in conn.execute(_ROWS, (SCAN_ROWS,)):
        ranges = _matches(wanted, text, cache.folded(outbox_id, text))
        if ranges is not None:
            found[outbox_id] = (text, ranges)
            if len(found) >= limit:  # each gives a hit at least: enough (the newest)
                break
    if not found:
        return []
    rows: list[tuple[int, int, str, str | None, str, int]] = []
    ids = list(found)
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        marks = ",".join("?" * len(chunk))
        rows += conn.execute(_DESTINATIONS.format(marks=marks), chunk).fetchall()
    rows.sort(key=lambda r: (r[5], r[0], -r[1]), reverse=True)
    hits = []
    for outbox_id, position, partner, name, state, when in rows[:limit]:
        text, ranges = found[outbox_id]
        cut, cut_ranges = snippet(text, ranges)
        hits.append(
            SearchHit(
                HitKind.MESSAGE,
                partner,
                name,
                text,
                from_epoch(when),
                snippet=cut,
                snippet_ranges=cut_ranges,
                match_ranges=ranges,
                direction=SmsType.SENT,
                state=UNSENT_STATES[state],
                outbox_id=outbox_id,
                position=position,
            )
        )
    return hits
