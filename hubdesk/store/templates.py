"""Saved message templates: a name (unique, case-insensitively) and a text, in the order
the user arranged them.

The store checks the shape only: a name on one line and not empty, a text that is not
blank. Whether the text's placeholders are known is ``core.templates``' concern (it
refuses unknown ones before anything is written here).

Positions are kept dense (0, 1, 2, …): adding puts a template last, duplicating puts the
copy right after its original, deleting and moving close the gaps, all in the same
transaction as the change.
"""

from __future__ import annotations

import builtins
import sqlite3
import unicodedata
from collections.abc import Sequence
from typing import Any

from hubdesk.domain import Template
from hubdesk.store.timecodec import Clock, from_epoch, to_epoch, utc_now
from hubdesk.store.transactions import transaction

__all__ = ["MAX_NAME_LENGTH", "TemplateError", "Templates", "clean_name", "name_key"]

#: The longest template name (characters): a name is a label in a list and a popup.
MAX_NAME_LENGTH = 80

_SELECT = "SELECT id, name, text, position, created_at, updated_at FROM templates"


class TemplateError(ValueError):
    """A template that cannot be written (duplicate or empty name, empty text) or found;
    ``str(e)`` is a sentence for a person."""


def clean_name(name: str) -> str:
    """The name as stored: runs of white space (line breaks included) become one space.

    ``TemplateError`` when it is empty or longer than ``MAX_NAME_LENGTH``."""
    clean = " ".join(name.split())
    if not clean:
        raise TemplateError("a template needs a name")
    control = control_at(clean)
    if control is not None:
        raise TemplateError(f"a template name cannot hold {control_sentence(clean, control)}")
    if len(clean) > MAX_NAME_LENGTH:
        raise TemplateError(
            f"a template name can be at most {MAX_NAME_LENGTH} characters (this one has "
            f"{len(clean)})"
        )
    return clean


def name_key(name: str) -> str:
    """What makes two names the same: white space collapsed, NFKC, case-folded."""
    return unicodedata.normalize("NFKC", " ".join(name.split())).casefold()


def control_at(text: str) -> int | None:
    """The index of the first control character in ``text`` other than a tab or a line
    break (NUL, ESC, ...: nothing a person types, and no phone shows), or None."""
    for index, char in enumerate(text):
        if char not in "\t\r\n" and unicodedata.category(char) == "Cc":
            return index
    return None


def control_sentence(text: str, index: int) -> str:
    """``"a control character (U+0000) at character 3"``."""
    return f"a control character (U+{ord(text[index]):04X}) at character {index + 1}"


def _check_text(text: str) -> None:
    if not text.strip():
        raise TemplateError("a template needs a text")
    control = control_at(text)
    if control is not None:
        raise TemplateError(f"a template cannot hold {control_sentence(text, control)}")


class Templates:
    """Repository over ``templates``."""

    def __init__(self, conn: sqlite3.Connection, clock: Clock = utc_now) -> None:
        self._conn = conn
        self._clock = clock

    # -- reading -----------------------------------------------------------------------

    def list(self) -> builtins.list[Template]:
        """Every template, in the user's order."""
        rows = self._conn.execute(_SELECT + " ORDER BY position, id").fetchall()
        return [_build(r) for r in rows]

    def get(self, template_id: int) -> Template | None:
        row = self._conn.execute(_SELECT + " WHERE id = ?", (template_id,)).fetchone()
        return None if row is None else _build(row)

    def get_by_name(self, name: str) -> Template | None:
        """The template called ``name``, compared as ``name_key`` does."""
        row = self._conn.execute(_SELECT + " WHERE name_key = ?", (name_key(name),)).fetchone()
        return None if row is None else _build(row)

    # -- writing -----------------------------------------------------------------------

    def add(self, name: str, text: str) -> Template:
        """A new template, last in the list."""
        clean = clean_name(name)
        _check_text(text)
        now = to_epoch(self._clock())
        with transaction(self._conn):
            self._refuse_taken(clean)
            position = self._conn.execute(
                "SELECT coalesce(max(position) + 1, 0) FROM templates"
            ).fetchone()[0]
            cur = self._conn.execute(
                "INSERT INTO templates (name, name_key, text, position, created_at, "
                "updated_at) VALUES (?, ?, ?, ?, ?, ?)",
                (clean, name_key(clean), text, position, now, now),
            )
            return self._require(int(cur.lastrowid or 0))

    def edit(self, template_id: int, text: str) -> Template:
        """Replace a template's text (its name and place stay)."""
        _check_text(text)
        with transaction(self._conn):
            self._require(template_id)
            self._conn.execute(
                "UPDATE templates SET text = ?, updated_at = ? WHERE id = ?",
                (text, to_epoch(self._clock()), template_id),
            )
            return self._require(template_id)

    def rename(self, template_id: int, name: str) -> Template:
        """Give a template another name (a change of case only is allowed)."""
        clean = clean_name(name)
        with transaction(self._conn):
            self._require(template_id)
            self._refuse_taken(clean, except_id=template_id)
            self._conn.execute(
                "UPDATE templates SET name = ?, name_key = ?, updated_at = ? WHERE id = ?",
                (clean, name_key(clean), to_epoch(self._clock()), template_id),
            )
            return self._require(template_id)

    def duplicate(self, template_id: int, name: str | None = None) -> Template:
        """A copy right after the original, called ``name`` or "<name> (copy)" (then
        "(copy 2)", … while that is taken)."""
        now = to_epoch(self._clock())
        with transaction(self._conn):
            original = self._require(template_id)
            clean = clean_name(name) if name is not None else self._copy_name(original.name)
            self._refuse_taken(clean)
            self._conn.execute(
                "UPDATE templates SET position = position + 1 WHERE position > ?",
                (original.position,),
            )
            cur = self._conn.execute(
                "INSERT INTO templates (name, name_key, text, position, created_at, "
                "updated_at) VALUES (?, ?, ?, ?, ?, ?)",
                (clean, name_key(clean), original.text, original.position + 1, now, now),
            )
            return self._require(int(cur.lastrowid or 0))

    def delete(self, template_id: int) -> bool:
        """Remove a template; the ones after it move up. False when there was none."""
        with transaction(self._conn):
            found = self.get(template_id)
            if found is None:
                return False
            self._conn.execute("DELETE FROM templates WHERE id = ?", (template_id,))
            self._conn.execute(
                "UPDATE templates SET position = position - 1 WHERE position > ?",
                (found.position,),
            )
        return True

    def move(self, template_id: int, index: int) -> builtins.list[Template]:
        """Put a template at ``index`` in the list (clamped to the list); returns the list."""
        with transaction(self._conn):
            self._require(template_id)
            ids = [
                r[0] for r in self._conn.execute("SELECT id FROM templates ORDER BY position, id")
            ]
            ids.remove(template_id)
            ids.insert(max(0, min(index, len(ids))), template_id)
            self._conn.executemany(
                "UPDATE templates SET position = ? WHERE id = ? AND position <> ?",
                [(pos, tid, pos) for pos, tid in enumerate(ids)],
            )
            return self.list()

    # -- internals ---------------------------------------------------------------------

    def _refuse_taken(self, name: str, except_id: int | None = None) -> None:
        row = self._conn.execute(
            "SELECT id, name FROM templates WHERE name_key = ?", (name_key(name),)
        ).fetchone()
        if row is not None and row[0] != except_id:
            raise TemplateError(f"a template named {row[1]!r} already exists")

    def _copy_name(self, name: str) -> str:
        for n in range(1, 10_000):
            suffix = " (copy)" if n == 1 else f" (copy {n})"
            candidate = name[: MAX_NAME_LENGTH - len(suffix)] + suffix
            if self.get_by_name(candidate) is None:
                return candidate
        raise TemplateError(f"too many copies of {name!r}")  # pragma: no cover

    def _require(self, template_id: int) -> Template:
        found = self.get(template_id)
        if found is None:
            raise TemplateError(f"no template {template_id}")
        return found


def _build(row: Sequence[Any]) -> Template:
    template_id, name, text, position, created, updated = row
    return Template(
        id=template_id,
        name=name,
        text=text,
        position=position,
        created_at=from_epoch(created),
        updated_at=from_epoch(updated),
    )
