"""Search over message text (FTS5), contact names (FTS5) and numbers (digits).

Whatever the user types is turned into quoted FTS5 phrases, so quotes, ``*``, ``-``,
``NEAR``, ``AND`` or an unbalanced ``"`` are plain text here and never a syntax error.
A query that looks like a phone number ("07400 123", "+44 7400", "7400123") is matched
against contact and conversation numbers too: digits only, a leading ``0`` read as the
UK trunk prefix (-> ``44``), a leading ``+`` or ``00`` as "starts with".

Any string is a valid query: control characters (NUL included, which would end an FTS5
string early) separate words, and lone surrogates (undecodable input) become U+FFFD, so
searching never raises for what was typed or pasted.

A message hit says where it matched (``SearchHit.snippet`` and ranges, plain text:
``store.snippets``). Hits come contacts first, then conversations found by number, then
messages: first those not stored yet (scheduled, queued, failed: outbox entries, see
``store.search_outbox``), then the stored ones newest first (by ``sms_id``, which the
server assigns in time order: FTS5 walks its rowids in order, so a common word costs no
sort over every match).
"""

from __future__ import annotations

import re
import sqlite3

from hubdesk.domain import SmsType
from hubdesk.store.search_hits import HitKind, SearchHit
from hubdesk.store.search_outbox import FoldCache, outbox_hits
from hubdesk.store.snippets import Ranges, free_markers, parse_marked, snippet
from hubdesk.store.timecodec import from_epoch

__all__ = ["HitKind", "Search", "SearchHit", "fts_query", "number_pattern", "searchable"]

_NUMBER_CHARS = frozenset("0123456789 +-().")
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f]")
_SURROGATES = re.compile("[\ud800-\udfff]")
_MARKERS = ("\ue000", "\ue001")  # around each match in highlight(); see store.snippets


def searchable(text: str) -> str:
    """``text`` as SQLite can take it: controls become spaces, lone surrogates U+FFFD."""
    return _SURROGATES.sub("\ufffd", _CONTROLS.sub(" ", text))


def fts_query(text: str, prefix_all: bool = False) -> str | None:
    """Quote each word as an FTS5 phrase; the last (or every) word matches as a prefix.

    Returns None when nothing searchable is left (only punctuation)."""
    words = [w for w in text.split() if any(ch.isalnum() for ch in w)]
    if not words:
        return None
    phrases = ['"' + w.replace('"', '""') + '"' for w in words]
    if prefix_all:
        phrases = [p + "*" for p in phrases]
    else:
        phrases[-1] += "*"
    return " ".join(phrases)


def number_pattern(text: str) -> str | None:
    """A LIKE pattern over E.164 digits when ``text`` looks like (part of) a phone number."""
    stripped = text.strip()
    if not stripped or not set(stripped) <= _NUMBER_CHARS:
        return None
    digits = "".join(ch for ch in stripped if ch.isdigit())
    if len(digits) < 2:
        return None
    if stripped.startswith("+"):
        return digits + "%"
    if digits.startswith("00"):
        return digits[2:] + "%" if len(digits) > 2 else None
    if digits.startswith("0"):
        return "44" + digits[1:] + "%"
    return "%" + digits + "%"


class Search:
    """Read-only search over the store."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        self._folded = FoldCache()  # the outbox texts, folded for matching

    def search(self, query: str, limit: int = 50) -> list[SearchHit]:
        if limit <= 0:
            return []
        query = searchable(query)
        pattern = number_pattern(query)
        hits = self._contacts(query, pattern, limit)
        seen = {h.partner for h in hits}
        if pattern is not None and len(hits) < limit:
            for hit in self._conversations(pattern, limit):
                if hit.partner not in seen and len(hits) < limit:
                    hits.append(hit)
                    seen.add(hit.partner)
        if len(hits) < limit:
            hits += outbox_hits(self._conn, query, limit - len(hits), self._folded)
        if len(hits) < limit:
            hits += self._messages(query, limit - len(hits))
        return hits

    def _contacts(self, query: str, pattern: str | None, limit: int) -> list[SearchHit]:
        match = fts_query(query, prefix_all=True)
        clauses, args = [], []
        if match is not None:
            clauses.append("c.id IN (SELECT rowid FROM contacts_fts WHERE contacts_fts MATCH ?)")
            args.append(match)
        if pattern is not None:
            clauses.append("c.number LIKE ?")
            args.append(pattern)
        if not clauses:
            return []
        rows = self._conn.execute(
            f"SELECT c.number, c.name FROM contacts c WHERE {' OR '.join(clauses)} "
            "ORDER BY c.name COLLATE NOCASE LIMIT ?",
            [*args, limit],
        )
        return [SearchHit(HitKind.CONTACT, number, name, name) for number, name in rows]

    def _conversations(self, pattern: str, limit: int) -> list[SearchHit]:
        rows = self._conn.execute(
            """SELECT c.partner, k.name, c.last_text, c.last_time, c.last_sms_id
                 FROM conversations c LEFT JOIN contacts k ON k.number = c.partner
                WHERE c.partner LIKE ?
                ORDER BY c.last_time DESC LIMIT ?""",
            (pattern, limit),
        )
        return [
            SearchHit(HitKind.CONVERSATION, partner, name, text, from_epoch(time), sms_id)
            for partner, name, text, time, sms_id in rows
        ]

    def _messages(self, query: str, limit: int) -> list[SearchHit]:
        match = fts_query(query)
        if match is None:
            return []
        start, end = _MARKERS
        rows = self._conn.execute(
            """SELECT m.sms_id, m.partner, k.name, m.text, m.time, m.type, f.marked
                 FROM (SELECT rowid, highlight(messages_fts, 0, ?, ?) AS marked
                         FROM messages_fts WHERE messages_fts MATCH ?
                        ORDER BY rowid DESC LIMIT ?) f
                 JOIN messages m ON m.sms_id = f.rowid
                 LEFT JOIN contacts k ON k.number = m.partner
                ORDER BY m.sms_id DESC""",
            (start, end, match, limit),
        )
        hits = []
        for sms_id, partner, name, text, time, type_, marked in rows.fetchall():
            ranges = self._ranges(match, sms_id, text, marked)
            cut, cut_ranges = snippet(text, ranges)
            hits.append(
                SearchHit(
                    HitKind.MESSAGE,
                    partner,
                    name,
                    text,
                    from_epoch(time),
                    sms_id,
                    snippet=cut,
                    snippet_ranges=cut_ranges,
                    match_ranges=ranges,
                    direction=SmsType(type_),
                )
            )
        return hits

    def _ranges(self, match: str, sms_id: int, text: str, marked: str) -> Ranges:
        """The matched words of one message; a text that holds the usual markers itself
        is highlighted again with two it does not hold."""
        start, end = _MARKERS
        if start not in text and end not in text:
            return parse_marked(marked, start, end, text)
        start, end = free_markers(text)
        row = self._conn.execute(
            "SELECT highlight(messages_fts, 0, ?, ?) FROM messages_fts "
            "WHERE messages_fts MATCH ? AND rowid = ?",
            (start, end, match, sms_id),
        ).fetchone()
        return () if row is None else parse_marked(row[0], start, end, text)
