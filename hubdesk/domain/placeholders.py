"""Placeholders in message texts and templates: parsing, checking and filling them in.

A text may hold placeholders in braces, filled per recipient when the message is sent:

* ``{first_name}``: the contact's first name ("Priya" for "Dr Priya Patel");
* ``{last_name}``: the contact's last name, with its particles ("van Beethoven");
* ``{name}``: the contact's name as saved in the address book;
* ``{number}``: the recipient's number in national form ("07400 123456"; international
  when not UK);
* ``{sender}``: the sender ID the message goes from (a numeric one in national form);
* ``{date}``: today's date, local: "Monday 7 December" (UK order, no year);
* ``{time}``: the time now, local, 24-hour: "14:05".

Rules (those of Python's ``str.format``, which many people already know):

* ``{{`` and ``}}`` are a literal ``{`` and ``}``; any other brace belongs to a
  placeholder, so a lone ``}``, an unclosed ``{`` and an unknown name are refused with
  the reason and the character where it happened (``TemplateSyntaxError``).
* Names are read case-insensitively and spaces around them are ignored
  (``{ First_Name }`` is ``{first_name}``).
* A default follows a bar: ``{first_name|there}`` gives "there" when the recipient has
  no first name. Spaces around the default are dropped; it may be empty
  (``{first_name|}``) and may not contain braces.
* A placeholder without a default whose value is missing (no contact has the number,
  or the contact's name has no first name) makes the text impossible to fill for that
  recipient: ``MissingValue`` names the placeholder and says why.

A recipient with no contact has no name: ``{first_name}``, ``{last_name}`` and
``{name}`` then need a default. ``{number}``, ``{sender}``, ``{date}`` and ``{time}``
always have a value.

Everything here is pure: the caller gives the moment (``PlaceholderContext.moment``) so
tests and scheduled sends decide what "today" is.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from hubdesk.domain.numbers import PhoneNumber, format_number

__all__ = [
    "PLACEHOLDERS",
    "Expansion",
    "MissingValue",
    "ParsedText",
    "Placeholder",
    "PlaceholderContext",
    "PlaceholderError",
    "TemplateSyntaxError",
    "UnknownPlaceholder",
    "escape",
    "expand",
    "expand_each",
    "format_date",
    "format_time",
    "known_list",
    "parse",
    "placeholder_values",
    "split_name",
]

#: Every placeholder name, in the order they are listed to people.
PLACEHOLDERS: tuple[str, ...] = (
    "first_name",
    "last_name",
    "name",
    "number",
    "sender",
    "date",
    "time",
)
#: Those filled from the contact: a recipient without a contact has none of them.
NAME_PLACEHOLDERS = frozenset({"first_name", "last_name", "name"})

_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December",
)  # fmt: skip
_SHOWN_MAX = 30  # characters of an unknown placeholder quoted back in an error


class PlaceholderError(ValueError):
    """A text whose placeholders cannot be used; ``str(e)`` is a sentence for a person."""


class TemplateSyntaxError(PlaceholderError):
    """The text is not well-formed: a brace out of place or an unknown placeholder.

    ``position`` is the 1-based character where the problem starts."""

    def __init__(self, message: str, position: int) -> None:
        super().__init__(message)
        self.position = position


class UnknownPlaceholder(TemplateSyntaxError):
    """A placeholder name that is not one of ``PLACEHOLDERS``."""

    def __init__(self, name: str, position: int) -> None:
        shown = name if len(name) <= _SHOWN_MAX else name[: _SHOWN_MAX - 1] + "…"
        hint = _suggestion(name)
        did_you_mean = f" (did you mean {{{hint}}}?)" if hint else ""
        super().__init__(
            f"unknown placeholder {{{shown}}} at character {position}{did_you_mean}; "
            f'the placeholders are {known_list()} (write "{{{{" and "}}}}" for literal braces)',
            position,
        )
        self.name = name
        self.suggestion = hint


class MissingValue(PlaceholderError):
    """A placeholder without a default has no value for this recipient."""

    def __init__(self, placeholders: tuple[str, ...], message: str) -> None:
        super().__init__(message)
        self.placeholders = placeholders


def known_list() -> str:
    """ "{first_name}, {last_name}, …, {time}": the list shown when a name is unknown."""
    return ", ".join(f"{{{name}}}" for name in PLACEHOLDERS)


def _squash(name: str) -> str:
    return re.sub(r"[^a-z]", "", name.lower())


def _suggestion(name: str) -> str | None:
    squashed = _squash(name)
    for known in PLACEHOLDERS:
        if squashed and squashed == _squash(known):
            return known
    close = difflib.get_close_matches(name.lower(), PLACEHOLDERS, n=1, cutoff=0.75)
    return close[0] if close else None


# --- parsing ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Placeholder:
    """One ``{name}`` or ``{name|default}``; ``start``/``end`` index the source text."""

    name: str
    default: str | None
    start: int
    end: int

    def __str__(self) -> str:
        if self.default is None:
            return f"{{{self.name}}}"
        return f"{{{self.name}|{self.default}}}"


@dataclass(frozen=True, slots=True)
class ParsedText:
    """A checked text: literal pieces (escapes already undone) and placeholders."""

    source: str
    pieces: tuple[str | Placeholder, ...]

    @property
    def placeholders(self) -> tuple[Placeholder, ...]:
        return tuple(p for p in self.pieces if isinstance(p, Placeholder))

    @property
    def names(self) -> tuple[str, ...]:
        """The placeholder names used, each once, in order of first use."""
        return tuple(dict.fromkeys(p.name for p in self.placeholders))

    @property
    def has_placeholders(self) -> bool:
        return any(isinstance(p, Placeholder) for p in self.pieces)

    def missing(self, values: Mapping[str, str | None]) -> tuple[str, ...]:
        """Names that have neither a value in ``values`` nor a default, each once."""
        found = [
            p.name
            for p in self.placeholders
            if p.default is None and not _present(values.get(p.name))
        ]
        return tuple(dict.fromkeys(found))

    def fill(self, values: Mapping[str, str | None]) -> str:
        """The text with every placeholder replaced; ``MissingValue`` when one cannot be."""
        missing = self.missing(values)
        if missing:
            shown = ", ".join(f"{{{name}}}" for name in missing)
            raise MissingValue(missing, f"no value for {shown}")
        out: list[str] = []
        for piece in self.pieces:
            if isinstance(piece, str):
                out.append(piece)
                continue
            value = values.get(piece.name)
            if _present(value):
                assert value is not None
                out.append(value)
            else:
                out.append(piece.default or "")
        return "".join(out)


def _present(value: str | None) -> bool:
    return value is not None and bool(value.strip())


def parse(text: str) -> ParsedText:
    """Split ``text`` into literals and placeholders; ``TemplateSyntaxError`` says why not.

    A text without braces is one literal: ``parse(t).fill({}) == t``."""
    pieces: list[str | Placeholder] = []
    literal: list[str] = []
    i, size = 0, len(text)
    while i < size:
        ch = text[i]
        if ch == "}":
            if text.startswith("}}", i):
                literal.append("}")
                i += 2
                continue
            raise TemplateSyntaxError(
                f'a "}}" at character {i + 1} closes no placeholder; write "}}}}" for a '
                "literal brace",
                i + 1,
            )
        if ch != "{":
            literal.append(ch)
            i += 1
            continue
        if text.startswith("{{", i):
            literal.append("{")
            i += 2
            continue
        placeholder = _placeholder_at(text, i)
        if literal:
            pieces.append("".join(literal))
            literal = []
        pieces.append(placeholder)
        i = placeholder.end
    if literal:
        pieces.append("".join(literal))
    return ParsedText(text, tuple(pieces))


def _placeholder_at(text: str, start: int) -> Placeholder:
    """The placeholder whose ``{`` is at ``start`` (not followed by another ``{``)."""
    close = -1
    for j in range(start + 1, len(text)):
        if text[j] == "}":
            close = j
            break
        if text[j] == "{":
            raise TemplateSyntaxError(
                f'a "{{" at character {start + 1} is not closed before the next "{{"; '
                'end the placeholder with "}", or write "{{" for a literal brace',
                start + 1,
            )
    if close < 0:
        raise TemplateSyntaxError(
            f'a "{{" at character {start + 1} is not closed; end the placeholder with "}}", '
            'or write "{{" for a literal brace',
            start + 1,
        )
    inside = text[start + 1 : close]
    written, bar, default = inside.partition("|")
    name = written.strip()
    if not name:
        raise TemplateSyntaxError(
            f"an empty placeholder at character {start + 1}; the placeholders are {known_list()}",
            start + 1,
        )
    if name.lower() not in PLACEHOLDERS:
        raise UnknownPlaceholder(name, start + 1)
    return Placeholder(name.lower(), default.strip() if bar else None, start, close + 1)


def escape(text: str) -> str:
    """``text`` with its braces doubled, so that it parses back to itself."""
    return text.replace("{", "{{").replace("}", "}}")


# --- values for one recipient ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PlaceholderContext:
    """What a text is filled from for one recipient.

    ``contact_name`` is the address book's name for the number (None: no contact);
    ``moment`` is the local time "today" and "now" mean (an aware datetime is shown in
    its own zone: pass ``datetime.now().astimezone()``)."""

    number: PhoneNumber
    sender: str
    moment: datetime
    contact_name: str | None = None


def format_date(moment: datetime) -> str:
    """ "Monday 7 December": weekday, day without a leading zero, month (English)."""
    return f"{_WEEKDAYS[moment.weekday()]} {moment.day} {_MONTHS[moment.month - 1]}"


def format_time(moment: datetime) -> str:
    """ "14:05": the 24-hour clock."""
    return f"{moment.hour:02d}:{moment.minute:02d}"


_TITLES = frozenset(
    "mr mrs ms miss mx dr doctor prof professor sir dame lady lord rev revd reverend fr "
    "master capt captain col major".split()
)
_SUFFIXES = frozenset("jr jnr sr snr ii iii iv phd md obe mbe cbe kc qc esq bsc msc".split())
_PARTICLES = frozenset("van von der den de del della da di du la le st bin binti al el".split())
_BRACKETED = re.compile(r"\([^)]*\)|\[[^\]]*\]")


def _word(word: str) -> str:
    return word.strip(".,").lower()


def split_name(name: str) -> tuple[str | None, str | None]:
    """(first name, last name) from a contact's name; either may be None.

    "Priya Patel" -> ("Priya", "Patel"); "Mary Ann Smith" -> ("Mary", "Smith");
    "Ludwig van Beethoven" -> ("Ludwig", "van Beethoven"); "Smith, John" -> ("John",
    "Smith"); "Dr Patel" -> (None, "Patel") (a title before one word is a surname);
    "Reception" -> ("Reception", None). Bracketed notes ("Alice (work)") and titles and
    suffixes ("Dr", "Mrs.", "Jr", "OBE") are left out."""
    plain = " ".join(_BRACKETED.sub(" ", name).split())
    if plain.count(",") == 1:  # "Surname, Given names" as many exports write it
        surname, given = (part.strip() for part in plain.split(","))
        if surname and given:
            first, _ = split_name(given)
            return first, " ".join(surname.split())
    words = [w.strip(",") for w in plain.split() if w.strip(",")]
    titled = False
    while len(words) > 1 and _word(words[0]) in _TITLES:
        words.pop(0)
        titled = True
    while len(words) > 1 and _word(words[-1]) in _SUFFIXES:
        words.pop()
    if not words:
        return None, None
    if len(words) == 1:
        return (None, words[0]) if titled else (words[0], None)
    last = [words[-1]]
    for word in reversed(words[1:-1]):
        if _word(word) not in _PARTICLES:
            break
        last.insert(0, word)
    return words[0], " ".join(last)


def placeholder_values(
    context: PlaceholderContext, wanted: Iterable[str] = PLACEHOLDERS
) -> dict[str, str | None]:
    """The ``wanted`` placeholders' values for one recipient (None: no value).

    Only what is wanted is worked out: formatting a number costs phonenumbers a
    fraction of a millisecond, which a 1,000-recipient report feels."""
    names = set(wanted)
    values: dict[str, str | None] = {}
    if names & NAME_PLACEHOLDERS:
        name = " ".join(context.contact_name.split()) if context.contact_name else None
        first, last = split_name(name) if name else (None, None)
        values.update(first_name=first, last_name=last, name=name or None)
    if "number" in names:
        values["number"] = context.number.national()
    if "sender" in names:
        values["sender"] = _sender_shown(context.sender)
    if "date" in names:
        values["date"] = format_date(context.moment)
    if "time" in names:
        values["time"] = format_time(context.moment)
    return values


@lru_cache(maxsize=64)
def _sender_shown(sender: str) -> str:
    """A numeric sender ID in national form, an alphanumeric one as it is."""
    return format_number(sender)


def _why_missing(context: PlaceholderContext, name: str) -> str:
    contact = " ".join((context.contact_name or "").split())
    if name in NAME_PLACEHOLDERS and not contact:
        return "no contact has this number"
    if name in ("first_name", "last_name"):
        part = "first" if name == "first_name" else "last"
        return f"the contact's name ({contact}) has no {part} name"
    return "it has no value"


def expand(parsed: ParsedText, context: PlaceholderContext) -> str:
    """The text for one recipient; ``MissingValue`` names the placeholders and says why."""
    values = placeholder_values(context, parsed.names)
    missing = parsed.missing(values)
    if missing:
        raise MissingValue(missing, _missing_sentence(missing, context))
    return parsed.fill(values)


def _missing_sentence(missing: tuple[str, ...], context: PlaceholderContext) -> str:
    shown = ", ".join(f"{{{name}}}" for name in missing)
    reasons = dict.fromkeys(_why_missing(context, name) for name in missing)
    example = missing[0]
    return (
        f"no value for {shown} for {context.number.national()}: {'; '.join(reasons)} "
        f"(a default fills the gap, e.g. {{{example}|there}})"
    )


@dataclass(frozen=True, slots=True)
class Expansion:
    """One recipient's text (None when it cannot be filled) and what is missing."""

    context: PlaceholderContext
    text: str | None
    missing: tuple[str, ...] = ()
    reason: str = ""  # why a value is missing, for the pre-send report

    @property
    def ok(self) -> bool:
        return self.text is not None


def expand_each(parsed: ParsedText, contexts: Iterable[PlaceholderContext]) -> list[Expansion]:
    """``expand`` for every recipient, never raising: a recipient whose text cannot be
    filled gets ``text=None`` and the missing placeholders (so callers count parts,
    preview and report per recipient)."""
    found: list[Expansion] = []
    for context in contexts:
        values = placeholder_values(context, parsed.names)
        missing = parsed.missing(values)
        if missing:
            reasons = dict.fromkeys(_why_missing(context, name) for name in missing)
            found.append(Expansion(context, None, missing, "; ".join(reasons)))
        else:
            found.append(Expansion(context, parsed.fill(values)))
    return found
