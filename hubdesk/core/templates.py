"""The templates use case: saved texts the GUI and the CLI insert and send.

Saving checks what the store cannot: the text's placeholders must all be known
(``domain.placeholders``), so a typo such as ``{firstname}`` is refused when the
template is saved, with the list of known ones, never when it is sent to 500 people.
Every refusal is an ``InvalidInput`` whose ``str()`` is a sentence; a refusal about the
text is a ``TemplateTextError`` that also carries the character where the problem is
(for the editor to put the cursor there).

``rank_templates`` is the quick-filter popup's ordering (pure): type a few letters,
and templates whose name starts with them come first, then those with a word starting
with them (name, then text), then those that merely contain them (name, then text);
within one rank the user's order stays. Accents and case are ignored.

CSV import and export are in ``core.templates_io``; every store access goes through the
``DbWorker``.
"""

from __future__ import annotations

import asyncio
import builtins
import unicodedata
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

from hubdesk.core.errors import InvalidInput
from hubdesk.core.templates_io import (
    TemplateImportReport,
    apply_template_import,
    parse_templates_csv,
    write_templates_csv,
)
from hubdesk.domain import Template
from hubdesk.domain.placeholders import ParsedText, TemplateSyntaxError, parse
from hubdesk.store.database import Database
from hubdesk.store.private_files import write_private
from hubdesk.store.templates import TemplateError, clean_name, control_at, control_sentence
from hubdesk.store.worker import DbWorker
from hubdesk.sync.events import Channel

__all__ = [
    "TemplateBook",
    "TemplateTextError",
    "check_name",
    "check_text",
    "rank_templates",
]

T = TypeVar("T")


class TemplateTextError(InvalidInput):
    """A template text that cannot be saved; ``position`` is the 1-based character where
    the problem starts (None: the text as a whole, e.g. empty)."""

    def __init__(self, message: str, position: int | None = None) -> None:
        super().__init__(message)
        self.position = position


def check_name(name: str) -> str:
    """The name as it will be stored, or ``InvalidInput`` saying why not."""
    try:
        return clean_name(name)
    except TemplateError as exc:
        raise InvalidInput(str(exc)) from None


def check_text(text: str) -> ParsedText:
    """The parsed text, or ``TemplateTextError``: empty, a brace out of place, or an
    unknown placeholder (with the known ones)."""
    if not text.strip():
        raise TemplateTextError("a template needs a text")
    control = control_at(text)
    if control is not None:
        sentence = control_sentence(text, control)
        raise TemplateTextError(f"a template cannot hold {sentence}", control + 1)
    try:
        return parse(text)
    except TemplateSyntaxError as exc:
        raise TemplateTextError(str(exc), exc.position) from None


# --- the quick filter ------------------------------------------------------------------


def _fold(text: str) -> str:
    """Case-folded, accents removed, white space collapsed: what the filter compares."""
    decomposed = unicodedata.normalize("NFKD", " ".join(text.split()))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def _word_starts(text: str, query: str) -> bool:
    """Whether a word of ``text`` (both folded) starts with ``query``."""
    start = text.find(query)
    while start >= 0:
        if start == 0 or not text[start - 1].isalnum():
            return True
        start = text.find(query, start + 1)
    return False


def _rank(template: Template, query: str) -> int | None:
    name, text = _fold(template.name), _fold(template.text)
    if name.startswith(query):
        return 0
    if _word_starts(name, query):
        return 1
    if _word_starts(text, query):
        return 2
    if query in name:
        return 3
    if query in text:
        return 4
    return None


def rank_templates(
    templates: Iterable[Template], query: str, limit: int | None = None
) -> list[Template]:
    """The templates matching ``query``, best first (see the module docstring); all of
    them, in order, for an empty query."""
    wanted = _fold(query)
    listed = list(templates)
    if not wanted:
        return listed[:limit] if limit is not None else listed
    ranked: list[tuple[int, int, Template]] = []
    for index, template in enumerate(listed):
        rank = _rank(template, wanted)
        if rank is not None:
            ranked.append((rank, index, template))
    ranked.sort(key=lambda entry: (entry[0], entry[1]))
    found = [template for _, _, template in ranked]
    return found[:limit] if limit is not None else found


# --- the use case ----------------------------------------------------------------------


class TemplateBook:
    """Templates over the store. ``changed`` fires after every change (no payload: the
    list is small, a listener reloads it)."""

    def __init__(self, worker: DbWorker) -> None:
        self._worker = worker
        self.changed: Channel[None] = Channel("templates_changed")

    # --- reading ---------------------------------------------------------------------

    async def list(self) -> builtins.list[Template]:
        """Every template, in the user's order."""
        return await self._run(lambda db: db.templates.list())

    async def get(self, template_id: int) -> Template | None:
        return await self._run(lambda db: db.templates.get(template_id))

    async def find(self, name: str) -> Template | None:
        """The template called ``name`` (case-insensitively), or None."""
        return await self._run(lambda db: db.templates.get_by_name(name))

    async def require(self, name: str) -> Template:
        """The template called ``name``, or ``InvalidInput`` naming it."""
        found = await self.find(name)
        if found is None:
            raise InvalidInput(f"there is no template named {' '.join(name.split())!r}")
        return found

    async def filter(self, query: str, limit: int | None = None) -> builtins.list[Template]:
        """The quick filter: templates matching a few letters of name or text, best first."""
        return rank_templates(await self.list(), query, limit)

    # --- writing ---------------------------------------------------------------------

    async def add(self, name: str, text: str) -> Template:
        """Save a new template, last in the list."""
        clean = check_name(name)
        check_text(text)
        return await self._change(lambda db: db.templates.add(clean, text))

    async def edit(self, template_id: int, text: str) -> Template:
        """Replace a template's text."""
        check_text(text)
        return await self._change(lambda db: db.templates.edit(template_id, text))

    async def rename(self, template_id: int, name: str) -> Template:
        clean = check_name(name)
        return await self._change(lambda db: db.templates.rename(template_id, clean))

    async def duplicate(self, template_id: int, name: str | None = None) -> Template:
        """A copy right after the original ("<name> (copy)" unless ``name`` is given)."""
        clean = check_name(name) if name is not None else None
        return await self._change(lambda db: db.templates.duplicate(template_id, clean))

    async def delete(self, template_id: int) -> bool:
        return await self._change(lambda db: db.templates.delete(template_id))

    async def move(self, template_id: int, index: int) -> builtins.list[Template]:
        """Put a template at ``index`` (0: first); returns the list in its new order."""
        return await self._change(lambda db: db.templates.move(template_id, index))

    # --- CSV -------------------------------------------------------------------------

    async def import_csv(self, text: str, *, replace: bool = False) -> TemplateImportReport:
        """Import ``name,text`` rows (see ``core.templates_io``) in one transaction."""
        rows = parse_templates_csv(text)
        report = await self._run(lambda db: apply_template_import(db, rows, replace=replace))
        if report.added or report.replaced:
            await self.changed.emit(None)
        return report

    async def import_file(self, path: Path, *, replace: bool = False) -> TemplateImportReport:
        from hubdesk.core.contacts_io import decode_text

        data = await asyncio.to_thread(path.read_bytes)
        return await self.import_csv(decode_text(data), replace=replace)

    async def export_csv(self, path: Path) -> int:
        """Write every template as CSV (UTF-8 with a BOM, private); returns how many."""
        templates = await self.list()
        data = write_templates_csv(templates).encode("utf-8-sig")
        await asyncio.to_thread(write_private, path, data)
        return len(templates)

    # --- internals -------------------------------------------------------------------

    async def _change(self, fn: Callable[[Database], T]) -> T:
        result = await self._run(fn)
        await self.changed.emit(None)
        return result

    async def _run(self, fn: Callable[[Database], T]) -> T:
        try:
            return await self._worker.run(fn)
        except TemplateError as exc:
            raise InvalidInput(str(exc)) from None
